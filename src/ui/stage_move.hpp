// Moving an item to a stage (or to another pipeline's first stage) from anywhere: the card's stage bar, its
// menu, a kanban drag. When fields required there are empty, a fill-in prompt asks for them and the
// move happens only once they are filled; cancelling changes nothing.
#pragma once

#include <string>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// Emits the move at once when nothing is missing, otherwise opens the prompt. `pipeline` empty = the item's.
void request_move(const Workspace& ws, const std::string& user, const Item& item, const std::string& stage,
                  const std::string& pipeline, UiOutput& out);
// Draws the prompt when open (call once per frame from the top level).
void draw_stage_move_dialog(const Workspace& ws, const UiEnv& env, UiOutput& out);
bool stage_move_dialog_open();

}  // namespace kt::ui
