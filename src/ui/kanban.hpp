// The kanban board of one pipeline: a column per stage with the number of items and the sum of their
// amounts, cards with name, client, amount and responsible person. Dragging a card to another column moves
// the item (the fill-in prompt appears when that stage requires empty fields); a card's menu offers the same
// without a mouse; "+" in a column creates an item there. Columns draw only the cards in view.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_kanban(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out,
                 const std::vector<std::string>& ids, std::uint64_t generation, float width, float height);

}  // namespace kt::ui
