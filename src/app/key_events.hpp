// Keeps short key presses visible to ImGui 1.86.
//
// ImGui 1.86 samples key state once per frame (io.KeysDown): a key pressed and released between two frames
// is never seen. That happens with fast typists, with synthetic input (tests, password managers) and on slow
// frames. This filter sits between GLFW and the ImGui backend: a release that follows a press within the
// same frame is held back until ImGui has drawn one frame with the key down. Text typed meanwhile waits
// for those releases too (key_filter_text).
#pragma once

struct GLFWwindow;

namespace kt::app {

// Installs the filter as the window's key callback. Call after ImGui_ImplGlfw_InitForOpenGL(window, false)
// together with the backend's other callbacks.
void install_key_filter(GLFWwindow* window);
// Call once per frame before ImGui::NewFrame(): releases the keys held back in the previous frame.
void key_filter_before_frame();
// Call once per frame after the frame is drawn.
void key_filter_after_frame();
// True when releases are held back for the next frame (which must then be drawn).
bool key_filter_pending();

// Typed text, in order with the keys. ImGui ignores characters while Ctrl is down, so text typed right
// after a Ctrl+A whose release is held back would be lost: such text waits until the release is applied.
// All characters for ImGui go through here (GLFW's char callback and the text bridge).
void key_filter_text(const char* utf8);

}  // namespace kt::app
