// Settings → Documents: the company's details, document templates and numerators (administrators).
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void documents_settings_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width);

}  // namespace kt::ui
