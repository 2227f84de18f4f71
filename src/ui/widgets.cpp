#include "ui/widgets.hpp"

#include <imgui_internal.h>

#include <vector>

#include "ui/semantics.hpp"
#include "ui/theme.hpp"

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

bool button(const std::string& label, const std::string& sem_id, bool primary, bool enabled) {
  if (!enabled) ImGui::BeginDisabled();
  if (primary) {
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(color::rgb(0xbbed21)));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(color::rgb(0xd2f95f)));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::ColorConvertU32ToFloat4(color::rgb(0xb2e232)));
  }
  ImGui::PushFont(fonts().medium);
  bool clicked = ImGui::Button((label + "###" + sem_id).c_str());
  ImGui::PopFont();
  if (primary) ImGui::PopStyleColor(3);
  if (!enabled) ImGui::EndDisabled();
  SemNode& n = sem_item(sem_id, "button", label);
  n.disabled = !enabled;
  return clicked && enabled;
}

bool link(const std::string& label, const std::string& sem_id, ImU32 col) {
  ImVec2 size = ImGui::CalcTextSize(label.c_str());
  ImVec2 pos = ImGui::GetCursorScreenPos();
  bool clicked = ImGui::InvisibleButton(sem_id.c_str(), size);
  bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddText(pos, col, label.c_str());
  if (hovered) {
    dl->AddLine(ImVec2(pos.x, pos.y + size.y), ImVec2(pos.x + size.x, pos.y + size.y), col, 1.0f);
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  }
  sem_item(sem_id, "link", label);
  return clicked;
}

float text_width(const std::string& text) { return ImGui::CalcTextSize(text.c_str()).x; }

bool text_clipped(const std::string& text, float width, ImU32 col) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  float h = ImGui::GetTextLineHeight();
  ImGui::Dummy(ImVec2(width, h));
  bool clipped = text_width(text) > width;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(col));
  ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), pos, ImVec2(pos.x + width, pos.y + h),
                            pos.x + width, pos.x + width, text.c_str(), nullptr, nullptr);
  ImGui::PopStyleColor();
  return clipped;
}

void chip(const std::string& text, ImU32 bg, float max_width) {
  ImGui::PushFont(fonts().small);
  float pad = px(8);
  float w = text_width(text) + 2 * pad;
  if (max_width > 0 && w > max_width) w = max_width;
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

void heading(const std::string& text, const std::string& sem_id) {
  ImGui::PushFont(fonts().medium);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopFont();
  sem_item(sem_id, "heading", text);
}

}  // namespace kt::ui
