// Draws frames only when something changes, so that an idle page uses no CPU and draws nothing.
//
// The main loop runs on requestAnimationFrame while there is work: each wake source asks for a few frames
// (input, storage and network callbacks, resizes), and the loop pauses itself (emscripten_pause_main_loop)
// once they are drawn and nothing animates. Timed wakes (a caret blink, a toast that expires) resume it
// from a single timer. The page's input listeners call kt_wake(); C++ callbacks call wake().
#pragma once

namespace kt::app {

// Frames drawn after an input event: popups and auto-sized windows settle within two or three frames.
inline constexpr int kFramesAfterInput = 3;

// Draw at least `frames` more frames, resuming the main loop if it is paused.
void wake(int frames = kFramesAfterInput);
// Draw a frame in `ms` milliseconds. All timed wakes share one timer, set to the earliest time needed.
void wake_in(double ms);
// Call at the end of each frame. `busy` means the next frame is needed right away (an animation, a held
// mouse button, a key release held back); `next_ms` is the delay to the next timed change, or < 0.
// Pauses the main loop when nothing is left to draw.
void frame_done(bool busy, double next_ms);
// Whether frame_done(busy, ...) of this frame will pause the loop: no frame follows until something wakes it.
bool pauses_after(bool busy);

bool paused();
// Frames drawn and pauses since start, for diagnostics and tests.
unsigned long pause_count();

}  // namespace kt::app
