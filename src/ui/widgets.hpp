// Small building blocks shared by the screens: panels, buttons, links, chips. Each registers its
// semantics node, so every one of them is reachable by screen readers and tests.
#pragma once

#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

namespace kt::ui {

// A white rounded panel around whatever is drawn between begin and end, as wide as `width`.
void panel_begin(const char* id, float width);
void panel_end();

// A button with a semantics node. `primary` draws it in the accent colour. A non-empty `href` is the link out
// of the app (tel:, mailto:, https:) that pressing it opens: the page opens it in the click's event handler.
bool button(const std::string& label, const std::string& sem_id, bool primary = false, bool enabled = true,
            const std::string& href = {});
// A button whose action destroys something (delete, discard): red, so that it is not pressed out of habit.
// `submit`: Enter in its dialog's fields presses it, as for a primary button.
bool danger_button(const std::string& label, const std::string& sem_id, bool submit = false);
// Before a button that follows another in a row: on the same line when `next_label` still fits in the
// window, on the next one otherwise (a narrow dialog or a phone never cuts a button off).
void same_line_if_fits(const std::string& next_label);
// The width button() takes for `label`, and symbol_button() for `symbol`.
float button_width(const std::string& label);
float symbol_button_width(const char* symbol);
// A row of items that wraps (a toolbar, an action bar, tabs): call next(width) before each item; the first
// stays where the cursor is, the others go on the same line while they fit before `right` (screen x), else on
// a new line at `wrap_x` (window-local x). `gap` is the space between items (the style's when negative).
class FlowRow {
 public:
  FlowRow(float right, float wrap_x, float gap = -1) : right_(right), wrap_x_(wrap_x), gap_(gap) {}
  void next(float width);
  // The next item starts a line of its own, spaced as a wrapped one (a new group of the same choices).
  void break_line();
  bool started() const { return started_; }

 private:
  float right_, wrap_x_, gap_;
  bool started_ = false;
};
// A button showing a symbol (↺, …), named by `name` for screen readers and in its tooltip; on a phone at
// least 44 CSS pixels high, as a finger needs.
bool symbol_button(const char* symbol, const std::string& name, const std::string& id, bool enabled = true);
// Text that acts as a link; `href` as for button(). On a phone its target is 44 CSS px each way at least.
bool link(const std::string& label, const std::string& sem_id, ImU32 color, const std::string& href = {});
// A coloured rounded label ("chip"), e.g. a stage name in a list; chip_width: the width chip() takes.
void chip(const std::string& text, ImU32 bg, float max_width = 0);
float chip_width(const std::string& text);
// A table's column as table_columns_fitted sizes it: `natural` is the width of its widest text (its
// header's included); a `whole` column (links side by side) is never narrower.
struct FittedColumn {
  std::string label;
  float natural = 0;
  bool whole = false;
  void fit(float w) { natural = std::max(natural, w); }
};
// A table's columns sized by what they hold, for a table `width` wide. When they all fit, each gets its
// natural width and a share of the rest in proportion; else the whole ones and those no wider than an even
// share keep their natural width (a tick: its header stays whole) and the others share what is left in
// proportion to theirs (their cells wrap: table_cell_text). Call after BeginTable, before the headers row.
void table_columns_fitted(const std::vector<FittedColumn>& columns, float width);
// A table cell's text, wrapped at the column's edge (a tablet's columns are narrower than their longest
// words' lines), read as `role` (a row's first cell: "cell"; the others "text") under the id `sem_id`
// (none for an empty cell).
void table_cell_text(const std::string& text, const std::string& sem_id, const char* role = "text");
// Text clipped with an ellipsis to `width`; returns true when it was clipped.
// `line_height`: the line's height when it is more than the text's (a line of finger-sized links on a
// phone), the text in its middle.
bool text_clipped(const std::string& text, float width, ImU32 color, float line_height = 0);
// The open to-do count of an item as a small round badge whose right edge is at `right` (vertically centred
// on `center_y`); red when one of them is overdue. Draws nothing for an item without open to-dos. Returns
// the width it took (0 for none).
float todo_badge(const std::string& item_id, size_t open, bool overdue, float right, float center_y);
// On a phone a table's row becomes a block as wide as `width`: `title` on its own line, `detail` muted under
// it (both wrapped, never cut), and its actions on the right, one above the other, as links a finger can hit
// (44 CSS px high each at least). Its node is a list item named by the title, the detail its value. Returns
// the index of the action tapped, or -1.
struct RowAction {
  std::string label, id;
  ImU32 color;
};
int phone_row(const std::string& id, const std::string& title, const std::string& detail,
              const std::vector<RowAction>& actions, float width);
// A heading: medium font, with a semantics node of role heading.
void heading(const std::string& text, const std::string& sem_id);

// Pixels needed to draw `text` in the current font.
float text_width(const std::string& text);
// The width link() takes for `label` (a phone's links are 44 CSS px wide at least).
float link_width(const std::string& label);

}  // namespace kt::ui

namespace kt::ui {

// Form controls with a visible label above them and a semantics node each. Return true when the value
// changed this frame. `id` is the semantics id (stable, derived from what the control edits).
bool text_input(const std::string& label, const std::string& id, std::string* value, float width,
                const char* hint = nullptr, bool multiline = false);
// The same box without the label above it (a table's cell, under its column's heading): `name` is what a
// screen reader reads for it. Width as ImGui::SetNextItemWidth (-1: what is left of the line).
bool text_box(const std::string& id, std::string* value, float width, const std::string& name, const char* hint = nullptr);
// A password: shown as dots, and its value never in the semantics.
bool password_input(const std::string& label, const std::string& id, std::string* value, float width);
// A checkbox; its accessible name is the visible part of `label` (before any "##"), or `name` when the label
// is hidden ("##done") and the text a person reads is elsewhere (a table's column, the row beside it).
bool checkbox(const std::string& label, const std::string& id, bool* value, const std::string& name = {});
// A radio button: sets *value to `option` when chosen (true then); a finger's row on a phone, like checkbox.
bool radio(const std::string& label, const std::string& id, int* value, int option);
// The width checkbox() takes for `label`.
float checkbox_width(const std::string& label);
// A drop-down of `items` (shown texts); *index is the selected one (-1 for none). Its accessible name is
// `label`, or `name` when the label is empty because the text beside it says what it is ("from", a column).
bool combo(const std::string& label, const std::string& id, const std::vector<std::string>& items, int* index,
           float width, const std::string& name = {});
// Makes the next text start at the top of the line, not on the text line of the box drawn before it on the
// same line (ImGui aligns a line's text to its framed widgets; a table aligns a row's cells alike): for a
// caption over a control beside another captioned control.
void caption_at_line_top();
// A small caption above a control. A required field's label ends with " *": the asterisk is drawn red.
void caption(const std::string& text);
// A label in the current font and `color`, its required asterisk (a trailing " *") red; caption() uses it.
void label_text(const std::string& text, ImU32 color);
// Text in the muted colour, wrapped at the available width.
void muted_text(const std::string& text);
// A note that marks a demo-only control: small text on a yellow ground, wrapped at a fixed width (it sits in
// menus that size themselves to their content).
void demo_note(const std::string& text, const std::string& id);
// An inline error message (red), with an alert semantics node.
void error_text_line(const std::string& text, const std::string& id);
// A deletion asked once more in place of a dialog's content: `question`, then Удалить and Отмена. Ids
// `<form>:delete_q`, `<form>:remove_yes`, `<form>:remove_no`. 1 when Удалить was pressed, -1 for Отмена,
// 0 while neither.
int ask_delete_in_place(const std::string& question, const std::string& form);
// A square icon button (a symbol such as "✕", "↑"), with an accessible name; 44 CSS px square on a phone.
bool icon_button(const char* symbol, const std::string& name, const std::string& id, bool enabled = true);
// A menu: ImGui::BeginPopup (or BeginPopupContextItem) whose items are a finger's height on a phone.
// menu_end() closes one that opened.
bool menu_begin(const char* popup_id, bool context_item = false);
void menu_end();
// A submenu of such a menu (ImGui::BeginMenu; ImGui::EndMenu closes one that opened), padded as the menu
// is, so that its items are whole on a phone too.
bool submenu_begin(const char* label);

// The width a dialog meant to be `css` pixels wide gets: the whole screen on a phone, never more than the page.
float dialog_width(float css);

// A modal dialog: begin returns true while it is open. `open` requests opening this frame.
bool dialog_begin(const std::string& title, const std::string& id, bool* open, float width);
void dialog_end();
// The scrolling part of a dialog (everything but its buttons): it takes the height of its content, up to a
// share of the screen, and scrolls beyond that so that the buttons under it stay visible.
void dialog_body_begin(const std::string& id);
void dialog_body_end();

}  // namespace kt::ui
