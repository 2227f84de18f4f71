#include "core/io/csv.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace kt::io {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Encodings
// ---------------------------------------------------------------------------------------------------------

namespace {

// Windows-1251, bytes 0x80..0xBF (0xC0..0xFF are А..я in order). 0x98 is unassigned.
constexpr std::array<char16_t, 64> kCp1251High = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A,
    0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122,
    0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6,
    0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456,
    0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
};

char32_t cp1251_char(unsigned char b) {
  if (b < 0x80) return b;
  if (b >= 0xC0) return 0x0410 + (b - 0xC0);
  return kCp1251High[b - 0x80];
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when it is invalid.
size_t utf8_sequence(std::string_view s, size_t i, char32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return *cp = c, 1;
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  char32_t v = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    v = (v << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

std::string utf16_to_utf8(std::string_view b, bool little) {
  std::string out;
  out.reserve(b.size());
  auto unit = [&](size_t i) -> char16_t {
    const unsigned char lo = static_cast<unsigned char>(b[little ? i : i + 1]);
    const unsigned char hi = static_cast<unsigned char>(b[little ? i + 1 : i]);
    return static_cast<char16_t>(hi << 8 | lo);
  };
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < b.size()) {
      const char16_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, u >= 0xD800 && u <= 0xDFFF ? 0xFFFD : u);
  }
  return out;
}

}  // namespace

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::Utf8: return "UTF-8";
    case Encoding::Utf8Bom: return "UTF-8 (BOM)";
    case Encoding::Utf16Le: return "UTF-16LE";
    case Encoding::Utf16Be: return "UTF-16BE";
    case Encoding::Windows1251: return "Windows-1251";
  }
  return "";
}


bool is_valid_utf8(std::string_view s) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Encoding detect_encoding(std::string_view b) {
  if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") return Encoding::Utf8Bom;
  if (b.size() >= 2 && b.substr(0, 2) == "\xFF\xFE") return Encoding::Utf16Le;
  if (b.size() >= 2 && b.substr(0, 2) == "\xFE\xFF") return Encoding::Utf16Be;
  return is_valid_utf8(b) ? Encoding::Utf8 : Encoding::Windows1251;
}

std::string cp1251_to_utf8(std::string_view b) {
  std::string out;
  out.reserve(b.size() * 2);
  for (char c : b) append_utf8(out, cp1251_char(static_cast<unsigned char>(c)));
  return out;
}

std::string utf8_to_cp1251(std::string_view s) {
  static const std::map<char32_t, unsigned char> reverse = [] {
    std::map<char32_t, unsigned char> m;
    for (int b = 0x80; b <= 0xFF; ++b) m[cp1251_char(static_cast<unsigned char>(b))] = static_cast<unsigned char>(b);
    return m;
  }();
  std::string out;
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence(s, i, &cp);
    if (n == 0) {
      out += '?';
      ++i;
      continue;
    }
    i += n;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      auto it = reverse.find(cp);
      out += it == reverse.end() ? '?' : static_cast<char>(it->second);
    }
  }
  return out;
}

std::string to_utf8(std::string_view b, Encoding from) {
  switch (from) {
    case Encoding::Utf8Bom: b.remove_prefix(std::min<size_t>(3, b.size())); [[fallthrough]];
    case Encoding::Utf8: {
      if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") b.remove_prefix(3);
      if (is_valid_utf8(b)) return std::string(b);
      std::string out;
      char32_t cp;
      for (size_t i = 0; i < b.size();) {
        size_t n = utf8_sequence(b, i, &cp);
        if (n == 0) {
          append_utf8(out, 0xFFFD);
          ++i;
        } else {
          out.append(b.substr(i, n));
          i += n;
        }
      }
      return out;
    }
    case Encoding::Utf16Le: return utf16_to_utf8(b.substr(std::min<size_t>(2, b.size())), true);
    case Encoding::Utf16Be: return utf16_to_utf8(b.substr(std::min<size_t>(2, b.size())), false);
    case Encoding::Windows1251: return cp1251_to_utf8(b);
  }
  return std::string(b);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Reading
// ---------------------------------------------------------------------------------------------------------

bool CsvReader::next(CsvRecord* out) {
  const std::string_view t = text_;
  // Blank lines between records carry nothing.
  while (pos_ < t.size() && (t[pos_] == '\n' || t[pos_] == '\r')) {
    if (t[pos_] == '\r' && pos_ + 1 < t.size() && t[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= t.size()) return false;
  out->fields.clear();
  out->error.clear();
  out->line = line_;
  std::string field;
  while (true) {
    field.clear();
    if (pos_ < t.size() && t[pos_] == '"') {
      // Quoted: "" is a quote; delimiters and line breaks are data. What follows the closing quote up to the
      // delimiter is kept too, as spreadsheets do.
      const size_t open = pos_;
      const size_t open_line = line_;
      ++pos_;
      bool closed = false;
      while (pos_ < t.size()) {
        const char c = t[pos_];
        if (c == '"') {
          if (pos_ + 1 < t.size() && t[pos_ + 1] == '"') {
            field += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          closed = true;
          break;
        }
        if (c == '\n') ++line_;
        if (c == '\r' && !(pos_ + 1 < t.size() && t[pos_ + 1] == '\n')) ++line_;
        field += c;
        ++pos_;
      }
      if (!closed) {
        // A quote that never closes would swallow the rest of the file: cut the record at the end of the
        // line it opened on, take the quote literally, and report the record.
        size_t eol = t.find_first_of("\r\n", open);
        if (eol == std::string_view::npos) eol = t.size();
        field.assign(t.substr(open, eol - open));
        pos_ = eol;
        line_ = open_line;
        out->error = "unclosed_quote";
      }
    }
    while (pos_ < t.size() && t[pos_] != delim_ && t[pos_] != '\n' && t[pos_] != '\r') field += t[pos_++];
    out->fields.push_back(field);
    if (pos_ >= t.size()) break;
    if (t[pos_] == delim_) {
      ++pos_;
      if (pos_ >= t.size()) {
        out->fields.emplace_back();  // a trailing delimiter ends with an empty field
        break;
      }
      continue;
    }
    // End of the record.
    if (t[pos_] == '\r' && pos_ + 1 < t.size() && t[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    break;
  }
  return true;
}

char detect_delimiter(std::string_view text) {
  constexpr size_t kSample = 64 * 1024;
  const bool cut = text.size() > kSample;
  const std::string_view sample = text.substr(0, kSample);
  char best = ';';
  size_t best_score = 0, best_width = 1;
  for (char d : {';', ',', '\t', '|'}) {
    CsvReader r(sample, d);
    CsvRecord rec;
    std::vector<size_t> widths;
    while (widths.size() < 40 && r.next(&rec)) {
      if (cut && r.done()) break;  // the last record of a cut sample may be incomplete
      widths.push_back(rec.fields.size());
    }
    if (widths.empty()) continue;
    // The most common width, and how many records have it.
    std::map<size_t, size_t> freq;
    for (size_t w : widths) ++freq[w];
    size_t mode = 1, count = 0;
    for (auto [w, n] : freq)
      if (n > count || (n == count && w > mode)) mode = w, count = n;
    if (mode < 2) continue;
    // The header row counts double: it is the one most likely to be clean.
    size_t score = count * 2 + (widths.front() == mode ? 2 : 0);
    if (score > best_score || (score == best_score && mode > best_width)) {
      best = d;
      best_score = score;
      best_width = mode;
    }
  }
  return best;
}

const char* delimiter_name(char d) {
  switch (d) {
    case ';': return "semicolon";
    case ',': return "comma";
    case '\t': return "tab";
    case '|': return "bar";
  }
  return "other";
}

CsvTable parse_csv(std::string_view bytes, char delimiter) {
  CsvTable t;
  t.encoding = detect_encoding(bytes);
  const std::string text = to_utf8(bytes, t.encoding);
  t.delimiter = delimiter ? delimiter : detect_delimiter(text);
  CsvReader r(text, t.delimiter);
  CsvRecord rec;
  if (r.next(&rec)) t.header = rec.fields;
  while (r.next(&rec)) t.rows.push_back(rec);
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Writing
// ---------------------------------------------------------------------------------------------------------

std::string csv_field(const std::string& v, char delimiter) {
  const bool quote = v.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string write_csv(const std::vector<std::vector<std::string>>& rows, const CsvWriteOptions& o) {
  std::string out = o.bom ? "\xEF\xBB\xBF" : "";
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += o.delimiter;
      out += csv_field(row[i], o.delimiter);
    }
    out += o.eol;
  }
  return out;
}

}  // namespace kt::io
