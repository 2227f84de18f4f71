// Text input and the clipboard on the web, for ImGui 1.86 on Emscripten 3.1.6's GLFW.
//
// GLFW only turns `keypress` events into characters, and its clipboard functions are empty stubs. Here a
// hidden <textarea> (the "bridge", web/input.js) holds the DOM focus while an ImGui text field is active,
// sits at the caret (io.ImeSetInputScreenPosFn) so that IME candidate windows appear in the right place,
// and feeds what arrives through input/composition/paste events (IME, dead keys, mobile keyboards,
// insertText) into io.AddInputCharactersUTF8. Keys that edit (Backspace, arrows, Home/End, Ctrl+arrows,
// Enter, Esc) still reach ImGui through GLFW's keydown listener. While the bridge has focus GLFW's keypress
// characters are ignored, so nothing is inserted twice.
//
// Clipboard: copy and cut set the DOM copy/cut event's data to what ImGui copies. The event comes during
// the Ctrl+C keydown, while keys typed just before it (Shift+arrows changing the selection) may still wait
// in the input queue (key_events.hpp): the event handler draws the frames that hand them to ImGui first,
// so ImGui copies the selection the user sees. ImGui's copy also writes through navigator.clipboard. Paste reads the DOM paste event, which a
// browser dispatches during the Ctrl+V keydown, so that ImGui's Ctrl+V handling in the next frame gets the
// fresh text (never the previous clipboard); a paste from a menu is inserted like typing.
#pragma once

namespace kt::app {

// Replaces ImGui's clipboard and IME callbacks. Call after ImGui_ImplGlfw_InitForOpenGL. `draw_frame`
// draws one whole frame (the main loop's function), for the copy and cut events.
void text_input_init(void (*draw_frame)());
// Call after each frame is drawn: moves DOM focus to the bridge when a text field became active (with
// the field's accessible name) and away from it when none is.
void text_input_after_frame();
// Milliseconds until the caret of the active text field blinks (the frame to draw then), or < 0.
double caret_blink_ms();

}  // namespace kt::app
