#include <emscripten.h>
#include <imgui.h>

#include <cmath>
#include <deque>
#include <string>

#include "app/idle.hpp"
#include "app/pointer.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"

namespace {

struct Step {
  float x, y;  // device pixels
  bool down;
};

std::deque<Step> g_steps;
bool g_override = false;  // io.MousePos/MouseDown[0] follow the last step until the release was shown
Step g_last{0, 0, false};
float g_wheel_x = 0, g_wheel_y = 0;  // touch scrolling to add, in ImGui wheel steps

double dpr() {
  double r = emscripten_get_device_pixel_ratio();
  return r > 0 ? r : 1.0;
}

void push(float x, float y, bool down) {
  // Moves with the same button state coalesce: only the latest position matters.
  if (g_steps.size() > 1 && g_steps.back().down == down && g_steps[g_steps.size() - 2].down == down)
    g_steps.back() = Step{x, y, down};
  else
    g_steps.push_back(Step{x, y, down});
  kt::app::wake();
}

}  // namespace

namespace kt::app {

void pointer_before_frame() {
  ImGuiIO& io = ImGui::GetIO();
  if (!g_steps.empty()) {
    g_last = g_steps.front();
    g_steps.pop_front();
    g_override = true;
    wake();  // a step is input: the frames after it (an editor opening, a popup sizing itself) are needed too
  } else if (g_override && !g_last.down) {
    g_override = false;  // the release has been seen; GLFW's position (set to the finger) takes over
  }
  if (g_override) {
    io.MousePos = ImVec2(g_last.x, g_last.y);
    io.MouseDown[0] = g_last.down;
  }
  if (g_wheel_x != 0 || g_wheel_y != 0) {
    io.MouseWheel += g_wheel_y;
    io.MouseWheelH += g_wheel_x;
    g_wheel_x = g_wheel_y = 0;
  }
}

bool pointer_busy() { return !g_steps.empty() || g_override; }

bool pointer_tap_node(const std::string& id) {
  for (const auto& n : ui::sem_nodes()) {
    if (n.id != id) continue;
    if (n.max.x <= n.min.x || n.max.y <= n.min.y) return false;
    const float x = (n.min.x + n.max.x) / 2, y = (n.min.y + n.max.y) / 2;
    g_steps.push_back(Step{x, y, false});
    g_steps.push_back(Step{x, y, true});
    g_steps.push_back(Step{x, y, false});
    wake();
    return true;
  }
  return false;
}

std::string pointer_debug_json() {
  return "{\"queued\":" + std::to_string(g_steps.size()) + ",\"override\":" + (g_override ? "true" : "false") +
         ",\"x\":" + std::to_string(g_last.x) + ",\"y\":" + std::to_string(g_last.y) +
         ",\"down\":" + (g_last.down ? "true" : "false") + "}";
}

}  // namespace kt::app

extern "C" {

// A pointer step from the page's touch handling, in CSS pixels: phase 0 moves with the button up,
// 1 presses, 2 releases, 3 moves with the button held.
EMSCRIPTEN_KEEPALIVE void kt_pointer(double x, double y, int phase) {
  const float px = static_cast<float>(x * dpr()), py = static_cast<float>(y * dpr());
  switch (phase) {
    case 1: push(px, py, true); break;
    case 2: push(px, py, false); break;
    case 3: push(px, py, true); break;
    default: push(px, py, false); break;
  }
}

// A finger moved by (dx, dy) CSS pixels in scrolling mode: the content follows the finger.
EMSCRIPTEN_KEEPALIVE void kt_touch_scroll(double dx, double dy) {
  // One ImGui wheel step scrolls 5 lines of the window's font down, 2 sideways (imgui.cpp, UpdateMouseWheel).
  ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  const double line = font ? font->FontSize : 16.0 * dpr();
  g_wheel_x += static_cast<float>(dx * dpr() / (2.0 * line));
  g_wheel_y += static_cast<float>(dy * dpr() / (5.0 * line));
  kt::ui::set_finger_scrolling(true);
  kt::app::wake();
}

// The scrolling finger lifted (or the touch was cancelled): what snaps settles now.
EMSCRIPTEN_KEEPALIVE void kt_touch_scroll_end() {
  kt::ui::set_finger_scrolling(false);
  kt::app::wake();
}

// The accessibility mirror activates a node (a screen reader's "click"): a click at its centre.
EMSCRIPTEN_KEEPALIVE int kt_activate(const char* id) { return id && kt::app::pointer_tap_node(id) ? 1 : 0; }

}  // extern "C"
