// Calendar arithmetic on plain dates and UTC times (no time zone database: the core has no platform access).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kt {

struct Date {
  int year = 0, month = 0, day = 0;  // month 1..12, day 1..31
  bool operator==(const Date&) const = default;
};

struct DateTime {
  Date date;
  int hour = 0, minute = 0;
  bool operator==(const DateTime&) const = default;
};

bool is_valid(const Date& d);
int days_in_month(int year, int month);

// "YYYY-MM-DD" <-> Date. parse returns false on anything else, including impossible dates (2026-02-30).
bool parse_iso_date(const std::string& s, Date* out);
std::string iso(const Date& d);
// "YYYY-MM-DDTHH:MM" <-> DateTime.
bool parse_iso_datetime(const std::string& s, DateTime* out);
std::string iso(const DateTime& t);

// Day of the week: 0 = Monday .. 6 = Sunday.
int weekday(const Date& d);
// The month `delta` months from year/month (either may be out of range on input): {year, month, 1}.
Date add_months(int year, int month, int delta);
// A month's calendar page: six full weeks (42 days) starting on `first_weekday` (0 = Monday, 6 = Sunday) on or
// before the 1st, so that the grid has the same shape every month; days of the neighbouring months included.
std::vector<Date> month_page(int year, int month, int first_weekday);

// Days since 1970-01-01 (negative before) and back.
std::int64_t days_from_civil(const Date& d);
Date civil_from_days(std::int64_t days);
// Milliseconds since the epoch -> UTC date and time.
DateTime utc_from_ms(std::int64_t ms);
std::int64_t ms_from_utc(const DateTime& t);

// A moment as the wall clock at UTC offset tz_minutes shows it, "YYYY-MM-DDTHH:MM", and back: the UTC
// milliseconds of such a local text (*ok false, and 0, when the text is not one).
std::string local_iso(std::int64_t utc_ms, int tz_minutes);
std::int64_t utc_of_local(const std::string& local_iso_text, int tz_minutes, bool* ok);

}  // namespace kt
