#include <emscripten.h>

#include <algorithm>

#include "app/idle.hpp"

namespace {

int g_frames_left = kt::app::kFramesAfterInput;
bool g_paused = false;
unsigned long g_pauses = 0;
double g_timer_at = -1;  // emscripten_get_now() time of the pending timed wake, < 0 for none

}  // namespace

// One timer for every timed wake; it calls back into kt_wake.
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
  ms = std::max(ms, 0.0);
  const double at = emscripten_get_now() + ms;
  if (g_timer_at >= 0 && g_timer_at <= at) return;  // an earlier wake is already due
  g_timer_at = at;
  kt_js_set_wake_timer(ms);
}

void frame_done(bool busy, double next_ms) {
  if (next_ms >= 0) wake_in(next_ms);
  if (g_frames_left > 0) --g_frames_left;
  if (busy || g_frames_left > 0 || g_paused) return;
  g_paused = true;
  ++g_pauses;
  emscripten_pause_main_loop();
}

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
