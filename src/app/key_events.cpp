#include "app/key_events.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <string>
#include <vector>

namespace kt::app {

namespace {

GLFWwindow* g_window = nullptr;
std::vector<int> g_pressed;   // keys pressed since the last frame
std::vector<int> g_deferred;  // their releases, held back
std::vector<int> g_release;   // releases to apply before the next frame
std::string g_text_deferred;  // text typed after a held-back modifier release (moves like g_deferred)
std::string g_text_release;   // text to add right after g_release is applied

bool contains(const std::vector<int>& v, int k) {
  for (int x : v)
    if (x == k) return true;
  return false;
}

bool is_modifier(int key) {
  return key == GLFW_KEY_LEFT_CONTROL || key == GLFW_KEY_RIGHT_CONTROL || key == GLFW_KEY_LEFT_SUPER ||
         key == GLFW_KEY_RIGHT_SUPER || key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT;
}

bool modifier_release_deferred() {
  for (int k : g_deferred)
    if (is_modifier(k)) return true;
  return false;
}

void on_key(GLFWwindow* w, int key, int scancode, int action, int mods) {
  if (action == GLFW_PRESS) {
    if (!contains(g_pressed, key)) g_pressed.push_back(key);
  } else if (action == GLFW_RELEASE && contains(g_pressed, key)) {
    if (!contains(g_deferred, key)) g_deferred.push_back(key);
    return;
  }
  ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
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
  for (int key : g_release) ImGui_ImplGlfw_KeyCallback(g_window, key, 0, GLFW_RELEASE, 0);
  g_release.clear();
  if (!g_text_release.empty()) {
    ImGui::GetIO().AddInputCharactersUTF8(g_text_release.c_str());
    g_text_release.clear();
  }
}

void key_filter_after_frame() {
  g_release.swap(g_deferred);
  g_deferred.clear();
  g_pressed.clear();
  g_text_release += g_text_deferred;
  g_text_deferred.clear();
}

bool key_filter_pending() {
  return !g_release.empty() || !g_deferred.empty() || !g_text_release.empty() || !g_text_deferred.empty();
}

void key_filter_text(const char* utf8) {
  if (!utf8 || !*utf8) return;
  if (!g_text_deferred.empty() || modifier_release_deferred()) g_text_deferred += utf8;
  else if (!g_text_release.empty()) g_text_release += utf8;
  else ImGui::GetIO().AddInputCharactersUTF8(utf8);
}

}  // namespace kt::app
