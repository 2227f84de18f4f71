#include "core/calendar.hpp"

#include <cstdio>

namespace kt {

namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads exactly n decimal digits at s[pos].
bool digits(const std::string& s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

bool is_valid(const Date& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

bool parse_iso_date(const std::string& s, Date* out) {
  Date d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, &d.year) || !digits(s, 5, 2, &d.month) || !digits(s, 8, 2, &d.day)) return false;
  if (!is_valid(d)) return false;
  *out = d;
  return true;
}

std::string iso(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

bool parse_iso_datetime(const std::string& s, DateTime* out) {
  DateTime t;
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':') return false;
  if (!parse_iso_date(s.substr(0, 10), &t.date)) return false;
  if (!digits(s, 11, 2, &t.hour) || !digits(s, 14, 2, &t.minute)) return false;
  if (t.hour > 23 || t.minute > 59) return false;
  *out = t;
  return true;
}

std::string iso(const DateTime& t) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d", iso(t.date).c_str(), t.hour, t.minute);
  return buf;
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t days_from_civil(const Date& d) {
  std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t m = d.month;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

int weekday(const Date& d) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const std::int64_t w = (days_from_civil(d) + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

Date add_months(int year, int month, int delta) {
  const std::int64_t index = static_cast<std::int64_t>(year) * 12 + (month - 1) + delta;
  const std::int64_t y = index >= 0 ? index / 12 : (index - 11) / 12;
  return Date{static_cast<int>(y), static_cast<int>(index - y * 12) + 1, 1};
}

std::vector<Date> month_page(int year, int month, int first_weekday) {
  const Date first = add_months(year, month, 0);
  const int back = (weekday(first) - first_weekday % 7 + 7) % 7;
  const std::int64_t start = days_from_civil(first) - back;
  std::vector<Date> out;
  out.reserve(42);
  for (int i = 0; i < 42; ++i) out.push_back(civil_from_days(start + i));
  return out;
}

DateTime utc_from_ms(std::int64_t ms) {
  std::int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  std::int64_t rem = ms - days * 86400000;
  DateTime t;
  t.date = civil_from_days(days);
  t.hour = static_cast<int>(rem / 3600000);
  t.minute = static_cast<int>(rem / 60000 % 60);
  return t;
}

std::int64_t ms_from_utc(const DateTime& t) {
  return (days_from_civil(t.date) * 86400 + t.hour * 3600 + t.minute * 60) * 1000;
}

std::string local_iso(std::int64_t utc_ms, int tz_minutes) {
  return iso(utc_from_ms(utc_ms + static_cast<std::int64_t>(tz_minutes) * 60000));
}

std::int64_t utc_of_local(const std::string& local_iso_text, int tz_minutes, bool* ok) {
  DateTime t;
  *ok = parse_iso_datetime(local_iso_text, &t);
  return *ok ? ms_from_utc(t) - static_cast<std::int64_t>(tz_minutes) * 60000 : 0;
}

}  // namespace kt
