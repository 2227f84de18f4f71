#include "ui/help_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"

namespace kt::ui {

namespace {

bool g_open = false;

struct Shortcut {
  std::vector<const char*> keys;  // alternatives, each "Ctrl+Shift+Z"-like; "Ctrl" reads "Cmd" on a Mac
  const char* what;               // i18n key
};

const std::vector<Shortcut>& shortcuts() {
  static const std::vector<Shortcut> kList = {
      {{"Ctrl+Z"}, "help.undo"},
      {{"Ctrl+Shift+Z", "Ctrl+Y"}, "help.redo"},
      {{"Enter"}, "help.enter"},
      {{"Ctrl+Enter"}, "help.ctrl_enter"},
      {{"Esc"}, "help.esc"},
      {{"Tab", "Shift+Tab"}, "help.tab"},
      {{"Ctrl+C", "Ctrl+X", "Ctrl+V"}, "help.clipboard"},
      {{"Ctrl+A"}, "help.select_all"},
      {{"Ctrl+\xe2\x86\x90", "Ctrl+\xe2\x86\x92"}, "help.word"},  // Ctrl+← Ctrl+→
      {{"F1"}, "help.f1"},
  };
  return kList;
}

std::string key_text(const char* keys) {
  std::string s = keys;
  if (!ImGui::GetIO().ConfigMacOSXBehaviors) return s;
  // On a Mac the shortcuts use Cmd, and words move with Option (ImGui's macOS behaviours).
  const bool word_move = s.find("\xe2\x86\x90") != std::string::npos || s.find("\xe2\x86\x92") != std::string::npos;
  if (size_t p = s.find("Ctrl"); p != std::string::npos) s.replace(p, 4, word_move ? "Option" : "Cmd");
  return s;
}

// A key cap: a light rounded box with the key's name; returns its width.
float key_cap(ImDrawList* dl, ImVec2 pos, const std::string& text, float height) {
  ImVec2 ts = ImGui::CalcTextSize(text.c_str());
  const float w = ts.x + px(16);
  if (!dl) return w;  // measured only
  dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + height), color::rgb(0xf1f3f5), px(5));
  dl->AddRect(pos, ImVec2(pos.x + w, pos.y + height), color::kBorder, px(5));
  dl->AddText(ImVec2(pos.x + px(8), pos.y + (height - ts.y) / 2), color::kText, text.c_str());
  return w;
}

// A shortcut's keys as caps joined by "или", wrapping to another line where `width` ends (a phone's column
// is narrow); draws them at `at` (with `dl`; without, it only measures) and returns their height.
float keys_block(ImDrawList* dl, const Shortcut& s, ImVec2 at, float width, float cap_h, std::string* spoken) {
  ImGui::PushFont(fonts().small);
  float x = at.x, y = at.y;
  for (size_t k = 0; k < s.keys.size(); ++k) {
    const std::string keys = key_text(s.keys[k]);
    const float cap_w = key_cap(nullptr, ImVec2(), keys, cap_h);
    if (k > 0) {
      const char* orw = tr("help.or");
      const ImVec2 os = ImGui::CalcTextSize(orw);
      if (x + os.x + px(12) + cap_w > at.x + width) {  // "или" ends the line, the next cap starts another
        if (dl) dl->AddText(ImVec2(x + px(6), y + (cap_h - os.y) / 2), color::kMuted, orw);
        x = at.x;
        y += cap_h + px(6);
      } else {
        if (dl) dl->AddText(ImVec2(x + px(6), y + (cap_h - os.y) / 2), color::kMuted, orw);
        x += os.x + px(12);
      }
      if (spoken) *spoken += std::string(" ") + orw + " ";
    }
    key_cap(dl, ImVec2(x, y), keys, cap_h);
    x += cap_w;
    if (spoken) *spoken += keys;
  }
  ImGui::PopFont();
  return y + cap_h - at.y;
}

}  // namespace

void help_toggle() { g_open = !g_open; }
bool help_open() { return g_open; }

float help_button(float right, float top, float height) {
  // A circle; on a phone 36 CSS px drawn in a target of 44 (touch_height).
  const float d = is_phone() ? px(36) : px(26), hit = touch_height(d);
  ImVec2 a(right - hit, top + (height - hit) / 2), b(right, a.y + hit);
  ImGui::SetCursorScreenPos(a);
  if (ImGui::InvisibleButton("help", ImVec2(hit, hit))) help_toggle();
  const bool hovered = ImGui::IsItemHovered();
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c((a.x + b.x) / 2, (a.y + b.y) / 2);
  dl->AddCircleFilled(c, d / 2, color::rgb(0xffffff, g_open ? 70 : hovered ? 45 : 25));
  ImGui::PushFont(fonts().medium);
  ImVec2 qs = ImGui::CalcTextSize("?");
  dl->AddText(ImVec2(c.x - qs.x / 2, c.y - qs.y / 2), color::rgb(0xffffff), "?");
  ImGui::PopFont();
  SemNode& n = sem_rect("action:help", "button", tr("help.button"), a, b);
  n.expanded = g_open ? 1 : 0;
  return a.x - (is_phone() ? 0 : px(16));
}

void draw_help_panel() {
  if (!g_open) return;
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    g_open = false;
    return;
  }

  // A full-screen layer: dims the page, takes the clicks meant for it, and closes on a click outside.
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::SetNextWindowFocus();
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(color::rgb(0x1f2a36, 110)));
  ImGui::Begin("##help", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoNav);
  ImGui::PopStyleColor();
  ImDrawList* dl = ImGui::GetWindowDrawList();

  const auto& list = shortcuts();
  ImGui::PushFont(fonts().regular);
  const float line = ImGui::GetTextLineHeight();
  const float pad = px(24);
  const float w = std::min(px(680), io.DisplaySize.x - px(32));
  const float keys_w = std::min(px(290), w * 0.45f);
  const float text_w = w - 2 * pad - keys_w;
  ImGui::PushFont(fonts().title);
  const float title_h = ImGui::GetTextLineHeight();
  ImGui::PopFont();
  // Descriptions wrap on narrow screens: each row is as tall as its text.
  std::vector<float> row_h(list.size());
  float rows_h = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const float th = ImGui::CalcTextSize(tr(list[i].what), nullptr, false, text_w).y;
    const float kh = keys_block(nullptr, list[i], ImVec2(), keys_w - px(8), line + px(6), nullptr);
    row_h[i] = std::max(th, kh) + px(14);
    rows_h += row_h[i];
  }
  const float h = pad + title_h + px(14) + rows_h + pad;
  const ImVec2 a(std::floor((io.DisplaySize.x - w) / 2), std::max(px(16), std::floor((io.DisplaySize.y - h) / 2)));
  const ImVec2 b(a.x + w, a.y + h);
  dl->AddRectFilled(a, b, color::kPanel, px(10));
  sem_rect("dialog:help", "dialog", tr("help.title"), a, b);

  // Title and the close button.
  ImGui::PushFont(fonts().title);
  dl->AddText(ImVec2(a.x + pad, a.y + pad), color::kText, tr("help.title"));
  ImVec2 ts = ImGui::CalcTextSize(tr("help.title"));
  ImGui::PopFont();
  sem_rect("help:title", "heading", tr("help.title"), ImVec2(a.x + pad, a.y + pad),
           ImVec2(a.x + pad + ts.x, a.y + pad + ts.y));
  const float cd = touch_height(px(30));  // a finger's square on a phone
  ImVec2 ca(b.x - pad - cd + px(8), a.y + pad - px(4));
  ImGui::SetCursorScreenPos(ca);
  bool close = ImGui::InvisibleButton("close", ImVec2(cd, cd));
  const bool close_hovered = ImGui::IsItemHovered();
  if (close_hovered) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    dl->AddRectFilled(ca, ImVec2(ca.x + cd, ca.y + cd), color::kHover, px(6));
  }
  ImGui::PushFont(fonts().medium);
  const char* cross = "\xe2\x9c\x95";  // ✕
  ImVec2 xs = ImGui::CalcTextSize(cross);
  dl->AddText(ImVec2(ca.x + (cd - xs.x) / 2, ca.y + (cd - xs.y) / 2), color::kMuted, cross);
  ImGui::PopFont();
  sem_rect("help:close", "button", tr("help.close"), ca, ImVec2(ca.x + cd, ca.y + cd));

  // The shortcuts: key caps on the left, what they do on the right.
  float y = a.y + pad + title_h + px(14);
  for (size_t i = 0; i < list.size(); ++i) {
    const Shortcut& s = list[i];
    const float rh = row_h[i];
    if (i > 0) dl->AddLine(ImVec2(a.x + pad, y), ImVec2(b.x - pad, y), color::rgb(0xedf0f2));
    const float cap_h = line + px(6);
    const float cy = y + px(7);
    std::string spoken;
    keys_block(dl, s, ImVec2(a.x + pad, cy), keys_w - px(8), cap_h, &spoken);
    const char* what = tr(s.what);
    const float tx = a.x + pad + keys_w;
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(tx, cy + (cap_h - line) / 2), color::kText, what,
                nullptr, text_w);
    sem_rect(std::string("help:") + s.what, "listitem", spoken + ": " + what, ImVec2(a.x + pad, y),
             ImVec2(b.x - pad, y + rh));
    y += rh;
  }
  ImGui::PopFont();

  // A click outside the panel closes it, like the close button.
  const bool clicked_outside = ImGui::IsWindowHovered() && ImGui::IsMouseClicked(0) &&
                               !ImGui::IsMouseHoveringRect(a, b, false);
  ImGui::End();
  if (close || clicked_outside) g_open = false;
}

}  // namespace kt::ui
