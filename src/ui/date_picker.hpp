// The date and date-time picker: a popup calendar (a month grid, Monday first in Russian and Sunday first in
// English, today marked and the chosen day selected), hour and minute choosers for a date-time, "Today" and
// "Clear", and a text box on top that still takes a typed date in the language's format (24.12.2026 15:30 /
// Dec 24, 2026 3:30 PM). A typed value that does not parse gets an inline error and changes nothing. Values
// never appear as ISO text: the caller's buffer holds what editable_text() gives and parse_input() reads.
// Every control has a semantics node; a day is a button named as it is read ("24 декабря 2026").
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

namespace kt::ui {

// Today's date for the calendars, from the app's clock and the user's UTC offset (set once a frame).
void set_calendar_clock(std::int64_t now_ms, int tz_minutes);

struct DatePopup {
  std::string sem;        // semantics id prefix of the popup's controls ("<sem>:day:2026-12-24", "<sem>:next")
  std::string label;      // the field's label: names the text box and the popup
  bool with_time = false;
  bool clearable = true;  // "Clear" is offered (a field that may be empty)
};

enum class DateAction {
  None,
  Commit,          // a day, Enter, "Done", "Today" or "Clear": the buffer holds a valid value ("" = none); closed
  Escape,          // Esc: closed, the edit is cancelled
  Dismiss,         // closed by a click outside, the buffer as it was opened
  DismissChanged,  // closed by a click outside after a change: the buffer may not parse
};

// Draws the popup under `below` (or above `field_top` when there is no room below). `*open_request` opens it
// (and is reset). `buffer` is the value as text; `error` the inline error shown in the popup. Call it every
// frame the field is drawn, inside the same ImGui ID scope.
DateAction date_popup(const DatePopup& p, std::string* buffer, std::string* error, bool* open_request,
                      ImVec2 below, float field_top);

// A calendar icon drawn in a box of `size` at `pos` (no font has a glyph for it that renders everywhere).
void draw_calendar_icon(ImDrawList* dl, ImVec2 pos, float size, ImU32 color);

// A date or date-time control of a form: the value as the language writes it, a calendar icon, and the
// popup on a click. `*text` is what parse_input reads ("" = none): it changes only to a valid value; a typed
// value that does not parse sets `*error` instead. No caption: the caller draws it. Returns true on a change.
bool date_field(const std::string& name, const std::string& sem_id, std::string* text, std::string* error,
                bool with_time, bool clearable, float width, const char* hint = nullptr);

}  // namespace kt::ui
