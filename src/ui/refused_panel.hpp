// The changes the server refused (issue 19, core/refused.hpp): a dialog listing each one with the item, the
// field, its old and new values as the card shows them, and the reason; per change "re-apply" (the app
// dispatches it again as a new change), "copy" (its value to the clipboard) and "discard". Opened from the
// badge beside the sync status in the top bar and from the toast that reports a refusal.
#pragma once

#include <string>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void open_refused_panel();
bool refused_panel_open();
void draw_refused_panel(const Workspace& ws, const UiEnv& env, UiOutput& out);
// The reason of a refusal for a person: the translation of the server's code when there is one, else the
// server's own message.
std::string refusal_reason(const std::string& code, const std::string& message);

}  // namespace kt::ui
