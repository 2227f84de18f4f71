#include "ui/app_ui.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <deque>

#include "core/rights.hpp"
#include "ui/account.hpp"
#include "ui/card.hpp"
#include "ui/data_io.hpp"
#include "ui/date_picker.hpp"
#include "ui/entity_list.hpp"
#include "ui/help_panel.hpp"
#include "ui/i18n.hpp"
#include "ui/progress.hpp"
#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/recycle_bin.hpp"
#include "ui/refused_panel.hpp"
#include "ui/settings.hpp"
#include "ui/stage_move.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Routes, toasts, picked files
// ---------------------------------------------------------------------------------------------------------

std::string route_of(const ViewState& view) {
  switch (view.screen) {
    case Screen::Card:
      if (view.item.empty()) break;
      return "#/item/" + view.item + (view.tab.empty() || view.tab == "main" ? "" : "/" + view.tab);
    case Screen::Settings: return "#/settings/" + view.settings;
    case Screen::Bin: return "#/bin";
    case Screen::List: break;
  }
  if (view.board) return "#/kanban/" + view.entity + "/" + view.board_pipeline;
  return "#/list/" + view.entity;
}

bool parse_route(const std::string& hash, ViewState* view) {
  auto rest = [&](const std::string& prefix) -> std::optional<std::string> {
    if (hash.rfind(prefix, 0) == 0 && hash.size() > prefix.size()) return hash.substr(prefix.size());
    return std::nullopt;
  };
  if (hash.empty() || hash == "#" || hash == "#/" || hash == "#/deals") {
    view->screen = Screen::List;
    view->entity = "deal";
    view->item.clear();
    return true;
  }
  if (auto e = rest("#/list/")) {
    view->screen = Screen::List;
    view->entity = *e;
    view->board = false;
    view->item.clear();
    return true;
  }
  if (auto k = rest("#/kanban/")) {
    view->screen = Screen::List;
    auto slash = k->find('/');
    view->entity = k->substr(0, slash);
    view->board_pipeline = slash == std::string::npos ? "0" : k->substr(slash + 1);
    view->board = true;
    view->item.clear();
    return true;
  }
  if (hash == "#/bin") {
    view->screen = Screen::Bin;
    return true;
  }
  if (auto s = rest("#/settings/")) {
    view->screen = Screen::Settings;
    view->settings = *s;
    return true;
  }
  if (auto i = rest("#/item/")) {
    view->screen = Screen::Card;
    auto slash = i->find('/');
    view->item = i->substr(0, slash);
    view->tab = slash == std::string::npos ? "main" : i->substr(slash + 1);
    return !view->item.empty();
  }
  return false;
}

namespace {

struct Toast {
  std::string text;
  bool error;
  double until;
  std::string link, action;  // a toast that opens something when clicked (toast_action)
};
std::deque<Toast> g_toasts;
std::vector<PickedFile> g_files;

void run_toast_action(const std::string& action) {
  if (action == "refused") open_refused_panel();
}

void draw_toasts() {
  const double now = ImGui::GetTime();
  while (!g_toasts.empty() && g_toasts.front().until < now) g_toasts.pop_front();
  ImVec2 display = ImGui::GetIO().DisplaySize;
  float y = display.y - px(20);
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  int i = 0;
  std::string clicked;
  for (auto it = g_toasts.rbegin(); it != g_toasts.rend(); ++it, ++i) {
    ImVec2 ts = ImGui::CalcTextSize(it->text.c_str(), nullptr, false, px(380));
    ImVec2 ls = it->link.empty() ? ImVec2(0, 0) : ImGui::CalcTextSize(it->link.c_str());
    const float link_h = it->link.empty() ? 0 : ls.y + px(6);
    ImVec2 b(display.x - px(20), y);
    ImVec2 a(b.x - std::max(ts.x, ls.x) - px(32), b.y - ts.y - link_h - px(24));
    if (!it->action.empty()) {
      // A window of its own over the toast, so that the click goes to it and not to what lies under it.
      ImGui::SetNextWindowPos(a);
      ImGui::SetNextWindowSize(ImVec2(b.x - a.x, b.y - a.y));
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin(("##toast:" + it->action).c_str(), nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                       ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove);
      ImGui::PopStyleVar();
      if (ImGui::InvisibleButton("act", ImVec2(b.x - a.x, b.y - a.y))) clicked = it->action;
      if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      ImGui::End();
    }
    dl->AddRectFilled(a, b, it->error ? color::rgb(0xc62828, 240) : color::rgb(0x263238, 235), px(8));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(a.x + px(16), a.y + px(12)), color::rgb(0xffffff),
                it->text.c_str(), nullptr, px(380));
    sem_rect("toast:" + std::to_string(i), it->error ? "alert" : "status", it->text, a, b);
    if (!it->link.empty()) {
      const ImVec2 lp(a.x + px(16), a.y + px(12) + ts.y + px(6));
      dl->AddText(lp, color::rgb(0xffffff), it->link.c_str());
      dl->AddLine(ImVec2(lp.x, lp.y + ls.y), ImVec2(lp.x + ls.x, lp.y + ls.y), color::rgb(0xffffff, 200), 1.0f);
      sem_rect("toast:" + std::to_string(i) + ":" + it->action, "button", it->link, lp,
               ImVec2(lp.x + ls.x, lp.y + ls.y));
    }
    y = a.y - px(10);
  }
  if (!clicked.empty()) {
    g_toasts.erase(std::remove_if(g_toasts.begin(), g_toasts.end(), [&](const Toast& t) { return t.action == clicked; }),
                   g_toasts.end());
    run_toast_action(clicked);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Top bar and banners
// ---------------------------------------------------------------------------------------------------------

// A navigation entry of the top bar; returns true when clicked.
bool nav_item(const std::string& label, const std::string& id, bool active, float* x, float y0, float h) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 ls = ImGui::CalcTextSize(label.c_str());
  ImVec2 a(*x - px(10), y0 + px(8)), b(*x + ls.x + px(10), y0 + h - px(8));
  ImGui::SetCursorScreenPos(a);
  bool clicked = ImGui::InvisibleButton(id.c_str(), ImVec2(b.x - a.x, b.y - a.y));
  bool hovered = ImGui::IsItemHovered();
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  if (active || hovered) dl->AddRectFilled(a, b, color::rgb(0xffffff, active ? 40 : 20), px(6));
  dl->AddText(ImVec2(*x, y0 + (h - ImGui::GetTextLineHeight()) / 2), color::rgb(0xffffff), label.c_str());
  sem_rect(id, "link", label, a, b).selected = active;
  *x = b.x + px(14);
  return clicked;
}

// The count of refused changes, as a red pill that opens their list, ending at `right`; returns its left edge.
float refused_badge(const RefusedList& refused, float right, float y0, float h) {
  char text[128];
  std::snprintf(text, sizeof text, tr("refused.badge"), static_cast<int>(refused.size()));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const ImVec2 a(right - ts.x - px(20), y0 + px(13)), b(right, y0 + h - px(13));
  ImGui::SetCursorScreenPos(a);
  if (ImGui::InvisibleButton("refused:open", ImVec2(b.x - a.x, b.y - a.y))) open_refused_panel();
  const bool hovered = ImGui::IsItemHovered();
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  dl->AddRectFilled(a, b, hovered ? color::rgb(0xef5350) : color::rgb(0xe53935), (b.y - a.y) / 2);
  dl->AddText(ImVec2(a.x + px(10), a.y + (b.y - a.y - ts.y) / 2), color::rgb(0xffffff), text);
  sem_rect("refused:open", "button", text, a, b);
  return a.x;
}

void draw_top_bar(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  const float h = px(52);
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), color::kTopBar);
  const Schema& s = ws.schema();

  ImGui::PushFont(fonts().title);
  dl->AddText(ImVec2(p.x + px(20), p.y + (h - ImGui::GetTextLineHeight()) / 2), color::rgb(0xffffff), tr("app.name"));
  float logo_w = ImGui::CalcTextSize(tr("app.name")).x;
  ImGui::PopFont();

  // One entry per entity type the user may read, then settings.
  ImGui::PushFont(fonts().medium);
  float x = p.x + px(20) + logo_w + px(32);
  for (const auto& e : s.entities) {
    if (rights_for(s, env.user, e.id).read == Level::None) continue;
    bool active = view.screen != Screen::Settings && view.screen != Screen::Bin && view.entity == e.id &&
                  (view.screen == Screen::List || (ws.item(view.item) && ws.item(view.item)->entity == e.id));
    if (nav_item(e.plural.get(language()), "nav:" + e.id, active, &x, p.y, h)) {
      view.screen = Screen::List;
      view.entity = e.id;
      view.item.clear();
      edit.close();
      out.navigated = true;
    }
  }
  if (nav_item(tr("nav.bin"), "nav:bin", view.screen == Screen::Bin, &x, p.y, h)) {
    view.screen = Screen::Bin;
    edit.close();
    out.navigated = true;
  }
  bool configurator = is_admin(s, env.user);
  for (const auto& e : s.entities) configurator = configurator || can_configure(s, env.user, e.id);
  if (configurator && nav_item(tr("nav.settings"), "nav:settings", view.screen == Screen::Settings, &x, p.y, h)) {
    view.screen = Screen::Settings;
    if (!is_admin(s, env.user)) view.settings = "fields";
    edit.close();
    out.navigated = true;
  }
  ImGui::PopFont();

  // Right side: save state, language, user (a switcher of the local workspace's users).
  const User* user = s.user(env.user);
  std::string who = (user ? user->name : env.user) + " \xe2\x96\xbc";
  const char* save_key = "status.saved";
  ImU32 save_col = 0;
  std::string save_detail;
  sync_status(env, &save_key, &save_col, &save_detail);
  float rx = p.x + w - px(20);
  rx = help_button(rx, p.y, h);
  ImGui::PushFont(fonts().small);
  ImVec2 us = ImGui::CalcTextSize(who.c_str());
  rx -= us.x;
  float sy = p.y + (h - ImGui::GetTextLineHeight()) / 2;
  ImGui::SetCursorScreenPos(ImVec2(rx - px(6), p.y + px(12)));
  if (ImGui::InvisibleButton("user", ImVec2(us.x + px(12), h - px(24)))) ImGui::OpenPopup("userswitch");
  if (ImGui::IsItemHovered()) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    dl->AddRectFilled(ImVec2(rx - px(6), p.y + px(12)), ImVec2(rx + us.x + px(6), p.y + h - px(12)), color::rgb(0xffffff, 25), px(4));
  }
  dl->AddText(ImVec2(rx, sy), color::rgb(0xffffff, 230), who.c_str());
  sem_rect("user", "button", user ? user->name : env.user, ImVec2(rx, sy), ImVec2(rx + us.x, sy + us.y));
  ImGui::SetNextWindowPos(ImVec2(p.x + w - px(20), p.y + h), ImGuiCond_Always, ImVec2(1, 0));
  if (ImGui::BeginPopup("userswitch")) {
    if (!env.connection.connected) {
      // The local workspace: work as any of its users, so that every rule can be tried.
      muted_text(tr("user.switch"));
      for (const auto& u : s.users) {
        if (!u.active) continue;
        std::string line = u.name;
        if (const Department* d = s.department(u.department)) line += "  ·  " + d->name;
        if (ImGui::Selectable(line.c_str(), u.id == env.user)) {
          out.switch_user = u.id;
          edit.close();
        }
        sem_item("switchuser:" + u.id, "option", u.name).selected = u.id == env.user;
      }
      ImGui::Separator();
      if (ImGui::Selectable(tr("connect.menu"))) open_connect_dialog();
      sem_item("menu:connect", "menuitem", tr("connect.menu"));
    } else {
      muted_text(env.connection.login + (env.connection.server.empty() ? "" : " @ " + env.connection.server));
      if (ImGui::Selectable(tr("sync.retry"))) out.retry_sync = true;
      sem_item("menu:sync", "menuitem", tr("sync.retry"));
      if (ImGui::Selectable(tr("logout.menu"))) open_logout_dialog();
      sem_item("menu:logout", "menuitem", tr("logout.menu"));
    }
    ImGui::EndPopup();
  }

  rx -= px(28);
  for (Lang l : {Lang::En, Lang::Ru}) {
    const char* code = l == Lang::Ru ? "RU" : "EN";
    ImVec2 cs = ImGui::CalcTextSize(code);
    rx -= cs.x + px(16);
    ImVec2 a(rx, p.y + px(14)), b(rx + cs.x + px(16), p.y + h - px(14));
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(code);
    if (ImGui::InvisibleButton("lang", ImVec2(b.x - a.x, b.y - a.y)) && language() != l) out.language = l;
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    bool on = language() == l;
    dl->AddRectFilled(a, b, on ? color::rgb(0xffffff, 60) : color::rgb(0xffffff, hovered ? 25 : 0), px(4));
    dl->AddText(ImVec2(a.x + px(8), a.y + (b.y - a.y - cs.y) / 2), color::rgb(0xffffff, on ? 255 : 170), code);
    sem_rect(std::string("lang:") + (l == Lang::Ru ? "ru" : "en"), "button", l == Lang::Ru ? "Русский" : "English", a, b)
        .selected = on;
  }

  std::string save_text = tr(save_key);
  if (!save_detail.empty()) save_text += ": " + save_detail;
  ImVec2 ss = ImGui::CalcTextSize(save_text.c_str());
  rx -= ss.x + px(28);
  dl->AddCircleFilled(ImVec2(rx - px(10), p.y + h / 2), px(4), save_col);
  dl->AddText(ImVec2(rx, sy), color::rgb(0xffffff, 200), save_text.c_str());
  sem_rect("save-status", "status", save_text, ImVec2(rx - px(16), sy), ImVec2(rx + ss.x, sy + ss.y)).value = save_key;
  if (env.refused && !env.refused->empty()) rx = refused_badge(*env.refused, rx - px(24), p.y, h);
  ImGui::PopFont();

  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + h));
  ImGui::Dummy(ImVec2(w, 0));
}

void draw_banner(const std::string& text, ImU32 bg, const std::string& sem_id) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x;
  ImVec2 ts = ImGui::CalcTextSize(text.c_str(), nullptr, false, w - px(40));
  float h = ts.y + px(16);
  ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w, p.y + h), bg);
  ImGui::GetWindowDrawList()->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + px(20), p.y + px(8)),
                                      color::kText, text.c_str(), nullptr, w - px(40));
  sem_rect(sem_id, "alert", text, p, ImVec2(p.x + w, p.y + h));
  ImGui::Dummy(ImVec2(w, h));
}

}  // namespace

void toast(std::string text, bool error) {
  g_toasts.push_back(Toast{std::move(text), error, ImGui::GetTime() + (error ? 6.0 : 3.5), {}, {}});
  request_redraw_at(g_toasts.back().until);
  while (g_toasts.size() > 4) g_toasts.pop_front();
}

void toast_action(std::string text, bool error, std::string link, std::string action) {
  g_toasts.erase(std::remove_if(g_toasts.begin(), g_toasts.end(), [&](const Toast& t) { return t.action == action; }),
                 g_toasts.end());
  // Longer than a plain toast: there is something to do about it.
  g_toasts.push_back(Toast{std::move(text), error, ImGui::GetTime() + 10.0, std::move(link), std::move(action)});
  request_redraw_at(g_toasts.back().until);
  while (g_toasts.size() > 4) g_toasts.pop_front();
}

void deliver_file(PickedFile f) { g_files.push_back(std::move(f)); }

std::optional<PickedFile> take_file(const std::string& purpose) {
  for (auto it = g_files.begin(); it != g_files.end(); ++it)
    if (it->purpose == purpose) {
      PickedFile f = std::move(*it);
      g_files.erase(it);
      return f;
    }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The frame
// ---------------------------------------------------------------------------------------------------------

void draw_app(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  sem_begin_frame();
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  // No background: the renderer clears the canvas to the same colour (color::kBackground) before drawing.
  // A full-screen rectangle cost as much to rasterise as everything else on the card together with a
  // software rasteriser (SwiftShader: ~25 ms of its CPU per frame, competing with the page for the cores).
  set_calendar_clock(env.now_ms, env.tz_minutes);  // "today" in the date pickers
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollbar |
                   ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
  ImGui::PopStyleVar();
  if (draw_other_tab_notice(env, out)) {
    ImGui::End();
    draw_toasts();
    return;
  }
  draw_top_bar(ws, env, view, edit, out);
  if (!env.storage_error.empty())
    draw_banner(std::string(tr("storage.unavailable")) + " (" + env.storage_error + ")", color::kErrorBg, "banner:storage");
  if (!env.notice.empty()) draw_banner(env.notice, color::kWarnBg, "banner:notice");

  switch (view.screen) {
    case Screen::Card: draw_card(ws, env, view, edit, out); break;
    case Screen::Settings: draw_settings(ws, env, view, out); break;
    case Screen::Bin: draw_recycle_bin(ws, env, view, out); break;
    case Screen::List: draw_entity_list(ws, env, view, edit, out); break;
  }
  ImGui::End();
  draw_account_dialogs(ws, env, out);
  draw_refused_panel(ws, env, out);
  draw_stage_move_dialog(ws, env, out);
  draw_data_io_dialogs(ws, env, view, out);
  notify_reminders(ws, env);
  if (out.open_item) {
    view.screen = Screen::Card;
    view.item = *out.open_item;
    view.tab = "main";
    edit.close();
    out.navigated = true;
  }

  // Undo / redo from the keyboard when no text field has focus (inside one, Ctrl+Z undoes typing).
  if (!io.WantTextInput && io.KeyCtrl) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z), false)) {
      if (io.KeyShift) out.redo = true;
      else out.undo = true;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y), false)) out.redo = true;
  }
  // Esc closes an editor that shows an error even when it does not have focus.
  if (edit.open() && !edit.error.empty() && !io.WantTextInput &&
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
    edit.close();
  draw_toasts();
  draw_progress();
  draw_help_panel();
}

}  // namespace kt::ui
