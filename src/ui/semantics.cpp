#include "ui/semantics.hpp"

#include <imgui_internal.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kt::ui {

namespace {
std::vector<SemNode> g_nodes;
SemNode g_discard;  // returned for invisible items so that callers can set fields unconditionally
HoverLink g_hover_link;
PageOverlay g_page;
}  // namespace

// Whether the window being drawn lies under an open modal dialog: what is there cannot be reached (ImGui
// blocks it) and is not in the tree, as a screen reader must not find what aria-modal hides.
static bool behind_modal() {
  ImGuiWindow* modal = ImGui::GetTopMostPopupModal();
  if (!modal || !(modal->Active || modal->WasActive)) return false;
  ImGuiWindow* cur = ImGui::GetCurrentWindowRead();
  return cur && !ImGui::IsWindowChildOf(cur, modal, true) && !ImGui::IsWindowAbove(cur, modal);
}

SemNode& sem_discard() {
  g_discard = SemNode{};
  return g_discard;
}

void sem_begin_frame() {
  g_nodes.clear();
  g_hover_link = HoverLink{};
  g_page.min = g_page.max = ImVec2(0, 0);  // the html stays: the next frame mostly shows the same page
  g_page.print.clear();
}

void sem_page(const std::string& html, const std::string& title, ImVec2 min, ImVec2 max) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 cmin = dl->GetClipRectMin(), cmax = dl->GetClipRectMax();
  min = ImVec2(std::max(min.x, cmin.x), std::max(min.y, cmin.y));
  max = ImVec2(std::min(max.x, cmax.x), std::min(max.y, cmax.y));
  if (max.x - min.x < 2 || max.y - min.y < 2) return;
  if (g_page.html != html) g_page.html = html;
  g_page.title = title;
  g_page.min = min;
  g_page.max = max;
}

void sem_print(const std::string& html) { g_page.print = html; }
const PageOverlay& sem_page_overlay() { return g_page; }

void sem_href(SemNode& node, const std::string& href) {
  if (href.empty()) return;
  node.href = href;
  if (ImGui::IsItemHovered() && &node != &g_discard) g_hover_link = HoverLink{href, node.min, node.max};
}

const HoverLink& sem_hover_link() { return g_hover_link; }

SemNode& sem_rect(std::string id, std::string role, std::string name, ImVec2 min, ImVec2 max) {
  if (behind_modal()) return sem_discard();
  return sem_rect_on_top(std::move(id), std::move(role), std::move(name), min, max);
}

SemNode& sem_rect_on_top(std::string id, std::string role, std::string name, ImVec2 min, ImVec2 max) {
  SemNode n;
  n.id = std::move(id);
  n.role = std::move(role);
  n.name = std::move(name);
  n.min = min;
  n.max = max;
  g_nodes.push_back(std::move(n));
  return g_nodes.back();
}

SemNode& sem_item(std::string id, std::string role, std::string name, std::string value) {
  if (!ImGui::IsItemVisible()) return sem_discard();
  ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  // Clip to the window so that a half-scrolled item is not clicked outside its visible part.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 cmin = dl->GetClipRectMin(), cmax = dl->GetClipRectMax();
  min = ImVec2(std::max(min.x, cmin.x), std::max(min.y, cmin.y));
  max = ImVec2(std::min(max.x, cmax.x), std::min(max.y, cmax.y));
  SemNode& n = sem_rect(std::move(id), std::move(role), std::move(name), min, max);
  n.value = std::move(value);
  // Active (a text field being edited, a button held down); the keyboard focus of other widgets is set by
  // focus_item (ui/focus.hpp): ImGui's own nav id, which a click or an opening window sets, is not one.
  n.focused = ImGui::IsItemActive();
  return n;
}

const std::vector<SemNode>& sem_nodes() { return g_nodes; }

void sem_move_last(size_t index) {
  if (index + 1 >= g_nodes.size()) return;
  std::rotate(g_nodes.begin() + static_cast<std::ptrdiff_t>(index), g_nodes.end() - 1, g_nodes.end());
}

void sem_suffix_ids(size_t from, const std::string& suffix) {
  for (size_t i = from; i < g_nodes.size(); ++i) g_nodes[i].id += suffix;
}

std::string sem_json(float scale) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& n : g_nodes) {
    nlohmann::json j = {{"id", n.id},
                        {"role", n.role},
                        {"name", n.name},
                        {"x", n.min.x / scale},
                        {"y", n.min.y / scale},
                        {"w", (n.max.x - n.min.x) / scale},
                        {"h", (n.max.y - n.min.y) / scale}};
    if (!n.value.empty()) j["value"] = n.value;
    if (n.focused) j["focused"] = true;
    if (n.disabled) j["disabled"] = true;
    if (n.selected) j["selected"] = true;
    if (n.checked >= 0) j["checked"] = n.checked == 1;
    if (n.expanded >= 0) j["expanded"] = n.expanded == 1;
    if (n.invalid) j["invalid"] = true;
    if (!n.description.empty()) j["description"] = n.description;
    if (!n.href.empty()) j["href"] = n.href;
    arr.push_back(std::move(j));
  }
  return arr.dump();
}

}  // namespace kt::ui
