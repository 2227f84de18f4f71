#include <doctest/doctest.h>

#include "core/calendar.hpp"

using namespace kt;

TEST_CASE("ISO dates parse only when they exist") {
  Date d;
  CHECK(parse_iso_date("2024-02-29", &d));
  CHECK(d == Date{2024, 2, 29});
  CHECK_FALSE(parse_iso_date("2026-02-29", &d));
  CHECK_FALSE(parse_iso_date("2026-13-01", &d));
  CHECK_FALSE(parse_iso_date("2026-1-01", &d));
  CHECK_FALSE(parse_iso_date("", &d));
  DateTime t;
  CHECK(parse_iso_datetime("2026-11-26T18:45", &t));
  CHECK(iso(t) == "2026-11-26T18:45");
  CHECK_FALSE(parse_iso_datetime("2026-11-26T24:00", &t));
}

TEST_CASE("days and milliseconds convert both ways") {
  CHECK(days_from_civil(Date{1970, 1, 1}) == 0);
  CHECK(civil_from_days(0) == Date{1970, 1, 1});
  CHECK(civil_from_days(days_from_civil(Date{2000, 2, 29})) == Date{2000, 2, 29});
  CHECK(civil_from_days(-1) == Date{1969, 12, 31});
  DateTime t = utc_from_ms(1795000000000);
  CHECK(ms_from_utc(t) == 1795000000000 - 1795000000000 % 60000);
}

TEST_CASE("weekdays, month steps and the six-week page of a calendar") {
  CHECK(weekday(Date{1970, 1, 1}) == 3);   // Thursday
  CHECK(weekday(Date{2026, 12, 24}) == 3);  // Thursday
  CHECK(weekday(Date{2026, 12, 1}) == 1);   // Tuesday
  CHECK(weekday(Date{1969, 12, 29}) == 0);  // Monday, before the epoch
  CHECK(add_months(2026, 12, 1) == Date{2027, 1, 1});
  CHECK(add_months(2026, 1, -1) == Date{2025, 12, 1});
  CHECK(add_months(2026, 3, -27) == Date{2023, 12, 1});
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2100, 2) == 28);

  // December 2026 starts on a Tuesday: a Monday-first page starts on Monday 30 November.
  auto ru = month_page(2026, 12, 0);
  REQUIRE(ru.size() == 42);
  CHECK(ru.front() == Date{2026, 11, 30});
  CHECK(ru[1] == Date{2026, 12, 1});
  CHECK(ru[24] == Date{2026, 12, 24});
  CHECK(ru.back() == Date{2027, 1, 10});
  // Sunday first: Sunday 29 November.
  auto en = month_page(2026, 12, 6);
  CHECK(en.front() == Date{2026, 11, 29});
  CHECK(weekday(en.front()) == 6);
  // A month starting on the first weekday starts the page itself (June 2026 starts on a Monday).
  CHECK(month_page(2026, 6, 0).front() == Date{2026, 6, 1});
  for (size_t i = 1; i < ru.size(); ++i) CHECK(days_from_civil(ru[i]) == days_from_civil(ru[i - 1]) + 1);
}
