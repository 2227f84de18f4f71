#include <emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
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

// A fling (ui/theme.hpp holds its velocity): after a quick swipe the content goes on, slowing down as on a
// phone, its speed falling to 1/e every kFlingTau ms. It stops below kFlingStop, when what it scrolls no
// longer moves (an end reached), or when a finger touches the screen again.
constexpr double kFlingTau = 325;
constexpr double kFlingStop = 0.05;  // CSS px per ms: ~1 px a frame
constexpr double kFlingStart = 0.3;  // CSS px per ms at the finger's lift: slower, the content stays
constexpr double kFlingMax = 6;      // the fastest a fling starts
double g_fling_ms = 0;       // when the fling last moved the content
float g_fling_seen = -1;     // the scroll of what it moves, as seen at its last step; -1: no step yet
bool g_fling_fresh = false;  // the finger has just lifted: the frame that sees it lets the UI take a part first
// The scrolling finger's lift, applied at the start of a frame once one has shown the finger scrolling: what
// snaps sees the gesture even when all of it came between two frames (a quick flick).
struct Release {
  bool pending = false;
  double vx = 0, vy = 0;  // CSS px per ms
  // A finger touched the screen again before the lift was shown (kt_touch_fling_stop): the content does not
  // fly on, but what snaps still sees the gesture and its sideways speed (a flick turns the board a column).
  bool stopped = false;
} g_release;
bool g_fling_held = false;  // the fling is only the stopped lift's speed, for the UI to take in its frame
int g_finger_frames = 0;  // frames that have shown the finger scrolling (since it started)

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

// A finger's move by (dx, dy) CSS pixels as ImGui wheel steps: one step scrolls 5 lines of the window's
// font down, 2 sideways (imgui.cpp, UpdateMouseWheel).
void add_scroll(double dx, double dy) {
  ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  const double line = font ? font->FontSize : 16.0 * dpr();
  g_wheel_x += static_cast<float>(dx * dpr() / (2.0 * line));
  g_wheel_y += static_cast<float>(dy * dpr() / (5.0 * line));
}

bool flinging() {
  const ImVec2 v = kt::ui::fling_velocity();
  return v.x != 0 || v.y != 0;
}

void stop_fling() {
  kt::ui::set_fling_velocity(ImVec2(0, 0));
  g_fling_seen = -1;
  g_fling_held = false;
}

// The scroll of what the wheel moves (the window it went to last, or the one under the finger, and the
// windows it is in): unchanged after a step, the fling has reached an end.
float wheeled_scroll() {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  float sum = 0;
  for (ImGuiWindow* w = g.WheelingWindow ? g.WheelingWindow : g.HoveredWindow; w; w = w->ParentWindow)
    sum += w->Scroll.x + w->Scroll.y;
  return sum;
}

// One frame of the fling: the distance since its last step, the velocity decayed by as much.
void fling_step() {
  if (!flinging()) return;
  if (g_fling_fresh) {  // (ui::take_fling_x in this frame), so it moves from the next one
    g_fling_fresh = false;
    g_fling_ms = emscripten_get_now();
    return;
  }
  if (g_fling_held) return stop_fling();  // what the UI did not take does not move
  const float seen = wheeled_scroll();
  if (g_fling_seen >= 0 && seen == g_fling_seen) return stop_fling();
  const double now = emscripten_get_now();
  const double dt = std::clamp(now - g_fling_ms, 0.0, 50.0);  // a late frame does not jump
  g_fling_ms = now;
  const double k = std::exp(-dt / kFlingTau);
  ImVec2 v = kt::ui::fling_velocity();
  const double dx = v.x * kFlingTau * (1 - k), dy = v.y * kFlingTau * (1 - k);
  add_scroll(dx, dy);
  v = ImVec2(static_cast<float>(v.x * k), static_cast<float>(v.y * k));
  // A step of less than a pixel may leave the scroll where it was: the end is told only after whole ones.
  g_fling_seen = std::hypot(dx, dy) >= 1 ? seen : -1;
  if (std::hypot(v.x, v.y) < kFlingStop) return stop_fling();
  kt::ui::set_fling_velocity(v);
}

// The finger lifted: what snaps settles in this frame; a quick one flings the content on.
void release() {
  g_release.pending = false;
  kt::ui::set_finger_scrolling(false);
  const double vx = g_release.vx, vy = g_release.vy;
  if (std::isfinite(vx) && std::isfinite(vy) && std::hypot(vx, vy) >= kFlingStart) {
    kt::ui::set_fling_velocity(ImVec2(static_cast<float>(std::clamp(vx, -kFlingMax, kFlingMax)),
                                      g_release.stopped ? 0.0f : static_cast<float>(std::clamp(vy, -kFlingMax, kFlingMax))));
    g_fling_fresh = true;
    g_fling_held = g_release.stopped;
  }
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
  if (g_release.pending && g_finger_frames > 0) release();
  if (kt::ui::finger_scrolling()) ++g_finger_frames;
  fling_step();
  if (g_wheel_x != 0 || g_wheel_y != 0) {
    io.MouseWheel += g_wheel_y;
    io.MouseWheelH += g_wheel_x;
    g_wheel_x = g_wheel_y = 0;
  }
}

bool pointer_busy() { return !g_steps.empty() || g_override || g_release.pending || flinging(); }

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
         ",\"down\":" + (g_last.down ? "true" : "false") + ",\"fling\":" + (flinging() ? "true" : "false") + "}";
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
  if (!kt::ui::finger_scrolling()) g_finger_frames = 0;
  g_release.pending = false;  // a finger that lifted unseen, another scrolling on: one scroll for what snaps
  add_scroll(dx, dy);
  kt::ui::set_finger_scrolling(true);
  kt::app::wake();
}

// The scrolling finger lifted (or the touch was cancelled), moving at (vx, vy) CSS px per ms as it did: what
// snaps settles; a quick one flings the content on (from the next frame: release()).
EMSCRIPTEN_KEEPALIVE void kt_touch_scroll_end(double vx, double vy) {
  g_release = Release{true, vx, vy, false};
  kt::app::wake();
}

// A finger touched the screen: a fling stops where it is. 1 if one was going on (that touch only stops it:
// it is no tap).
EMSCRIPTEN_KEEPALIVE int kt_touch_fling_stop() {
  const bool was = flinging();
  stop_fling();
  // The last finger's lift not shown yet: it is shown in a frame all the same (what snaps settles), with no
  // fling after it. (A new finger scrolling before that frame goes on with the same scroll: kt_touch_scroll.)
  if (g_release.pending) g_release.stopped = true;
  return was ? 1 : 0;
}

// The accessibility mirror activates a node (a screen reader's "click"): a click at its centre.
EMSCRIPTEN_KEEPALIVE int kt_activate(const char* id) { return id && kt::app::pointer_tap_node(id) ? 1 : 0; }

}  // extern "C"
