// The form that creates an item: its name, its pipeline, and every field required on the first stage.
#pragma once

#include <string>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// Opens the form for a new item, in `pipeline` and on `stage` when given (a kanban column's "+").
void open_create_dialog(const std::string& entity, const std::string& pipeline = {}, const std::string& stage = {});
void draw_create_dialog(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out);

}  // namespace kt::ui
