// The list of items of one entity type: a sortable, virtualised table; a row opens the card; "Create"
// opens the creation form (asking for the fields required on the first stage).
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_entity_list(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out);

// Prepares the lists' quick search (the folded search text of every item, QueryCache::warm) for at most
// `max_rows` more items; true once every entity type is done. Called in idle time after start.
bool warm_list_search(const Workspace& ws, size_t max_rows);

}  // namespace kt::ui
