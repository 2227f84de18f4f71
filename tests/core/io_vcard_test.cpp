// vCards as Google Contacts, Apple Contacts and Android write them; importing them as contacts (duplicates
// merged by phone and e-mail); writing 3.0 and 4.0 and reading back every value.
#include <doctest/doctest.h>

#include "core/demo.hpp"
#include "core/io/csv.hpp"
#include "core/io/vcard.hpp"
#include "io_support.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::io;
using kt::test::apply_plan;
using kt::test::fixture;
using kt::test::kNow;

TEST_CASE("Google Contacts (3.0): folded lines, escapes, structured address, several e-mails") {
  std::vector<VCardProblem> problems;
  auto cards = parse_vcards(fixture("google_contacts.vcf"), &problems);
  CHECK(problems.empty());
  REQUIRE(cards.size() == 2);
  const VCard& c = cards[0];
  CHECK(c.family == "Орлова");
  CHECK(c.given == "Екатерина");
  CHECK(c.formatted == "Екатерина Орлова");
  CHECK(c.emails == std::vector<std::string>{"orlova@sever-veter.ru", "katya.orlova@mail.example"});
  CHECK(c.phones == std::vector<std::string>{"+7 912 555-10-01", "+7 812 555-01-10"});
  CHECK(c.addresses == std::vector<std::string>{"ул. Ленина, 15, Санкт-Петербург, 190000, Россия"});
  CHECK(c.org == "ООО «Северный ветер»");
  CHECK(c.title == "Директор по закупкам");
  CHECK(c.birthday == "1985-03-14");
  CHECK(c.note ==
        "Любит звонки после обеда.\nПредпочитает переписку по электронной почте и короткие встречи; не звонить в понедельник.");
  CHECK(cards[1].emails == std::vector<std::string>{"john.miller@example.com"});  // "item1.EMAIL"
  CHECK(cards[1].line == 17);
}

TEST_CASE("Apple Contacts (3.0): grouped properties, lower-case types, birthdays without a year, photos") {
  std::vector<VCardProblem> problems;
  auto cards = parse_vcards(fixture("apple_contacts.vcf"), &problems);
  REQUIRE(cards.size() == 2);
  const VCard& c = cards[0];
  CHECK(c.family == "Белов");
  CHECK(c.given == "Сергей");
  CHECK(c.additional == "Николаевич");
  CHECK(c.org == "АО «Техностандарт»");
  CHECK(c.emails == std::vector<std::string>{"belov@technostandart.ru"});
  CHECK(c.phones == std::vector<std::string>{"+7 (916) 555-20-02", "+7 495 555-22-33"});
  CHECK(c.addresses == std::vector<std::string>{"Тверская ул., 7 офис 12, Москва, 125009, Россия"});
  CHECK(c.birthday.empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == "birthday_without_year");
  CHECK(cards[1].formatted == "ООО «Облако»");
  CHECK(cards[1].family.empty());
}

TEST_CASE("Android (2.1): quoted-printable UTF-8 with soft line breaks, a Windows-1251 charset, bare types") {
  auto cards = parse_vcards(fixture("android_contacts.vcf"));
  REQUIRE(cards.size() == 3);
  CHECK(cards[0].family == "Кузнецов");
  CHECK(cards[0].given == "Алексей");
  CHECK(cards[0].additional == "Викторович");
  CHECK(cards[0].formatted == "Алексей Викторович Кузнецов");
  CHECK(cards[0].org == "ИП Кузнецов А. В.");
  CHECK(cards[0].note ==
        "Владелец магазина. Перезвонить после праздников, обсудить поставку терминалов и кассового оборудования.");
  CHECK(cards[0].phones == std::vector<std::string>{"+79035554412", "8 (903) 555-44-13"});
  CHECK(cards[0].birthday == "1979-11-02");
  CHECK(cards[1].family == "Гусев");
  CHECK(cards[1].given == "Павел");
  CHECK(cards[2].family == "Smith");  // its base64 photo, folded over several lines, is skipped
  CHECK(cards[2].phones == std::vector<std::string>{"+1 415 555 0199"});
}

TEST_CASE("Outlook (2.1): Windows-1251 bytes with CHARSET, quoted-printable CRLF notes, organisation units") {
  const std::string bytes = fixture("outlook_contacts.vcf");
  CHECK_FALSE(is_valid_utf8(bytes));
  std::vector<VCardProblem> problems;
  auto cards = parse_vcards(bytes, &problems);
  CHECK(problems.empty());
  REQUIRE(cards.size() == 2);
  const VCard& c = cards[0];
  CHECK(c.family == "Миронова");
  CHECK(c.given == "Ольга");
  CHECK(c.additional == "Сергеевна");
  CHECK(c.formatted == "Миронова Ольга Сергеевна");
  CHECK(c.org == "ООО \"Стройресурс\"");  // the department after ';' is not part of the name
  CHECK(c.title == "Начальник отдела снабжения");
  CHECK(c.note == "Встреча в офисе 12.11.\nПросила прислать прайс до конца недели.");
  CHECK(c.phones == std::vector<std::string>{"+7 (343) 555-30-30", "+7 (912) 555-30-31"});
  CHECK(c.emails == std::vector<std::string>{"mironova@stroyresurs.example", "o.mironova@mail.example"});
  CHECK(c.addresses == std::vector<std::string>{"ул. Малышева, 51, Екатеринбург, Свердловская обл., 620014, Россия"});
  CHECK(c.urls == std::vector<std::string>{"http://stroyresurs.example"});
  CHECK(c.birthday == "1980-05-21");
  CHECK(cards[1].family == "Brown");
  CHECK(cards[1].org == "Brown Logistics Ltd.");
  CHECK(cards[1].line == 20);
}

TEST_CASE("vCard 4.0 as Nextcloud and Thunderbird write it: tel: URIs, PREF, dates without a year") {
  const std::string text =
      "BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//Sabre//Sabre VObject 4.5.0//EN\r\nUID:4f1c2b9e-0001\r\n"
      "FN:Тимур Алиев\r\nN:Алиев;Тимур;;;\r\nTEL;VALUE=uri;TYPE=\"cell,voice\";PREF=1:tel:+7-917-555-40-40\r\n"
      "EMAIL;TYPE=work;PREF=1:aliev@example.ru\r\nORG:ООО Вектор;Продажи\r\n"
      "ADR;TYPE=work;LABEL=\"ул. Баумана, 1\\nКазань\":;;ул. Баумана\\, 1;Казань;;420111;Россия\r\n"
      "BDAY:--0415\r\nNOTE:Первая строка\\nвторая\\, с запятой\r\nEND:VCARD\r\n";
  std::vector<VCardProblem> problems;
  auto cards = parse_vcards(text, &problems);
  REQUIRE(cards.size() == 1);
  const VCard& c = cards[0];
  CHECK(c.family == "Алиев");
  CHECK(c.phones == std::vector<std::string>{"+7-917-555-40-40"});
  CHECK(c.emails == std::vector<std::string>{"aliev@example.ru"});
  CHECK(c.org == "ООО Вектор");
  CHECK(c.addresses == std::vector<std::string>{"ул. Баумана, 1, Казань, 420111, Россия"});
  CHECK(c.note == "Первая строка\nвторая, с запятой");
  CHECK(c.uid == "4f1c2b9e-0001");
  CHECK(c.birthday.empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == "birthday_without_year");
}

TEST_CASE("broken files: a card without END is kept and reported; a file without cards says so") {
  std::vector<VCardProblem> problems;
  auto cards = parse_vcards("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half\r\nN:Half;;;;\r\n", &problems);
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].family == "Half");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == "unterminated_card");
  problems.clear();
  CHECK(parse_vcards("Name;Phone\nAnna;123\n", &problems).empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == "no_vcards");
}

namespace {

struct Demo {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  Demo() { seed_demo(admin, kNow); }
};

}  // namespace

TEST_CASE("importing address books: duplicates of demo contacts merge, companies are linked or created") {
  Demo d;
  std::vector<VCard> cards;
  for (const char* f : {"google_contacts.vcf", "apple_contacts.vcf", "android_contacts.vcf", "outlook_contacts.vcf"})
    for (auto& c : parse_vcards(fixture(f))) cards.push_back(std::move(c));
  REQUIRE(cards.size() == 9);
  VCardTable t = vcards_as_table(cards);
  ImportOptions o;
  o.entity = "contact";
  o.columns = t.columns;
  o.create_companies = true;
  ImportPlanner p(d.ws, "u1", o, t.header);
  REQUIRE(p.status().ok());
  for (size_t i = 0; i < t.rows.size(); ++i) p.add_row(d.ws, t.lines[i], t.rows[i]);
  for (const auto& r : p.rejections()) MESSAGE(r.row << " " << r.column_name << " " << r.code << " " << r.message);
  CHECK(p.rejections().empty());
  // Орлова (C1), Белов (C2), Кузнецов (C3), Гусев (C5) and Miller (C7) are in the demo already.
  CHECK(p.duplicates_of_existing() == 5);
  CHECK(p.new_companies() == std::vector<std::string>{"Miller & Sons", "ООО \"Стройресурс\"", "Brown Logistics Ltd."});
  const size_t contacts = d.ws.item_ids("contact").size();
  REQUIRE(apply_plan(d.admin, p, DuplicateAction::Merge, kNow) == 0);
  CHECK(d.ws.item_ids("contact").size() == contacts + 4);  // Облако's card, Anna Smith, Миронова, Brown
  const Item& c1 = *d.ws.item("C1");
  CHECK(c1.get("EMAIL").as_list().size() == 2);
  CHECK(c1.get("PHONE").as_list().size() == 2);
  CHECK(c1.get("BIRTHDATE") == Value("1985-03-14"));
  CHECK(c1.get("ADDRESS") == Value("ул. Ленина, 15, Санкт-Петербург, 190000, Россия"));
  const Item& c3 = *d.ws.item("C3");
  CHECK(c3.get("BIRTHDATE") == Value("1979-11-02"));
  CHECK(c3.get("PHONE").as_list().size() == 2);  // +79035554412 is the demo's number; the home one is new
  CHECK(c3.get("NAME") == Value("Алексей"));      // not overwritten with "Алексей Викторович"
  const auto& all = d.ws.item_ids("contact");
  CHECK(d.ws.display_name(*d.ws.item(all[all.size() - 3])) == "Smith Anna");
  const Item& olga = *d.ws.item(all[all.size() - 2]);
  CHECK(olga.get("NAME") == Value("Ольга Сергеевна"));
  CHECK(olga.get("COMMENTS") == Value("Встреча в офисе 12.11.\nПросила прислать прайс до конца недели."));
  CHECK(olga.get("BIRTHDATE") == Value("1980-05-21"));
  const Item* company = d.ws.item(olga.get("COMPANY_ID").str_or_empty());
  REQUIRE(company);
  CHECK(d.ws.display_name(*company) == "ООО \"Стройресурс\"");
}

TEST_CASE("writing vCards: folded at 75 octets without splitting letters; 3.0 and 4.0 read back the same") {
  VCard c;
  c.family = "Орлова-Кузнецова";
  c.given = "Екатерина";
  c.title = "Директор; по закупкам, и логистике";
  c.phones = {"+7 912 555-10-01", "+7 812 555-01-10"};
  c.emails = {"orlova@sever-veter.ru"};
  c.addresses = {"ул. Ленина, 15, Санкт-Петербург"};
  c.org = "ООО «Северный ветер»";
  c.note = "Очень длинная заметка, которая точно не поместится в одну строку из семидесяти пяти октетов.\n"
           "Вторая строка с обратной косой \\ чертой.";
  c.birthday = "1985-03-14";
  c.uid = "C1";
  for (VCardVersion v : {VCardVersion::V3, VCardVersion::V4}) {
    const std::string text = write_vcard(c, v);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find("\r\n", start);
      REQUIRE(end != std::string::npos);
      const std::string line = text.substr(start, end - start);
      CHECK(line.size() <= 75);
      CHECK(is_valid_utf8(line));
      start = end + 2;
    }
    CHECK(text.find(v == VCardVersion::V3 ? "VERSION:3.0" : "VERSION:4.0") != std::string::npos);
    CHECK(text.find(v == VCardVersion::V3 ? "BDAY:1985-03-14" : "BDAY:19850314") != std::string::npos);
    auto back = parse_vcards(text);
    REQUIRE(back.size() == 1);
    VCard expected = c;
    expected.formatted = "Екатерина Орлова-Кузнецова";
    expected.line = 1;
    CHECK(back[0] == expected);
  }
}

TEST_CASE("round trip of contacts: export to vCard, import into an empty workspace, every value kept") {
  Demo d;
  REQUIRE(d.admin.dispatch(SetField{"C1", "BIRTHDATE", Value("1985-03-14")}, kNow).ok());
  REQUIRE(d.admin.dispatch(SetField{"C1", "ADDRESS", Value("ул. Ленина, 15; офис 3")}, kNow).ok());
  REQUIRE(d.admin.dispatch(SetField{"C1", "COMMENTS", Value("Первая строка\nвторая, с запятой; и точкой с запятой")}, kNow).ok());
  REQUIRE(d.admin.dispatch(SetField{"C2", "PHONE", Value(Value::List{Value("+7 916 555-20-02"), Value("+7 495 555-22-33")})}, kNow).ok());
  FieldDef secret;
  secret.id = "UF_CRM_S";
  secret.entity = "contact";
  secret.label = {"Секрет", "Secret"};
  secret.visible_to = {"U1"};
  REQUIRE(d.admin.dispatch(PutField{secret}, kNow).ok());
  REQUIRE(d.admin.dispatch(SetField{"C1", "UF_CRM_S", Value("тайна")}, kNow).ok());
  const auto ids = d.ws.item_ids("contact");
  // System fields cannot be restricted; custom fields (restricted or not) are not part of a vCard.
  CHECK(export_vcards(d.ws, "u1", ids, VCardVersion::V3).find("тайна") == std::string::npos);
  CHECK(export_vcards(d.ws, "u2", ids, VCardVersion::V3).find("тайна") == std::string::npos);

  for (VCardVersion v : {VCardVersion::V3, VCardVersion::V4}) {
    const std::string vcf = export_vcards(d.ws, "u1", ids, v);
    Workspace fresh;
    Session s(fresh, "b", "u1");
    seed_demo(s, kNow);  // the same companies and users, other contacts' data removed below
    for (const auto& id : std::vector<std::string>(fresh.item_ids("contact"))) {
      REQUIRE(s.dispatch(DeleteItem{id}, kNow, false).ok());
      REQUIRE(s.dispatch(PurgeItem{id}, kNow, false).ok());
    }
    VCardTable t = vcards_as_table(parse_vcards(vcf));
    ImportOptions o;
    o.entity = "contact";
    o.columns = t.columns;
    ImportPlanner p(fresh, "u1", o, t.header);
    for (size_t i = 0; i < t.rows.size(); ++i) p.add_row(fresh, t.lines[i], t.rows[i]);
    REQUIRE(p.rejections().empty());
    REQUIRE(apply_plan(s, p, DuplicateAction::Skip, kNow) == 0);
    const auto& back = fresh.item_ids("contact");
    REQUIRE(back.size() == ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
      for (const char* f : {"LAST_NAME", "NAME", "POST", "PHONE", "EMAIL", "COMPANY_ID", "ADDRESS", "COMMENTS", "BIRTHDATE"}) {
        CAPTURE(ids[i]);
        CAPTURE(f);
        CHECK(d.ws.item(ids[i])->get(f) == fresh.item(back[i])->get(f));
      }
  }
}

// Found by the fuzzing of issue 20 (tests/fuzz/): text that is not UTF-8 (a value from a damaged binary page)
// made fold_line step back to where it started and loop for ever.
TEST_CASE("writing a value of bytes that are not UTF-8 still folds: no endless loop, lines of 75 octets") {
  VCard c;
  c.formatted = std::string(200, '\x80');
  c.note = std::string(1000, '\xBF');
  const std::string text = write_vcard(c, VCardVersion::V3);
  size_t start = 0, lines = 0;
  while (start < text.size()) {
    const size_t end = text.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 75);
    start = end + 2;
    ++lines;
  }
  CHECK(lines > 15);
}

// Issue 20: a card of many phones, many NOTE lines or a line folded many times before its colon took
// minutes (every value compared with all before it; the note copied per line; the line searched from its
// start per fold). Now linear; the values stay unique and in order.
TEST_CASE("a card of thousands of phones, notes and folds reads, with repeated values once, in order") {
  std::string vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Иван\r\n";
  for (int i = 0; i < 20000; ++i) vcf += "TEL:+7 900 " + std::to_string(1000000 + i % 15000) + "\r\n";
  for (int i = 0; i < 20000; ++i) vcf += "NOTE:n" + std::to_string(i) + "\r\n";
  vcf += "EMAIL";
  for (int i = 0; i < 20000; ++i) vcf += "\r\n ;TYPE=x" + std::to_string(i % 10);
  vcf += ":a@example.com\r\nEMAIL:b@example.com\r\nEMAIL:a@example.com\r\nEND:VCARD\r\n";
  const auto cards = parse_vcards(vcf);
  REQUIRE(cards.size() == 1);
  REQUIRE(cards[0].phones.size() == 15000);
  CHECK(cards[0].phones.front() == "+7 900 1000000");
  CHECK(cards[0].phones.back() == "+7 900 1014999");
  std::string note;
  for (int i = 0; i < 20000; ++i) note += (i ? "\nn" : "n") + std::to_string(i);
  CHECK(cards[0].note == note);
  CHECK(cards[0].emails == std::vector<std::string>{"a@example.com", "b@example.com"});
}
