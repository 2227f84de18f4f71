// The list of deals: a sortable table, virtualised, each row opening the deal's card.
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_deal_list(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out);

}  // namespace kt::ui
