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
