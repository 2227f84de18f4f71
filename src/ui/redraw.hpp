// Drawing on demand. The shell draws frames only while something changes: after input, after a callback,
// and when the UI asks for it here. A widget whose look changes with time alone (a toast that expires, a
// moving progress bar) must say so, or it would freeze on the last frame drawn.
#pragma once

namespace kt::ui {

// A frame is needed at `time` (seconds on ImGui::GetTime()'s clock), e.g. when a toast expires.
void request_redraw_at(double time);
// The next frame is needed right away: call it every frame while something animates.
void request_animation();

// For the shell, once per frame after the UI is drawn: the earliest requested time after `now` (requests
// at or before `now` are dropped), or a negative number when there is none.
double next_redraw_time(double now);
// For the shell, once per frame: whether request_animation() was called since the last call.
bool take_animation_request();

}  // namespace kt::ui
