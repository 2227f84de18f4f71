// Progress of long operations (saving the app for offline use, an import, a first sync): a small card
// at the bottom left with what is going on, a bar and a percentage; a moving bar when the amount of work
// is unknown. Several operations stack. Safe to call from outside a frame (a callback); the caller's
// platform then draws a frame (app/idle.hpp).
#pragma once

#include <string>

namespace kt::ui {

// Shows or updates the operation called `label` (already translated). `fraction` in [0, 1], or < 0 when
// the amount of work is unknown.
void progress(const std::string& label, float fraction);
// Removes the operation called `label`; unknown labels are ignored.
void progress_end(const std::string& label);
// How many operations are shown.
int progress_count();

// Draws the operations over the screen. Call once per frame, after the screen.
void draw_progress();

}  // namespace kt::ui
