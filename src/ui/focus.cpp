#include "ui/focus.hpp"

#include <imgui_internal.h>

#include <vector>

#include "ui/help_panel.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"

namespace kt::ui {

namespace {

struct FocusEntry {
  std::string id;
  FocusKind kind;
  ImGuiWindow* root;  // the dialog (popup) or the page the widget is in
  bool current;
};

std::vector<FocusEntry> g_entries;  // the tab order of this frame, in drawing order
int g_tab_key = -1;            // io.KeysDown index of Tab (ImGui's own mapping is switched off)

// The widget with the keyboard focus (its semantics id) and where it is.
std::string g_focus;
ImGuiWindow* g_focus_root = nullptr;
FocusKind g_focus_kind = FocusKind::Button;
bool g_ring = false;  // the focus came from the keyboard: the ring shows it
// A widget Tab reached, which takes the focus when it is drawn next (a text field activates itself then).
std::string g_pending;
int g_pending_frames = 0;

// The keys of this frame.
bool g_tab = false, g_esc = false, g_enter = false, g_space = false, g_up = false, g_down = false;
// The topmost popup when the frame began: Esc closes that one only.
ImGuiID g_top_id = 0;
bool g_back = false;  // the browser's Back came (focus_request_back)
int g_top_level = -1;
bool g_top_modal = false;
// Enter submits the dialog `g_submit_root` (its first primary button takes it).
bool g_submit = false;
ImGuiWindow* g_submit_root = nullptr;

bool pressed(ImGuiKey key) {
  const int index = ImGui::GetKeyIndex(key);
  return index >= 0 && ImGui::IsKeyPressed(index, false);
}

// The topmost modal popup (a dialog), or null when none is open.
ImGuiWindow* top_modal() {
  ImGuiContext& g = *GImGui;
  for (int i = g.OpenPopupStack.Size - 1; i >= 0; --i)
    if (ImGuiWindow* w = g.OpenPopupStack[i].Window; w && (w->Flags & ImGuiWindowFlags_Modal)) return w;
  return nullptr;
}

void move_focus(bool backwards) {
  ImGuiContext& g = *GImGui;
  // The scope: the topmost dialog; with none, the page (whatever is not in a popup).
  ImGuiWindow* scope = top_modal();
  std::vector<const FocusEntry*> order;
  for (const auto& e : g_entries)
    if (scope ? e.root == scope : !(e.root->Flags & ImGuiWindowFlags_Popup)) order.push_back(&e);
  if (order.empty()) return;
  const int n = static_cast<int>(order.size());
  int cur = -1;
  for (int i = 0; i < n && cur < 0; ++i)
    if (order[i]->current) cur = i;
  for (int i = 0; i < n && cur < 0; ++i)
    if (order[i]->id == g_focus && order[i]->root == g_focus_root) cur = i;
  const int next = cur < 0 ? (backwards ? n - 1 : 0) : (cur + (backwards ? n - 1 : 1)) % n;
  const FocusEntry& e = *order[static_cast<size_t>(next)];
  g_focus = e.id;
  g_focus_root = e.root;
  g_focus_kind = e.kind;
  g_ring = true;
  // A drop-down left open above the scope closes, as Tab closes a <select>.
  int keep = 0;
  if (scope)
    for (int i = 0; i < g.OpenPopupStack.Size; ++i)
      if (g.OpenPopupStack[i].Window == scope) keep = i + 1;
  if (keep < g.OpenPopupStack.Size) ImGui::ClosePopupToLevel(keep, true);
  if (e.kind == FocusKind::Text || e.kind == FocusKind::Field) {
    g_pending = e.id;
    g_pending_frames = 3;
  } else if (g.ActiveId != 0) {
    ImGui::ClearActiveID();  // the text field that had the focus lets it go (a card field saves)
  }
}

}  // namespace

void focus_leave_screen() {
  if (ImGui::GetCurrentContext() && ImGui::GetCurrentContext()->ActiveId != 0) ImGui::ClearActiveID();
  g_focus.clear();
  g_focus_root = nullptr;
  g_ring = false;
  g_pending.clear();
  g_pending_frames = 0;
}

void focus_install() {
  ImGuiIO& io = ImGui::GetIO();
  g_tab_key = io.KeyMap[ImGuiKey_Tab];
  io.KeyMap[ImGuiKey_Tab] = -1;
}

void focus_begin_frame() {
  ImGuiContext& g = *GImGui;
  const ImGuiIO& io = ImGui::GetIO();
  g_entries.clear();
  const bool help = help_open();  // the help panel has the keyboard (Esc closes it)
  // No repeats made up by ImGui: a frame that comes late (the page draws on demand) would count a key that
  // is still down as pressed again. The browser's own auto-repeat arrives as presses.
  g_tab = !help && g_tab_key >= 0 && ImGui::IsKeyPressed(g_tab_key, false) && !io.KeyCtrl && !io.KeyAlt;
  g_esc = !help && pressed(ImGuiKey_Escape);
  g_enter = !help && (pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter));
  g_space = !help && !io.WantTextInput && pressed(ImGuiKey_Space);
  g_up = !help && pressed(ImGuiKey_UpArrow);
  g_down = !help && pressed(ImGuiKey_DownArrow);
  g_top_id = 0;
  g_top_level = g.OpenPopupStack.Size - 1;
  g_top_modal = false;
  if (g_top_level >= 0) {
    const ImGuiPopupData& top = g.OpenPopupStack[g_top_level];
    g_top_id = top.PopupId;
    g_top_modal = top.Window && (top.Window->Flags & ImGuiWindowFlags_Modal);
  }
  // Back is Esc for what is open; with nothing open (closed meanwhile) it folds nothing.
  if (g_back && g_top_level >= 0) g_esc = true;
  g_back = false;
  // A click moves the focus as in a browser: to what was clicked (focus_item), without a ring.
  if (ImGui::IsMouseClicked(0)) {
    g_focus.clear();
    g_ring = false;
    g_pending.clear();
  }
  // Enter in a dialog submits it, unless it belongs to a widget: a multi-line field (without Ctrl), or the
  // button or drop-down with the focus ring.
  g_submit = false;
  g_submit_root = nullptr;
  if (g_enter && g_top_modal) {
    const ImGuiInputTextState& st = g.InputTextState;
    const bool text_active = g.ActiveId != 0 && st.ID == g.ActiveId;
    const bool enter_is_text = text_active && (st.Flags & ImGuiInputTextFlags_Multiline) && !io.KeyCtrl;
    const bool ring_widget = g_ring && !text_active && !g_focus.empty() &&
                             (g_focus_kind == FocusKind::Button || g_focus_kind == FocusKind::Choice);
    if (!enter_is_text && !ring_widget && (g.ActiveId == 0 || text_active)) {
      g_submit = true;
      g_submit_root = g.OpenPopupStack[g_top_level].Window;
    }
  }
}

void focus_end_frame() {
  ImGuiContext& g = *GImGui;
  // Esc closes a drop-down or menu that was on top when the frame began, unless what drew it closed it
  // already (a card's choice popup cancels its edit). Dialogs close themselves (dialog_begin).
  if (g_esc && g_top_id != 0 && !g_top_modal && g_top_level < g.OpenPopupStack.Size &&
      g.OpenPopupStack[g_top_level].PopupId == g_top_id)
    ImGui::ClosePopupToLevel(g_top_level, true);
  if (g_tab) move_focus(ImGui::GetIO().KeyShift);
  if (!g_pending.empty() && --g_pending_frames < 0) g_pending.clear();
}

bool focus_take(const std::string& id) {
  if (g_pending.empty() || g_pending != id) return false;
  g_pending.clear();
  return true;
}

bool focus_item(const std::string& id, FocusKind kind, SemNode& node, bool current) {
  // A control drawn disabled (ImGui::BeginDisabled) is out of the Tab order and does nothing on a key, as a
  // browser's disabled control; its node says it is disabled.
  if (GImGui->LastItemData.InFlags & ImGuiItemFlags_Disabled) {
    node.disabled = true;
    return false;
  }
  ImGuiWindow* root = ImGui::GetCurrentWindow()->RootWindow;
  g_entries.push_back(FocusEntry{id, kind, root, current});
  if (current || ImGui::IsItemActivated()) {
    g_focus = id;
    g_focus_root = root;
    g_focus_kind = kind;
  }
  const bool has = g_focus == id && g_focus_root == root;
  if (!has) return false;
  // The ring: for what the keyboard focused, and for an active text field (as a browser outlines one).
  const bool text_active = kind == FocusKind::Text && current;
  if ((g_ring && !(kind == FocusKind::Field && current)) || text_active) {
    const float pad = px(2);
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddRect(ImVec2(a.x - pad, a.y - pad), ImVec2(b.x + pad, b.y + pad),
                                        color::kAccentDark, px(5), 0, px(2));
    node.focused = true;
  }
  if (!g_ring || current) return false;
  bool act = false;
  switch (kind) {
    case FocusKind::Button:
    case FocusKind::Choice: act = g_enter || g_space; break;
    case FocusKind::Toggle: act = g_space; break;
    case FocusKind::Field: act = g_enter; break;
    default: break;
  }
  if (act) g_enter = g_space = false;  // one widget acts on a key
  return act;
}

int focus_step(const std::string& id) {
  if (!g_ring || g_focus != id || g_focus_root != ImGui::GetCurrentWindow()->RootWindow) return 0;
  return g_up ? -1 : g_down ? 1 : 0;
}

bool escape_for_popups() { return g_esc; }
void focus_request_back() { g_back = true; }

bool tab_pressed() { return g_tab; }

bool escape_unclaimed() { return g_esc && g_top_level < 0; }

bool escape_closes(ImGuiID popup_id) { return g_esc && popup_id != 0 && popup_id == g_top_id; }

bool focus_take_submit(ImGuiWindow* root) {
  if (!g_submit || root != g_submit_root) return false;
  g_submit = false;
  return true;
}

}  // namespace kt::ui
