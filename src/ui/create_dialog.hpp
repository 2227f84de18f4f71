// The form that creates an item: its name, its pipeline, and every field required on the first stage.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// Opens the form for a new item, in `pipeline` and on `stage` when given (a kanban column's "+").
void open_create_dialog(const std::string& entity, const std::string& pipeline = {}, const std::string& stage = {});
void draw_create_dialog(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out);

// The form left open with something typed or picked in it (other than the fields' defaults), for the app to
// keep across a page the browser discards (App::save_drafts); null when there is none. set_create_draft
// opens the form again with what create_draft gave, on the list of its entity type (`view`), when `user`
// may still add such items: an entity type, a pipeline or fields the workspace no longer has, and values
// of the wrong kind, are skipped.
nlohmann::json create_draft(const Workspace& ws);
void set_create_draft(const Workspace& ws, const ViewState& view, const std::string& user, const nlohmann::json& draft);

}  // namespace kt::ui
