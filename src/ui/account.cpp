#include "ui/account.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "core/text.hpp"
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

// A kind of thing in a restore's dry run, for a person.
std::string kind_name(const std::string& kind) {
  static const char* kinds[] = {"item", "field", "entityType", "pipeline", "user", "role", "department",
                                "template", "numerator", "layout", "view", "stage", "section"};
  for (const char* k : kinds)
    if (kind == k) return tr(("upload.kind." + kind).c_str());
  return kind;
}

std::string text_of(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const auto& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : std::string();
}

// The name of one thing of a kind ("Элемент", "Поле") for a line about that one thing.
std::string one_name(const std::string& kind) {
  const std::string key = "upload.one." + kind;
  const char* s = tr(key.c_str());
  return std::strcmp(s, key.c_str()) == 0 ? kind_name(kind) : s;
}

// Why a line of the dry run is what it is, in the user's language (the report's code and values), or the
// server's English sentence (`fallback`) for a code this page does not know.
std::string reason_of(const nlohmann::json& e, const char* fallback) {
  const std::string code = text_of(e, "code");
  if (!code.empty()) {
    const std::string key = "upload.why." + code;
    const char* pattern = tr(key.c_str());
    if (std::strcmp(pattern, key.c_str()) != 0) {
      std::vector<std::string> args;
      if (e.contains("args") && e["args"].is_array())
        for (const auto& a : e["args"]) args.push_back(a.is_string() ? a.get<std::string>() : std::string());
      return fill_placeholders(pattern, args);
    }
  }
  return text_of(e, fallback);
}

const nlohmann::json& list_of(const nlohmann::json& report, const char* key) {
  static const nlohmann::json none = nlohmann::json::array();
  return report.is_object() && report.contains(key) && report[key].is_array() ? report[key] : none;
}

// One section of the dry run: a heading and a line per entry, wrapped at the dialog's width.
void report_section(const nlohmann::json& report, const char* key, const char* title_key, ImU32 color,
                    const std::function<std::string(const nlohmann::json&)>& line) {
  const nlohmann::json& list = list_of(report, key);
  if (list.empty()) return;
  heading(tr(title_key), std::string("upload:") + key);
  int n = 0;
  for (const auto& e : list) {
    const std::string text = line(e);
    if (text.empty()) continue;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(("• " + text).c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    sem_item(std::string("upload:") + key + ":" + std::to_string(n++), "listitem", text);
  }
  ImGui::Dummy(ImVec2(0, px(6)));
}

// "Отправить мои данные" after the login: progress, the dry run of a server that has data (with the choice of
// which server user each local user becomes), and what went wrong.
void draw_upload(const UiEnv& env, float fw, UiOutput& out) {
  using P = LoginState::Upload::Phase;
  const LoginState::Upload& u = env.login.upload;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + fw);
  if (u.phase == P::Sending || u.phase == P::Checking || u.phase == P::Applying || u.phase == P::Done) {
    const char* key = u.phase == P::Sending ? "upload.sending" : u.phase == P::Checking ? "upload.checking"
                                                                                       : "upload.applying";
    ImGui::TextUnformatted(tr(key));
    const float f = u.phase == P::Sending ? static_cast<float>(u.progress) : 1.0f;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%d%%", static_cast<int>(f * 100));
    ImGui::ProgressBar(f, ImVec2(fw, px(22)), u.phase == P::Sending ? pct : "");
    sem_item("upload:progress", "progressbar", tr(key), std::to_string(static_cast<int>(f * 100)));
  } else if (u.phase == P::Failed) {
    error_text_line(u.error, "upload:error");
    if (env.login.admin) {
      if (button(tr("upload.retry"), "upload:retry", true)) out.upload_retry = true;
      same_line_if_fits(tr("connect.replace"));
    }
    if (button(tr("connect.replace"), "connect:replace")) out.connect_upload = false;
  } else if (u.phase == P::Review && u.report) {
    const nlohmann::json& r = *u.report;
    ImGui::TextUnformatted(tr("upload.review"));
    sem_item("upload:review", "text", tr("upload.review"));
    ImGui::Dummy(ImVec2(0, px(4)));
    dialog_body_begin("upload:body");
    report_section(r, "create", "upload.create", color::kText, [](const nlohmann::json& e) {
      std::string line = kind_name(text_of(e, "kind")) + ": " + text_of(e, "count");
      std::string ex;
      if (e.contains("examples") && e["examples"].is_array())
        for (const auto& x : e["examples"])
          if (x.is_string()) ex += (ex.empty() ? "" : ", ") + x.get<std::string>();
      return ex.empty() ? line : line + " (" + ex + ")";
    });
    report_section(r, "merge", "upload.merge", color::kText, [](const nlohmann::json& e) {
      return one_name(text_of(e, "kind")) + " " + text_of(e, "id") + ": " + reason_of(e, "how");
    });
    report_section(r, "rename", "upload.rename", color::kText, [](const nlohmann::json& e) {
      std::string line = one_name(text_of(e, "kind")) + " " + text_of(e, "from") + " → " + text_of(e, "to");
      const std::string why = reason_of(e, "why");
      return why.empty() ? line : line + ": " + why;
    });
    report_section(r, "dropped", "upload.dropped", color::rgb(0xc62828), [](const nlohmann::json& e) {
      return one_name(text_of(e, "kind")) + " " + text_of(e, "id") + ": " + reason_of(e, "why");
    });
    if (r.contains("truncated") && r["truncated"].is_boolean() && r["truncated"].get<bool>()) muted_text(tr("upload.truncated"));
    // Which server user each local user becomes.
    const nlohmann::json& users = list_of(r, "users");
    const nlohmann::json& server_users = list_of(r, "serverUsers");
    if (!users.empty()) {
      heading(tr("upload.users"), "upload:users");
      std::vector<std::string> names{tr("upload.user_new")};
      std::vector<std::string> ids{"new"};
      for (const auto& su : server_users) {
        names.push_back(text_of(su, "name") + " (" + text_of(su, "id") + ")");
        ids.push_back(text_of(su, "id"));
      }
      for (const auto& lu : users) {
        const std::string local = text_of(lu, "local");
        const std::string to = text_of(lu, "action") == "map" ? text_of(lu, "to") : "new";
        int index = 0;
        for (size_t i = 0; i < ids.size(); ++i)
          if (ids[i] == to) index = static_cast<int>(i);
        if (combo(text_of(lu, "name"), "upload:user:" + local, names, &index, fw) && index >= 0) {
          nlohmann::json mapping = u.users.is_object() ? u.users : nlohmann::json::object();
          mapping[local] = ids[static_cast<size_t>(index)];
          out.upload_users = std::move(mapping);
        }
      }
    }
    dialog_body_end();
    if (button(tr("upload.confirm"), "upload:confirm", true)) out.upload_apply = true;
  }
  ImGui::PopTextWrapPos();
}

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
    // Wider while it shows a dry run, whose lines name items and reasons.
    const bool review = env.login.upload.phase == LoginState::Upload::Phase::Review;
    const float w = dialog_width(review ? 640 : 480);
    if (dialog_begin(tr("connect.title"), "connect", &g_connect.open, w)) {
      const float fw = w - px(48);
      if (!env.login.ok) {
        muted_text(tr("connect.text"));
        text_input(tr("connect.server"), "connect:server", &g_connect.server, fw, tr("connect.server_hint"));
        sem_last("connect:server").keyboard = "url";
        text_input(tr("connect.login"), "connect:login", &g_connect.login, fw);
        password_input(tr("connect.password"), "connect:password", &g_connect.password, fw);
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
        if (env.login.upload.phase != LoginState::Upload::Phase::None) {
          draw_upload(env, fw, out);
        } else if (env.login.local_has_data) {
          muted_text(tr("connect.choice"));
          if (button(tr("connect.upload"), "connect:upload", true)) out.connect_upload = true;
          same_line_if_fits(tr("connect.replace"));
          if (button(tr("connect.replace"), "connect:replace")) out.connect_upload = false;
        } else if (button(tr("connect.start"), "connect:replace", true)) {
          out.connect_upload = false;
        }
      }
      same_line_if_fits(tr("dialog.cancel"));
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
    const float w = dialog_width(460);
    if (dialog_begin(tr("logout.title"), "logout", &g_logout, w)) {
      ImGui::PushTextWrapPos(w - px(48));
      std::string text = tr("logout.text");
      const size_t refused = env.refused ? env.refused->size() : 0;
      if (refused > 0)
        text = fill_placeholders(tr("logout.refused"), {std::to_string(refused)}) + " " + text;
      if (env.connection.pending > 0) {
        char buf[256];
        std::snprintf(buf, sizeof buf, tr("logout.pending"), static_cast<int>(env.connection.pending));
        text = std::string(buf) + " " + text;
      }
      ImGui::TextUnformatted(text.c_str());
      ImGui::PopTextWrapPos();
      sem_item("logout:text", env.connection.pending > 0 || refused > 0 ? "alert" : "text", text);
      if (danger_button(tr("logout.submit"), "logout:submit", true)) {
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
