#include "ui/widgets.hpp"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <map>
#include <vector>

#include "ui/focus.hpp"
#include "ui/i18n.hpp"
#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

namespace {

struct PanelFrame {
  ImDrawListSplitter splitter;
  ImVec2 start;
  float width;
};
std::vector<PanelFrame> g_panels;

}  // namespace

void panel_begin(const char* id, float width) {
  ImGui::PushID(id);
  g_panels.emplace_back();
  PanelFrame& p = g_panels.back();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  p.splitter.Split(dl, 2);
  p.splitter.SetCurrentChannel(dl, 1);
  p.start = ImGui::GetCursorScreenPos();
  p.width = width;
  ImGui::SetCursorScreenPos(ImVec2(p.start.x + px(20), p.start.y + px(16)));
  ImGui::BeginGroup();
  ImGui::PushItemWidth(width - px(40));
}

void panel_end() {
  ImGui::PopItemWidth();
  ImGui::EndGroup();
  PanelFrame& p = g_panels.back();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float bottom = ImGui::GetItemRectMax().y + px(16);
  p.splitter.SetCurrentChannel(dl, 0);
  dl->AddRectFilled(p.start, ImVec2(p.start.x + p.width, bottom), color::kPanel, px(10));
  p.splitter.Merge(dl);
  g_panels.pop_back();
  ImGui::SetCursorScreenPos(ImVec2(p.start.x, bottom));
  ImGui::Dummy(ImVec2(p.width, 0));
  ImGui::PopID();
}

namespace {
enum class ButtonLook { Plain, Primary, Danger };

bool styled_button(const std::string& label, const std::string& sem_id, ButtonLook look, bool submit,
                          bool enabled, const std::string& href) {
  if (!enabled) ImGui::BeginDisabled();
  const bool primary = look == ButtonLook::Primary, danger = look == ButtonLook::Danger;
  if (primary) {
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(color::rgb(0xbbed21)));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(color::rgb(0xd2f95f)));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::ColorConvertU32ToFloat4(color::rgb(0xb2e232)));
  } else if (danger) {
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(color::kError));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(color::rgb(0xef5350)));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::ColorConvertU32ToFloat4(color::rgb(0xc62828)));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::rgb(0xffffff)));
  }
  ImGui::PushFont(fonts().medium);
  bool clicked = ImGui::Button((label + "###" + sem_id).c_str());
  ImGui::PopFont();
  if (primary) ImGui::PopStyleColor(3);
  if (danger) ImGui::PopStyleColor(4);
  if (!enabled) ImGui::EndDisabled();
  SemNode& n = sem_item(sem_id, "button", label);
  n.disabled = !enabled;
  if (enabled) sem_href(n, href);
  if (!enabled) return false;
  // Enter or Space on the focused button; Enter in its dialog's fields for the primary one (a form's submit).
  if (focus_item(sem_id, FocusKind::Button, n)) clicked = true;
  if (submit && focus_take_submit(ImGui::GetCurrentWindow()->RootWindow)) clicked = true;
  return clicked;
}

}  // namespace

bool button(const std::string& label, const std::string& sem_id, bool primary, bool enabled, const std::string& href) {
  return styled_button(label, sem_id, primary ? ButtonLook::Primary : ButtonLook::Plain, primary, enabled, href);
}

bool danger_button(const std::string& label, const std::string& sem_id, bool submit) {
  return styled_button(label, sem_id, ButtonLook::Danger, submit, true, {});
}

int ask_delete_in_place(const std::string& question, const std::string& form) {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x);
  ImGui::TextUnformatted(question.c_str());
  ImGui::PopTextWrapPos();
  sem_item(form + ":delete_q", "text", question);
  int answer = danger_button(tr("settings.delete"), form + ":remove_yes") ? 1 : 0;
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), form + ":remove_no")) answer = -1;
  return answer;
}

bool symbol_button(const char* symbol, const std::string& name, const std::string& id, bool enabled) {
  if (!enabled) ImGui::BeginDisabled();
  ImGui::PushFont(fonts().medium);
  const float pad_y = std::max(ImGui::GetStyle().FramePadding.y, (touch_height(0) - ImGui::GetFontSize()) / 2);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(is_phone() ? px(15) : ImGui::GetStyle().FramePadding.x, pad_y));
  const bool clicked = ImGui::Button((std::string(symbol) + "###" + id).c_str(), ImVec2(symbol_button_width(symbol), 0));
  ImGui::PopStyleVar();
  ImGui::PopFont();
  if (!enabled) ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && !is_phone()) ImGui::SetTooltip("%s", name.c_str());
  sem_item(id, "button", name).disabled = !enabled;
  return clicked && enabled;
}

float symbol_button_width(const char* symbol) {
  ImGui::PushFont(fonts().medium);
  const float pad = is_phone() ? px(15) : ImGui::GetStyle().FramePadding.x;
  const float w = ImGui::CalcTextSize(symbol).x + pad * 2;
  ImGui::PopFont();
  return std::max(w, touch_height(0));  // for a finger at least as wide as high
}

float button_width(const std::string& label) {
  ImGui::PushFont(fonts().medium);
  const float w = ImGui::CalcTextSize(label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::PopFont();
  return w;
}

void same_line_if_fits(const std::string& next_label) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + button_width(next_label) <= right)
    ImGui::SameLine();
}

void FlowRow::next(float width) {
  if (!started_) {
    started_ = true;
    return;
  }
  const float gap = gap_ < 0 ? ImGui::GetStyle().ItemSpacing.x : gap_;
  if (ImGui::GetItemRectMax().x + gap + width <= right_) {
    ImGui::SameLine(0, gap);
  } else {
    break_line();
    started_ = true;
  }
}

void FlowRow::break_line() {
  if (!started_) return;
  // A little more room between lines than within one; a phone's controls are a finger's size, room enough.
  if (!is_phone()) ImGui::Dummy(ImVec2(0, px(2)));
  ImGui::SetCursorPosX(wrap_x_);
  started_ = false;
}

float chip_width(const std::string& text) {
  ImGui::PushFont(fonts().small);
  const float w = text_width(text) + 2 * px(8);
  ImGui::PopFont();
  return w;
}

bool link(const std::string& label, const std::string& sem_id, ImU32 col, const std::string& href) {
  const ImVec2 size = ImGui::CalcTextSize(label.c_str());
  // On a phone a finger's target: 44 CSS px each way at least, the text in its middle (touch_height).
  const float touch = touch_height(0);
  const ImVec2 box(std::max(size.x, touch), std::max(size.y, touch));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 pos(at.x + (box.x - size.x) / 2, at.y + (box.y - size.y) / 2);
  bool clicked = ImGui::InvisibleButton(sem_id.c_str(), box);
  bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddText(pos, col, label.c_str());
  if (hovered) {
    dl->AddLine(ImVec2(pos.x, pos.y + size.y), ImVec2(pos.x + size.x, pos.y + size.y), col, 1.0f);
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  }
  sem_href(sem_item(sem_id, "link", label), href);
  return clicked;
}

float text_width(const std::string& text) { return ImGui::CalcTextSize(text.c_str()).x; }
float link_width(const std::string& label) { return std::max(text_width(label), touch_height(0)); }

int phone_row(const std::string& id, const std::string& title, const std::string& detail,
              const std::vector<RowAction>& actions, float width) {
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const float pad = px(8), action_h = px(44);
  float action_w = 0;
  for (const RowAction& r : actions) action_w = std::max(action_w, text_width(r.label) + 2 * pad);
  const float text_w = width - action_w - pad;
  const float x0 = ImGui::GetCursorPosX();
  ImGui::SetCursorScreenPos(ImVec2(a.x, a.y + pad));
  ImGui::PushTextWrapPos(x0 + text_w);
  ImGui::TextUnformatted(title.c_str());
  if (!detail.empty()) {
    ImGui::PushFont(fonts().small);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
    ImGui::TextUnformatted(detail.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
  }
  ImGui::PopTextWrapPos();
  const float text_h = ImGui::GetCursorScreenPos().y - a.y + pad - ImGui::GetStyle().ItemSpacing.y;
  const float h = std::max({text_h, action_h * static_cast<float>(actions.size()), px(44)});
  const ImVec2 b(a.x + width, a.y + h);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddLine(ImVec2(a.x, b.y), b, color::kBorder);
  SemNode& n = sem_rect(id, "listitem", title, a, ImVec2(b.x - action_w, b.y));
  n.value = detail;
  int clicked = -1;
  const float first_y = a.y + (h - action_h * static_cast<float>(actions.size())) / 2;
  for (size_t k = 0; k < actions.size(); ++k) {
    const RowAction& r = actions[k];
    const ImVec2 at(b.x - action_w, first_y + action_h * static_cast<float>(k));
    ImGui::SetCursorScreenPos(at);
    if (ImGui::InvisibleButton(r.id.c_str(), ImVec2(action_w, action_h))) clicked = static_cast<int>(k);
    dl->AddText(ImVec2(at.x + pad, at.y + (action_h - ImGui::GetTextLineHeight()) / 2), r.color, r.label.c_str());
    sem_item(r.id, "link", r.label);
  }
  ImGui::SetCursorScreenPos(ImVec2(a.x, b.y + px(1)));
  ImGui::Dummy(ImVec2(width, 0));
  return clicked;
}

void table_columns_fitted(const std::vector<FittedColumn>& columns, float width) {
  // What the cells can hold: the table's width less each cell's padding (and the outer padding); of it,
  // what is left to the columns that may wrap once the whole ones have theirs, evenly.
  const float cells = width - static_cast<float>(columns.size() + 1) * 2 * ImGui::GetStyle().CellPadding.x;
  float sum = 0, whole = 0;
  int shared = 0;
  for (const FittedColumn& c : columns) {
    sum += c.natural;
    if (c.whole) whole += c.natural;
    else ++shared;
  }
  const bool fits = sum <= cells;
  const float share = (cells - whole) / static_cast<float>(std::max(shared, 1));
  for (const FittedColumn& c : columns) {
    if (!fits && (c.whole || c.natural <= share))
      ImGui::TableSetupColumn(c.label.c_str(), ImGuiTableColumnFlags_WidthFixed, c.natural);
    else
      ImGui::TableSetupColumn(c.label.c_str(), ImGuiTableColumnFlags_WidthStretch, std::max(c.natural, px(1)));
  }
}

void table_cell_text(const std::string& text, const std::string& sem_id, const char* role) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  if (!text.empty()) sem_item(sem_id, role, text);
}

bool text_clipped(const std::string& text, float width, ImU32 col, float line_height) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  float h = ImGui::GetTextLineHeight();
  ImGui::Dummy(ImVec2(width, std::max(h, line_height)));
  if (line_height > h) pos.y += (line_height - h) / 2;
  bool clipped = text_width(text) > width;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(col));
  ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), pos, ImVec2(pos.x + width, pos.y + h),
                            pos.x + width, pos.x + width, text.c_str(), nullptr, nullptr);
  ImGui::PopStyleColor();
  return clipped;
}

void chip(const std::string& text, ImU32 bg, float max_width) {
  float w = chip_width(text);
  if (max_width > 0 && w > max_width) w = max_width;
  ImGui::PushFont(fonts().small);
  const float pad = px(8);
  float h = ImGui::GetTextLineHeight() + px(6);
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), bg, h / 2);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(text_on(bg)));
  ImVec2 tmin(pos.x + pad, pos.y + px(3));
  ImGui::RenderTextEllipsis(dl, tmin, ImVec2(pos.x + w - pad, pos.y + h), pos.x + w - pad,
                            pos.x + w - pad, text.c_str(), nullptr, nullptr);
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

float todo_badge(const std::string& item_id, size_t open, bool overdue, float right, float center_y) {
  if (open == 0) return 0;
  ImGui::PushFont(fonts().small);
  const std::string text = std::to_string(open);
  const float h = ImGui::GetTextLineHeight() + px(4);
  const float w = std::max(h, text_width(text) + px(12));
  const ImVec2 a(right - w, center_y - h / 2), b(right, center_y + h / 2);
  const ImU32 bg = overdue ? color::kError : color::rgb(0x2fc6f6);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, bg, h / 2);
  dl->AddText(ImVec2(a.x + (w - text_width(text)) / 2, a.y + px(2)), text_on(bg), text.c_str());
  ImGui::PopFont();
  SemNode& n = sem_rect("todos:" + item_id, "status", text, a, b);
  n.description = overdue ? "overdue" : "";
  return w + px(6);
}

void heading(const std::string& text, const std::string& sem_id) {
  ImGui::PushFont(fonts().medium);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopFont();
  sem_item(sem_id, "heading", text);
}

}  // namespace kt::ui

namespace kt::ui {

void label_text(const std::string& text, ImU32 color) {
  const bool required = text.size() > 2 && text.compare(text.size() - 2, 2, " *") == 0;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
  ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size() - (required ? 2 : 0));
  ImGui::PopStyleColor();
  if (!required) return;
  ImGui::SameLine(0, 0);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
  ImGui::TextUnformatted(" *");
  ImGui::PopStyleColor();
}

void caption(const std::string& text) {
  ImGui::PushFont(fonts().small);
  label_text(text, color::kLabel);
  ImGui::PopFont();
}

void caption_at_line_top() { ImGui::GetCurrentWindow()->DC.CurrLineTextBaseOffset = 0; }

void muted_text(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
  // At the end of the window, the table's column, or the panel's padding, whichever comes first: a page
  // scrolled in a window wider than its panel (the settings) ran a phone's hints over the panel's edge.
  const ImGuiWindow* w = ImGui::GetCurrentWindow();
  float right = w->WorkRect.Max.x;  // where PushTextWrapPos(0) wraps
  if (!g_panels.empty()) right = std::min(right, g_panels.back().start.x + g_panels.back().width - px(20));
  ImGui::PushTextWrapPos(right - w->Pos.x + w->Scroll.x);  // in the window's own coordinates
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void demo_note(const std::string& text, const std::string& id) {
  ImGui::PushFont(fonts().small);
  const float wrap = px(260), pad = px(6);
  const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
  const ImVec2 a = ImGui::GetCursorScreenPos(), b(a.x + size.x + 2 * pad, a.y + size.y + 2 * pad);
  ImGui::GetWindowDrawList()->AddRectFilled(a, b, color::kWarnBg, px(4));
  ImGui::SetCursorScreenPos(ImVec2(a.x + pad, a.y + pad));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::rgb(0x6d5200)));
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  sem_rect(id, "text", text, a, b);
  ImGui::SetCursorScreenPos(ImVec2(a.x, b.y + px(4)));
  ImGui::Dummy(ImVec2(0, 0));
}

void error_text_line(const std::string& text, const std::string& id) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  sem_item(id, "alert", text);
}

namespace {
bool text_widget(const std::string& id, std::string* value, float width, const std::string& name, const char* hint,
                 bool multiline) {
  ImGui::PushID(id.c_str());
  if (focus_take(id)) ImGui::SetKeyboardFocusHere();
  bool changed;
  if (multiline) {
    changed = ImGui::InputTextMultiline("##t", value, ImVec2(width, ImGui::GetTextLineHeight() * 4 + ImGui::GetStyle().FramePadding.y * 2));
  } else {
    ImGui::SetNextItemWidth(width);
    changed = hint ? ImGui::InputTextWithHint("##t", hint, value) : ImGui::InputText("##t", value);
  }
  ImGui::PopID();
  const bool active = ImGui::IsItemActive();
  SemNode& n = sem_item(id, "textbox", name, *value);
  n.multiline = multiline;
  focus_item(id, FocusKind::Text, n, active);
  return changed;
}
}  // namespace

bool text_input(const std::string& label, const std::string& id, std::string* value, float width, const char* hint,
                bool multiline) {
  caption(label);
  return text_widget(id, value, width, label, hint, multiline);
}

bool text_box(const std::string& id, std::string* value, float width, const std::string& name, const char* hint) {
  return text_widget(id, value, width, name, hint, false);
}

bool password_input(const std::string& label, const std::string& id, std::string* value, float width) {
  caption(label);
  ImGui::SetNextItemWidth(width);
  ImGui::PushID(id.c_str());
  if (focus_take(id)) ImGui::SetKeyboardFocusHere();
  const bool changed = ImGui::InputText("##p", value, ImGuiInputTextFlags_Password);
  ImGui::PopID();
  const bool active = ImGui::IsItemActive();
  focus_item(id, FocusKind::Text, sem_item(id, "textbox", label), active);
  return changed;
}

// The box is as big as ImGui's with checkbox()'s padding: the font and 3 px around it.
float checkbox_width(const std::string& label) {
  const std::string text = label.substr(0, label.find("##"));
  const float w = ImGui::GetFontSize() + px(6) + (text.empty() ? 0 : ImGui::GetStyle().ItemInnerSpacing.x + text_width(text));
  return std::max(w, touch_height(0));
}

namespace {
// Where controls are finger-sized, a checkbox's or a radio button's row a finger can hit: 44 CSS px high (touch_height), the box
// (or the circle) and its label in its middle, as big as on the desktop. True when tapped.
bool touch_choice_row(const std::string& label, bool on, bool round) {
  const std::string text = label.substr(0, label.find("##"));
  const ImGuiStyle& st = ImGui::GetStyle();
  const float h = touch_height(0), box = ImGui::GetFontSize() + px(6);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const bool clicked = ImGui::InvisibleButton(label.c_str(), ImVec2(checkbox_width(label), h));
  const bool held = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 b0(at.x, at.y + (h - box) / 2), b1(b0.x + box, b0.y + box);
  const ImU32 ground = ImGui::GetColorU32(held ? ImGuiCol_FrameBgActive : ImGuiCol_FrameBg);
  if (round) {
    const ImVec2 mid((b0.x + b1.x) / 2, (b0.y + b1.y) / 2);
    dl->AddCircleFilled(mid, box / 2, ground);
    dl->AddCircle(mid, box / 2, ImGui::GetColorU32(ImGuiCol_Border), 0, std::max(1.0f, st.FrameBorderSize));
    if (on) dl->AddCircleFilled(mid, box / 2 - std::max(2.0f, box / 5), ImGui::GetColorU32(ImGuiCol_CheckMark));
  } else {
    dl->AddRectFilled(b0, b1, ground, st.FrameRounding);
    dl->AddRect(b0, b1, ImGui::GetColorU32(ImGuiCol_Border), st.FrameRounding, 0, st.FrameBorderSize);
    if (on) {
      const float pad = std::max(1.0f, box / 6.0f);
      ImGui::RenderCheckMark(dl, ImVec2(b0.x + pad, b0.y + pad), ImGui::GetColorU32(ImGuiCol_CheckMark), box - pad * 2);
    }
  }
  if (!text.empty())
    dl->AddText(ImVec2(b1.x + st.ItemInnerSpacing.x, at.y + (h - ImGui::GetFontSize()) / 2),
                ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
  return clicked;
}

// ImGui's checkbox, or where controls are finger-sized a finger's row.
bool checkbox_widget(const std::string& label, bool* value) {
  if (!finger_sized()) return ImGui::Checkbox(label.c_str(), value);
  const bool clicked = touch_choice_row(label, *value, false);
  if (clicked) *value = !*value;
  return clicked;
}
}  // namespace

bool checkbox(const std::string& label, const std::string& id, bool* value, const std::string& name) {
  ImGui::PushID(id.c_str());
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(3), px(3)));
  bool changed = checkbox_widget(label, value);
  ImGui::PopStyleVar();
  ImGui::PopID();
  SemNode& n = sem_item(id, "checkbox", name.empty() ? label.substr(0, label.find("##")) : name);
  if (focus_item(id, FocusKind::Toggle, n)) {
    *value = !*value;
    changed = true;
  }
  n.checked = *value ? 1 : 0;
  return changed;
}

bool radio(const std::string& label, const std::string& id, int* value, int option) {
  ImGui::PushID(id.c_str());
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(3), px(3)));
  bool chosen = finger_sized() ? touch_choice_row(label, *value == option, true) : ImGui::RadioButton(label.c_str(), *value == option);
  ImGui::PopStyleVar();
  ImGui::PopID();
  SemNode& n = sem_item(id, "radio", label.substr(0, label.find("##")));
  chosen = focus_item(id, FocusKind::Choice, n) || chosen;
  if (chosen) *value = option;
  n.checked = *value == option ? 1 : 0;
  return chosen;
}

bool combo(const std::string& label, const std::string& id, const std::vector<std::string>& items, int* index,
           float width, const std::string& name) {
  if (!label.empty()) caption(label);
  ImGui::PushID(id.c_str());
  ImGui::SetNextItemWidth(width);
  const int count = static_cast<int>(items.size());
  const char* preview = *index >= 0 && *index < count ? items[*index].c_str() : "";
  bool changed = false;
  bool open = ImGui::BeginCombo("##c", preview);
  // The options are drawn inside the popup; the combobox's own node is made once it is closed again (below),
  // from the box's rectangle, and goes before them.
  const size_t first_option = sem_nodes().size();
  if (open) {
    for (int i = 0; i < count; ++i) {
      ImGui::PushID(i);
      bool sel = i == *index;
      if (ImGui::Selectable(items[i].c_str(), sel)) {
        *index = i;
        changed = true;
      }
      sem_item(id + ":" + std::to_string(i), "option", items[i]).selected = sel;
      ImGui::PopID();
    }
    ImGui::EndCombo();  // the last item is the box again
  }
  const ImGuiID box = ImGui::GetItemID();
  ImGui::PopID();
  SemNode& n = sem_item(id, "combobox", label.empty() ? name : label, preview);
  n.expanded = open ? 1 : 0;
  // From the keyboard: Enter or Space opens it, Up and Down pick the previous or next choice.
  if (focus_item(id, FocusKind::Choice, n) && !open) ImGui::OpenPopupEx(ImHashStr("##ComboPopup", 0, box));
  if (const int step = open ? 0 : focus_step(id); step != 0 && count > 0) {
    const int next = std::clamp(*index + step, 0, count - 1);
    if (next != *index) {
      *index = next;
      changed = true;
    }
  }
  if (!sem_nodes().empty() && sem_nodes().back().id == id) sem_move_last(first_option);
  return changed;
}

namespace {
// The spacing ImGui spreads a menu's selectable over on a phone (see menu_begin).
float menu_spread() { return touch_height(0) - ImGui::GetFontSize(); }

// A menu's window on a phone: padded as high as an item's spread, so that the first and last items are
// not cut by its edges (ImGui's window clips its content at its top and bottom).
void push_menu_padding() {
  const ImVec2 pad = ImGui::GetStyle().WindowPadding;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad.x, std::max(pad.y, menu_spread())));
}
}  // namespace

bool menu_begin(const char* popup_id, bool context_item) {
  // ImGui spreads a selectable's box over the spacing around it: on a phone that spacing makes every
  // item of the menu a finger's height (44 CSS px), its text in the middle.
  const bool phone = is_phone();
  if (phone) push_menu_padding();
  const bool open = context_item ? ImGui::BeginPopupContextItem(popup_id) : ImGui::BeginPopup(popup_id);
  if (phone) ImGui::PopStyleVar();
  if (open && phone) ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, menu_spread()));
  return open;
}

bool submenu_begin(const char* label) {
  // Inside menu_begin's menu the items' spacing is already the spread; the submenu's window is padded for it.
  const bool phone = is_phone();
  if (phone) push_menu_padding();
  const bool open = ImGui::BeginMenu(label);
  if (phone) ImGui::PopStyleVar();
  return open;
}

void menu_end() {
  if (is_phone()) ImGui::PopStyleVar();
  ImGui::EndPopup();
}

bool icon_button(const char* symbol, const std::string& name, const std::string& id, bool enabled) {
  if (!enabled) ImGui::BeginDisabled();
  ImGui::PushID(id.c_str());
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(px(6), px(3)));
  // On a phone a square a finger can hit (44 CSS px), the symbol in its middle.
  const float touch = touch_height(0);
  bool clicked = ImGui::Button(symbol, ImVec2(touch, touch));
  ImGui::PopStyleVar();
  ImGui::PopID();
  if (!enabled) ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", name.c_str());
  SemNode& n = sem_item(id, "button", name);
  n.disabled = !enabled;
  if (!enabled) return false;
  return focus_item(id, FocusKind::Button, n) || clicked;
}

namespace {
// The body heights of dialogs in the last frame, so that a long body scrolls while the buttons stay put.
std::map<std::string, float> g_body_heights;
std::string g_body_id;
float g_buttons_top = -1;  // screen y where the open dialog's buttons start (dialog_body_end); -1 unknown
size_t g_buttons_node = 0;  // the index of the buttons' first semantics node (dialog_body_end)
}  // namespace

void dialog_body_begin(const std::string& id) {
  g_body_id = id;
  // At most what leaves the dialog (dialog_begin: from 12% to 92% of the page) room for the buttons under
  // the body, so that one scroll bar, the body's, is enough.
  const float display_h = ImGui::GetIO().DisplaySize.y;
  const bool full = is_phone();  // dialog_begin: the whole screen
  const float room = display_h * (full ? 1.0f : 0.92f) - ImGui::GetCursorScreenPos().y - px(84);
  const float max_h = std::max(px(120), full ? room : std::min(display_h * 0.62f, room));
  auto it = g_body_heights.find(id);
  float h = it == g_body_heights.end() ? px(100) : std::min(it->second, max_h);
  ImGui::BeginChild(("body:" + id).c_str(), ImVec2(0, h), false, ImGuiWindowFlags_NoBackground);
}

void dialog_body_end() {
  // The body takes this height in the next frame (and the dialog around it the frame after): those frames
  // are drawn even when nothing else asks for them, so that the page never rests on a stale layout (the
  // buttons under the body would be drawn, and found, where they no longer are). A height that changes
  // frame after frame (a scrollbar that comes and goes rewraps the text) is not chased for ever.
  static int settle = 0, changes = 0;
  // What the body holds and the spacing after its last item (the body has no padding of its own): a
  // focused last field's outline stays inside it.
  const float h = ImGui::GetCursorPosY();
  float& stored = g_body_heights[g_body_id];
  if (stored != h) {
    settle = ++changes <= 4 ? 2 : 0;
  } else {
    changes = 0;
  }
  if (settle > 0) {
    --settle;
    request_animation();
  }
  stored = h;
  ImGui::EndChild();
  ImGui::Dummy(ImVec2(0, px(6)));
  // A phone's dialog fills the screen and its buttons come after the body, where toasts would cover them
  // (dialog_end knows where they end).
  g_buttons_top = ImGui::GetCursorScreenPos().y;
  g_buttons_node = sem_nodes().size();
}

float dialog_width(float css) {
  const float display = ImGui::GetIO().DisplaySize.x;
  return is_phone() ? display : std::min(px(css), display - px(24));
}

bool dialog_begin(const std::string& title, const std::string& id, bool* open, float width) {
  const std::string popup = title + "###" + id;
  // Esc closes the dialog when it is the topmost popup (a drop-down open in it closes first).
  if (*open && escape_closes(ImGui::GetID(popup.c_str()))) {
    ImGuiContext& g = *GImGui;
    for (int i = 0; i < g.OpenPopupStack.Size; ++i)
      if (g.OpenPopupStack[i].PopupId == ImGui::GetID(popup.c_str())) {
        ImGui::ClosePopupToLevel(i, true);
        break;
      }
    *open = false;
    return false;
  }
  if (*open && !ImGui::IsPopupOpen(popup.c_str())) ImGui::OpenPopup(popup.c_str());
  ImVec2 display = ImGui::GetIO().DisplaySize;
  // A phone shows a dialog over the whole screen; elsewhere it never is wider than the page.
  const bool full = is_phone();
  if (full) {
    ImGui::SetNextWindowPos(ImVec2(0, 0), ImGuiCond_Always);
    ImGui::SetNextWindowSizeConstraints(ImVec2(display.x, display.y), ImVec2(display.x, display.y));
  } else {
    ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y * 0.12f), ImGuiCond_Appearing, ImVec2(0.5f, 0));
    ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, display.y * 0.8f));
  }
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, full ? ImVec2(px(16), px(16)) : ImVec2(px(24), px(20)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, full ? 0 : px(10));
  ImGui::PushStyleColor(ImGuiCol_TitleBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  ImGui::PushStyleColor(ImGuiCol_TitleBgActive, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  ImGui::PushStyleColor(ImGuiCol_ModalWindowDimBg, ImGui::ColorConvertU32ToFloat4(color::rgb(0x1f2a36, 90)));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  bool shown = ImGui::BeginPopupModal(popup.c_str(), open, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PopStyleColor(4);
  ImGui::PopStyleVar(2);
  if (!shown) {
    *open = false;
    return false;
  }
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  sem_rect("dialog:" + id, "dialog", title, w->Pos, ImVec2(w->Pos.x + w->Size.x, w->Pos.y + w->Size.y));
  return true;
}

void dialog_end() {
  // On a phone toasts keep clear of the buttons: under them when there is room, else beside them (right of
  // the last of their nodes: a phone held sideways has the room), else above them.
  if (is_phone() && g_buttons_top >= 0) {
    const auto& nodes = sem_nodes();
    float right = 0;
    for (size_t i = std::min(g_buttons_node, nodes.size()); i < nodes.size(); ++i) right = std::max(right, nodes[i].max.x);
    toasts_clear_of(g_buttons_top, ImGui::GetItemRectMax().y, right);
  }
  g_buttons_top = -1;
  ImGui::EndPopup();
}

}  // namespace kt::ui
