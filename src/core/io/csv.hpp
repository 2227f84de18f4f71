// CSV as spreadsheets write it: text encodings (UTF-8 with or without a byte order mark, UTF-16 with one,
// Windows-1251), the delimiter (comma, semicolon, tab or bar, detected), quoted fields with delimiters, quotes
// and line breaks inside, and CSV written so that Excel and LibreOffice open Cyrillic text correctly.
// Pure text processing: no files, no UI.
//
// Index: [Encodings] [Reading] [Writing]
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"

namespace kt::io {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Encodings
// ---------------------------------------------------------------------------------------------------------

enum class Encoding { Utf8, Utf8Bom, Utf16Le, Utf16Be, Windows1251 };

const char* encoding_name(Encoding e);  // "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "Windows-1251"

// A byte order mark decides; otherwise text that is valid UTF-8 is UTF-8, and anything else is taken for
// Windows-1251 (what Russian Excel and 1C write by default).
Encoding detect_encoding(std::string_view bytes);
bool is_valid_utf8(std::string_view bytes);
// The text as UTF-8 without a byte order mark. Invalid UTF-16 or UTF-8 sequences become U+FFFD.
std::string to_utf8(std::string_view bytes, Encoding from);
std::string cp1251_to_utf8(std::string_view bytes);
// Characters Windows-1251 lacks become '?'. For tests and for writing legacy files.
std::string utf8_to_cp1251(std::string_view utf8);
// Appends the UTF-8 form of a code point.
using kt::append_utf8;  // core/text.hpp

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Reading
// ---------------------------------------------------------------------------------------------------------

// One record of a CSV file.
struct CsvRecord {
  std::vector<std::string> fields;
  size_t line = 0;    // physical line (1-based) where the record starts: what a spreadsheet shows as its row
  std::string error;  // "unclosed_quote" when a quoted field never ends (the record is cut at its first line)
};

// Reads records one at a time, so that a large file can be read across several frames. `text` is UTF-8
// without a byte order mark and must outlive the reader. Blank lines are skipped.
class CsvReader {
 public:
  CsvReader(std::string_view text, char delimiter) : text_(text), delim_(delimiter) {}
  // The next record; false at the end of the text.
  bool next(CsvRecord* out);
  size_t offset() const { return pos_; }  // bytes consumed, for progress
  size_t size() const { return text_.size(); }
  bool done() const { return pos_ >= text_.size(); }

 private:
  std::string_view text_;
  char delim_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

// Picks the delimiter from the first records: the candidate (';', ',', '\t', '|') that splits them into the
// same number (more than one) of fields most consistently. ';' when nothing splits.
char detect_delimiter(std::string_view utf8_text);
const char* delimiter_name(char d);  // "semicolon", "comma", "tab", "bar"

// A whole file decoded: its encoding, delimiter, header and records.
struct CsvTable {
  Encoding encoding = Encoding::Utf8;
  char delimiter = ';';
  std::vector<std::string> header;
  std::vector<CsvRecord> rows;  // data records, after the header
};

// Decodes and parses everything at once (small files, tests). `delimiter` 0 = detect.
CsvTable parse_csv(std::string_view bytes, char delimiter = 0);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Writing
// ---------------------------------------------------------------------------------------------------------

struct CsvWriteOptions {
  char delimiter = ';';   // what Excel in a Russian locale splits on; ',' for English Excel
  bool bom = true;        // Excel needs it to read UTF-8 rather than the legacy code page
  const char* eol = "\r\n";
};

// One field, quoted when it holds the delimiter, a quote, a line break or leading/trailing spaces.
std::string csv_field(const std::string& value, char delimiter);
std::string write_csv(const std::vector<std::vector<std::string>>& rows, const CsvWriteOptions& options = {});

}  // namespace kt::io
