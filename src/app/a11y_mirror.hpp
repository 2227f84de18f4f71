// The accessibility mirror: the canvas is opaque to screen readers, so the page keeps a parallel DOM of
// transparent, positioned elements with ARIA roles, names and states (web/a11y.js), built from the UI's
// semantics tree (ui/semantics.hpp). This side sends the tree to the page on the frames where it changed;
// activating a mirror element comes back as kt_activate (a click at the node's centre, app/pointer.hpp).
#pragma once

namespace kt::app {

// Call after each frame is drawn, with the device pixel ratio: updates the mirror if the tree changed.
// `resting`: no frame follows this one until something happens (the main loop pauses). While frames follow
// each other (a scroll, a held key), the mirror follows the tree at most every kMirrorGapMs: a scroll step
// moves every node, and the page's work of moving their elements cost as much as the frame itself; the
// frame before the loop rests always brings it up to date.
void a11y_after_frame(float dpr, bool resting);
inline constexpr double kMirrorGapMs = 100;

}  // namespace kt::app
