// The semantics tree of the canvas: every widget a person can read or operate registers a node with its
// role, accessible name, value, state and rectangle each frame. The page mirrors it into ARIA elements
// (screen readers) and end-to-end tests find widgets by role and name through it.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace kt::ui {

struct SemNode {
  std::string id;    // stable across frames: derived from domain ids ("field:D1:TITLE")
  std::string role;  // ARIA role: button, link, textbox, combobox, option, checkbox, row, heading, text, ...
  std::string name;  // accessible name
  std::string value;
  ImVec2 min, max;   // device pixels
  bool focused = false;
  bool disabled = false;
  bool selected = false;
  int checked = -1;   // -1 not checkable, 0/1
  int expanded = -1;  // -1 not expandable, 0/1
  bool invalid = false;
  std::string description;  // e.g. the error message of an invalid field
  std::string href;         // a link out of the app (tel:, sms:, mailto:, https:) that activating it opens
  bool cut = false;         // partly scrolled out of its window: min/max are the part on screen
  // A text field's on-screen keyboard (HTML inputmode: "decimal", "numeric", "tel", "email", "url"); none:
  // letters ("search" for a searchbox). A phone shows digits for an amount, a phone number's keypad.
  const char* keyboard = nullptr;
  bool multiline = false;  // a text field of several lines: Enter makes a new line (a phone's Enter key says so)
};

// A link out of the app under the mouse, as of the last frame: the page opens it in the click's own event
// handler (web/handoff.js), the way a DOM link opens, rather than a frame later.
struct HoverLink {
  std::string href;
  ImVec2 min, max;  // device pixels
};

// A generated document shown as a real page over the canvas, where the UI reserved room for it this frame
// (the document dialog's preview): the platform keeps a sandboxed frame there (app/a11y_mirror_web.cpp).
// `print` is a page to print through the browser this frame (once), shown or not.
struct PageOverlay {
  std::string html, title;
  ImVec2 min{0, 0}, max{0, 0};  // device pixels; empty: no page shown
  std::string print;
};

void sem_begin_frame();
// Adds a node for the last ImGui item (its rectangle), if that item is visible.
SemNode& sem_item(std::string id, std::string role, std::string name, std::string value = {});
// Adds a node with an explicit rectangle, clipped to the current window's (none when it is scrolled away).
SemNode& sem_rect(std::string id, std::string role, std::string name, ImVec2 min, ImVec2 max);
// The same for something drawn over everything (ImGui's foreground draw list), an open dialog included (a
// toast's message): it stays in the tree when a modal dialog hides the rest of the page, and no window clips it.
SemNode& sem_rect_on_top(std::string id, std::string role, std::string name, ImVec2 min, ImVec2 max);
const std::vector<SemNode>& sem_nodes();
// The node just added if its id is `id` (a widget's node, to mark it selected after the widget drew it), else
// a discarded one: a widget clipped away added none.
SemNode& sem_last(const std::string& id);
// A node that is not added (for a widget out of view), so that callers can set fields unconditionally.
SemNode& sem_discard();
// Marks the last item's node as a link out of the app to `href` (nothing when empty); if the mouse is over
// the item, it becomes this frame's hover link.
void sem_href(SemNode& node, const std::string& href);
const HoverLink& sem_hover_link();
// Shows `html` as a page over the rectangle this frame (clipped to the current window's visible part).
void sem_page(const std::string& html, const std::string& title, ImVec2 min, ImVec2 max);
// Prints `html` through the browser's print dialog (and "save as PDF").
void sem_print(const std::string& html);
const PageOverlay& sem_page_overlay();
// Something drawn on the canvas over the rectangle this frame (a toast): the page shown over the canvas,
// which would hide it, gives up the part of its rectangle above or below it (the smaller one).
void sem_page_avoid(ImVec2 min, ImVec2 max);
// The nodes as JSON, rectangles in CSS pixels (divided by `scale`).
std::string sem_json(float scale);
// Moves the last node to position `index` (a control whose node is made after the nodes of its popup).
void sem_move_last(size_t index);
// Appends `suffix` to the ids of the nodes from position `from` on: something drawn a second time (a pinned
// timeline entry, on top and in its place) is a second node, not a repeat the mirror would drop.
void sem_suffix_ids(size_t from, const std::string& suffix);

}  // namespace kt::ui
