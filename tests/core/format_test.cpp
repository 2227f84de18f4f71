#include <doctest/doctest.h>

#include "core/format.hpp"
#include "core/demo.hpp"
#include "core/workspace.hpp"

using namespace kt;

namespace {
FieldDef def(FieldType t) {
  FieldDef f;
  f.id = "F";
  f.entity = "deal";
  f.type = t;
  return f;
}
}  // namespace

TEST_CASE("money is formatted per language, with cents only when present") {
  CHECK(format_money(Money{15000000, "RUB"}, Lang::Ru) == "150 000 ₽");
  CHECK(format_money(Money{15000050, "RUB"}, Lang::Ru) == "150 000,50 ₽");
  CHECK(format_money(Money{15000000, "RUB"}, Lang::En) == "₽150,000");
  CHECK(format_money(Money{123456, "USD"}, Lang::En) == "$1,234.56");
  CHECK(format_money(Money{-500, "EUR"}, Lang::Ru) == "-5 €");
  CHECK(format_money(Money{100, "GBP"}, Lang::En) == "1 GBP");
}

TEST_CASE("numbers and dates are formatted per language") {
  CHECK(format_integer(1234567, Lang::Ru) == "1 234 567");
  CHECK(format_integer(-1234, Lang::En) == "-1,234");
  CHECK(format_number(1234.5, 2, Lang::Ru) == "1 234,50");
  CHECK(format_number(0.125, -1, Lang::En) == "0.125");
  CHECK(format_date("2026-11-26", Lang::Ru) == "26.11.2026");
  CHECK(format_date("2026-11-26", Lang::En) == "Nov 26, 2026");
  CHECK(format_date("not a date", Lang::Ru) == "not a date");
  CHECK(format_timestamp(1795000000000, 180, Lang::Ru) == "18.11.2026 14:06");
}

TEST_CASE("typed input parses per field type, and bad input is refused with a reason") {
  Value v;
  CHECK(parse_input(def(FieldType::Integer), " 1 200 ", "", &v).ok());
  CHECK(v == Value(std::int64_t{1200}));
  CHECK(parse_input(def(FieldType::Integer), "12.5", "", &v).code == "invalid_integer");

  CHECK(parse_input(def(FieldType::Number), "1 234,75", "", &v).ok());
  CHECK(v == Value(1234.75));
  CHECK(parse_input(def(FieldType::Number), "1,234.75", "", &v).ok());
  CHECK(v == Value(1234.75));
  CHECK(parse_input(def(FieldType::Number), "1.2.3", "", &v).code == "invalid_number");
  CHECK(parse_input(def(FieldType::Number), "abc", "", &v).code == "invalid_number");

  CHECK(parse_input(def(FieldType::Money), "150 000,50", "RUB", &v).ok());
  CHECK(v == Value(Money{15000050, "RUB"}));
  CHECK(parse_input(def(FieldType::Money), "0.1", "USD", &v).ok());
  CHECK(v == Value(Money{10, "USD"}));
  CHECK(parse_input(def(FieldType::Money), "сто", "RUB", &v).code == "invalid_money");

  CHECK(parse_input(def(FieldType::Date), "26.11.2026", "", &v).ok());
  CHECK(v == Value("2026-11-26"));
  CHECK(parse_input(def(FieldType::Date), "2026-11-26", "", &v).ok());
  CHECK(parse_input(def(FieldType::Date), "5/3/27", "", &v).ok());
  CHECK(v == Value("2027-03-05"));
  CHECK(parse_input(def(FieldType::Date), "31.02.2026", "", &v).code == "invalid_date");
  CHECK(parse_input(def(FieldType::Date), "26.11.2026x", "", &v).code == "invalid_date");

  CHECK(parse_input(def(FieldType::DateTime), "26.11.2026 18:45", "", &v).ok());
  CHECK(v == Value("2026-11-26T18:45"));
  CHECK(parse_input(def(FieldType::DateTime), "26.11.2026 25:00", "", &v).code == "invalid_datetime");

  CHECK(parse_input(def(FieldType::String), "  ", "", &v).ok());
  CHECK(v.is_null());
  CHECK(parse_input(def(FieldType::String), " Текст ", "", &v).ok());
  CHECK(v == Value(" Текст "));
}

TEST_CASE("editable text parses back to the same value") {
  const Lang langs[] = {Lang::Ru, Lang::En};
  for (Lang lang : langs) {
    Value v;
    FieldDef money = def(FieldType::Money);
    for (std::int64_t minor : {0LL, 5LL, 15000050LL, -250LL, -5LL}) {
      Value m(Money{minor, "RUB"});
      REQUIRE(parse_input(money, editable_text(money, m, lang), "RUB", &v).ok());
      CHECK(v == m);
    }
    FieldDef date = def(FieldType::Date);
    REQUIRE(parse_input(date, editable_text(date, Value("2026-01-31"), lang), "", &v).ok());
    CHECK(v == Value("2026-01-31"));
    FieldDef num = def(FieldType::Number);
    REQUIRE(parse_input(num, editable_text(num, Value(12345.25), lang), "", &v).ok());
    CHECK(v == Value(12345.25));
  }
}

TEST_CASE("dates and times are typed and shown in the language's format, never as ISO") {
  Value v;
  FieldDef date = def(FieldType::Date), when = def(FieldType::DateTime);
  CHECK(editable_text(date, Value("2026-12-24"), Lang::Ru) == "24.12.2026");
  CHECK(editable_text(date, Value("2026-12-24"), Lang::En) == "Dec 24, 2026");
  CHECK(editable_text(when, Value("2026-12-24T15:30"), Lang::Ru) == "24.12.2026 15:30");
  CHECK(editable_text(when, Value("2026-12-24T15:30"), Lang::En) == "Dec 24, 2026 3:30 PM");
  CHECK(format_datetime(DateTime{{2026, 12, 24}, 0, 5}, Lang::En) == "Dec 24, 2026 12:05 AM");
  for (Lang lang : {Lang::Ru, Lang::En}) {
    for (const char* t : {"2026-12-24T15:30", "2026-01-01T00:00", "2026-06-30T12:00", "2026-02-28T23:59"}) {
      REQUIRE(parse_input(when, editable_text(when, Value(t), lang), "", &v).ok());
      CHECK(v == Value(t));
    }
  }
  // Written-out dates in both languages.
  Date d;
  CHECK((parse_user_date("Dec 24, 2026", &d) && d == Date{2026, 12, 24}));
  CHECK((parse_user_date("december 24 2026", &d) && d == Date{2026, 12, 24}));
  CHECK((parse_user_date("24 декабря 2026", &d) && d == Date{2026, 12, 24}));
  CHECK((parse_user_date("1 Май 2026", &d) && d == Date{2026, 5, 1}));
  CHECK((parse_user_date("24 дек. 2026", &d) && d == Date{2026, 12, 24}));
  CHECK_FALSE(parse_user_date("Dec 32, 2026", &d));
  CHECK_FALSE(parse_user_date("Feb 29, 2026", &d));
  CHECK_FALSE(parse_user_date("Decem 24, 2026", &d));
  CHECK_FALSE(parse_user_date("24 12 2026", &d));
  CHECK_FALSE(parse_user_date("", &d));
  CHECK_FALSE(parse_user_date(std::string(100, '1'), &d));
  DateTime t;
  CHECK((parse_user_datetime("24.12.2026 15:30", &t) && t == DateTime{{2026, 12, 24}, 15, 30}));
  CHECK((parse_user_datetime("Dec 24, 2026 3:30 PM", &t) && t == DateTime{{2026, 12, 24}, 15, 30}));
  CHECK((parse_user_datetime("Dec 24, 2026 12:10am", &t) && t == DateTime{{2026, 12, 24}, 0, 10}));
  CHECK((parse_user_datetime("24.12.2026, 9:05", &t) && t == DateTime{{2026, 12, 24}, 9, 5}));
  CHECK_FALSE(parse_user_datetime("24.12.2026", &t));
  CHECK_FALSE(parse_user_datetime("24.12.2026 24:00", &t));
  CHECK_FALSE(parse_user_datetime("24.12.2026 13:00 PM", &t));
  CHECK_FALSE(parse_user_datetime("24.12.2026 9:5", &t));
  CHECK_FALSE(parse_user_datetime("24.12.2026 15:30 XM", &t));
  CHECK(parse_input(when, "31.02.2026 10:00", "", &v).code == "invalid_datetime");
}

TEST_CASE("calendar words per language") {
  CHECK(month_name(12, Lang::Ru) == "Декабрь");
  CHECK(month_name(1, Lang::En) == "January");
  CHECK(month_name(13, Lang::En).empty());
  CHECK(spoken_date(Date{2026, 12, 24}, Lang::Ru) == "24 декабря 2026");
  CHECK(spoken_date(Date{2026, 12, 24}, Lang::En) == "December 24, 2026");
  CHECK(weekday_short(0, Lang::Ru) == "Пн");
  CHECK(weekday_short(6, Lang::Ru) == "Вс");
  CHECK(weekday_short(6, Lang::En) == "Sun");
  CHECK(first_weekday(Lang::Ru) == 0);
  CHECK(first_weekday(Lang::En) == 6);
}

TEST_CASE("values of list, employee, binding and stage fields show their names") {
  Workspace ws;
  Session session(ws, "t", "u1");
  seed_demo(session, 1795000000000);
  const Schema& s = ws.schema();
  CHECK(format_value(ws, *s.field("deal", "TYPE_ID"), Value("SALE"), Lang::Ru) == "Продажа");
  CHECK(format_value(ws, *s.field("deal", "TYPE_ID"), Value("SALE"), Lang::En) == "Sale");
  CHECK(format_value(ws, *s.field("deal", "ASSIGNED_BY_ID"), Value("u2"), Lang::Ru) == "Иван Петров");
  CHECK(format_value(ws, *s.field("deal", "STAGE_ID"), Value("WON"), Lang::Ru) == "Сделка успешна");
  CHECK(format_value(ws, *s.field("deal", "OPENED"), Value(true), Lang::En) == "Yes");
}
