#include "ui/date_picker.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "core/calendar.hpp"
#include "core/format.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] State
// ---------------------------------------------------------------------------------------------------------

namespace {

// The one calendar open at a time (popups are exclusive): which one, the month it shows, the text it was
// opened with (to tell a dismissal that changed something from one that did not) and the time chosen.
struct Shown {
  std::string key;  // DatePopup::sem of the open popup; empty when none
  int year = 2026, month = 1;
  std::string initial;
  int hour = 10, minute = 0;
  bool focus = false;  // the text box takes the keyboard in the next frame
  bool open = false;   // the popup was drawn...
  int frame = -1;      // ...in this frame: a calendar left behind (its page went away) is not "dismissed" later
  float height = 0;    // its height in the last frame, to place it above the field when there is no room below
};

Shown g;
Date g_today{2026, 1, 1};
// The popup buffer and error of date_field (a form's value changes only to a valid one).
std::string g_form_buffer, g_form_error;

// Whether the calendar of `key` is open (and was drawn lately, not left behind by a page that went away).
bool showing(const std::string& key) { return g.key == key && g.frame >= ImGui::GetFrameCount() - 1; }

bool key_hit(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), false); }

bool parse_buffer(const std::string& text, bool with_time, DateTime* out) {
  if (with_time) return parse_user_datetime(text, out);
  Date d;
  if (!parse_user_date(text, &d)) return false;
  *out = DateTime{d, 0, 0};
  return true;
}

std::string text_of(const DateTime& t, bool with_time) {
  return with_time ? format_datetime(t, language()) : format_date(iso(t.date), language());
}

std::string two_digits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// A drop-down of numbers ("00".."23"): hours or minutes. Returns true when one was picked.
bool number_combo(const std::string& sem, const std::string& name, int value, int count, int step, float width,
                  int* out) {
  const std::string shown = two_digits(value);
  ImGui::SetNextItemWidth(width);
  bool picked = false;
  const bool open = ImGui::BeginCombo(("##" + sem).c_str(), shown.c_str(), ImGuiComboFlags_HeightLarge);
  SemNode& n = sem_item(sem, "combobox", name, shown);
  n.expanded = open ? 1 : 0;
  if (open) {
    for (int i = 0; i < count; ++i) {
      // An odd minute (typed, or set elsewhere) is offered in its place, so that it shows as selected.
      int v = i * step;
      if (value > v && value < v + step) {
        const std::string odd = two_digits(value);
        if (ImGui::Selectable((odd + "##odd").c_str(), true)) *out = value, picked = true;
        sem_item(sem + ":" + odd, "option", odd).selected = true;
      }
      const std::string label = two_digits(v);
      const bool sel = v == value;
      if (ImGui::Selectable(label.c_str(), sel)) *out = v, picked = true;
      if (sel && ImGui::IsWindowAppearing()) ImGui::SetScrollHereY(0.5f);
      sem_item(sem + ":" + label, "option", label).selected = sel;
    }
    ImGui::EndCombo();
  }
  return picked;
}

// A small flat button with an accessible name (the arrows of the month heading, Today, Clear).
bool flat_button(const char* text, const std::string& name, const std::string& sem, ImVec2 size = ImVec2(0, 0)) {
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(color::kHover));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kLink));
  const bool clicked = ImGui::Button((std::string(text) + "##" + sem).c_str(), size);
  ImGui::PopStyleColor(3);
  sem_item(sem, "button", name);
  return clicked;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Public
// ---------------------------------------------------------------------------------------------------------

void set_calendar_clock(std::int64_t now_ms, int tz_minutes) {
  if (now_ms <= 0) return;
  g_today = utc_from_ms(now_ms + static_cast<std::int64_t>(tz_minutes) * 60000).date;
}

void draw_calendar_icon(ImDrawList* dl, ImVec2 pos, float s, ImU32 col) {
  const float t = std::max(1.0f, s * 0.08f);
  const ImVec2 a(pos.x + s * 0.12f, pos.y + s * 0.2f), b(pos.x + s * 0.88f, pos.y + s * 0.9f);
  dl->AddRect(a, b, col, s * 0.08f, 0, t);
  dl->AddRectFilled(a, ImVec2(b.x, a.y + s * 0.2f), col, s * 0.08f, ImDrawFlags_RoundCornersTop);
  dl->AddLine(ImVec2(pos.x + s * 0.32f, pos.y + s * 0.08f), ImVec2(pos.x + s * 0.32f, pos.y + s * 0.3f), col, t);
  dl->AddLine(ImVec2(pos.x + s * 0.68f, pos.y + s * 0.08f), ImVec2(pos.x + s * 0.68f, pos.y + s * 0.3f), col, t);
  const float d = s * 0.11f;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) {
      const float x = pos.x + s * (0.26f + 0.19f * static_cast<float>(c)), y = pos.y + s * (0.52f + 0.18f * static_cast<float>(r));
      dl->AddRectFilled(ImVec2(x, y), ImVec2(x + d, y + d), col);
    }
}

DateAction date_popup(const DatePopup& p, std::string* buffer, std::string* error, bool* open_request,
                      ImVec2 below, float field_top) {
  const std::string popup_id = "calendar##" + p.sem;
  const Lang lang = language();
  if (*open_request) {
    *open_request = false;
    ImGui::OpenPopup(popup_id.c_str());
    g = Shown{};
    g.key = p.sem;
    g.initial = *buffer;
    DateTime t;
    const Date start = parse_buffer(*buffer, p.with_time, &t) ? t.date : g_today;
    if (parse_buffer(*buffer, p.with_time, &t) && p.with_time) g.hour = t.hour, g.minute = t.minute;
    g.year = start.year;
    g.month = start.month;
    g.focus = true;
  }
  if (g.key != p.sem) return DateAction::None;

  // Under the field, or above it when the calendar would not fit below; on the screen in any case.
  // A phone's days are finger-sized: the calendar as wide as the screen allows (up to 52 CSS px a day).
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const bool phone = is_phone();
  const float gap = px(2), pad = px(12);
  const float cell = phone ? std::clamp((display.x - px(16) - 2 * pad - 6 * gap) / 7, px(34), px(52)) : px(34);
  const float grid_w = cell * 7 + gap * 6;
  const float h = g.height > 0 ? g.height : px(400);
  float y = below.y;
  if (y + h > display.y - px(8) && field_top - h - px(2) >= px(8)) y = field_top - h - px(2);
  y = std::max(px(8), std::min(y, display.y - h - px(8)));
  const float x = std::max(px(8), std::min(below.x, display.x - grid_w - 2 * pad - px(8)));
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad, pad));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, px(6)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, px(8));
  ImGui::PushStyleColor(ImGuiCol_PopupBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  const bool shown = ImGui::BeginPopup(popup_id.c_str(), ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PopStyleColor();
  ImGui::PopStyleVar(3);
  if (!shown) {
    // Closed by a click outside (or by whatever closed the dialog under it).
    const bool was_open = g.open && g.frame >= ImGui::GetFrameCount() - 1;
    const bool changed = *buffer != g.initial;
    g = Shown{};
    if (!was_open) return DateAction::None;
    return changed ? DateAction::DismissChanged : DateAction::Dismiss;
  }
  g.open = true;
  DateAction action = DateAction::None;
  sem_rect(p.sem + ":calendar", "dialog", p.label, ImGui::GetWindowPos(),
           ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x, ImGui::GetWindowPos().y + ImGui::GetWindowSize().y));

  DateTime current;
  const bool valid = parse_buffer(*buffer, p.with_time, &current);
  if (valid && p.with_time) g.hour = current.hour, g.minute = current.minute;

  // Commits the buffer when it parses (or is empty where that is allowed); otherwise the inline error.
  auto submit = [&]() {
    DateTime t;
    if (buffer->find_first_not_of(" \t") == std::string::npos) {
      if (!p.clearable) {
        *error = error_text("required");
        return;
      }
      buffer->clear();
    } else if (!parse_buffer(*buffer, p.with_time, &t)) {
      *error = error_text(p.with_time ? "invalid_datetime" : "invalid_date");
      g.focus = true;
      return;
    } else {
      *buffer = text_of(t, p.with_time);
    }
    error->clear();
    action = DateAction::Commit;
  };
  auto choose_day = [&](const Date& d) {
    *buffer = text_of(DateTime{d, g.hour, g.minute}, p.with_time);
    error->clear();
    g.year = d.year;
    g.month = d.month;
    if (!p.with_time) action = DateAction::Commit;
  };

  // The text box: a typed date in the language's format.
  if (g.focus) {
    ImGui::SetKeyboardFocusHere();
    g.focus = false;
  }
  ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(error->empty() ? color::kAccent : color::kError));
  ImGui::SetNextItemWidth(grid_w);
  const char* hint = tr(p.with_time ? "date.hint_datetime" : "date.hint_date");
  const bool enter = ImGui::InputTextWithHint("##text", hint, buffer,
                                              ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
  ImGui::PopStyleColor();
  {
    SemNode& n = sem_item(p.sem + ":text", "textbox", p.label, *buffer);
    n.invalid = !error->empty();
    n.description = *error;
  }
  if (enter) submit();
  if (!error->empty()) {
    ImGui::PushFont(fonts().small);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + grid_w);
    ImGui::TextUnformatted(error->c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
    sem_item(p.sem + ":error", "alert", *error);
  }

  // The month heading between the arrows: « ‹ Декабрь 2026 › ».
  // The heading's row is as wide as the grid: four arrows, the month between them, the spacing between all.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float arrow = phone ? std::min(touch_height(0), (grid_w - 4 * spacing - px(130)) / 4) : px(30);
  if (flat_button("\xc2\xab", tr("date.prev_year"), p.sem + ":prev_year", ImVec2(arrow, 0))) --g.year;
  ImGui::SameLine();
  if (flat_button("\xe2\x80\xb9", tr("date.prev_month"), p.sem + ":prev", ImVec2(arrow, 0))) {
    const Date m = add_months(g.year, g.month, -1);
    g.year = m.year, g.month = m.month;
  }
  ImGui::SameLine();
  const std::string title = month_name(g.month, lang) + " " + std::to_string(g.year);
  {
    const float title_w = grid_w - 4 * arrow - 4 * spacing;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushFont(fonts().medium);
    const ImVec2 ts = ImGui::CalcTextSize(title.c_str());
    ImGui::Dummy(ImVec2(title_w, ImGui::GetFrameHeight()));
    ImGui::GetWindowDrawList()->AddText(ImVec2(at.x + (title_w - ts.x) / 2, at.y + (ImGui::GetFrameHeight() - ts.y) / 2),
                                        color::kText, title.c_str());
    ImGui::PopFont();
    sem_item(p.sem + ":month", "text", title);
  }
  ImGui::SameLine();
  if (flat_button("\xe2\x80\xba", tr("date.next_month"), p.sem + ":next", ImVec2(arrow, 0))) {
    const Date m = add_months(g.year, g.month, 1);
    g.year = m.year, g.month = m.month;
  }
  ImGui::SameLine();
  if (flat_button("\xc2\xbb", tr("date.next_year"), p.sem + ":next_year", ImVec2(arrow, 0))) ++g.year;
  g.year = std::clamp(g.year, 1, 9999);

  // Weekday names, then six weeks of days.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int first = first_weekday(lang);
  {
    ImGui::PushFont(fonts().small);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float hh = ImGui::GetTextLineHeight() + px(4);
    for (int i = 0; i < 7; ++i) {
      const int wd = (first + i) % 7;
      const std::string name = weekday_short(wd, lang);
      const ImVec2 ts = ImGui::CalcTextSize(name.c_str());
      dl->AddText(ImVec2(at.x + static_cast<float>(i) * (cell + gap) + (cell - ts.x) / 2, at.y + px(2)),
                  wd >= 5 ? color::rgb(0xd05a5a) : color::kLabel, name.c_str());
    }
    ImGui::Dummy(ImVec2(grid_w, hh));
    ImGui::PopFont();
  }
  const std::vector<Date> days = month_page(g.year, g.month, first);
  const ImVec2 grid = ImGui::GetCursorScreenPos();
  for (size_t i = 0; i < days.size(); ++i) {
    const Date& d = days[i];
    const int col = static_cast<int>(i % 7), row = static_cast<int>(i / 7);
    const ImVec2 a(grid.x + static_cast<float>(col) * (cell + gap), grid.y + static_cast<float>(row) * (cell + gap));
    const ImVec2 b(a.x + cell, a.y + cell);
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(static_cast<int>(i));
    const bool clicked = ImGui::InvisibleButton("##day", ImVec2(cell, cell));
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    const bool in_month = d.month == g.month;
    const bool selected = valid && current.date == d;
    const bool today = d == g_today;
    const bool weekend = weekday(d) >= 5;
    if (selected) dl->AddRectFilled(a, b, color::kAccentDark, px(6));
    else if (hovered) dl->AddRectFilled(a, b, color::rgb(0xe3f3fb), px(6));
    if (today && !selected) dl->AddRect(a, b, color::kAccent, px(6), 0, px(1.5f));
    ImU32 tc = weekend ? color::rgb(0xd05a5a) : color::kText;
    if (!in_month) tc = weekend ? color::rgb(0xe9b3b3) : color::rgb(0xb8bec4);
    if (selected) tc = color::kPanel;
    const std::string num = std::to_string(d.day);
    if (today) ImGui::PushFont(fonts().medium);
    const ImVec2 ts = ImGui::CalcTextSize(num.c_str());
    dl->AddText(ImVec2(a.x + (cell - ts.x) / 2, a.y + (cell - ts.y) / 2), tc, num.c_str());
    if (today) ImGui::PopFont();
    SemNode& n = sem_rect(p.sem + ":day:" + iso(d), "button", spoken_date(d, lang), a, b);
    n.selected = selected;
    if (today) n.description = tr("date.today_mark");
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    if (clicked) choose_day(d);
  }
  ImGui::SetCursorScreenPos(ImVec2(grid.x, grid.y + 6 * (cell + gap)));
  ImGui::Dummy(ImVec2(grid_w, 0));

  // The time of a date-time: hours and minutes (five-minute steps; an odd minute typed stays offered).
  if (p.with_time) {
    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kLabel));
    ImGui::TextUnformatted(tr("date.time"));
    ImGui::PopStyleColor();
    ImGui::SameLine(0, px(10));
    int hour = g.hour, minute = g.minute;
    const float time_w = phone ? px(48) + touch_height(0) : px(64);  // two digits and the arrow (a phone's is wider)
    bool changed = number_combo(p.sem + ":hour", tr("date.hours"), g.hour, 24, 1, time_w, &hour);
    ImGui::SameLine(0, px(4));
    ImGui::TextUnformatted(":");
    ImGui::SameLine(0, px(4));
    changed = number_combo(p.sem + ":minute", tr("date.minutes"), g.minute, 12, 5, time_w, &minute) || changed;
    if (changed) {
      g.hour = hour;
      g.minute = minute;
      // A time without a date yet goes with the day shown as selected, or today.
      const Date d = valid ? current.date : g_today;
      *buffer = text_of(DateTime{d, hour, minute}, true);
      error->clear();
    }
  }

  // Today, Clear, Done.
  ImGui::Dummy(ImVec2(0, px(2)));
  if (flat_button(tr("date.today"), tr("date.today"), p.sem + ":today")) choose_day(g_today);
  if (p.clearable) {
    ImGui::SameLine();
    if (flat_button(tr("card.clear"), tr("card.clear"), p.sem + ":clear")) {
      buffer->clear();
      error->clear();
      action = DateAction::Commit;
    }
  }
  {
    const char* done = tr("card.done");
    const float w = ImGui::CalcTextSize(done).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine(grid_w + pad - w);
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(color::kAccent));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::ColorConvertU32ToFloat4(color::kAccentDark));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kPanel));
    const bool clicked = ImGui::Button((std::string(done) + "##" + p.sem).c_str());
    ImGui::PopStyleColor(3);
    sem_item(p.sem + ":done", "button", done);
    if (clicked) submit();
  }

  if (action == DateAction::None && key_hit(ImGuiKey_Escape)) action = DateAction::Escape;
  g.height = ImGui::GetWindowSize().y;
  // On a phone toasts keep clear of the calendar, which covers much of the screen.
  if (phone) toasts_clear_of(ImGui::GetWindowPos().y, ImGui::GetWindowPos().y + g.height);
  g.frame = ImGui::GetFrameCount();
  if (action == DateAction::Commit || action == DateAction::Escape) {
    ImGui::CloseCurrentPopup();
    g = Shown{};
  }
  ImGui::EndPopup();
  return action;
}

bool date_field(const std::string& name, const std::string& sem_id, std::string* text, std::string* error,
                bool with_time, bool clearable, float width, const char* hint) {
  ImGui::PushID(sem_id.c_str());
  width = std::min(width, ImGui::GetContentRegionAvail().x);  // never under a scroll bar
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetFrameHeight();
  bool open_request = ImGui::InvisibleButton("##date", ImVec2(width, h));
  const bool hovered = ImGui::IsItemHovered();
  const bool open = showing(sem_id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec2 end(pos.x + width, pos.y + h);
  dl->AddRectFilled(pos, end, ImGui::GetColorU32(hovered ? ImGuiCol_FrameBgHovered : ImGuiCol_FrameBg), st.FrameRounding);
  const ImU32 border = !error->empty() ? color::kError : open ? color::kAccent : ImGui::GetColorU32(ImGuiCol_Border);
  dl->AddRect(pos, end, border, st.FrameRounding, 0, std::max(1.0f, st.FrameBorderSize));
  const float icon = ImGui::GetFontSize();
  const bool empty = text->empty();
  const std::string shown = empty ? (hint ? hint : tr(with_time ? "date.hint_datetime" : "date.hint_date")) : *text;
  dl->PushClipRect(pos, ImVec2(end.x - icon - st.FramePadding.x * 2, end.y), true);
  dl->AddText(ImVec2(pos.x + st.FramePadding.x, pos.y + st.FramePadding.y), empty ? color::kLabel : color::kText,
              shown.c_str());
  dl->PopClipRect();
  draw_calendar_icon(dl, ImVec2(end.x - icon - st.FramePadding.x, pos.y + (h - icon) / 2), icon,
                     open || hovered ? color::kAccentDark : color::kMuted);
  if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  SemNode& n = sem_item(sem_id, "combobox", name, *text);
  n.expanded = open ? 1 : 0;
  n.invalid = !error->empty();
  n.description = *error;
  if (open_request) {
    g_form_buffer = *text;
    g_form_error.clear();
  }
  const DateAction a = date_popup(DatePopup{sem_id, name, with_time, clearable}, &g_form_buffer, &g_form_error,
                                  &open_request, ImVec2(pos.x, end.y + px(2)), pos.y);
  bool changed = false;
  auto take = [&](const std::string& value) {
    error->clear();
    if (value == *text) return;
    *text = value;
    changed = true;
  };
  if (a == DateAction::Commit) {
    take(g_form_buffer);
  } else if (a == DateAction::DismissChanged) {
    // Leaving the calendar keeps what was typed or picked, when it is a date; otherwise says so.
    DateTime t;
    if (g_form_buffer.find_first_not_of(" \t") == std::string::npos) {
      if (clearable) take("");
      else *error = error_text("required");
    } else if (parse_buffer(g_form_buffer, with_time, &t)) {
      take(text_of(t, with_time));
    } else {
      *error = error_text(with_time ? "invalid_datetime" : "invalid_date");
    }
  }
  ImGui::PopID();
  return changed;
}

}  // namespace kt::ui
