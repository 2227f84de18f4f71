#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/idle.hpp"

namespace {

int g_frames_left = kt::app::kFramesAfterInput;
bool g_paused = false;
unsigned long g_pauses = 0;
double g_timer_at = -1;            // emscripten_get_now() time the pending timer fires at, < 0 for none
std::vector<double> g_requested;   // times asked for with wake_in()

}  // namespace

// One timer for every timed wake; it calls back into kt_wake_timer.
EM_JS(void, kt_js_set_wake_timer, (double ms), {
  clearTimeout(Module.ktWakeTimer);
  Module.ktWakeTimer = setTimeout(function() {
    Module.ktWakeTimer = 0;
    Module._kt_wake_timer();
  }, ms);
});
EM_JS(void, kt_js_clear_wake_timer, (), {
  clearTimeout(Module.ktWakeTimer);
  Module.ktWakeTimer = 0;
});

namespace kt::app {

void wake(int frames) {
  g_frames_left = std::max(g_frames_left, frames);
  if (g_paused) {
    g_paused = false;
    emscripten_resume_main_loop();
  }
}

void wake_in(double ms) {
  const double at = emscripten_get_now() + std::max(ms, 0.0);
  g_requested.push_back(at);
  if (g_timer_at < 0 || at < g_timer_at) {  // sooner than the pending timer: move it
    g_timer_at = at;
    kt_js_set_wake_timer(std::max(ms, 0.0));
  }
}

void frame_done(bool busy, double next_ms) {
  // The single timer is set to the earliest time still needed: what this frame asks for (a caret blink,
  // a toast) and what wake_in() asked for. A timer no longer needed is cancelled, so that closing an
  // editor does not leave one stray frame behind.
  const double now = emscripten_get_now();
  double at = next_ms >= 0 ? now + next_ms : -1;
  g_requested.erase(std::remove_if(g_requested.begin(), g_requested.end(), [&](double t) { return t <= now; }),
                    g_requested.end());
  for (double t : g_requested)
    if (at < 0 || t < at) at = t;
  if (at < 0) {
    if (g_timer_at >= 0) kt_js_clear_wake_timer();
    g_timer_at = -1;
  } else if (g_timer_at < 0 || std::abs(g_timer_at - at) > 2.0) {
    g_timer_at = at;
    kt_js_set_wake_timer(at - now);
  }
  if (g_frames_left > 0) --g_frames_left;
  if (busy || g_frames_left > 0 || g_paused) return;
  g_paused = true;
  ++g_pauses;
  emscripten_pause_main_loop();
}

bool pauses_after(bool busy) { return !busy && g_frames_left <= 1; }

bool paused() { return g_paused; }
unsigned long pause_count() { return g_pauses; }

}  // namespace kt::app

extern "C" {

// Input listeners of the page: draw `frames` more frames.
EMSCRIPTEN_KEEPALIVE void kt_wake(int frames) { kt::app::wake(frames > 0 ? frames : kt::app::kFramesAfterInput); }

EMSCRIPTEN_KEEPALIVE void kt_wake_timer() {
  g_timer_at = -1;
  kt::app::wake(1);
}

}  // extern "C"
