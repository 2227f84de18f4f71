// A form's Save (or Delete) asks the core first (Workspace::check): a refusal is said in the form, which
// stays open with what was typed; else the change goes out and the form's dialog closes.
#pragma once

#include <imgui.h>

#include <string>
#include <utility>

#include "core/workspace.hpp"
#include "ui/i18n.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// Whether the core takes `change` from the user; if not, `*error` says why in the user's words.
template <class C>
bool accepted(const Workspace& ws, const UiEnv& env, const C& change, std::string* error) {
  Status st = ws.check(env.user, change);
  if (!st) *error = error_text(st.code);
  return static_cast<bool>(st);
}

// The same, and when taken the change goes out and the form (`*open`, the current popup) closes.
template <class C>
void send_if_accepted(const Workspace& ws, const UiEnv& env, C change, std::string* error, bool* open, UiOutput& out) {
  if (!accepted(ws, env, change, error)) return;
  out.commands.push_back(std::move(change));
  *open = false;
  ImGui::CloseCurrentPopup();
}

}  // namespace kt::ui
