#include "ui/app_ui.hpp"

#include <imgui.h>

#include <deque>

#include "ui/card.hpp"
#include "ui/deal_list.hpp"
#include "ui/help_panel.hpp"
#include "ui/i18n.hpp"
#include "ui/progress.hpp"
#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Routes and toasts
// ---------------------------------------------------------------------------------------------------------

std::string route_of(const ViewState& view) {
  if (view.screen == Screen::Card && !view.item.empty()) return "#/item/" + view.item;
  return "#/deals";
}

bool parse_route(const std::string& hash, ViewState* view) {
  if (hash.empty() || hash == "#" || hash == "#/" || hash == "#/deals") {
    view->screen = Screen::DealList;
    view->item.clear();
    return true;
  }
  const std::string prefix = "#/item/";
  if (hash.rfind(prefix, 0) == 0 && hash.size() > prefix.size()) {
    view->screen = Screen::Card;
    view->item = hash.substr(prefix.size());
    return true;
  }
  return false;
}

namespace {

struct Toast {
  std::string text;
  bool error;
  double until;
};
std::deque<Toast> g_toasts;

void draw_toasts() {
  const double now = ImGui::GetTime();
  while (!g_toasts.empty() && g_toasts.front().until < now) g_toasts.pop_front();
  ImVec2 display = ImGui::GetIO().DisplaySize;
  float y = display.y - px(20);
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  int i = 0;
  for (auto it = g_toasts.rbegin(); it != g_toasts.rend(); ++it, ++i) {
    ImVec2 ts = ImGui::CalcTextSize(it->text.c_str(), nullptr, false, px(380));
    ImVec2 b(display.x - px(20), y);
    ImVec2 a(b.x - ts.x - px(32), b.y - ts.y - px(24));
    dl->AddRectFilled(a, b, it->error ? color::rgb(0xc62828, 240) : color::rgb(0x263238, 235), px(8));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(a.x + px(16), a.y + px(12)), color::rgb(0xffffff),
                it->text.c_str(), nullptr, px(380));
    SemNode& n = sem_rect("toast:" + std::to_string(i), it->error ? "alert" : "status", it->text, a, b);
    (void)n;
    y = a.y - px(10);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Top bar and banners
// ---------------------------------------------------------------------------------------------------------

void draw_top_bar(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  const float h = px(52);
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), color::kTopBar);

  // Logo.
  ImGui::PushFont(fonts().title);
  float ty = p.y + (h - ImGui::GetTextLineHeight()) / 2;
  dl->AddText(ImVec2(p.x + px(20), ty), color::rgb(0xffffff), tr("app.name"));
  float logo_w = ImGui::CalcTextSize(tr("app.name")).x;
  ImGui::PopFont();

  // Navigation.
  ImGui::PushFont(fonts().medium);
  float nx = p.x + px(20) + logo_w + px(36);
  float ny = p.y + (h - ImGui::GetTextLineHeight()) / 2;
  {
    const char* label = tr("nav.deals");
    ImVec2 ls = ImGui::CalcTextSize(label);
    ImGui::SetCursorScreenPos(ImVec2(nx - px(10), p.y + px(8)));
    if (ImGui::InvisibleButton("nav.deals", ImVec2(ls.x + px(20), h - px(16)))) {
      view.screen = Screen::DealList;
      view.item.clear();
      edit.close();
      out.navigated = true;
    }
    bool hovered = ImGui::IsItemHovered();
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    bool active = view.screen == Screen::DealList;
    if (active || hovered)
      dl->AddRectFilled(ImVec2(nx - px(10), p.y + px(8)), ImVec2(nx + ls.x + px(10), p.y + h - px(8)),
                        color::rgb(0xffffff, active ? 40 : 20), px(6));
    dl->AddText(ImVec2(nx, ny), color::rgb(0xffffff), label);
    sem_item("nav:deals", "link", label).selected = active;
  }
  ImGui::PopFont();

  // Right side: save state, language, user.
  const User* user = ws.schema().user(env.user);
  std::string who = user ? user->name : env.user;
  const char* save_key = env.save == SaveState::Saved     ? "status.saved"
                         : env.save == SaveState::Saving  ? "status.saving"
                         : env.save == SaveState::MemoryOnly ? "status.memory"
                                                            : "status.error";
  ImU32 save_col = env.save == SaveState::Saved ? color::rgb(0x9be15d)
                   : env.save == SaveState::Saving ? color::rgb(0xffffff, 200)
                                                   : color::rgb(0xff8a80);
  float x = p.x + w - px(20);
  x = help_button(x, p.y, h);
  ImGui::PushFont(fonts().small);
  ImVec2 us = ImGui::CalcTextSize(who.c_str());
  x -= us.x;
  float sy = p.y + (h - ImGui::GetTextLineHeight()) / 2;
  dl->AddText(ImVec2(x, sy), color::rgb(0xffffff, 220), who.c_str());
  sem_rect("user", "text", who, ImVec2(x, sy), ImVec2(x + us.x, sy + us.y));

  // Language switch: two small toggles "RU" "EN".
  x -= px(28);
  for (Lang l : {Lang::En, Lang::Ru}) {
    const char* code = l == Lang::Ru ? "RU" : "EN";
    ImVec2 cs = ImGui::CalcTextSize(code);
    x -= cs.x + px(16);
    ImVec2 a(x, p.y + px(14)), b(x + cs.x + px(16), p.y + h - px(14));
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(code);
    if (ImGui::InvisibleButton("lang", ImVec2(b.x - a.x, b.y - a.y)) && language() != l) out.language = l;
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    bool on = language() == l;
    dl->AddRectFilled(a, b, on ? color::rgb(0xffffff, 60) : color::rgb(0xffffff, hovered ? 25 : 0), px(4));
    dl->AddText(ImVec2(a.x + px(8), a.y + (b.y - a.y - cs.y) / 2), color::rgb(0xffffff, on ? 255 : 170), code);
    SemNode& n = sem_rect(std::string("lang:") + (l == Lang::Ru ? "ru" : "en"), "button",
                          l == Lang::Ru ? "Русский" : "English", a, b);
    n.selected = on;
  }

  const char* save_text = tr(save_key);
  ImVec2 ss = ImGui::CalcTextSize(save_text);
  x -= ss.x + px(28);
  dl->AddCircleFilled(ImVec2(x - px(10), p.y + h / 2), px(4), save_col);
  dl->AddText(ImVec2(x, sy), color::rgb(0xffffff, 200), save_text);
  SemNode& sn = sem_rect("save-status", "status", save_text, ImVec2(x - px(16), sy), ImVec2(x + ss.x, sy + ss.y));
  sn.value = save_key;
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
  g_toasts.push_back(Toast{std::move(text), error, ImGui::GetTime() + (error ? 6.0 : 3.5)});
  request_redraw_at(g_toasts.back().until);
  while (g_toasts.size() > 4) g_toasts.pop_front();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The frame
// ---------------------------------------------------------------------------------------------------------

void draw_app(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  sem_begin_frame();
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollbar |
                   ImGuiWindowFlags_NoScrollWithMouse);
  draw_top_bar(ws, env, view, edit, out);
  if (!env.storage_error.empty()) draw_banner(std::string(tr("storage.unavailable")) + " (" + env.storage_error + ")",
                                              color::kErrorBg, "banner:storage");
  if (!env.notice.empty()) draw_banner(env.notice, color::kWarnBg, "banner:notice");

  if (view.screen == Screen::Card) draw_card(ws, env, view, edit, out);
  else draw_deal_list(ws, env, view, edit, out);
  ImGui::End();

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
