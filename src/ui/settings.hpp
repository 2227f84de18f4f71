// The settings screen: users, departments (a tree), roles with their rights, fields of each entity type
// (deleting custom fields), and smart-process types. Administrators only (fields: whoever may configure).
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_settings(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out);

}  // namespace kt::ui
