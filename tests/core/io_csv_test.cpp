// CSV reading and writing: encodings, delimiters, quoting, malformed records, on files as spreadsheets save them.
#include <doctest/doctest.h>

#include "core/io/csv.hpp"
#include "io_support.hpp"

using namespace kt;
using namespace kt::io;
using kt::test::fixture;

TEST_CASE("LibreOffice Calc CSV: UTF-8 with a byte order mark, semicolons, quotes only where needed") {
  const std::string bytes = fixture("libreoffice_deals_semicolon_bom.csv");
  CHECK(detect_encoding(bytes) == Encoding::Utf8Bom);
  CsvTable t = parse_csv(bytes);
  CHECK(t.delimiter == ';');
  REQUIRE(t.header.size() == 11);
  CHECK(t.header.front() == "Название");  // no BOM left in the first heading
  CHECK(t.header[8] == "Вероятность, %");
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0].fields[1] == "150 000,50");
  CHECK(t.rows[0].fields[10] == "Позвонить; уточнить объём");
  CHECK(t.rows[2].fields[0] == "Аренда склада \"Восток\"");
  CHECK(t.rows[1].fields.size() == 11);  // a trailing empty field is a field
  CHECK(t.rows[3].line == 5);
}

TEST_CASE("Excel CSV in Windows-1251 with CRLF: decoded to UTF-8, ё and « » included") {
  const std::string bytes = fixture("excel_contacts_cp1251.csv");
  CHECK_FALSE(is_valid_utf8(bytes));
  CHECK(detect_encoding(bytes) == Encoding::Windows1251);
  CsvTable t = parse_csv(bytes);
  CHECK(t.encoding == Encoding::Windows1251);
  CHECK(t.delimiter == ';');
  CHECK(t.header[0] == "Фамилия");
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].fields[0] == "Семёнова");
  CHECK(t.rows[2].fields[0] == "Ёлкина");
  CHECK(t.rows[2].fields[2] == "Юрист «Права»");
  for (const auto& r : t.rows)
    for (const auto& f : r.fields) CHECK(f.find('\r') == std::string::npos);
}

TEST_CASE("Windows-1251 maps every Cyrillic letter and the usual punctuation both ways") {
  const std::string all = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя №«»—–…€ЄєІіЇїҐґЎў";
  const std::string cp = utf8_to_cp1251(all);
  CHECK(cp.find('?') == std::string::npos);
  CHECK(cp.size() == 84);
  CHECK(cp1251_to_utf8(cp) == all);
}

TEST_CASE("UTF-16 with a byte order mark (Excel's Unicode text) is decoded") {
  std::string le = "\xFF\xFE";
  for (char16_t c : std::u16string(u"Имя\tТелефон\r\nАнна\t+7 900\r\n")) {
    le += static_cast<char>(c & 0xFF);
    le += static_cast<char>(c >> 8);
  }
  CsvTable t = parse_csv(le);
  CHECK(t.encoding == Encoding::Utf16Le);
  CHECK(t.delimiter == '\t');
  CHECK(t.header == std::vector<std::string>{"Имя", "Телефон"});
  REQUIRE(t.rows.size() == 1);
  CHECK(t.rows[0].fields[0] == "Анна");
}

TEST_CASE("quoted fields keep line breaks, commas and doubled quotes; line numbers count physical lines") {
  CsvTable t = parse_csv(fixture("sheets_companies_quoted_newlines.csv"));
  CHECK(t.encoding == Encoding::Utf8);
  CHECK(t.delimiter == ',');
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].fields[0] == "Vector, LLC");
  CHECK(t.rows[0].fields[4] == "First line\r\nsecond line, with a comma\r\nthird \"quoted\" line");
  CHECK(t.rows[0].line == 2);
  CHECK(t.rows[1].line == 5);
  CHECK(t.rows[1].fields[4] == "Адрес:\nМосква, ул. Тверская, 7");
  CHECK(t.rows[2].line == 7);
  CHECK(t.rows[2].fields == std::vector<std::string>{"Plain Co", "", "", "", ""});
}

TEST_CASE("malformed records: an unclosed quote spoils one row only; extra fields are kept for the report") {
  CsvTable t = parse_csv(fixture("malformed_deals.csv"));
  CHECK(t.delimiter == ';');
  REQUIRE(t.rows.size() == 10);
  CHECK(t.rows[4].fields.size() == 8);  // "Лишние колонки"
  const CsvRecord& bad = t.rows[8];
  CHECK(bad.error == "unclosed_quote");
  CHECK(bad.line == 10);
  CHECK(bad.fields[0] == "Незакрытая кавычка");
  const CsvRecord& after = t.rows[9];
  CHECK(after.error.empty());
  CHECK(after.line == 11);
  CHECK(after.fields[0] == "После кавычки");
}

TEST_CASE("delimiter detection prefers the candidate that splits rows consistently") {
  CHECK(detect_delimiter("a;b;c\n1,5;2,5;3\n") == ';');
  CHECK(detect_delimiter("a,b,c\n1,2,3\n4,5,6\n") == ',');
  CHECK(detect_delimiter("a\tb\n1\t2\n") == '\t');
  CHECK(detect_delimiter("\"x;y\",b\n\"1;2\",3\n") == ',');
  CHECK(detect_delimiter("single column\nvalue\n") == ';');
}

TEST_CASE("reading across calls gives the same records as reading at once") {
  const std::string text = to_utf8(fixture("sheets_companies_quoted_newlines.csv"), Encoding::Utf8);
  CsvReader r(text, ',');
  CsvRecord rec;
  size_t n = 0, last = 0;
  while (r.next(&rec)) {
    ++n;
    CHECK(r.offset() > last);
    last = r.offset();
  }
  CHECK(n == 4);
  CHECK(r.done());
}

TEST_CASE("writing: BOM, CRLF, quoting where needed; the result reads back to the same cells") {
  std::vector<std::vector<std::string>> rows = {
      {"Название", "Сумма", "Комментарий"},
      {"ООО «Ромашка»; филиал", "150000,50 RUB", "строка 1\nстрока 2"},
      {"Кавычки \"внутри\"", " пробел в начале", ""},
  };
  const std::string csv = write_csv(rows);
  CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(csv.find("\r\n") != std::string::npos);
  CHECK(csv.find("\"ООО «Ромашка»; филиал\"") != std::string::npos);
  CHECK(csv.find("150000,50 RUB;") != std::string::npos);  // a comma is no delimiter here: no quotes
  CsvTable t = parse_csv(csv);
  CHECK(t.encoding == Encoding::Utf8Bom);
  CHECK(t.delimiter == ';');
  CHECK(t.header == rows[0]);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].fields == rows[1]);
  CHECK(t.rows[1].fields == rows[2]);
}
