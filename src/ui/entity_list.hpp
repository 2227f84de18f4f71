// The list of items of one entity type: a sortable, virtualised table; a row opens the card; "Create"
// opens the creation form (asking for the fields required on the first stage).
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_entity_list(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out);

}  // namespace kt::ui
