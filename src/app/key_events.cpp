#include "app/key_events.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "app/idle.hpp"

namespace kt::app {

namespace {

struct Event {
  int key = -1;  // >= 0: a key event; -1: text
  int scancode = 0, action = 0, mods = 0;
  std::string text;
};

// Frames text may wait for a text field to become active before it is dropped.
constexpr int kTextWaitFrames = 10;

GLFWwindow* g_window = nullptr;
std::deque<Event> g_queue;
int g_hold = 0;  // frames to wait before the next event (a key that ended text editing settles first)
int g_text_waited = 0;  // frames the text at the head of the queue has waited for a field

// Keys InputText acts on by themselves (not only with Ctrl): text typed after one of them in the same frame
// must wait, or InputText would insert it before the key's edit.
bool is_editing_key(int key) {
  switch (key) {
    case GLFW_KEY_BACKSPACE: case GLFW_KEY_DELETE: case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER:
    case GLFW_KEY_TAB: case GLFW_KEY_ESCAPE: case GLFW_KEY_LEFT: case GLFW_KEY_RIGHT: case GLFW_KEY_UP:
    case GLFW_KEY_DOWN: case GLFW_KEY_HOME: case GLFW_KEY_END: case GLFW_KEY_PAGE_UP: case GLFW_KEY_PAGE_DOWN:
    case GLFW_KEY_INSERT:
      return true;
    default:
      return false;
  }
}

bool is_modifier(int key) {
  return key == GLFW_KEY_LEFT_CONTROL || key == GLFW_KEY_RIGHT_CONTROL || key == GLFW_KEY_LEFT_SHIFT ||
         key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
         key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
}

bool ends_editing(int key) {
  return key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER || key == GLFW_KEY_ESCAPE || key == GLFW_KEY_TAB;
}

void on_key(GLFWwindow*, int key, int scancode, int action, int mods) {
  Event e;
  e.key = key;
  e.scancode = scancode;
  e.action = action;
  e.mods = mods;
  g_queue.push_back(std::move(e));
}

void on_char(GLFWwindow*, unsigned int c) {
  char buf[5] = {};
  if (c < 0x80) {
    buf[0] = static_cast<char>(c);
  } else if (c < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (c >> 6));
    buf[1] = static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (c >> 12));
    buf[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (c & 0x3F));
  } else {
    buf[0] = static_cast<char>(0xF0 | (c >> 18));
    buf[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (c & 0x3F));
  }
  key_filter_text(buf);
}

}  // namespace

void install_key_filter(GLFWwindow* window) {
  g_window = window;
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
}

void key_filter_before_frame() {
  ImGuiIO& io = ImGui::GetIO();
  // Events handed over now are input of this frame: the frames after it are needed as after any input.
  if (!g_queue.empty()) wake();
  if (g_hold > 0) {
    --g_hold;
    return;
  }
  std::vector<int> changed;  // keys pressed or released in this frame: ImGui sees one state per frame
  bool editing_key = false;
  bool typed = false;  // text handed to ImGui in this frame
  auto was_changed = [&](int k) {
    for (int x : changed)
      if (x == k) return true;
    return false;
  };
  while (!g_queue.empty()) {
    Event& e = g_queue.front();
    if (e.key >= 0) {
      const bool change = e.action == GLFW_RELEASE || e.action == GLFW_PRESS;
      // While typing into a field, a character key's own state means nothing to ImGui (the character
      // arrives as text): fast typing need not take a frame per key. Keys that edit, modifiers, and keys
      // pressed with a modifier (shortcuts) keep one change per frame.
      const bool plain_typing = io.WantTextInput && !is_editing_key(e.key) && !is_modifier(e.key) &&
                                !io.KeyCtrl && !io.KeyAlt && !io.KeySuper;
      if (change && !plain_typing && was_changed(e.key)) break;
      // Ctrl, Alt or Super pressed after text in this frame waits for the next one: ImGui's text field
      // ignores every character of a frame in which Ctrl is down (imgui_widgets.cpp, ignore_char_inputs),
      // so fast typing followed by Ctrl+Enter lost its last letters. Editing keys wait likewise, so that
      // the field has the text before it acts on the key.
      const bool shortcut_modifier = e.key == GLFW_KEY_LEFT_CONTROL || e.key == GLFW_KEY_RIGHT_CONTROL ||
                                     e.key == GLFW_KEY_LEFT_ALT || e.key == GLFW_KEY_RIGHT_ALT ||
                                     e.key == GLFW_KEY_LEFT_SUPER || e.key == GLFW_KEY_RIGHT_SUPER;
      if (typed && e.action == GLFW_PRESS && (shortcut_modifier || is_editing_key(e.key))) break;
      const bool was_editing = io.WantTextInput;
      ImGui_ImplGlfw_KeyCallback(g_window, e.key, e.scancode, e.action, e.mods);
      if (change) changed.push_back(e.key);
      if (e.action == GLFW_PRESS) editing_key = editing_key || is_editing_key(e.key);
      if (e.action == GLFW_PRESS && was_editing && ends_editing(e.key)) {
        // Enter, Esc or Tab may close the text field; io.WantTextInput still says "editing" in the next
        // frame, so a Ctrl+Z right behind would undo typing rather than the saved change: let it settle.
        g_queue.pop_front();
        g_hold = 1;
        break;
      }
    } else {
      if (editing_key) break;
      if (!io.WantTextInput) {
        // No field yet: wait a little for one (a tap focuses the bridge before the field is active).
        if (++g_text_waited <= kTextWaitFrames) break;
        std::fprintf(stderr, "text input: no active text field, dropped %zu bytes\n", e.text.size());
      } else {
        io.AddInputCharactersUTF8(e.text.c_str());
        typed = true;
      }
      g_text_waited = 0;
    }
    g_queue.pop_front();
  }
}

void key_filter_after_frame() {}

bool key_filter_pending() { return !g_queue.empty(); }

void key_filter_text(const char* utf8) {
  if (!utf8 || !*utf8) return;
  if (!g_queue.empty() && g_queue.back().key < 0) {
    g_queue.back().text += utf8;  // consecutive text is one event
    return;
  }
  Event e;
  e.text = utf8;
  g_queue.push_back(std::move(e));
}

}  // namespace kt::app
