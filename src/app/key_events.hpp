// Keeps short key presses visible to ImGui 1.86.
//
// ImGui 1.86 samples key state once per frame (io.KeysDown): a key pressed and released between two frames
// is never seen. That happens with fast typists, with synthetic input (tests, password managers) and on slow
// frames. This filter sits between GLFW and the ImGui backend: a release that follows a press within the
// same frame is held back until ImGui has drawn one frame with the key down.
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

}  // namespace kt::app
