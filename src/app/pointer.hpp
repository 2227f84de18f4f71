// Pointer input that does not come from GLFW's mouse: touch, and taps the accessibility mirror asks for.
//
// Emscripten 3.1.6's GLFW presses the mouse at the *previous* position for a touch (and presses again when
// the browser's emulated mouse events follow), so the page replaces its touch listeners (web/input.js):
// a tap becomes hover, press and release at the finger, each on its own frame as a person's mouse would
// do it; a drag scrolls what is under the finger; a long press holds the button (drag to select text).
#pragma once

#include <string>

namespace kt::app {

// Call right after ImGui_ImplGlfw_NewFrame(): overrides io.MousePos / io.MouseDown[0] with the next
// queued pointer step, and adds touch scrolling to io.MouseWheel.
void pointer_before_frame();
// True while queued steps remain or a finger holds the button: the next frame is needed.
bool pointer_busy();
// Queues a click (hover, press, release) at the centre of a semantics node; false if there is none.
bool pointer_tap_node(const std::string& id);
// Pointer state for diagnostics, as JSON: queued steps, whether the override is on, its position, whether
// a fling goes on.
std::string pointer_debug_json();

}  // namespace kt::app
