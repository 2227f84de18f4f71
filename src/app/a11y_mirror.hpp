// The accessibility mirror: the canvas is opaque to screen readers, so the page keeps a parallel DOM of
// transparent, positioned elements with ARIA roles, names and states (web/a11y.js), built from the UI's
// semantics tree (ui/semantics.hpp). This side sends the tree to the page on the frames where it changed;
// activating a mirror element comes back as kt_activate (a click at the node's centre, app/pointer.hpp).
#pragma once

namespace kt::app {

// Call after each frame is drawn, with the device pixel ratio: updates the mirror if the tree changed.
void a11y_after_frame(float dpr);

}  // namespace kt::app
