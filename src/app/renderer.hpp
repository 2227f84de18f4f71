// Draws ImGui's draw data with WebGL2. The page owns its WebGL context alone, so unlike ImGui's generic
// OpenGL3 backend this renderer never reads GL state back (no glGet*/glIsEnabled to save and restore it):
// in a browser every such query is a round trip to the GPU process that waits for all queued drawing, and
// it kept the main thread blocked for most of each frame with software rendering (headless Chromium) —
// input, IndexedDB completions and timers waited behind it. Without queries, a slow GPU delays the next
// animation frame instead of blocking the page.
#pragma once

struct ImDrawData;

namespace kt::app {

// Starts compiling the shaders and creates the buffers and the font texture (as renderer_fonts_changed).
// The program is checked at the first draw (which then reports a failure to link on stderr and the page,
// and draws nothing).
bool renderer_init(const char* saved_atlas);
// (Re)creates the font atlas texture from ImGui's font atlas (after fonts were rebuilt for a new DPR). When
// the atlas is taken from `saved_atlas` (ui/font_cache.hpp: it has no texture in memory), the texture is
// the file's first bytes, handed to WebGL from the page's copy of the file (never copied into the
// WebAssembly's memory); if that fails, the fonts are rasterised.
void renderer_fonts_changed(const char* saved_atlas);
// Clears the default framebuffer of fb_width x fb_height device pixels to `clear` (an ImGui colour, opaque)
// and draws into it. A frame whose draw data is the same as the last one drawn (same size, vertices,
// indices, commands) is not sent again: the canvas keeps showing it (WebGL presents only a drawing buffer
// that was drawn into), and the GPU process does not rasterise the same picture again. Returns whether it
// drew.
bool renderer_draw(const ImDrawData* data, int fb_width, int fb_height, unsigned int clear);
// The canvas's drawing buffer was reset (its size was set): the next frame is drawn whatever it holds.
void renderer_canvas_reset();

}  // namespace kt::app
