#include "app/key_events.hpp"

#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>

#include <vector>

namespace kt::app {

namespace {

GLFWwindow* g_window = nullptr;
std::vector<int> g_pressed;   // keys pressed since the last frame
std::vector<int> g_deferred;  // their releases, held back
std::vector<int> g_release;   // releases to apply before the next frame

bool contains(const std::vector<int>& v, int k) {
  for (int x : v)
    if (x == k) return true;
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

}  // namespace

void install_key_filter(GLFWwindow* window) {
  g_window = window;
  glfwSetKeyCallback(window, on_key);
}

void key_filter_before_frame() {
  for (int key : g_release) ImGui_ImplGlfw_KeyCallback(g_window, key, 0, GLFW_RELEASE, 0);
  g_release.clear();
}

void key_filter_after_frame() {
  g_release.swap(g_deferred);
  g_deferred.clear();
  g_pressed.clear();
}

}  // namespace kt::app
