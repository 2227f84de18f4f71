// Connecting to a server (address, login, password; then upload or replace the local data), leaving it
// (with a warning about unsent changes), the sync status in the top bar, and the notice shown when another
// tab owns the local store.
#pragma once

#include "core/workspace.hpp"
#include <imgui.h>

#include "ui/ui_state.hpp"

namespace kt::ui {

void open_connect_dialog();
void open_logout_dialog();
void draw_account_dialogs(const Workspace& ws, const UiEnv& env, UiOutput& out);
// The status text and colour of the top bar: local saving, or sync state.
void sync_status(const UiEnv& env, const char** key, ImU32* color, std::string* detail);
// The full-window notice of a second tab; returns true when it was drawn (nothing else should be).
bool draw_other_tab_notice(const UiEnv& env, UiOutput& out);

}  // namespace kt::ui
