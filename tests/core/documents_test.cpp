#include <doctest/doctest.h>

#include <map>
#include <set>

#include "core/calendar.hpp"
#include "core/documents.hpp"
#include "core/documents_json.hpp"
#include "core/workspace.hpp"

using namespace kt;

namespace {

std::int64_t at(int y, int mo, int d, int h = 0, int mi = 0) { return ms_from_utc(DateTime{{y, mo, d}, h, mi}); }

Numerator numerator(const std::string& pattern, const std::string& periodic = "", int length = 0) {
  Numerator n;
  n.id = "n";
  n.pattern = pattern;
  n.periodic = periodic;
  n.length = length;
  return n;
}

// Issues `count` numbers at `when`, returning the last one and carrying the state.
std::string issue(const Numerator& n, NumeratorState& st, std::int64_t when, int tz = 0, int count = 1) {
  std::string number;
  for (int i = 0; i < count; ++i) {
    NextNumber next = next_number(n, st, when, tz);
    number = next.number;
    st = next.next;
  }
  return number;
}

Item make_item(const std::string& id, const std::string& entity, const FieldValues& values) {
  Item it;
  it.id = id;
  it.entity = entity;
  it.pipeline = entity == "deal" || entity == "invoice" || entity == "quote" || entity == "lead" ? "0" : "";
  it.created_ms = at(2026, 11, 18, 9, 30);
  it.created_by = "u1";
  for (const auto& [f, v] : values) it.cell_for_write(f).value = v;
  return it;
}

// A small CRM: an administrator, a sales manager in a sub-department, an outsider; a secret custom field.
struct Crm {
  Schema schema = default_schema();
  std::map<std::string, Item> items;
  MyCompany me;

  Crm() {
    schema.departments = {{"10", "Продажи", ""}, {"11", "Продажи Москва", "10"}, {"20", "Склад", ""}};
    Role sales;
    sales.id = "sales";
    sales.name = "Продажи";
    schema.roles = {sales};
    schema.users = {{"u1", "Анна Админова", "10", true, {}, true},
                    {"u2", "Борис Продажин", "11", false, {"sales"}, true},
                    {"u3", "Вера Складова", "20", false, {"sales"}, true}};
    FieldDef secret;
    secret.id = "UF_CRM_MARGIN";
    secret.entity = "deal";
    secret.type = FieldType::String;
    secret.label = {"Маржа", "Margin"};
    secret.visible_to = {"Uu3"};
    schema.fields.push_back(secret);

    add(make_item("C1", "company", {{"TITLE", Value("ООО «Ромашка»")},
                                    {"PHONE", Value(Value::List{Value("+7 495 111-22-33")})},
                                    {"ADDRESS", Value("Москва, ул. Лесная, 5")}}));
    add(make_item("P1", "contact", {{"NAME", Value("Иван")},
                                    {"LAST_NAME", Value("Петров")},
                                    {"POST", Value("Директор")},
                                    {"EMAIL", Value(Value::List{Value("ivan@romashka.ru")})}}));
    Item deal = make_item("D1", "deal",
                          {{"TITLE", Value("Поставка ноутбуков")},
                           {"STAGE_ID", Value("NEW")},
                           {"OPPORTUNITY_WITH_CURRENCY", Value(Money{20711000, "RUB"})},
                           {"CLIENT", Value(Value::List{Value("C1"), Value("P1")})},
                           {"CLOSEDATE", Value("2026-12-25")},
                           {"SOURCE_ID", Value("CALL")},
                           {"PROBABILITY", Value(std::int64_t{70})},
                           {"ASSIGNED_BY_ID", Value("u2")},
                           {"UF_CRM_MARGIN", Value("Секрет 42%")}});
    ProductRow laptop{"r1", "Ноутбук", 10000000, 2, "шт", 0, 20, true};
    ProductRow mounting{"r2", "Монтаж", 500000, 1.5, "шт", 10, 0, true};
    ProductRow advice{"r3", "Консультация", 10000, 3, "ч", 0, 20, false};
    deal.products = {laptop, mounting, advice};
    add(deal);

    me.name = "ООО «Картотека»";
    me.inn = "7701234567";
    me.kpp = "770101001";
    me.address = "Москва, Тверская, 1";
    me.phone = "+7 495 000-00-00";
    me.bank = "АО «Банк»";
    me.bik = "044525000";
    me.account = "40702810000000000001";
    me.corr_account = "30101810000000000000";
    me.director = "Иванов И. И.";
    me.accountant = "Сидорова С. С.";
  }

  void add(Item it) { items[it.id] = std::move(it); }

  Workspace workspace() const {
    Workspace ws(schema);
    for (const auto& [id, it] : items) ws.put_item(it, nullptr, false);
    return ws;
  }

  ItemLookup lookup() const {
    return [this](const std::string& id) -> const Item* {
      auto it = items.find(id);
      return it == items.end() ? nullptr : &it->second;
    };
  }

  DocContext context(const std::string& user, const std::string& item = "D1", Lang lang = Lang::Ru) const {
    return make_context(schema, items.at(item), lookup(), user, me, lang, 180);
  }
};

std::string render_html(const std::string& body, const DocContext& ctx) {
  RenderResult r = render(body, ctx);
  CHECK_MESSAGE(r.warnings.empty(), (r.warnings.empty() ? "" : r.warnings.front()));
  return r.html;
}

DocContext values(std::map<std::string, DocValue> v, Lang lang = Lang::Ru, int tz = 0) {
  DocContext ctx;
  ctx.lang = lang;
  ctx.tz_offset_min = tz;
  ctx.values = std::move(v);
  return ctx;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Numbering
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("numbers count from start by step, padded to the minimum length") {
  Numerator n = numerator("СЧ-{NUMBER}", "", 5);
  NumeratorState st;
  const std::int64_t t = at(2026, 11, 26, 12);
  CHECK(issue(n, st, t) == "СЧ-00001");
  CHECK(st == NumeratorState{1, ""});
  CHECK(issue(n, st, t) == "СЧ-00002");

  n.start = 100;
  n.step = 10;
  n.length = 2;
  st = {};
  CHECK(issue(n, st, t) == "СЧ-100");
  CHECK(issue(n, st, t) == "СЧ-110");

  n = numerator("{NUMBER}", "", 4);
  n.pad = "·";  // any one character, UTF-8 included
  st = {};
  CHECK(issue(n, st, t) == "···1");
  n.pad = " ";
  n.length = 3;
  CHECK(issue(n, st, t) == "  2");
  CHECK(issue(n, st, t, 0, 1000) == "1002");  // longer than the length: not cut
}

TEST_CASE("raising the first number takes effect at once; lowering it keeps counting") {
  Numerator n = numerator("{NUMBER}");
  NumeratorState st{57, ""};
  n.start = 1000;
  CHECK(issue(n, st, at(2026, 1, 1)) == "1000");
  n.start = 1;
  CHECK(issue(n, st, at(2026, 1, 1)) == "1001");
}

TEST_CASE("a yearly counter restarts when the local year changes, at the numerator's time zone") {
  Numerator n = numerator("КП-{YEAR}-{NUMBER}", "year", 3);
  NumeratorState st;
  CHECK(issue(n, st, at(2026, 12, 31, 20, 59)) == "КП-2026-001");
  CHECK(issue(n, st, at(2026, 12, 31, 20, 59)) == "КП-2026-002");
  CHECK(st.period_key == "2026");
  // 21:00 UTC is already 2027 in Moscow (+3): the counter restarts and the year follows the local date.
  NumeratorState moscow = st;
  CHECK(issue(n, moscow, at(2026, 12, 31, 21, 0), 180) == "КП-2027-001");
  CHECK(moscow == NumeratorState{1, "2027", {{"2026", 2}}});  // 2026 stays known for back-dating
  // ... but not yet at UTC.
  CHECK(issue(n, st, at(2026, 12, 31, 23, 59), 0) == "КП-2026-003");
  CHECK(issue(n, st, at(2027, 1, 1, 0, 0), 0) == "КП-2027-001");
  // West of Greenwich: 02:00 UTC on 1 January is still the old year in New York (-5).
  NumeratorState ny{7, "2026"};
  CHECK(issue(n, ny, at(2027, 1, 1, 2, 0), -300) == "КП-2026-008");
  CHECK(issue(n, ny, at(2027, 1, 1, 5, 0), -300) == "КП-2027-001");
}

TEST_CASE("monthly and daily counters restart at their boundaries; a plain counter never does") {
  Numerator monthly = numerator("{YEAR}/{MONTH}-{NUMBER}", "month");
  NumeratorState st;
  CHECK(issue(monthly, st, at(2028, 2, 1)) == "2028/02-1");
  CHECK(issue(monthly, st, at(2028, 2, 29, 23, 59)) == "2028/02-2");  // leap day: same month
  CHECK(issue(monthly, st, at(2028, 3, 1)) == "2028/03-1");
  CHECK(st.period_key == "2028-03");
  CHECK(issue(monthly, st, at(2028, 3, 31, 23, 0), 60) == "2028/04-1");  // 00:00 on 1 April at +1

  Numerator daily = numerator("{YEAR}{MONTH}{DAY}-{NUMBER}", "day", 2);
  st = {};
  CHECK(issue(daily, st, at(2026, 11, 26, 23, 59)) == "20261126-01");
  CHECK(issue(daily, st, at(2026, 11, 26, 23, 59)) == "20261126-02");
  CHECK(issue(daily, st, at(2026, 11, 27, 0, 0)) == "20261127-01");
  CHECK(st.period_key == "2026-11-27");

  Numerator plain = numerator("{NUMBER}/{YEAR}");
  st = {};
  CHECK(issue(plain, st, at(2026, 12, 31)) == "1/2026");
  CHECK(issue(plain, st, at(2027, 1, 1)) == "2/2027");
  CHECK(st.period_key.empty());

  CHECK(period_key("year", at(2026, 11, 26), 0) == "2026");
  CHECK(period_key("month", at(2026, 11, 26), 0) == "2026-11");
  CHECK(period_key("day", at(2026, 11, 26), 0) == "2026-11-26");
  CHECK(period_key("", at(2026, 11, 26), 0) == "");
}

TEST_CASE("a back-dated document continues its own period's count, so no number repeats") {
  Numerator yearly = numerator("СЧ-{YEAR}-{NUMBER}", "year");
  NumeratorState st;
  std::set<std::string> issued;
  auto take = [&](std::int64_t when) {
    std::string number = issue(yearly, st, when);
    CHECK_MESSAGE(issued.insert(number).second, number);
    return number;
  };
  CHECK(take(at(2026, 12, 30)) == "СЧ-2026-1");
  CHECK(take(at(2026, 12, 31)) == "СЧ-2026-2");
  CHECK(take(at(2027, 1, 9)) == "СЧ-2027-1");
  CHECK(st.earlier == std::map<std::string, std::int64_t>{{"2026", 2}});
  // An invoice dated last year goes on from last year's count; this year's is untouched.
  CHECK(take(at(2026, 12, 31)) == "СЧ-2026-3");
  CHECK(take(at(2027, 1, 10)) == "СЧ-2027-2");
  CHECK(take(at(2026, 6, 1)) == "СЧ-2026-4");
  // A period that never had a document starts at the beginning.
  CHECK(take(at(2025, 3, 3)) == "СЧ-2025-1");
  CHECK(take(at(2025, 3, 4)) == "СЧ-2025-2");
  CHECK(st == NumeratorState{2, "2027", {{"2025", 2}, {"2026", 4}}});
  CHECK(take(at(2028, 1, 1)) == "СЧ-2028-1");
  CHECK(st.earlier.at("2027") == 2);

  // Monthly: the 31st issued on the 1st of the next month.
  Numerator monthly = numerator("{YEAR}/{MONTH}-{NUMBER}", "month");
  NumeratorState m;
  CHECK(issue(monthly, m, at(2026, 10, 30)) == "2026/10-1");
  CHECK(issue(monthly, m, at(2026, 11, 1)) == "2026/11-1");
  CHECK(issue(monthly, m, at(2026, 10, 31)) == "2026/10-2");
  CHECK(issue(monthly, m, at(2026, 11, 2)) == "2026/11-2");

  // A numerator that becomes periodic keeps counting rather than restarting over numbers already issued.
  Numerator plain = numerator("СЧ-{YEAR}-{NUMBER}");
  NumeratorState p;
  CHECK(issue(plain, p, at(2026, 5, 5), 0, 7) == "СЧ-2026-7");
  plain.periodic = "year";
  CHECK(issue(plain, p, at(2026, 5, 6)) == "СЧ-2026-8");
  CHECK(issue(plain, p, at(2027, 1, 1)) == "СЧ-2027-1");
}

TEST_CASE("bad numerators are refused with a reason") {
  auto why = [](Numerator n) { return check_numerator(n); };
  Numerator ok = numerator("СЧ-{YEAR}-{NUMBER}", "year", 4);
  CHECK(why(ok) == "");
  Numerator n = ok;
  n.step = 0;
  CHECK(why(n).find("step") != std::string::npos);
  n = ok;
  n.length = -1;
  CHECK(why(n).find("negative") != std::string::npos);
  n = ok;
  n.length = 21;
  CHECK(why(n).find("20") != std::string::npos);
  n = ok;
  n.start = 0;
  CHECK(why(n).find("first number") != std::string::npos);
  n = ok;
  n.pad = "";
  CHECK(why(n).find("one character") != std::string::npos);
  n.pad = "ab";
  CHECK(why(n).find("one character") != std::string::npos);
  n = ok;
  n.pattern = "СЧ-{YEAR}-{NUMBER}-{WEEK}";
  CHECK(why(n).find("{WEEK}") != std::string::npos);
  n.pattern = "СЧ-{YEAR}";
  CHECK(why(n).find("needs {NUMBER}") != std::string::npos);
  n.pattern = "СЧ-{NUMBER";
  CHECK(why(n).find("without") != std::string::npos);
  n.pattern = "СЧ-NUMBER}";
  CHECK(why(n).find("without") != std::string::npos);
  n = ok;
  n.periodic = "week";
  CHECK(why(n).find("week") != std::string::npos);
  n = ok;
  n.pattern = "СЧ-{NUMBER}";  // a yearly reset without the year repeats numbers
  CHECK(why(n).find("{YEAR}") != std::string::npos);
  n.periodic = "month";
  n.pattern = "{YEAR}-{NUMBER}";
  CHECK(why(n).find("{MONTH}") != std::string::npos);
  n.periodic = "day";
  n.pattern = "{YEAR}{MONTH}-{NUMBER}";
  CHECK(why(n).find("{DAY}") != std::string::npos);
  n = ok;
  n.id = "";
  CHECK(why(n).find("id") != std::string::npos);
  for (const auto& d : default_numerators()) CHECK(why(d) == "");
  // Each reason has a code the settings form translates.
  auto code = [](Numerator n) {
    std::string c;
    check_numerator(n, &c);
    return c;
  };
  n = ok;
  n.step = 0;
  CHECK(code(n) == "numerator_step");
  n = ok;
  n.pattern = "{YEAR}-{NUMBER}";
  n.periodic = "month";
  CHECK(code(n) == "numerator_reset_month");
  n.pattern = "{YEAR}-{NUMBER";
  CHECK(code(n) == "numerator_token");
  CHECK(code(ok) == "");
}

// ---------------------------------------------------------------------------------------------------------
// Modifiers
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("dates take PHP-like patterns, with Russian genitive month names") {
  DocContext ru = values({{"D", DocValue::of_date("2026-11-26")}});
  CHECK(render_html("{D}", ru) == "26.11.2026");
  CHECK(render_html("{D~d.m.Y}", ru) == "26.11.2026");
  CHECK(render_html("{D~d F Y}", ru) == "26 ноября 2026");
  CHECK(render_html("«{D~j F Y г.}»", ru) == "«26 ноября 2026 г.»");
  CHECK(render_html("{D~f Y}", ru) == "ноябрь 2026");
  CHECK(render_html("{D~f Y~ucfirst}", ru) == "Ноябрь 2026");
  CHECK(render_html("{D~l, D, j M y}", ru) == "четверг, чт, 26 ноя 26");
  CHECK(render_html("{D~n/j/y H:i}", ru) == "11/26/26 00:00");

  DocContext may = values({{"D", DocValue::of_date("2026-05-01")}});
  CHECK(render_html("{D~d F}", may) == "01 мая");

  DocContext en = values({{"D", DocValue::of_date("2026-11-26")}}, Lang::En);
  CHECK(render_html("{D}", en) == "Nov 26, 2026");
  CHECK(render_html("{D~d F Y}", en) == "26 November 2026");
  CHECK(render_html("{D~F j, Y}", en) == "November 26, 2026");
  CHECK(render_html("{D~l}", en) == "Thursday");
}

TEST_CASE("date-times are shown at the context's UTC offset") {
  DocContext ctx = values({{"T", DocValue::of_datetime(at(2026, 11, 26, 15, 45))}}, Lang::Ru, 180);
  CHECK(render_html("{T}", ctx) == "26.11.2026 18:45");
  CHECK(render_html("{T~d.m.Y H:i}", ctx) == "26.11.2026 18:45");
  CHECK(render_html("{T~H:i:s}", ctx) == "18:45:00");
  CHECK(render_html("{T~G\\ч i\\м}", ctx) == "18ч 45м");
  CHECK(render_html("{T~\\d\\a\\y: j}", ctx) == "day: 26");

  DocContext late = values({{"T", DocValue::of_datetime(at(2026, 11, 26, 22, 30))}}, Lang::En, 180);
  CHECK(render_html("{T~d.m.Y H:i}", late) == "27.11.2026 01:30");  // the next day in Moscow
  CHECK(render_html("{T~g:i A}", late) == "1:30 AM");
  CHECK(render_html("{T~h:i a}", late) == "01:30 am");
  DocContext west = values({{"T", DocValue::of_datetime(at(2026, 11, 26, 2, 0))}}, Lang::En, -300);
  CHECK(render_html("{T~D j M, g A}", west) == "Wed 25 Nov, 9 PM");
}

TEST_CASE("money: default, number, decimals, currency, words") {
  DocContext ru = values({{"M", DocValue::of_money({12345, "RUB"})}, {"B", DocValue::of_money({123456789, "RUB"})}});
  CHECK(render_html("{M}", ru) == "123,45 ₽");
  CHECK(render_html("{M~money}", ru) == "123,45 ₽");
  CHECK(render_html("{M~number}", ru) == "123,45");
  CHECK(render_html("{M~0}", ru) == "123");
  CHECK(render_html("{M~1}", ru) == "123,5");
  CHECK(render_html("{M~currency}", ru) == "RUB");
  CHECK(render_html("{M~words}", ru) == "Сто двадцать три рубля 45 копеек");
  CHECK(render_html("{M~words~upper}", ru) == "СТО ДВАДЦАТЬ ТРИ РУБЛЯ 45 КОПЕЕК");
  CHECK(render_html("{M~words~lower}", ru) == "сто двадцать три рубля 45 копеек");
  CHECK(render_html("{B}", ru) == "1 234 567,89 ₽");
  CHECK(render_html("{B~number}", ru) == "1 234 567,89");
  DocContext whole = values({{"M", DocValue::of_money({1500000, "RUB"})}});
  CHECK(render_html("{M}", whole) == "15 000,00 ₽");  // documents always show kopecks

  DocContext en = values({{"M", DocValue::of_money({12345, "USD"})}, {"B", DocValue::of_money({123456789, "USD"})},
                          {"G", DocValue::of_money({-250, "EUR"})}, {"X", DocValue::of_money({100, "GBP"})}},
                         Lang::En);
  CHECK(render_html("{M}", en) == "$123.45");
  CHECK(render_html("{B}", en) == "$1,234,567.89");
  CHECK(render_html("{G}", en) == "-€2.50");
  CHECK(render_html("{X}", en) == "1.00 GBP");
  CHECK(render_html("{M~words}", en) == "One hundred twenty-three dollars and 45 cents");
}

TEST_CASE("numbers: default decimals, fixed decimals, words") {
  DocContext ctx = values({{"N", DocValue::of_number(1234.56)}, {"I", DocValue::of_number(21000, 0)},
                           {"P", DocValue::of_number(0.5, 2)}});
  CHECK(render_html("{N}", ctx) == "1 234,56");
  CHECK(render_html("{N~number}", ctx) == "1 234,56");
  CHECK(render_html("{N~0}", ctx) == "1 235");
  CHECK(render_html("{N~3}", ctx) == "1 234,560");
  CHECK(render_html("{N~words}", ctx) == "одна тысяча двести тридцать четыре");
  CHECK(render_html("{I}", ctx) == "21 000");
  CHECK(render_html("{I~words~ucfirst}", ctx) == "Двадцать одна тысяча");
  CHECK(render_html("{P}", ctx) == "0,50");
  RenderResult huge = render("[{H~words}]", values({{"H", DocValue::of_number(1e30)}}));
  CHECK(huge.html == "[]");
  CHECK(huge.warnings.size() == 1);
  DocContext en = values({{"N", DocValue::of_number(1234.56)}}, Lang::En);
  CHECK(render_html("{N}", en) == "1,234.56");
  CHECK(render_html("{N~words}", en) == "one thousand two hundred thirty-four");
}

TEST_CASE("text case: upper, lower, first letter; Cyrillic and ё included") {
  DocContext ctx = values({{"S", DocValue::of_text("ёлка and Tree, Ёж")}});
  CHECK(render_html("{S~upper}", ctx) == "ЁЛКА AND TREE, ЁЖ");
  CHECK(render_html("{S~lower}", ctx) == "ёлка and tree, ёж");
  CHECK(render_html("{S~ucfirst}", ctx) == "Ёлка and Tree, Ёж");
  CHECK(render_html("{S}", ctx) == "ёлка and Tree, Ёж");
}

TEST_CASE("a modifier that is unknown or does not fit the value renders empty with a warning") {
  DocContext ctx = values({{"S", DocValue::of_text("x")}, {"M", DocValue::of_money({100, "RUB"})},
                           {"D", DocValue::of_date("2026-11-26")}, {"E", DocValue{}}});
  auto warn = [&](const std::string& body) {
    RenderResult r = render("[" + body + "]", ctx);
    CHECK(r.html == "[]");
    REQUIRE(r.warnings.size() == 1);
    return r.warnings[0];
  };
  CHECK(warn("{S~words}").find("does not apply to text") != std::string::npos);
  CHECK(warn("{S~bogus}").find("unknown modifier \"bogus\"") != std::string::npos);
  CHECK(warn("{M~d.m.Y}").find("does not apply to money") != std::string::npos);
  CHECK(warn("{D~money}").find("does not apply to a date") != std::string::npos);
  CHECK(warn("{D~d.q.Y}").find("\"q\"") != std::string::npos);
  CHECK(warn("{M~upper~words}").find("must come before") != std::string::npos);
  CHECK(warn("{M~}").find("empty modifier") != std::string::npos);
  CHECK(warn("{E~nonsense}").find("unknown modifier") != std::string::npos);
  // An empty value with a fitting (or any well-formed) modifier is just empty.
  RenderResult r = render("[{E~d.m.Y}{E~words}{E~upper}]", ctx);
  CHECK(r.html == "[]");
  CHECK(r.warnings.empty());
}

// ---------------------------------------------------------------------------------------------------------
// Amounts in words
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("amounts in Russian words agree in number and gender") {
  auto rub = [](std::int64_t minor) { return money_in_words(Money{minor, "RUB"}, Lang::Ru); };
  CHECK(rub(0) == "Ноль рублей 00 копеек");
  CHECK(rub(100) == "Один рубль 00 копеек");
  CHECK(rub(200) == "Два рубля 00 копеек");
  CHECK(rub(500) == "Пять рублей 00 копеек");
  CHECK(rub(1100) == "Одиннадцать рублей 00 копеек");
  CHECK(rub(1200) == "Двенадцать рублей 00 копеек");
  CHECK(rub(2100) == "Двадцать один рубль 00 копеек");
  CHECK(rub(10100) == "Сто один рубль 00 копеек");
  CHECK(rub(11100) == "Сто одиннадцать рублей 00 копеек");
  CHECK(rub(100000) == "Одна тысяча рублей 00 копеек");
  CHECK(rub(200000) == "Две тысячи рублей 00 копеек");
  CHECK(rub(500000) == "Пять тысяч рублей 00 копеек");
  CHECK(rub(1100000) == "Одиннадцать тысяч рублей 00 копеек");
  CHECK(rub(2100000) == "Двадцать одна тысяча рублей 00 копеек");
  CHECK(rub(2200000) == "Двадцать две тысячи рублей 00 копеек");
  CHECK(rub(100000000) == "Один миллион рублей 00 копеек");
  CHECK(rub(200000000) == "Два миллиона рублей 00 копеек");
  CHECK(rub(123456789) == "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек");
  CHECK(rub(500000000000) == "Пять миллиардов рублей 00 копеек");
  CHECK(rub(100100000) == "Один миллион одна тысяча рублей 00 копеек");
  CHECK(rub(12345) == "Сто двадцать три рубля 45 копеек");
  CHECK(rub(101) == "Один рубль 01 копейка");
  CHECK(rub(102) == "Один рубль 02 копейки");
  CHECK(rub(111) == "Один рубль 11 копеек");
  CHECK(rub(121) == "Один рубль 21 копейка");
  CHECK(rub(-100) == "Минус один рубль 00 копеек");

  CHECK(money_in_words(Money{100, "UAH"}, Lang::Ru) == "Одна гривна 00 копеек");  // feminine currency
  CHECK(money_in_words(Money{200, "UAH"}, Lang::Ru) == "Две гривны 00 копеек");
  CHECK(money_in_words(Money{2100, "UAH"}, Lang::Ru) == "Двадцать одна гривна 00 копеек");
  CHECK(money_in_words(Money{500, "UAH"}, Lang::Ru) == "Пять гривен 00 копеек");
  CHECK(money_in_words(Money{2100, "USD"}, Lang::Ru) == "Двадцать один доллар 00 центов");
  CHECK(money_in_words(Money{350, "USD"}, Lang::Ru) == "Три доллара 50 центов");
  CHECK(money_in_words(Money{2101, "EUR"}, Lang::Ru) == "Двадцать один евро 01 цент");
  CHECK(money_in_words(Money{500, "EUR"}, Lang::Ru) == "Пять евро 00 центов");
  CHECK(money_in_words(Money{200, "BYN"}, Lang::Ru) == "Два белорусских рубля 00 копеек");
  CHECK(money_in_words(Money{12345, "GBP"}, Lang::Ru) == "Сто двадцать три GBP 45");
}

TEST_CASE("numbers in words, Russian and English") {
  CHECK(number_in_words(0, Lang::Ru) == "ноль");
  CHECK(number_in_words(1, Lang::Ru) == "один");
  CHECK(number_in_words(1, Lang::Ru, true) == "одна");
  CHECK(number_in_words(2, Lang::Ru, true) == "две");
  CHECK(number_in_words(12, Lang::Ru) == "двенадцать");
  CHECK(number_in_words(1000, Lang::Ru) == "одна тысяча");
  CHECK(number_in_words(2000, Lang::Ru) == "две тысячи");
  CHECK(number_in_words(5000, Lang::Ru) == "пять тысяч");
  CHECK(number_in_words(21000, Lang::Ru) == "двадцать одна тысяча");
  CHECK(number_in_words(1001, Lang::Ru) == "одна тысяча один");
  CHECK(number_in_words(1000000, Lang::Ru) == "один миллион");
  CHECK(number_in_words(2000000, Lang::Ru) == "два миллиона");
  CHECK(number_in_words(-5, Lang::Ru) == "минус пять");

  CHECK(number_in_words(0, Lang::En) == "zero");
  CHECK(number_in_words(12, Lang::En) == "twelve");
  CHECK(number_in_words(21, Lang::En) == "twenty-one");
  CHECK(number_in_words(101, Lang::En) == "one hundred one");
  CHECK(number_in_words(21000, Lang::En) == "twenty-one thousand");
  CHECK(number_in_words(1000000, Lang::En) == "one million");

  auto usd = [](std::int64_t minor) { return money_in_words(Money{minor, "USD"}, Lang::En); };
  CHECK(usd(0) == "Zero dollars and 00 cents");
  CHECK(usd(100) == "One dollar and 00 cents");
  CHECK(usd(101) == "One dollar and 01 cent");
  CHECK(usd(12345) == "One hundred twenty-three dollars and 45 cents");
  CHECK(usd(123456789) == "One million two hundred thirty-four thousand five hundred sixty-seven dollars and 89 cents");
  CHECK(money_in_words(Money{200000, "EUR"}, Lang::En) == "Two thousand euros and 00 cents");
  CHECK(money_in_words(Money{2100, "RUB"}, Lang::En) == "Twenty-one rubles and 00 kopecks");
}

// ---------------------------------------------------------------------------------------------------------
// Templates: syntax, escaping, tables
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("every substituted value is HTML-escaped; the template itself is not") {
  Crm crm;
  crm.items["D1"].cell_for_write("TITLE").value = Value("<script>alert(\"x\")</script> & 'q'");
  crm.items["D1"].products[0].name = "<b>Болт</b> & \"гайка\"";
  DocContext ctx = crm.context("u1");
  CHECK(render_html("<h1 class=\"t\">{Title}</h1>", ctx) ==
        "<h1 class=\"t\">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</h1>");
  CHECK(render_html("<td title=\"{TITLE}\">", ctx).find("<script>") == std::string::npos);
  CHECK(render_html("{#Products}{Products.INDEX}:{Products.Name};{/Products}", ctx) ==
        "1:&lt;b&gt;Болт&lt;/b&gt; &amp; &quot;гайка&quot;;2:Монтаж;3:Консультация;");
  CHECK(html_escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}

TEST_CASE("product rows repeat with a 1-based INDEX, Bitrix-style chains and totals") {
  Crm crm;
  DocContext ctx = crm.context("u1");
  CHECK(render_html("{#Products}{Products.INDEX}) {Products.Name}: {Products.Quantity} {Products.Unit} × "
                    "{Products.Price~number} = {Products.Sum~number}\n{/Products}",
                    ctx) ==
        "1) Ноутбук: 2 шт × 100 000,00 = 200 000,00\n"
        "2) Монтаж: 1,5 шт × 5 000,00 = 6 750,00\n"
        "3) Консультация: 3 ч × 100,00 = 300,00\n");
  CHECK(render_html("{#Products}{Products.Item.Name}/{Products.Discount}/{Products.Tax~number}/{Products.Total};"
                    "{/Products}",
                    ctx) ==
        "Ноутбук/0/33 333,33/200 000,00 ₽;Монтаж/10/0,00/6 750,00 ₽;Консультация/0/60,00/360,00 ₽;");
  CHECK(render_html("{TotalRows} {TotalSubtotal} {TotalDiscount} {TotalTaxTitle} {TotalTax} {TotalSum}", ctx) ==
        "3 207 050,00 ₽ 750,00 ₽ НДС 20% 33 393,33 ₽ 207 110,00 ₽");
  CHECK(render_html("{TotalSum~words}", ctx) == "Двести семь тысяч сто десять рублей 00 копеек");
  // Conditional parts: per row, and on values.
  CHECK(render_html("{#Products}{#Products.Discount}-{Products.Discount}%{/Products.Discount}"
                    "{^Products.Discount}.{/Products.Discount}{/Products}",
                    ctx) == ".-10%.");
  CHECK(render_html("{#Products}x{/Products}{^Products}none{/Products}", ctx) == "xxx");

  crm.items["D1"].products.clear();
  DocContext empty = crm.context("u1");
  // Without product rows the deal's amount is billed (as in Bitrix), without tax.
  CHECK(render_html("[{#Products}x{/Products}{^Products}none{/Products}] {TotalSum} {TotalTaxTitle}", empty) ==
        "[none] 207 110,00 ₽ Без НДС");
  // ... on one line: the invoice's "Всего наименований" counts it.
  CHECK(render_html("{TotalSubtotal} {TotalTax} {TotalRows}", empty) == "207 110,00 ₽ 0,00 ₽ 1");
}

TEST_CASE("unknown names, tables outside their block and bad modifiers are warnings: the rest still renders") {
  Crm crm;
  DocContext ctx = crm.context("u1");
  RenderResult r = render("{Nope}{Nope}{Products.Name}{Products}{Title~bogus}|{#Products}{Products.Colour}{/Products}"
                          "{#Missing}x{/Missing}|{Title}",
                          ctx);
  CHECK(r.ok());
  CHECK(r.errors.empty());
  CHECK(r.html == "||Поставка ноутбуков");
  CHECK(r.warnings.size() == 6);  // each problem once
  auto has = [&](const std::string& s) {
    for (const auto& w : r.warnings)
      if (w.find(s) != std::string::npos) return true;
    return false;
  };
  CHECK(has("unknown placeholder {Nope}"));
  CHECK(has("unknown placeholder {Products.Name}"));
  CHECK(has("{Products} is a table"));
  CHECK(has("unknown modifier \"bogus\""));
  CHECK(has("unknown placeholder {Products.Colour}"));
  CHECK(has("unknown placeholder {#Missing}"));
}

TEST_CASE("a broken block structure is an error with its line, and nothing is rendered") {
  Crm crm;
  DocContext ctx = crm.context("u1");
  auto error_of = [&](const std::string& body) {
    RenderResult r = render(body, ctx);
    CHECK_FALSE(r.ok());
    CHECK(r.html.empty());  // never a half-made document
    REQUIRE(r.errors.size() == 1);
    CHECK(check_template_syntax(body) == r.errors);
    return r.errors[0];
  };
  // An unclosed block does not silently swallow the rest of the page.
  CHECK(error_of("<p>{Title}</p>\n<table>\n{#Products}<tr><td>{Products.Name}</td></tr>\n</table>") ==
        "line 3: {#Products} is not closed: add {/Products} where the block ends");
  CHECK(error_of("a\n{^Products}none") == "line 2: {^Products} is not closed: add {/Products} where the block ends");
  // The innermost unclosed block is named.
  CHECK(error_of("{#Products}\n{#Products.Discount}-{/Products}").find(
            "line 2: {/Products} comes before {/Products.Discount}") == 0);
  CHECK(error_of("{#Products}x\n{#Title}y{/Products}{/Title}") ==
        "line 2: {/Products} comes before {/Title}, which must close {#Title} (line 2) first");
  // A closing tag without its block.
  CHECK(error_of("x\ny\n{/Contacts}") ==
        "line 3: {/Contacts} closes nothing: there is no {#Contacts} or {^Contacts} before it");
  CHECK(error_of("{#Products}x{/Products}{/Products}").find("closes nothing") != std::string::npos);

  // Nesting has a sane limit (the renderer recurses per level).
  std::string deep, deeper;
  for (int i = 0; i < 32; ++i) deep = "{#Title}" + deep + "{/Title}";
  CHECK(check_template_syntax(deep).empty());
  for (int i = 0; i < 100000; ++i) deeper += "{#Title}";
  CHECK(error_of(deeper).find("nested more than 32 blocks deep") != std::string::npos);

  // Well-formed nesting and CSS are fine.
  CHECK(check_template_syntax("{#Products}{#Products.Discount}x{/Products.Discount}{/Products}").empty());
  CHECK(check_template_syntax("<style>body { margin: 0 } a{color:red}</style>{^Contacts}-{/Contacts}").empty());

  // A template with a broken body cannot be saved.
  DocTemplate t = default_templates()[0];
  t.body += "{#Products}";
  CHECK(check_template(t).find("is not closed") != std::string::npos);
  // With its code, line and the tags its sentence names, for the settings form to say it in Russian.
  TemplateFault f;
  check_template(t, &f);
  CHECK(f.code == "tpl_unclosed");
  CHECK(f.args == std::vector<std::string>{"{#Products}", "{/Products}"});
  CHECK(f.line == static_cast<size_t>(std::count(t.body.begin(), t.body.end(), '\n') + 1));
  auto faults = template_faults("{#A}\n{#B}x{/A}{/B}");
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].code == "tpl_crossed");
  CHECK(faults[0].args == std::vector<std::string>{"{/A}", "{/B}", "{#B}", "2"});
  CHECK(template_faults("{/C}")[0].code == "tpl_closes_nothing");
  t.body.clear();
  check_template(t, &f);
  CHECK(f.code == "tpl_empty");
  CHECK(f.line == 0);
}

TEST_CASE("CSS and other braces are copied as they are") {
  DocContext ctx = values({{"A", DocValue::of_text("1")}});
  const std::string css =
      "<style>@page { size: A4; } body { margin: 0 } a{color:red} @media print { .x { display: none; } }</style>";
  CHECK(render_html(css + "{A}", ctx) == css + "1");
  CHECK(render_html("{ A } {A }{} {1A} {A\nB} {", ctx) == "{ A } {A }{} {1A} {A\nB} {");
  // Long runs of braces are copied in linear time (a quadratic scan would take minutes here).
  const std::string opens(400000, '{'), closes(400000, '}');
  CHECK(render_html(opens + "{A}" + closes + "{A}", ctx) == opens + "1" + closes + "1");
  std::string words;
  for (int i = 0; i < 100000; ++i) words += "{word ";
  CHECK(render_html(words + "{A}}", ctx) == words + "1}");
}

// ---------------------------------------------------------------------------------------------------------
// Context from an item
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("fields are reachable by id and by label; clients come through the binding field") {
  Crm crm;
  DocContext ctx = crm.context("u1");
  CHECK(render_html("{TITLE}|{Название}|{Deal name}|{Title}", ctx) ==
        "Поставка ноутбуков|Поставка ноутбуков|Поставка ноутбуков|Поставка ноутбуков");
  CHECK(render_html("{STAGE_ID}|{Stage}|{SOURCE_ID}|{Источник}|{Responsible}|{Вероятность, %}", ctx) ==
        "Новая|Новая|Звонок|Звонок|Борис Продажин|70");
  CHECK(render_html("{Amount}|{Currency}|{CLOSEDATE~d F Y}|{CreatedTime}", ctx) ==
        "207 110,00 ₽|RUB|25 декабря 2026|18.11.2026 12:30");
  CHECK(render_html("{CLIENT}", ctx) == "ООО «Ромашка», Петров Иван");
  CHECK(render_html("{Company.Name}|{Company.TITLE}|{Company.Название компании}|{Company.Phone}|{Company.Address}", ctx) ==
        "ООО «Ромашка»|ООО «Ромашка»|ООО «Ромашка»|+7 495 111-22-33|Москва, ул. Лесная, 5");
  CHECK(render_html("{Contact.Name}|{Contact.FirstName}|{Contact.Post}|{Contact.Email}", ctx) ==
        "Петров Иван|Иван|Директор|ivan@romashka.ru");
  CHECK(render_html("{Client.Name}|{Client.Phone}|{Client.Email}|{Client.Address}", ctx) ==
        "ООО «Ромашка»|+7 495 111-22-33|ivan@romashka.ru|Москва, ул. Лесная, 5");
  CHECK(render_html("{#Contacts}{Contacts.INDEX}. {Contacts.Name} ({Contacts.Post}){/Contacts}", ctx) ==
        "1. Петров Иван (Директор)");
  CHECK(render_html("{MyCompany.Name}, ИНН {MyCompany.INN}{MyCompany.OGRN}", ctx) ==
        "ООО «Картотека», ИНН 7701234567");
  // Document meta is known before a number exists.
  CHECK(render_html("[{DocumentNumber}{DocumentCreateTime~d.m.Y}]", ctx) == "[]");
  set_document_meta(ctx, "СЧ-7", at(2026, 11, 26, 21, 30), "Счёт");
  CHECK(render_html("{DocumentTitle} № {DocumentNumber} от {DocumentCreateTime~d F Y}", ctx) ==
        "Счёт № СЧ-7 от 27 ноября 2026");  // +3: already the 27th

  // A contact without a company is the client; a lead without either names itself.
  crm.items["D1"].cell_for_write("CLIENT").value = Value(Value::List{Value("P1")});
  CHECK(render_html("{Client.Name}|{Company.Name}", crm.context("u1")) == "Петров Иван|");
  crm.add(make_item("L1", "lead", {{"TITLE", Value("Заявка")}, {"NAME", Value("Олег")},
                                   {"LAST_NAME", Value("Смирнов")}, {"PHONE", Value(Value::List{Value("+7 900")})}}));
  CHECK(render_html("{Client.Name}|{Client.Phone}", crm.context("u1", "L1")) == "Смирнов Олег|+7 900");
}

TEST_CASE("the workspace overload looks related items up in the workspace") {
  Crm crm;
  Workspace ws(crm.schema);
  for (const auto& [id, it] : crm.items) ws.put_item(it, nullptr, false);
  DocContext ctx = make_context(ws, *ws.item("D1"), "u1", crm.me, Lang::En);
  CHECK(render_html("{Company.Name} / {Contact.Name} / {Stage} / {Amount}", ctx) ==
        "ООО «Ромашка» / Петров Иван / New / ₽207,110.00");
}

TEST_CASE("fields and items the user may not see are never filled") {
  Crm crm;
  const std::string body = "[{UF_CRM_MARGIN}|{Маржа}|{Margin}|{UF_CRM_MARGIN~upper}]";
  // u2 (sales) may not see the margin: the placeholders are known, and empty.
  DocContext u2 = crm.context("u2");
  CHECK(u2.values.at("UF_CRM_MARGIN").kind == DocValueKind::Empty);
  RenderResult r = render(body, u2);
  CHECK(r.html == "[|||]");
  CHECK(r.warnings.empty());
  // u3 is in the field's list, and the administrator sees everything.
  CHECK(render_html(body, crm.context("u3")) == "[Секрет 42%|Секрет 42%|Секрет 42%|СЕКРЕТ 42%]");
  CHECK(render_html("{UF_CRM_MARGIN}", crm.context("u1")) == "Секрет 42%");

  // A hidden amount hides its aliases too; a hidden client field hides the client.
  crm.schema.field_mut("deal", "OPPORTUNITY_WITH_CURRENCY")->visible_to = {"Uu1"};
  crm.schema.field_mut("deal", "CLIENT")->visible_to = {"Uu1"};
  crm.schema.field_mut("company", "PHONE")->visible_to = {"Uu1"};
  DocContext hidden = crm.context("u2");
  CHECK(render_html("[{Amount}{OPPORTUNITY_WITH_CURRENCY}{Currency}{CLIENT}{Company.Name}{Client.Name}]", hidden) ==
        "[]");
  // The rows' prices and sums follow the amount: hidden with it; names and quantities remain.
  CHECK(render_html("[{TotalSum}{TotalSubtotal}{TotalTax}{TotalDiscount}{TotalTaxTitle}{TotalSum~words}]", hidden) ==
        "[]");
  CHECK(render_html("{#Products}{Products.Name} {Products.Quantity}[{Products.Price}{Products.Sum}{Products.Total}"
                    "{Products.Tax}{Products.FinalPrice}{Products.DiscountSum}];{/Products}",
                    hidden) == "Ноутбук 2[];Монтаж 1,5[];Консультация 3[];");
  CHECK(render_html("{TotalSum}", crm.context("u1")) == "207 110,00 ₽");
  for (const auto& [name, v] : hidden.values) {
    CHECK_MESSAGE(v.kind != DocValueKind::Money, name);
    if (v.kind == DocValueKind::Text) CHECK_MESSAGE(v.text.find("Ромашка") == std::string::npos, name);
    if (v.kind == DocValueKind::Text) CHECK_MESSAGE(v.text.find("Секрет") == std::string::npos, name);
  }
  // With the client visible again, a hidden field of the related company stays empty.
  crm.schema.field_mut("deal", "CLIENT")->visible_to = {};
  CHECK(render_html("{Company.Name}|{Company.Phone}|{Company.PHONE}", crm.context("u2")) == "ООО «Ромашка»||");
  CHECK(render_html("{Company.Phone}", crm.context("u1")) == "+7 495 111-22-33");

  // A related item the user may not read contributes nothing, not even its name.
  crm.schema.roles[0].entities["company"].read = Level::None;
  DocContext no_company = crm.context("u2");
  CHECK(render_html("[{Company.Name}|{CLIENT}|{Client.Name}]", no_company) == "[|Петров Иван|Петров Иван]");
}

TEST_CASE("the placeholder list covers what a context provides, and each renders without a warning") {
  Crm crm;
  std::vector<PlaceholderInfo> list = placeholders_for(crm.schema, "deal", Lang::Ru);
  std::set<std::string> names;
  for (const auto& p : list) CHECK_MESSAGE(names.insert(p.name).second, p.name);
  for (const char* n : {"TITLE", "Название", "Title", "Amount", "Company.TITLE", "Company.Name", "Contact.Name",
                        "Client.Name", "MyCompany.INN", "DocumentNumber", "DocumentCreateTime", "Products",
                        "Products.Name", "Products.INDEX", "TotalSum", "TotalTaxTitle", "Contacts.Name",
                        "UF_CRM_MARGIN", "Маржа"})
    CHECK_MESSAGE(names.count(n), n);
  for (const auto& p : list)
    if (p.name == "TotalSum") CHECK(p.kind == DocValueKind::Money);

  DocContext ctx = crm.context("u2");
  for (const auto& p : list) {
    if (p.kind == DocValueKind::Table) continue;
    const auto dot = p.name.find('.');
    const std::string table = dot == std::string::npos ? "" : p.name.substr(0, dot);
    const std::string body = ctx.tables.count(table) ? "{#" + table + "}{" + p.name + "}{/" + table + "}"
                                                     : "{" + p.name + "}";
    RenderResult r = render(body, ctx);
    CHECK_MESSAGE(r.warnings.empty(), p.name);
  }
  CHECK(placeholders_for(crm.schema, "deal", Lang::En).front().title == "Deal name");
}

// ---------------------------------------------------------------------------------------------------------
// Templates: applicability, access, generation, defaults, JSON
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("templates apply to their entity types and pipelines, and to the users given access") {
  Crm crm;
  DocTemplate t;
  t.id = "t";
  t.name = {"Акт", "Act"};
  t.targets = {{"deal", ""}, {"invoice", "2"}};
  t.body = "x";
  CHECK(applies_to(t, "deal", "0"));
  CHECK(applies_to(t, "deal", "7"));
  CHECK(applies_to(t, "invoice", "2"));
  CHECK_FALSE(applies_to(t, "invoice", "0"));
  CHECK_FALSE(applies_to(t, "quote", "0"));

  t.access = {"DR10"};  // the sales department and below
  CHECK(can_use_template(crm.schema, "u1", t));  // administrator
  CHECK(can_use_template(crm.schema, "u2", t));  // in department 11, under 10
  CHECK_FALSE(can_use_template(crm.schema, "u3", t));
  CHECK_FALSE(can_use_template(crm.schema, "nobody", t));
  t.access = {"Uu3"};
  CHECK(can_use_template(crm.schema, "u3", t));
  CHECK_FALSE(can_use_template(crm.schema, "u2", t));
  t.access = {};  // only the creator
  t.created_by = "u2";
  CHECK(can_use_template(crm.schema, "u2", t));
  CHECK_FALSE(can_use_template(crm.schema, "u3", t));
  t.access = {"UA"};
  CHECK(can_use_template(crm.schema, "u3", t));
  crm.schema.users[2].active = false;
  CHECK_FALSE(can_use_template(crm.schema, "u3", t));
  crm.schema.users[2].active = true;

  std::vector<DocTemplate> all = default_templates();
  DocTemplate off = t;
  off.id = "off";
  off.active = false;
  DocTemplate first = t;
  first.id = "first";
  first.sort = 10;
  DocTemplate secret = t;
  secret.id = "secret";
  secret.access = {"Uu1"};
  secret.created_by = "u1";
  all.insert(all.end(), {t, off, first, secret});
  auto ids = [&](const std::string& user, const std::string& item) {
    std::vector<std::string> out;
    for (const auto* x : templates_for(all, crm.schema, user, crm.items.at(item))) out.push_back(x->id);
    return out;
  };
  CHECK(ids("u2", "D1") == std::vector<std::string>{"first", "invoice", "quote", "t"});
  CHECK(ids("u1", "D1") == std::vector<std::string>{"first", "invoice", "quote", "t", "secret"});
  CHECK(ids("u2", "C1").empty());
}

TEST_CASE("bad templates are refused with a reason") {
  for (const auto& t : default_templates()) CHECK(check_template(t) == "");
  DocTemplate t = default_templates()[0];
  t.region = "de";
  CHECK(check_template(t).find("region") != std::string::npos);
  t = default_templates()[0];
  t.targets.clear();
  CHECK(check_template(t).find("entity type") != std::string::npos);
  t = default_templates()[0];
  t.id.clear();
  CHECK(check_template(t).find("id") != std::string::npos);
  CHECK(region_lang("en") == Lang::En);
  CHECK(region_lang("ru") == Lang::Ru);
}

TEST_CASE("generating numbers and renders the document, and returns the next counter") {
  Crm crm;
  const Workspace ws = crm.workspace();
  const DocTemplate invoice = default_templates()[0];
  const Numerator n = default_numerators()[0];
  GeneratedDocument g = generate_document(ws, "u2", "D1", invoice, crm.me, &n, {}, "doc1", at(2026, 11, 26, 9), 180);
  REQUIRE(g.status.ok());
  CHECK(g.warnings.empty());
  CHECK(g.numerator_state == NumeratorState{1, "2026"});
  const Document& d = g.document;
  CHECK(d.id == "doc1");
  CHECK(d.template_id == "invoice");
  CHECK(d.number == "СЧ-2026-0001");
  CHECK(d.title == "Счёт на оплату № СЧ-2026-0001");
  CHECK(d.created_ms == at(2026, 11, 26, 9));
  CHECK(d.created_by == "u2");
  CHECK(d.entity == "deal");
  CHECK(d.item_id == "D1");
  const std::string& html = d.html;
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("size: A4") != std::string::npos);
  CHECK(html.find("<title>Счёт на оплату № СЧ-2026-0001</title>") != std::string::npos);
  CHECK(html.find("Счёт на оплату № СЧ-2026-0001 от 26 ноября 2026 г.") != std::string::npos);
  CHECK(html.find("ООО «Картотека», ИНН 7701234567, КПП 770101001") != std::string::npos);
  CHECK(html.find("ООО «Ромашка», Москва, ул. Лесная, 5, тел.: +7 495 111-22-33") != std::string::npos);
  CHECK(html.find("<td>Консультация</td>") != std::string::npos);
  CHECK(html.find("НДС 20%:</td><td>33 393,33</td>") != std::string::npos);
  CHECK(html.find("Всего наименований 3, на сумму 207 110,00 ₽") != std::string::npos);
  CHECK(html.find("Двести семь тысяч сто десять рублей 00 копеек") != std::string::npos);
  CHECK(html.find("Иванов И. И.") != std::string::npos);
  CHECK(html.find("Секрет") == std::string::npos);
  for (const char* leftover : {"{#", "{/", "{^", "{Products", "{Total", "{MyCompany", "{Client"})
    CHECK_MESSAGE(html.find(leftover) == std::string::npos, leftover);
  CHECK(html.find("</html>") != std::string::npos);

  GeneratedDocument second =
      generate_document(ws, "u2", "D1", invoice, crm.me, &n, g.numerator_state, "doc2", at(2026, 11, 27, 9), 180);
  CHECK(second.document.number == "СЧ-2026-0002");

  GeneratedDocument unnumbered = generate_document(ws, "u2", "D1", invoice, crm.me, nullptr, {}, "doc3", 0);
  CHECK(unnumbered.status.ok());
  CHECK(unnumbered.document.number == "");
  CHECK(unnumbered.document.title == "Счёт на оплату");
  CHECK(unnumbered.numerator_state == NumeratorState{});

  // render_document is the same page for a number taken elsewhere, and deterministic.
  RenderedDocument r = render_document(ws, "u2", "D1", invoice, crm.me, "СЧ-2026-0001", at(2026, 11, 26, 9), 180);
  REQUIRE(r.status.ok());
  CHECK(r.title == d.title);
  CHECK(r.html == d.html);
}

TEST_CASE("no document is made, and the counter does not move, when something is wrong") {
  Crm crm;
  Workspace ws = crm.workspace();
  const DocTemplate invoice = default_templates()[0];
  const Numerator n = default_numerators()[0];
  const NumeratorState st{5, "2026"};
  const std::int64_t when = at(2026, 11, 26, 9);
  auto code = [&](const std::string& user, const std::string& item, const DocTemplate& t,
                  const Numerator* num = nullptr) {
    GeneratedDocument g = generate_document(ws, user, item, t, crm.me, num ? num : &n, st, "doc", when);
    if (!g.status.ok()) {
      CHECK(g.document == Document{});
      CHECK(g.numerator_state == st);
    }
    return g.status.code;
  };
  CHECK(code("u2", "D1", invoice) == "");
  CHECK(code("u2", "NOPE", invoice) == "not_found");
  CHECK(code("u2", "C1", invoice) == "template_not_applicable");  // an invoice is not for companies
  DocTemplate off = invoice;
  off.active = false;
  CHECK(code("u2", "D1", off) == "template_not_applicable");
  DocTemplate mine = invoice;
  mine.access = {"Uu1"};
  CHECK(code("u2", "D1", mine) == "forbidden");
  CHECK(code("u1", "D1", mine) == "");
  DocTemplate broken = invoice;
  broken.body = "<p>{#Products}{Products.Name}</p>";
  CHECK(code("u1", "D1", broken) == "invalid_template");
  RenderedDocument why = render_document(ws, "u1", "D1", broken, crm.me, "", when);
  CHECK(why.status.message.find("line 1: {#Products} is not closed") != std::string::npos);
  CHECK(why.html.empty());
  Numerator bad = n;
  bad.step = 0;
  CHECK(code("u1", "D1", invoice, &bad) == "invalid_numerator");

  // A user who may not read the deal gets nothing from it.
  Role none;
  none.id = "none";
  none.name = "Никто";
  none.entities["deal"].read = Level::None;
  crm.schema.roles = {none};
  crm.schema.users[2].roles = {"none"};
  ws = crm.workspace();
  CHECK(code("u3", "D1", invoice) == "forbidden");

  // Deleted items are not documented.
  crm.items["D1"].deleted = true;
  ws = crm.workspace();
  CHECK(code("u1", "D1", invoice) == "not_found");
}

TEST_CASE("the default quote renders for deals and quotes, also with nothing filled") {
  Crm crm;
  const DocTemplate quote = default_templates()[1];
  const Numerator n = default_numerators()[1];
  crm.items["D1"].cell_for_write("COMMENTS").value = Value("Доставка за 3 дня.\nГарантия 1 год.");
  GeneratedDocument g =
      generate_document(crm.workspace(), "u1", "D1", quote, crm.me, &n, {}, "q1", at(2026, 11, 26, 9), 180);
  REQUIRE(g.status.ok());
  CHECK(g.warnings.empty());
  CHECK(g.document.number == "КП-2026-0001");
  CHECK(g.document.html.find("Коммерческое предложение № КП-2026-0001 от 26 ноября 2026 г.") != std::string::npos);
  CHECK(g.document.html.find("Иван, добрый день!") != std::string::npos);
  CHECK(g.document.html.find("Гарантия 1 год.") != std::string::npos);
  CHECK(g.document.html.find("Ваша скидка:</td><td>750,00") != std::string::npos);

  MyCompany nobody;
  for (const auto& t : default_templates()) {
    for (const char* entity : {"deal", "quote", "invoice"}) {
      if (!applies_to(t, entity, "0")) continue;
      Item blank = make_item("B", entity, {});
      RenderedDocument r =
          render_document(t, make_context(crm.schema, blank, crm.lookup(), "u1", nobody, Lang::Ru), "", 0);
      const std::string what = t.id + " on " + entity + ": " + (r.warnings.empty() ? "" : r.warnings[0]);
      CHECK(r.status.ok());
      CHECK_MESSAGE(r.warnings.empty(), what);
      CHECK((t.id == "invoice" || r.html.find("Добрый день!") != std::string::npos));
    }
  }
}

TEST_CASE("numerators, counters, templates, documents and company details round-trip through JSON") {
  for (const auto& n : default_numerators()) CHECK(nlohmann::json(n).get<Numerator>() == n);
  Numerator odd = numerator("{NUMBER}", "", 3);
  odd.pad = "·";
  odd.start = 7;
  odd.step = 3;
  CHECK(nlohmann::json(odd).get<Numerator>() == odd);
  NumeratorState st{42, "2026-11", {{"2026-09", 17}, {"2026-10", 3}}};
  CHECK(nlohmann::json(st).get<NumeratorState>() == st);
  for (const auto& t : default_templates()) CHECK(nlohmann::json(t).get<DocTemplate>() == t);
  Document d{"doc1", "invoice", "СЧ-2026-0001", "Счёт", "<p>x</p>", 1795000000000, "u2", "deal", "D1"};
  CHECK(nlohmann::json(d).get<Document>() == d);
  Crm crm;
  CHECK(nlohmann::json(crm.me).get<MyCompany>() == crm.me);
  // Missing keys take the defaults.
  CHECK(nlohmann::json::object().get<Numerator>() == Numerator{});
  CHECK(nlohmann::json::object().get<DocTemplate>() == DocTemplate{});
  CHECK(nlohmann::json(d).dump().find("\"item_id\":\"D1\"") != std::string::npos);
}

TEST_CASE("a stored document that does not say what it shows is told by its template, or kept for administrators") {
  Crm crm;
  Workspace ws = crm.workspace();
  const DocTemplate invoice = default_templates()[0];
  REQUIRE(ws.schema().doc_template(invoice.id));
  const Numerator n = default_numerators()[0];
  GeneratedDocument g = generate_document(ws, "u2", "D1", invoice, crm.me, &n, {}, "doc1", at(2026, 11, 26, 9), 180);
  REQUIRE(g.status.ok());
  REQUIRE_FALSE(g.document.uses.empty());
  Document old = g.document;
  old.uses.clear();
  CHECK(document_uses_now(ws, "u2", "D1", old) == g.document.uses);
  // Its template is gone, or the item: nothing tells, so only administrators receive it.
  Document orphan = old;
  orphan.template_id = "gone";
  CHECK(document_uses_now(ws, "u2", "D1", orphan) == std::vector<std::string>{"?"});
  CHECK(document_uses_now(ws, "u2", "NOPE", old) == std::vector<std::string>{"?"});
  CHECK_FALSE(can_see_document(ws.schema(), "u2", Document{.uses = {"?"}}, {}));
}
