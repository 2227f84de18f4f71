// Small building blocks shared by the screens: panels, buttons, links, chips. Each registers its
// semantics node, so every one of them is reachable by screen readers and tests.
#pragma once

#include <imgui.h>

#include <string>

namespace kt::ui {

// A white rounded panel around whatever is drawn between begin and end, as wide as `width`.
void panel_begin(const char* id, float width);
void panel_end();

// A button with a semantics node. `primary` draws it in the accent colour.
bool button(const std::string& label, const std::string& sem_id, bool primary = false, bool enabled = true);
// Text that acts as a link.
bool link(const std::string& label, const std::string& sem_id, ImU32 color);
// A coloured rounded label ("chip"), e.g. a stage name in a list.
void chip(const std::string& text, ImU32 bg, float max_width = 0);
// Text clipped with an ellipsis to `width`; returns true when it was clipped.
bool text_clipped(const std::string& text, float width, ImU32 color);
// A heading: medium font, with a semantics node of role heading.
void heading(const std::string& text, const std::string& sem_id);

// Pixels needed to draw `text` in the current font.
float text_width(const std::string& text);

}  // namespace kt::ui
