#include <emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/idle.hpp"
#include "app/key_events.hpp"
#include "app/text_input.hpp"
#include "ui/semantics.hpp"

namespace {

std::string g_clipboard;    // the last text ImGui copied (also written to the system clipboard)
bool g_copied = false;      // ImGui copied something since the flag was cleared
bool g_in_copy_event = false;  // frames drawn from a copy/cut event: the event carries the text
void (*g_draw_frame)() = nullptr;
std::string g_paste;        // text of the paste event that belongs to the pending Ctrl+V
bool g_paste_pending = false;
std::string g_selection;    // returned to JS by kt_text_selection

// The active InputText's state, or null when no text field is being edited.
ImGuiInputTextState* active_text_state() {
  ImGuiContext* g = ImGui::GetCurrentContext();
  if (!g || g->ActiveId == 0 || g->InputTextState.ID != g->ActiveId) return nullptr;
  return &g->InputTextState;
}

// The field being edited stays in view. When a field becomes active or the screen changes size (a phone's
// on-screen keyboard opening shrinks the page: web/input.js), and its caret line lies outside the visible
// part of a window that scrolls it, that window scrolls by what is missing (and a line more) on the next
// frames. Only then: a finger scrolling the page while a field is open is left alone.
ImGuiID g_follow_id = 0;      // the active field last followed
ImVec2 g_follow_display{0, 0};
int g_follow_frames = 0;      // frames left in which the caret is brought into view

void keep_caret_in_view() {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  // Only a text field being edited: a finger pressing a button while a field was open (io.WantTextInput
  // is still the frame's before) would otherwise scroll to the field's last caret, taking the button from
  // under the finger before it lifts (the tap missed).
  if (!ImGui::GetIO().WantTextInput || !g.ActiveIdWindow || g.ActiveId != g.InputTextState.ID) {
    g_follow_id = 0;
    return;
  }
  if (g.ActiveId != g_follow_id || g.IO.DisplaySize.x != g_follow_display.x || g.IO.DisplaySize.y != g_follow_display.y) {
    g_follow_id = g.ActiveId;
    g_follow_display = g.IO.DisplaySize;
    g_follow_frames = 4;  // the layout settles over a frame or two after a resize
  }
  // ImGui tells the caret's place only on frames that draw the caret (not while it blinks off): it is
  // (1, 1) otherwise, and those frames wait.
  if (g_follow_frames <= 0 || (g.PlatformImePos.x == 1.0f && g.PlatformImePos.y == 1.0f)) return;
  --g_follow_frames;
  float top = g.PlatformImePos.y, bottom = top + g.FontSize;
  const float margin = g.FontSize;
  bool scrolled = false;
  for (ImGuiWindow* w = g.ActiveIdWindow; w; w = w->ParentWindow) {
    if (w->ScrollMax.y > 0) {
      const float view_top = w->InnerClipRect.Min.y;
      const float view_bottom = std::min(w->InnerClipRect.Max.y, g.IO.DisplaySize.y);
      float d = 0;
      if (bottom + margin > view_bottom) d = bottom + margin - view_bottom;
      else if (top - margin < view_top) d = top - margin - view_top;
      d = std::clamp(w->Scroll.y + d, 0.0f, w->ScrollMax.y) - w->Scroll.y;
      if (d != 0) {
        ImGui::SetScrollY(w, w->Scroll.y + d);
        top -= d;
        bottom -= d;
        scrolled = true;
      }
    }
    if (!(w->Flags & ImGuiWindowFlags_ChildWindow)) break;
  }
  if (scrolled) kt::app::wake();
}

// The focused text field's node in the semantics tree (its label, its keyboard), or nullptr.
const kt::ui::SemNode* focused_text_node() {
  for (const auto& n : kt::ui::sem_nodes())
    if (n.focused && (n.role == "textbox" || n.role == "searchbox")) return &n;
  return nullptr;
}

}  // namespace

EM_JS(void, kt_js_clipboard_write, (const char* text), { Module.ktText.clipboardWrite(UTF8ToString(text)); });
EM_JS(void, kt_js_ime_place, (double x, double y, double line_h), { Module.ktText.place(x, y, line_h); });
EM_JS(void, kt_js_text_sync, (int want, const char* label, const char* keyboard, const char* enter), {
  Module.ktText.sync(!!want, want ? UTF8ToString(label) : "", want ? UTF8ToString(keyboard) : "",
                     want ? UTF8ToString(enter) : "");
});
EM_JS(int, kt_js_is_mac, (), { return /Mac|iPhone|iPad/.test(navigator.platform || "") ? 1 : 0; });

namespace kt::app {

namespace {

const char* get_clipboard(void*) {
  // Only the text of the paste event that came with this Ctrl+V: anything else would be stale.
  if (!g_paste_pending) return nullptr;
  g_paste_pending = false;
  return g_paste.c_str();
}

void set_clipboard(void*, const char* text) {
  g_clipboard = text ? text : "";
  g_copied = true;
  if (!g_in_copy_event) kt_js_clipboard_write(g_clipboard.c_str());
}

// ImGui reports the caret in device pixels (x, top of the line); the page works in CSS pixels.
void ime_position(int x, int y) {
  const double dpr = emscripten_get_device_pixel_ratio();
  const double line = ImGui::GetCurrentContext() ? ImGui::GetCurrentContext()->FontSize : 16.0;
  kt_js_ime_place(x / dpr, y / dpr, line / dpr);
}

}  // namespace

void text_input_init(void (*draw_frame)()) {
  g_draw_frame = draw_frame;
  ImGuiIO& io = ImGui::GetIO();
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;
  io.ClipboardUserData = nullptr;
  io.ImeSetInputScreenPosFn = ime_position;
  // Cmd rather than Ctrl for shortcuts, Alt+arrows for words: what people on a Mac expect.
  io.ConfigMacOSXBehaviors = kt_js_is_mac() != 0;
}

void text_input_after_frame() {
  keep_caret_in_view();
  const bool want = ImGui::GetIO().WantTextInput;
  // A paste that no field took once the keys before it were handled is gone (never pasted later).
  if (!key_filter_pending()) g_paste_pending = false;
  const kt::ui::SemNode* field = want ? focused_text_node() : nullptr;
  const char* keyboard = !field ? "" : field->keyboard ? field->keyboard : field->role == "searchbox" ? "search" : "text";
  // The Enter key's label on a phone's keyboard: a search's, a new line in a text of several, else done.
  const char* enter = !field ? "" : field->role == "searchbox" ? "search" : field->multiline ? "enter" : "done";
  kt_js_text_sync(want ? 1 : 0, field ? field->name.c_str() : "", keyboard, enter);
}

double caret_blink_ms() {
  const ImGuiInputTextState* st = active_text_state();
  if (!st || !ImGui::GetIO().ConfigInputTextCursorBlink) return -1;
  // imgui_widgets.cpp: visible while CursorAnim <= 0 or fmod(CursorAnim, 1.2) <= 0.8.
  const double a = st->CursorAnim;
  double wait;
  if (a <= 0) wait = -a + 0.8;
  else {
    const double t = std::fmod(a, 1.2);
    wait = t <= 0.8 ? 0.8 - t : 1.2 - t;
  }
  return wait * 1000.0 + 2.0;
}

}  // namespace kt::app

extern "C" {

const char* kt_text_selection();

// Text from the bridge (typing, IME, dead keys, a paste from a menu): inserted like typed characters, in
// order with the keys (app/key_events.hpp).
EMSCRIPTEN_KEEPALIVE int kt_text_insert(const char* utf8) {
  if (!utf8 || !*utf8 || !ImGui::GetCurrentContext()) return 0;
  kt::app::key_filter_text(utf8);
  return 1;
}

// The text of the paste event that came with a Ctrl+V (or Shift+Insert) keydown: ImGui's paste handling
// in the next frame reads it through io.GetClipboardTextFn.
EMSCRIPTEN_KEEPALIVE void kt_paste_stash(const char* utf8) {
  g_paste = utf8 ? utf8 : "";
  g_paste_pending = true;
}

// The text for a DOM copy or cut event. The keys typed before it (and the Ctrl+C/X itself) are handed to
// ImGui first, by drawing frames until the input queue is empty (a few at most); what ImGui copied then is
// the answer. Without a copy by ImGui (a copy from a menu), the active field's selection. Empty when no
// text field is active: the browser's default copy then applies.
EMSCRIPTEN_KEEPALIVE const char* kt_copy_text() {
  g_copied = false;
  g_in_copy_event = true;
  for (int i = 0; i < 8 && g_draw_frame && kt::app::key_filter_pending(); ++i) g_draw_frame();
  g_in_copy_event = false;
  if (g_copied) {
    g_selection = g_clipboard;
    return g_selection.c_str();
  }
  return kt_text_selection();
}

// What Ctrl+C would copy from the active text field right now, following ImGui's rules: the selection,
// or the whole text of a single-line field without one. Empty when no field is active.
EMSCRIPTEN_KEEPALIVE const char* kt_text_selection() {
  g_selection.clear();
  const ImGuiInputTextState* st = active_text_state();
  if (!st) return g_selection.c_str();
  const bool multiline = (st->Flags & ImGuiInputTextFlags_Multiline) != 0;
  const bool password = (st->Flags & ImGuiInputTextFlags_Password) != 0;
  if (password) return g_selection.c_str();
  int b = 0, e = st->CurLenW;
  if (st->HasSelection()) {
    b = ImMin(st->Stb.select_start, st->Stb.select_end);
    e = ImMax(st->Stb.select_start, st->Stb.select_end);
  } else if (multiline) {
    return g_selection.c_str();
  }
  const ImWchar* w = st->TextW.Data;
  const int len = ImTextCountUtf8BytesFromStr(w + b, w + e) + 1;
  g_selection.resize(static_cast<size_t>(len));
  ImTextStrToUtf8(g_selection.data(), len, w + b, w + e);
  g_selection.resize(static_cast<size_t>(len - 1));
  return g_selection.c_str();
}

// Whether a text field is at (x, y) in CSS pixels in the last frame: the page focuses the bridge inside
// the touch gesture, the only moment a mobile browser lets it open the on-screen keyboard.
EMSCRIPTEN_KEEPALIVE int kt_text_field_at(double x, double y) {
  const double dpr = emscripten_get_device_pixel_ratio();
  const float px = static_cast<float>(x * dpr), py = static_cast<float>(y * dpr);
  for (const auto& n : kt::ui::sem_nodes())
    if ((n.role == "textbox" || n.role == "searchbox") && px >= n.min.x && px < n.max.x && py >= n.min.y &&
        py < n.max.y)
      return 1;
  return 0;
}

}  // extern "C"
