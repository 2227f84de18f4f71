#include "ui/account.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <cstdio>

#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct ConnectForm {
  bool open = false;
  std::string server, login, password;
  std::string error;
};
ConnectForm g_connect;
bool g_logout = false;

}  // namespace

void open_connect_dialog() {
  g_connect = ConnectForm{};
  g_connect.open = true;
}

void open_logout_dialog() { g_logout = true; }

void sync_status(const UiEnv& env, const char** key, ImU32* col, std::string* detail) {
  detail->clear();
  if (!env.connection.connected) {
    *key = env.save == SaveState::Saved       ? "status.saved"
           : env.save == SaveState::Saving    ? "status.saving"
           : env.save == SaveState::MemoryOnly ? "status.memory"
                                               : "status.error";
    *col = env.save == SaveState::Saved ? color::rgb(0x9be15d)
           : env.save == SaveState::Saving ? color::rgb(0xffffff, 200)
                                           : color::rgb(0xff8a80);
    return;
  }
  using S = ConnectionInfo::Sync;
  switch (env.connection.sync) {
    case S::Synced: *key = "sync.synced"; *col = color::rgb(0x9be15d); break;
    case S::Syncing: *key = "sync.syncing"; *col = color::rgb(0xffffff, 200); break;
    case S::Pending: *key = "sync.pending"; *col = color::rgb(0xffd54f); break;
    case S::Offline: *key = "sync.offline"; *col = color::rgb(0xb0bec5); break;
    case S::Error: *key = "sync.error"; *col = color::rgb(0xff8a80); break;
    case S::Unauthorized: *key = "sync.unauthorized"; *col = color::rgb(0xff8a80); break;
  }
  if (env.connection.pending > 0) *detail = std::to_string(env.connection.pending);
  if (!env.connection.reason.empty() && (env.connection.sync == S::Error || env.connection.sync == S::Unauthorized))
    *detail = env.connection.reason;
}

void draw_account_dialogs(const Workspace& ws, const UiEnv& env, UiOutput& out) {
  if (g_connect.open) {
    const float w = px(480);
    if (dialog_begin(tr("connect.title"), "connect", &g_connect.open, w)) {
      const float fw = w - px(48);
      if (!env.login.ok) {
        muted_text(tr("connect.text"));
        text_input(tr("connect.server"), "connect:server", &g_connect.server, fw, tr("connect.server_hint"));
        text_input(tr("connect.login"), "connect:login", &g_connect.login, fw);
        caption(tr("connect.password"));
        ImGui::SetNextItemWidth(fw);
        ImGui::PushID("connect:password");
        ImGui::InputText("##p", &g_connect.password, ImGuiInputTextFlags_Password);
        ImGui::PopID();
        sem_item("connect:password", "textbox", tr("connect.password"));
        const std::string& err = g_connect.error.empty() ? env.login.error : g_connect.error;
        if (!err.empty()) error_text_line(err, "connect:error");
        if (env.login.busy) muted_text(tr("connect.busy"));
        if (button(tr("connect.submit"), "connect:submit", true, !env.login.busy)) {
          g_connect.error.clear();
          if (g_connect.login.empty() || g_connect.password.empty()) g_connect.error = tr("connect.need_login");
          else out.login = UiOutput::Login{g_connect.server, g_connect.login, g_connect.password};
        }
      } else {
        ImGui::PushTextWrapPos(fw);
        ImGui::TextUnformatted((std::string(tr("connect.hello")) + " " + env.login.user_name).c_str());
        ImGui::PopTextWrapPos();
        sem_item("connect:hello", "text", env.login.user_name);
        if (env.login.local_has_data) {
          muted_text(tr("connect.choice"));
          if (button(tr("connect.upload"), "connect:upload", true)) out.connect_upload = true;
          ImGui::SameLine();
          if (button(tr("connect.replace"), "connect:replace")) out.connect_upload = false;
        } else if (button(tr("connect.start"), "connect:replace", true)) {
          out.connect_upload = false;
        }
      }
      ImGui::SameLine();
      if (button(tr("dialog.cancel"), "connect:cancel")) {
        out.cancel_login = true;
        g_connect.open = false;
        ImGui::CloseCurrentPopup();
      }
      dialog_end();
    }
    if (!g_connect.open) out.cancel_login = true;
  }
  if (g_logout) {
    const float w = px(460);
    if (dialog_begin(tr("logout.title"), "logout", &g_logout, w)) {
      ImGui::PushTextWrapPos(w - px(48));
      std::string text = tr("logout.text");
      if (env.connection.pending > 0) {
        char buf[256];
        std::snprintf(buf, sizeof buf, tr("logout.pending"), static_cast<int>(env.connection.pending));
        text = std::string(buf) + " " + text;
      }
      ImGui::TextUnformatted(text.c_str());
      ImGui::PopTextWrapPos();
      sem_item("logout:text", env.connection.pending > 0 ? "alert" : "text", text);
      if (button(tr("logout.submit"), "logout:submit", true)) {
        out.logout = true;
        g_logout = false;
        ImGui::CloseCurrentPopup();
      }
      ImGui::SameLine();
      if (button(tr("dialog.cancel"), "logout:cancel")) {
        g_logout = false;
        ImGui::CloseCurrentPopup();
      }
      dialog_end();
    }
  }
  (void)ws;
}

bool draw_other_tab_notice(const UiEnv& env, UiOutput& out) {
  if (!env.other_tab) return false;
  ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetCursorPos(ImVec2(display.x / 2 - px(260), display.y / 3));
  panel_begin("othertab", px(520));
  heading(tr("othertab.title"), "othertab:title");
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + px(480));
  ImGui::TextUnformatted(tr("othertab.text"));
  ImGui::PopTextWrapPos();
  sem_item("othertab:text", "alert", tr("othertab.text"));
  ImGui::Dummy(ImVec2(0, px(6)));
  if (button(tr("othertab.take"), "othertab:take", true)) out.take_over_tab = true;
  panel_end();
  return true;
}

}  // namespace kt::ui
