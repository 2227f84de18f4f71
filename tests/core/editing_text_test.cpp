// Formatting and parsing the UI used to do itself (issue 23: the UI draws and dispatches, the core turns
// text into values and back): editors' text, numbers of a products row, a board's sums, local times of a
// to-do's deadline, initials, file name suffixes, the preview of a generated page.
#include <doctest/doctest.h>

#include "core/calendar.hpp"
#include "core/documents.hpp"
#include "core/format.hpp"
#include "core/text.hpp"

using namespace kt;

namespace {
FieldDef def(FieldType t, bool multiple = false) {
  FieldDef f;
  f.id = "F";
  f.entity = "contact";
  f.type = t;
  f.multiple = multiple;
  return f;
}
}  // namespace

TEST_CASE("an editor starts with the values as typed, and what is typed splits into the values") {
  const FieldDef phones = def(FieldType::Phone, true);
  const Value two(Value::List{Value("+7 912 555-10-01"), Value("+7 916 555-20-02")});
  CHECK(editor_text(phones, two, Lang::Ru) == "+7 912 555-10-01, +7 916 555-20-02");
  CHECK(editable_lines(phones, two, Lang::Ru) == "+7 912 555-10-01\n+7 916 555-20-02");
  Value v;
  REQUIRE(parse_editor_text(phones, " +7 912 555-10-01 ;\n+7 916 555-20-02,, ", "", &v).ok());
  CHECK(v == two);
  REQUIRE(parse_editor_text(phones, " , ;\n", "", &v).ok());
  CHECK(v.is_null());  // nothing typed: no value at all
  const FieldDef dates = def(FieldType::Date, true);
  CHECK(parse_editor_text(dates, "26.11.2026, 31.02.2026", "", &v).code == "invalid_date");
  const FieldDef money = def(FieldType::Money);
  CHECK(editor_text(money, Value(Money{15000050, "RUB"}), Lang::Ru) == editable_text(money, Value(Money{15000050, "RUB"}), Lang::Ru));
  REQUIRE(parse_editor_text(money, "150 000,50", "EUR", &v).ok());
  CHECK(v == Value(Money{15000050, "EUR"}));
}

TEST_CASE("a products row's numbers are written so that they parse back, and typed either way") {
  CHECK(minor_text(123450) == "1234,50");
  CHECK(minor_text(5) == "0,05");
  CHECK(minor_text(0) == "0,00");
  CHECK(minor_text(-50) == "-0,50");  // the sign of an amount under one unit is kept
  CHECK(minor_text(-123405) == "-1234,05");
  CHECK(decimal_text(1.5) == "1,5");
  CHECK(decimal_text(2) == "2");
  CHECK(decimal_text(12.25) == "12,25");
  double d = -1;
  CHECK(parse_decimal("1 234,5", &d));
  CHECK(d == 1234.5);
  CHECK(parse_decimal("1234.5", &d));
  CHECK(d == 1234.5);
  CHECK(parse_decimal("-3", &d));
  CHECK(d == -3);
  d = 7;
  for (const char* bad : {"", " ", "1,2,3x", "abc", "1e999", "nan", "12 кг"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_decimal(bad, &d));
  }
  CHECK(d == 7);  // untouched
  std::int64_t n = 9;
  CHECK(parse_int64("42", &n));
  CHECK(n == 42);
  CHECK(parse_int64("-7", &n));
  CHECK(n == -7);
  for (const char* bad : {"", " 1", "1 ", "1.5", "x", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_int64(bad, &n));
  }
  CHECK(n == -7);
}

TEST_CASE("a board's column sums each currency and shows nothing as zero roubles") {
  CHECK(format_money_sums({}, Lang::Ru) == "0 ₽");
  CHECK(format_money_sums({{"RUB", 15000000}}, Lang::Ru) == "150 000 ₽");
  CHECK(format_money_sums({{"RUB", 15000000}, {"USD", 200000}}, Lang::Ru) ==
        format_money(Money{15000000, "RUB"}, Lang::Ru) + " + " + format_money(Money{200000, "USD"}, Lang::Ru));
}

TEST_CASE("a deadline typed at the user's UTC offset is a moment, and shows back the same") {
  const std::int64_t utc = ms_from_utc(DateTime{{2026, 11, 26}, 15, 30});
  CHECK(local_iso(utc, 180) == "2026-11-26T18:30");  // Moscow
  CHECK(local_iso(utc, -300) == "2026-11-26T10:30");
  CHECK(local_iso(ms_from_utc(DateTime{{2026, 12, 31}, 23, 0}), 120) == "2027-01-01T01:00");
  bool ok = false;
  CHECK(utc_of_local("2026-11-26T18:30", 180, &ok) == utc);
  CHECK(ok);
  CHECK(utc_of_local(local_iso(utc, -570), -570, &ok) == utc);
  CHECK(utc_of_local("26.11.2026 18:30", 180, &ok) == 0);
  CHECK_FALSE(ok);
  CHECK(utc_of_local("", 0, &ok) == 0);
  CHECK_FALSE(ok);
}

TEST_CASE("initials take whole characters of the first two words, and a suffix is matched without case") {
  CHECK(initials("Анна Смирнова") == "АС");
  CHECK(initials("  john   ronald reuel") == "jr");
  CHECK(initials("Ё") == "Ё");
  CHECK(initials("") == "?");
  CHECK(initials("   ") == "?");
  CHECK(initials("\xD0") == "\xD0");  // a cut sequence at the end is not read past
  CHECK(ends_with_nocase("contacts.VCF", ".vcf"));
  CHECK(ends_with_nocase("a.vcard", ".vcard"));
  CHECK_FALSE(ends_with_nocase("vcf", ".vcf"));
  CHECK_FALSE(ends_with_nocase("contacts.csv", ".vcf"));
}

TEST_CASE("a generated page previews as its text, line by line, without head, styles or scripts") {
  const std::string page =
      "<!DOCTYPE html><html><head><title>T</title><style>.a { x: 1; }</style></head><body>\n"
      "<h1>Счёт № 1</h1>\n<p>Итого:   <b>1&nbsp;000</b> &amp; &lt;ещё&gt;</p>"
      "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table><script>alert(1)</script>"
      "<div>конец<br>строка</div></body></html>";
  CHECK(preview_text(page) == "Счёт № 1\nИтого: 1 000 & <ещё>\na b\nc\nконец\nстрока ");
  CHECK(preview_text("") == "");
  CHECK(preview_text("<style>never closed") == "");
  CHECK(preview_text("plain") == "plain");
}
