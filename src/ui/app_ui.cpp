#include "ui/app_ui.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <deque>

#include "core/rights.hpp"
#include "core/text.hpp"
#include "ui/account.hpp"
#include "ui/card.hpp"
#include "ui/data_io.hpp"
#include "ui/date_picker.hpp"
#include "ui/entity_list.hpp"
#include "ui/help_panel.hpp"
#include "ui/i18n.hpp"
#include "ui/phases.hpp"
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

const Item* item_of_ref(const Workspace& ws, const std::string& ref) {
  const auto slash = ref.find('/');
  if (slash == std::string::npos) return nullptr;
  const std::uint64_t n = item_number_of(std::string_view(ref).substr(slash + 1));
  return n ? ws.item_by_number(ref.substr(0, slash), n) : nullptr;
}

std::string route_of(const ViewState& view, const Workspace* ws) {
  switch (view.screen) {
    case Screen::Card: {
      const std::string tab = view.tab.empty() || view.tab == "main" ? "" : "/" + view.tab;
      if (view.item.empty() && !view.ref.empty()) return "#/" + view.ref + tab;
      if (view.item.empty()) break;
      // By its number when it has one: a link a person can read, say and share.
      if (const Item* it = ws ? ws->item(view.item) : nullptr; it && it->number)
        return "#/" + it->entity + "/" + std::to_string(it->number) + tab;
      return "#/item/" + view.item + tab;
    }
    case Screen::Settings: return "#/settings/" + view.settings;
    case Screen::Bin: return "#/bin";
    case Screen::List: break;
  }
  if (view.board) return "#/kanban/" + view.entity + "/" + view.board_pipeline;
  return "#/list/" + view.entity;
}

bool parse_route(const std::string& hash, ViewState* view, const Workspace* ws) {
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
    auto slash = i->find('/');
    if (slash == 0) return false;
    view->screen = Screen::Card;
    view->item = i->substr(0, slash);
    view->ref.clear();
    view->tab = slash == std::string::npos ? "main" : i->substr(slash + 1);
    return true;
  }
  // "#/<entity>/<number>[/<tab>]": an entity type of the workspace and digits.
  if (!ws || hash.rfind("#/", 0) != 0) return false;
  const std::string path = hash.substr(2);
  const auto first = path.find('/');
  if (first == std::string::npos || !ws->schema().entity(path.substr(0, first))) return false;
  const auto second = path.find('/', first + 1);
  std::string ref = path.substr(0, second);
  if (!item_number_of(std::string_view(ref).substr(first + 1))) return false;
  view->screen = Screen::Card;
  view->tab = second == std::string::npos ? "main" : path.substr(second + 1);
  if (const Item* it = item_of_ref(*ws, ref)) {
    view->item = it->id;
    view->ref.clear();
  } else {
    view->item.clear();
    view->ref = std::move(ref);
  }
  return true;
}

namespace {

struct Toast {
  std::string text;
  bool error;
  double until;
  std::string link, action;  // a toast that opens something when clicked (toast_action)
  std::string key;           // the translation key of a page's message (toast_key): its text follows the language
};
std::deque<Toast> g_toasts;
std::vector<PickedFile> g_files;

void run_toast_action(const std::string& action) {
  if (action == "refused") open_refused_panel();
}

// The band toasts keep clear of this frame (toasts_above, toasts_clear_of); top 0 for none. Its right: where
// what it holds ends (< 0: its whole width is taken).
float g_toasts_band_top = 0, g_toasts_band_bottom = 0, g_toasts_band_right = -1;

}  // namespace

void toasts_above(float top) { toasts_clear_of(top, ImGui::GetIO().DisplaySize.y); }

void toasts_clear_of(float top, float bottom, float used_right) {
  if (g_toasts_band_top > 0) return;
  g_toasts_band_top = top;
  g_toasts_band_bottom = bottom;
  g_toasts_band_right = used_right;
}

namespace {

void draw_toasts() {
  const double now = ImGui::GetTime();
  while (!g_toasts.empty() && g_toasts.front().until < now) g_toasts.pop_front();
  for (Toast& t : g_toasts)
    if (!t.key.empty()) t.text = tr(t.key.c_str());
  ImVec2 display = ImGui::GetIO().DisplaySize;
  const float wrap = std::min(px(380), display.x - px(72));  // a phone: the toast fits the width
  auto sizes = [&](const Toast& t) {
    const ImVec2 ts = ImGui::CalcTextSize(t.text.c_str(), nullptr, false, wrap);
    const ImVec2 ls = t.link.empty() ? ImVec2(0, 0) : ImGui::CalcTextSize(t.link.c_str());
    return std::pair{ts, ls};
  };
  // A toast's height: its text, its link under it, the padding around both.
  auto height = [&](const Toast& t) {
    auto [ts, ls] = sizes(t);
    return ts.y + (t.link.empty() ? 0 : ls.y + px(6)) + px(24);
  };
  float y = display.y - px(20);
  if (g_toasts_band_top > 0) {
    // Under the band when the stack fits there; else beside what the band holds, when the stack fits in
    // the band's height and the room right of it; else above it.
    float stack = 0, widest = 0;
    for (const Toast& t : g_toasts) {
      stack += height(t) + px(10);
      auto [ts, ls] = sizes(t);
      widest = std::max(widest, std::max(ts.x, ls.x) + px(32));
    }
    const float band = g_toasts_band_bottom - g_toasts_band_top;
    if (y - stack < g_toasts_band_bottom + px(12)) {
      const bool beside = g_toasts_band_right >= 0 && stack - px(10) <= band &&
                          g_toasts_band_right + px(16) + widest <= display.x - px(20);
      y = beside ? g_toasts_band_bottom - (band - (stack - px(10))) * 0.5f : std::min(y, g_toasts_band_top - px(12));
    }
  }
  g_toasts_band_top = g_toasts_band_bottom = 0;
  g_toasts_band_right = -1;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  int i = 0;
  std::string clicked;
  for (auto it = g_toasts.rbegin(); it != g_toasts.rend(); ++it, ++i) {
    auto [ts, ls] = sizes(*it);
    ImVec2 b(display.x - px(20), y);
    ImVec2 a(b.x - std::max(ts.x, ls.x) - px(32), b.y - height(*it));
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
    sem_page_avoid(a, b);  // a document's preview is a page over the canvas: it would hide the toast
    dl->AddRectFilled(a, b, it->error ? color::rgb(0xc62828, 240) : color::rgb(0x263238, 235), px(8));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(a.x + px(16), a.y + px(12)), color::rgb(0xffffff),
                it->text.c_str(), nullptr, wrap);
    sem_rect_on_top("toast:" + std::to_string(i), it->error ? "alert" : "status", it->text, a, b);
    if (!it->link.empty()) {
      const ImVec2 lp(a.x + px(16), a.y + px(12) + ts.y + px(6));
      dl->AddText(lp, color::rgb(0xffffff), it->link.c_str());
      dl->AddLine(ImVec2(lp.x, lp.y + ls.y), ImVec2(lp.x + ls.x, lp.y + ls.y), color::rgb(0xffffff, 200), 1.0f);
      sem_rect_on_top("toast:" + std::to_string(i) + ":" + it->action, "button", it->link, lp,
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

// A section of the app the top bar opens: an entity type's list, the recycle bin, settings.
struct NavEntry {
  std::string id;      // semantics id: nav:deal, nav:bin, nav:settings
  std::string label;
  bool active = false;
  std::string entity;  // the list it opens; empty for the bin and settings
};

std::vector<NavEntry> nav_entries(const Workspace& ws, const UiEnv& env, const ViewState& view) {
  const Schema& s = ws.schema();
  std::vector<NavEntry> out;
  // One entry per entity type the user may read, then the bin, then settings for those who configure.
  for (const auto& e : s.entities) {
    if (rights_for(s, env.user, e.id).read == Level::None) continue;
    const bool active = view.screen != Screen::Settings && view.screen != Screen::Bin && view.entity == e.id &&
                        (view.screen == Screen::List || (ws.item(view.item) && ws.item(view.item)->entity == e.id));
    out.push_back(NavEntry{"nav:" + e.id, e.plural.get(language()), active, e.id});
  }
  out.push_back(NavEntry{"nav:bin", tr("nav.bin"), view.screen == Screen::Bin, {}});
  bool configurator = is_admin(s, env.user);
  for (const auto& e : s.entities) configurator = configurator || can_configure(s, env.user, e.id);
  if (configurator) out.push_back(NavEntry{"nav:settings", tr("nav.settings"), view.screen == Screen::Settings, {}});
  return out;
}

void go_to(const NavEntry& n, const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  if (!n.entity.empty()) {
    view.screen = Screen::List;
    view.entity = n.entity;
    view.item.clear();
  } else if (n.id == "nav:bin") {
    view.screen = Screen::Bin;
  } else {
    view.screen = Screen::Settings;
    if (!is_admin(ws.schema(), env.user)) view.settings = "fields";
  }
  edit.close();
  out.navigated = true;
}

// How far a control of the top bar (of height h) keeps from the bar's edges: a finger's target where the
// screen is touched (a tablet's), `desktop` CSS px otherwise.
float bar_inset(float h, float desktop) { return finger_sized() ? std::max(0.0f, (h - touch_height(0)) / 2) : px(desktop); }

// A navigation entry of the top bar; returns true when clicked.
bool nav_item(const std::string& label, const std::string& id, bool active, float* x, float y0, float h) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 ls = ImGui::CalcTextSize(label.c_str());
  const float inset = bar_inset(h, 8);
  ImVec2 a(*x - px(10), y0 + inset), b(*x + ls.x + px(10), y0 + h - inset);
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
// On a phone the pill shows the count only; its accessible name says what it counts.
float refused_badge(const RefusedList& refused, float right, float y0, float h) {
  char text[128];
  std::snprintf(text, sizeof text, tr("refused.badge"), static_cast<int>(refused.size()));
  const std::string shown = is_phone() ? std::to_string(refused.size()) : std::string(text);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 ts = ImGui::CalcTextSize(shown.c_str());
  const float pill_w = std::max(ts.x + px(20), h - px(26));
  const ImVec2 a(right - pill_w, y0 + px(13)), b(right, y0 + h - px(13));
  ImGui::SetCursorScreenPos(a);
  if (ImGui::InvisibleButton("refused:open", ImVec2(b.x - a.x, b.y - a.y))) open_refused_panel();
  const bool hovered = ImGui::IsItemHovered();
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  dl->AddRectFilled(a, b, hovered ? color::rgb(0xef5350) : color::rgb(0xe53935), (b.y - a.y) / 2);
  dl->AddText(ImVec2(a.x + (pill_w - ts.x) / 2, a.y + (b.y - a.y - ts.y) / 2), color::rgb(0xffffff), shown.c_str());
  sem_rect("refused:open", "button", text, a, b);
  return a.x;
}

// RU / EN, ending at `right`; returns the left edge.
float language_buttons(float right, float top, float bottom, UiOutput& out) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (Lang l : {Lang::En, Lang::Ru}) {
    const char* code = l == Lang::Ru ? "RU" : "EN";
    ImVec2 cs = ImGui::CalcTextSize(code);
    const float bw = std::max(cs.x + px(16), touch_height(0));
    right -= bw;
    ImVec2 a(right, top), b(right + bw, bottom);
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(code);
    if (ImGui::InvisibleButton("lang", ImVec2(b.x - a.x, b.y - a.y)) && language() != l) out.language = l;
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    bool on = language() == l;
    dl->AddRectFilled(a, b, on ? color::rgb(0xffffff, 60) : color::rgb(0xffffff, hovered ? 25 : 0), px(4));
    dl->AddText(ImVec2(a.x + (bw - cs.x) / 2, a.y + (b.y - a.y - cs.y) / 2), color::rgb(0xffffff, on ? 255 : 170), code);
    sem_rect(std::string("lang:") + (l == Lang::Ru ? "ru" : "en"), "button", l == Lang::Ru ? "Русский" : "English", a, b)
        .selected = on;
  }
  return right;
}

// The sections as a sheet under the top bar, from its menu button (phones and tablets, or whenever the
// sections do not fit between the logo and the right side).
void draw_nav_sheet(const std::vector<NavEntry>& entries, const Workspace& ws, const UiEnv& env, ViewState& view,
                    EditState& edit, UiOutput& out, float top) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float w = std::min(display.x, px(320));
  ImGui::SetNextWindowPos(ImVec2(0, top));
  ImGui::SetNextWindowSize(ImVec2(w, display.y - top));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, px(8)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  // No border: a popup's border takes a pixel off each side of what its content may show, and the rows,
  // which span the sheet, were cut by it (a screen reader's user was told they were partly hidden).
  ImGui::PushStyleVar(ImGuiStyleVar_PopupBorderSize, 0);
  ImGui::PushStyleColor(ImGuiCol_PopupBg, ImGui::ColorConvertU32ToFloat4(color::kTopBar));
  const bool open = ImGui::BeginPopup("navsheet", ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize);
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(3);
  if (!open) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float row_h = px(48);
  // The rows span what the sheet shows: less than its width when a low screen (a phone held sideways)
  // gives it a scroll bar.
  const float row_w = ImGui::GetContentRegionAvail().x;
  ImGui::PushFont(fonts().medium);
  for (const auto& n : entries) {
    const ImVec2 a = ImGui::GetCursorScreenPos();
    const ImVec2 b(a.x + row_w, a.y + row_h);
    const bool clicked = ImGui::InvisibleButton(n.id.c_str(), ImVec2(row_w, row_h));
    const bool hovered = ImGui::IsItemHovered();
    if (n.active || hovered) dl->AddRectFilled(a, b, color::rgb(0xffffff, n.active ? 40 : 20));
    if (n.active) dl->AddRectFilled(a, ImVec2(a.x + px(4), b.y), color::kAccent);
    dl->AddText(ImVec2(a.x + px(24), a.y + (row_h - ImGui::GetTextLineHeight()) / 2), color::rgb(0xffffff),
                n.label.c_str());
    sem_rect(n.id, "link", n.label, a, b).selected = n.active;
    if (clicked) {
      go_to(n, ws, env, view, edit, out);
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::PopFont();
  if (is_phone()) {
    // The language lives here on a phone: the bar has no room for it.
    ImGui::Dummy(ImVec2(0, px(12)));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushFont(fonts().small);
    dl->AddText(ImVec2(at.x + px(24), at.y + (px(44) - ImGui::GetTextLineHeight()) / 2), color::rgb(0xffffff, 170),
                tr("nav.language"));
    ImGui::PopFont();
    ImGui::PushFont(fonts().medium);
    language_buttons(at.x + row_w - px(16), at.y, at.y + px(44), out);
    ImGui::PopFont();
    ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + px(44)));
    ImGui::Dummy(ImVec2(row_w, px(8)));
  }
  ImGui::EndPopup();
}

void draw_top_bar(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  const bool phone = is_phone();
  const float h = phone ? px(56) : px(52);
  const float margin = phone ? px(12) : px(20);
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), color::kTopBar);
  const Schema& s = ws.schema();

  // Right side first, from the right edge: help, the user, the language, the save state, refused changes.
  const User* user = s.user(env.user);
  const std::string user_name = user ? user->name : env.user;
  const char* save_key = "status.saved";
  ImU32 save_col = 0;
  std::string save_detail;
  sync_status(env, &save_key, &save_col, &save_detail);
  float rx = p.x + w - margin;
  rx = help_button(rx, p.y, h);
  ImGui::PushFont(fonts().small);
  const float sy = p.y + (h - ImGui::GetTextLineHeight()) / 2;
  if (phone) {
    // A round button with the user's initials (36 CSS px in a target of 44).
    const float d = px(36), hit = touch_height(d);
    const ImVec2 a(rx - hit, p.y + (h - hit) / 2), b(rx, a.y + hit);
    ImGui::SetCursorScreenPos(a);
    if (ImGui::InvisibleButton("user", ImVec2(hit, hit))) ImGui::OpenPopup("userswitch");
    const bool hovered = ImGui::IsItemHovered();
    const ImVec2 c((a.x + b.x) / 2, (a.y + b.y) / 2);
    dl->AddCircleFilled(c, d / 2, color::rgb(0x2fc6f6, hovered ? 255 : 220));
    const std::string ini = initials(user_name);
    const ImVec2 is = ImGui::CalcTextSize(ini.c_str());
    dl->AddText(ImVec2(c.x - is.x / 2, c.y - is.y / 2), color::rgb(0xffffff), ini.c_str());
    sem_rect("user", "button", user_name, a, b);
    rx = a.x;
  } else {
    const std::string who = user_name + " \xe2\x96\xbc";
    ImVec2 us = ImGui::CalcTextSize(who.c_str());
    rx -= us.x;
    const ImVec2 a(rx - px(6), p.y + bar_inset(h, 12)), b(rx + us.x + px(6), p.y + h - bar_inset(h, 12));
    ImGui::SetCursorScreenPos(a);
    if (ImGui::InvisibleButton("user", ImVec2(b.x - a.x, b.y - a.y))) ImGui::OpenPopup("userswitch");
    if (ImGui::IsItemHovered()) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      dl->AddRectFilled(a, b, color::rgb(0xffffff, 25), px(4));
    }
    dl->AddText(ImVec2(rx, sy), color::rgb(0xffffff, 230), who.c_str());
    sem_rect("user", "button", user_name, a, b);
    rx -= px(6);
  }
  ImGui::SetNextWindowPos(ImVec2(p.x + w - margin, p.y + h), ImGuiCond_Always, ImVec2(1, 0));
  if (ImGui::BeginPopup("userswitch")) {
    if (!env.connection.connected) {
      // The local workspace: work as any of its users, so that every rule can be tried. No password is
      // asked, so the menu says this is a demo control of the local workspace only.
      demo_note(tr("user.demo"), "user:demo");
      muted_text(tr("user.switch"));
      for (const auto& u : s.users) {
        if (!u.active) continue;
        std::string line = u.name;
        if (const Department* d = s.department(u.department)) line += "  ·  " + d->name;
        if (ImGui::Selectable(line.c_str(), u.id == env.user, 0, ImVec2(0, touch_height(0)))) {
          out.switch_user = u.id;
          edit.close();
        }
        sem_item("switchuser:" + u.id, "option", u.name).selected = u.id == env.user;
      }
      ImGui::Separator();
      if (ImGui::Selectable(tr("connect.menu"), false, 0, ImVec2(0, touch_height(0)))) open_connect_dialog();
      sem_item("menu:connect", "menuitem", tr("connect.menu"));
    } else {
      muted_text(env.connection.login + (env.connection.server.empty() ? "" : " @ " + env.connection.server));
      if (ImGui::Selectable(tr("sync.retry"), false, 0, ImVec2(0, touch_height(0)))) out.retry_sync = true;
      sem_item("menu:sync", "menuitem", tr("sync.retry"));
      if (ImGui::Selectable(tr("logout.menu"), false, 0, ImVec2(0, touch_height(0)))) open_logout_dialog();
      sem_item("menu:logout", "menuitem", tr("logout.menu"));
    }
    ImGui::EndPopup();
  }

  if (!phone) rx = language_buttons(rx - px(22), p.y + bar_inset(h, 14), p.y + h - bar_inset(h, 14), out);

  // The save state: a dot and its words; on a phone the dot alone, its words in its accessible name.
  std::string save_text = tr(save_key);
  if (!save_detail.empty()) save_text += ": " + save_detail;
  if (phone) {
    const float d = px(28);
    const ImVec2 a(rx - px(8) - d, p.y + (h - d) / 2), b(a.x + d, a.y + d);
    dl->AddCircleFilled(ImVec2((a.x + b.x) / 2, (a.y + b.y) / 2), px(5), save_col);
    sem_rect("save-status", "status", save_text, a, b).value = save_key;
    rx = a.x;
  } else {
    ImVec2 ss = ImGui::CalcTextSize(save_text.c_str());
    rx -= ss.x + px(22);
    dl->AddCircleFilled(ImVec2(rx - px(10), p.y + h / 2), px(4), save_col);
    dl->AddText(ImVec2(rx, sy), color::rgb(0xffffff, 200), save_text.c_str());
    sem_rect("save-status", "status", save_text, ImVec2(rx - px(16), sy), ImVec2(rx + ss.x, sy + ss.y)).value = save_key;
    rx -= px(16);
  }
  if (env.refused && !env.refused->empty()) rx = refused_badge(*env.refused, rx - px(phone ? 6 : 16), p.y, h);
  ImGui::PopFont();

  // Left side: the sections in a row when they fit between the logo and the right side, else a menu button
  // that opens them as a sheet. A phone always takes the menu.
  const std::vector<NavEntry> entries = nav_entries(ws, env, view);
  ImFont* logo_font = phone ? fonts().medium : fonts().title;
  ImGui::PushFont(logo_font);
  const float logo_w = ImGui::CalcTextSize(tr("app.name")).x;
  ImGui::PopFont();
  ImGui::PushFont(fonts().medium);
  float row_w = 0;
  for (const auto& n : entries) row_w += ImGui::CalcTextSize(n.label.c_str()).x + px(34);
  const bool menu = phone || p.x + margin + logo_w + px(32) + row_w > rx - px(16);
  float x = p.x + margin;
  if (menu) {
    const float d = px(44);
    const ImVec2 a(x - px(6), p.y + (h - d) / 2), b(a.x + d, a.y + d);
    ImGui::SetCursorScreenPos(a);
    if (ImGui::InvisibleButton("nav:menu", ImVec2(d, d))) ImGui::OpenPopup("navsheet");
    const bool open = ImGui::IsPopupOpen("navsheet");
    if (ImGui::IsItemHovered() || open) dl->AddRectFilled(a, b, color::rgb(0xffffff, open ? 40 : 20), px(6));
    // Three bars.
    const float bw = px(20), cx = (a.x + b.x) / 2, cy = (a.y + b.y) / 2;
    for (int i = -1; i <= 1; ++i)
      dl->AddRectFilled(ImVec2(cx - bw / 2, cy + i * px(6) - px(1)), ImVec2(cx + bw / 2, cy + i * px(6) + px(1)),
                        color::rgb(0xffffff));
    std::string current;
    for (const auto& n : entries)
      if (n.active) current = n.label;
    sem_rect("nav:menu", "button", std::string(tr("nav.menu")) + (current.empty() ? "" : ": " + current), a, b).expanded = open ? 1 : 0;
    x = b.x + px(8);
  }
  ImGui::PopFont();
  ImGui::PushFont(logo_font);
  if (x + logo_w <= rx - px(8))
    dl->AddText(ImVec2(x, p.y + (h - ImGui::GetTextLineHeight()) / 2), color::rgb(0xffffff), tr("app.name"));
  ImGui::PopFont();
  ImGui::PushFont(fonts().medium);
  if (!menu) {
    x += logo_w + px(32);
    for (const auto& n : entries)
      if (nav_item(n.label, n.id, n.active, &x, p.y, h)) go_to(n, ws, env, view, edit, out);
  }
  ImGui::PopFont();
  if (menu) draw_nav_sheet(entries, ws, env, view, edit, out, p.y + h);

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
  // The same message again is the one shown, for longer: it does not stack a copy.
  g_toasts.erase(std::remove_if(g_toasts.begin(), g_toasts.end(),
                                [&](const Toast& t) { return t.action.empty() && t.error == error && t.text == text; }),
                 g_toasts.end());
  g_toasts.push_back(Toast{std::move(text), error, ImGui::GetTime() + (error ? 6.0 : 3.5), {}, {}, {}});
  request_redraw_at(g_toasts.back().until);
  while (g_toasts.size() > 4) g_toasts.pop_front();
}

void toast_key(const std::string& key, bool error) {
  toast(tr(key.c_str()), error);
  g_toasts.back().key = key;
}

void toast_action(std::string text, bool error, std::string link, std::string action) {
  g_toasts.erase(std::remove_if(g_toasts.begin(), g_toasts.end(), [&](const Toast& t) { return t.action == action; }),
                 g_toasts.end());
  // Longer than a plain toast: there is something to do about it.
  g_toasts.push_back(Toast{std::move(text), error, ImGui::GetTime() + 10.0, std::move(link), std::move(action), {}});
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
  apply_form_factor_style();
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
  phase::mark("app_begin");
  if (draw_other_tab_notice(env, out)) {
    ImGui::End();
    draw_toasts();
    return;
  }
  draw_top_bar(ws, env, view, edit, out);
  if (!env.storage_error.empty())
    draw_banner(std::string(tr("storage.unavailable")) + " (" + env.storage_error + ")", color::kErrorBg, "banner:storage");
  if (!env.notice.empty()) draw_banner(env.notice, color::kWarnBg, "banner:notice");
  phase::mark("top_bar");

  switch (view.screen) {
    case Screen::Card: draw_card(ws, env, view, edit, out); break;
    case Screen::Settings: draw_settings(ws, env, view, out); break;
    case Screen::Bin: draw_recycle_bin(ws, env, view, out); break;
    case Screen::List: draw_entity_list(ws, env, view, edit, out); break;
  }
  ImGui::End();
  phase::mark("screen_end");
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
  phase::mark("app_dialogs");
}

}  // namespace kt::ui
