// The keyboard help: a panel listing the shortcuts, opened with F1 (the shell calls help_toggle) or the
// "?" button in the top bar; Esc, the close button or a click outside closes it.
#pragma once

namespace kt::ui {

// Draws the "?" button of the top bar with its right edge at `right`, vertically centred in the bar
// [top, top + height]. Returns the x at which the next item to its left must end.
float help_button(float right, float top, float height);

void help_toggle();
bool help_open();

// Draws the panel over everything else when it is open. Call once per frame, after the screen.
void draw_help_panel();

}  // namespace kt::ui
