// The whole UI of one frame: top bar, banners, the current screen and toasts. Reads a const workspace and
// writes what the user asked for into UiOutput; it never changes domain data itself.
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_app(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out);

}  // namespace kt::ui
