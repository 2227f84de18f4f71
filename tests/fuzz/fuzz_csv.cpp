// libFuzzer target: a CSV file as the import dialog reads it (any bytes: encoding and delimiter detected),
// then its rows planned and imported into the demo workspace; and what write_csv writes reads back the same.
#include <cstdint>

#include "core/io/csv.hpp"
#include "fuzz_support.hpp"

using namespace kt;
using namespace kt::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  const CsvTable t = parse_csv(bytes);

  // Every record read one at a time with each delimiter, as a large file is read across frames.
  const std::string text = to_utf8(bytes, detect_encoding(bytes));
  KT_FUZZ_CHECK(is_valid_utf8(text));
  for (char d : {',', '\t'}) {
    CsvReader r(text, d);
    CsvRecord rec;
    size_t last = 0;
    while (r.next(&rec)) {
      KT_FUZZ_CHECK(r.offset() > last && r.offset() <= r.size());  // always moves on
      last = r.offset();
    }
  }
  (void)utf8_to_cp1251(text);

  // Written out and read back: the same header and fields (a record of one empty field is a blank line,
  // which reading skips, so such tables are left out).
  std::vector<std::vector<std::string>> rows{t.header};
  std::vector<size_t> lines;
  bool blank = t.header.size() == 1 && t.header[0].empty();
  for (const auto& r : t.rows) {
    rows.push_back(r.fields);
    lines.push_back(r.line);
    blank = blank || (r.fields.size() == 1 && r.fields[0].empty());
  }
  if (!t.header.empty() && !blank) {
    const CsvTable back = parse_csv(write_csv(rows, CsvWriteOptions{t.delimiter, true, "\r\n"}), t.delimiter);
    KT_FUZZ_CHECK(back.header == t.header);
    KT_FUZZ_CHECK(back.rows.size() == t.rows.size());
    for (size_t i = 0; i < back.rows.size() && i < t.rows.size(); ++i) KT_FUZZ_CHECK(back.rows[i].fields == t.rows[i].fields);
  }

  rows.erase(rows.begin());
  static const char* kEntities[] = {"contact", "company", "deal", "lead"};
  fuzz::import_table(kEntities[t.header.size() % 4], t.header, rows, lines);
  return 0;
}
