// Keeps keyboard input in order and visible to ImGui 1.86.
//
// ImGui 1.86 samples key state once per frame (io.KeysDown): a key pressed and released between two frames
// is never seen, and a key pressed twice within one frame is seen once. That happens with fast typists,
// with synthetic input (tests, password managers, soft keyboards) and on slow frames. And within a frame
// InputText handles typed characters before keys, so "a", Backspace, "b" typed within one frame would end
// as "a" rather than "b"; while Ctrl is down it drops characters.
//
// So GLFW's key and character callbacks and the text bridge (text_input.hpp) only queue events here, and
// each frame takes events in order until one would be lost or reordered: a second change of a key
// (released after being pressed in this frame, or pressed again after a release), or text after an
// editing key (Backspace, arrows, Enter, ...) pressed in this frame. The rest waits for the next frame.
// After Enter, Esc or Tab in a text field the queue waits one more frame, until io.WantTextInput tells
// whether the field closed (so a Ctrl+Z right behind an Enter undoes the saved change, not the typing).
// Text also waits (a few frames at most) until a text field is active: a tap focuses the text bridge
// before ImGui has activated the field.
#pragma once

struct GLFWwindow;

namespace kt::app {

// Installs the queue as the window's key and character callbacks. Call after
// ImGui_ImplGlfw_InitForOpenGL(window, false) together with the backend's other callbacks.
void install_key_filter(GLFWwindow* window);
// Call once per frame before ImGui::NewFrame(): hands this frame's share of the queue to ImGui.
void key_filter_before_frame();
// Call once per frame after the frame is drawn.
void key_filter_after_frame();
// True while events wait in the queue (the next frame must then be drawn).
bool key_filter_pending();
// Typed text (UTF-8) for the active text field, in order with the keys.
void key_filter_text(const char* utf8);

}  // namespace kt::app
