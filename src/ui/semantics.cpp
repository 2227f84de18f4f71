#include "ui/semantics.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

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

void sem_page_avoid(ImVec2 min, ImVec2 max) {
  PageOverlay& p = g_page;
  if (!(p.max.x > p.min.x) || min.x >= p.max.x || max.x <= p.min.x || min.y >= p.max.y || max.y <= p.min.y) return;
  const float gap = ImGui::GetStyle().ItemSpacing.y;
  if (min.y - p.min.y >= p.max.y - max.y) p.max.y = min.y - gap;
  else p.min.y = max.y + gap;
  if (p.max.y - p.min.y < 2 * gap) p.max = p.min;  // nothing useful left: none shown
}

void sem_href(SemNode& node, const std::string& href) {
  if (href.empty()) return;
  node.href = href;
  if (ImGui::IsItemHovered() && &node != &g_discard) g_hover_link = HoverLink{href, node.min, node.max};
}

const HoverLink& sem_hover_link() { return g_hover_link; }

SemNode& sem_rect(std::string id, std::string role, std::string name, ImVec2 min, ImVec2 max) {
  if (behind_modal()) return sem_discard();
  // A window ImGui lays out without showing (a dialog or menu in the frame it opens, measuring its size) is
  // not on screen yet: its nodes come with the frame that shows it, so the tree never has a dialog whose
  // content is still to come.
  if (ImGui::GetCurrentWindowRead()->Hidden) return sem_discard();
  // What is on screen of it: the window it is drawn in may be scrolled (the card's stage bar and tabs when
  // the card scrolls up under the top bar); a node wholly scrolled away is none.
  const ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 cmin = dl->GetClipRectMin(), cmax = dl->GetClipRectMax();
  const bool cut = min.x < cmin.x || min.y < cmin.y || max.x > cmax.x || max.y > cmax.y;
  min = ImVec2(std::max(min.x, cmin.x), std::max(min.y, cmin.y));
  max = ImVec2(std::min(max.x, cmax.x), std::min(max.y, cmax.y));
  if (max.x < min.x || max.y < min.y) return sem_discard();
  SemNode& n = sem_rect_on_top(std::move(id), std::move(role), std::move(name), min, max);
  n.cut = cut;
  return n;
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
  // Clipped to the window by sem_rect, so that a half-scrolled item is not clicked outside its visible part.
  SemNode& n = sem_rect(std::move(id), std::move(role), std::move(name), ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  n.value = std::move(value);
  // Active (a text field being edited, a button held down); the keyboard focus of other widgets is set by
  // focus_item (ui/focus.hpp): ImGui's own nav id, which a click or an opening window sets, is not one.
  n.focused = ImGui::IsItemActive();
  return n;
}

const std::vector<SemNode>& sem_nodes() { return g_nodes; }

SemNode& sem_last(const std::string& id) {
  return !g_nodes.empty() && g_nodes.back().id == id ? g_nodes.back() : sem_discard();
}

void sem_move_last(size_t index) {
  if (index + 1 >= g_nodes.size()) return;
  std::rotate(g_nodes.begin() + static_cast<std::ptrdiff_t>(index), g_nodes.end() - 1, g_nodes.end());
}

void sem_suffix_ids(size_t from, const std::string& suffix) {
  for (size_t i = from; i < g_nodes.size(); ++i) g_nodes[i].id += suffix;
}

namespace {
// The tree's JSON is written directly: a scroll step changes every node's rectangle, so the whole tree is
// written in such frames, and building a JSON value per node first cost a phone's frame ~1 ms (4x slower CPU).
void put_string(std::string& out, const std::string& s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;  // UTF-8 as it is: the page decodes it (a broken sequence becomes U+FFFD, never an error)
    }
  }
  out += '"';
}
void put_number(std::string& out, float v) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.2f", std::isfinite(v) ? static_cast<double>(v) : 0.0);
  out.append(buf, static_cast<size_t>(n));
}
void put_field(std::string& out, const char* key, const std::string& s) {
  out += key;
  put_string(out, s);
}
}  // namespace

std::string sem_json(float scale) {
  std::string out;
  out.reserve(g_nodes.size() * 160 + 2);
  out += '[';
  for (const auto& n : g_nodes) {
    if (out.size() > 1) out += ',';
    put_field(out, "{\"id\":", n.id);
    put_field(out, ",\"role\":", n.role);
    put_field(out, ",\"name\":", n.name);
    out += ",\"x\":";
    put_number(out, n.min.x / scale);
    out += ",\"y\":";
    put_number(out, n.min.y / scale);
    out += ",\"w\":";
    put_number(out, (n.max.x - n.min.x) / scale);
    out += ",\"h\":";
    put_number(out, (n.max.y - n.min.y) / scale);
    if (!n.value.empty()) put_field(out, ",\"value\":", n.value);
    if (n.focused) out += ",\"focused\":true";
    if (n.disabled) out += ",\"disabled\":true";
    if (n.selected) out += ",\"selected\":true";
    if (n.checked >= 0) out += n.checked == 1 ? ",\"checked\":true" : ",\"checked\":false";
    if (n.expanded >= 0) out += n.expanded == 1 ? ",\"expanded\":true" : ",\"expanded\":false";
    if (n.invalid) out += ",\"invalid\":true";
    if (n.multiline) out += ",\"multiline\":true";
    if (!n.description.empty()) put_field(out, ",\"description\":", n.description);
    if (!n.href.empty()) put_field(out, ",\"href\":", n.href);
    if (n.cut) out += ",\"cut\":true";
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace kt::ui
