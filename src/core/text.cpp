#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace kt {

std::string fold(const std::string& s) {
  std::string out;
  fold_append(out, s.data(), s.size());
  return out;
}

namespace {

// fold() of every ASCII byte, and of every two-byte sequence that starts with 0xD0 or 0xD1 (indexed by the
// low bit of the first byte and the low six bits of the second, which is all that fold() looks at).
struct FoldTable {
  unsigned char ascii[128] = {};
  unsigned char two[128][2] = {};
  constexpr FoldTable() {
    for (unsigned a = 0; a < 128; ++a) ascii[a] = static_cast<unsigned char>(a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a);
    for (unsigned k = 0; k < 128; ++k) {
      unsigned cp = ((0x10 | (k >> 6)) << 6) | (k & 0x3F);
      if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;       // А-Я -> а-я
      else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;  // Ѐ-Џ -> ѐ-џ
      if (cp == 0x451) cp = 0x435;                      // ё -> е
      two[k][0] = static_cast<unsigned char>(0xC0 | (cp >> 6));
      two[k][1] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    }
  }
};
constexpr FoldTable kFold;

}  // namespace

void fold_append(std::string& out, const char* s, size_t n) {
  // Folding keeps every character's length, so the output is exactly n bytes.
  const size_t at = out.size();
  if (out.capacity() < at + n) out.reserve(std::max(at + n, 2 * out.capacity()));
  out.resize(at + n);
  char* o = out.data() + at;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      o[i] = static_cast<char>(kFold.ascii[c]);
    } else if ((c == 0xD0 || c == 0xD1) && i + 1 < n) {
      const unsigned k = ((c & 1u) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      o[i] = static_cast<char>(kFold.two[k][0]);
      o[i + 1] = static_cast<char>(kFold.two[k][1]);
      ++i;
    } else {
      o[i] = static_cast<char>(c);
    }
  }
}

std::string phone_digits(const std::string& s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d += c;
  if (d.size() == 11 && d[0] == '8') d[0] = '7';
  return d;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool contains_folded(const std::string& hay, const std::string& needle) {
  return needle.empty() || fold(hay).find(fold(needle)) != std::string::npos;
}

std::string fill_placeholders(const std::string& pattern, const std::vector<std::string>& args) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      size_t j = i + 1, n = 0;
      while (j < pattern.size() && j - i <= 3 && pattern[j] >= '0' && pattern[j] <= '9') n = n * 10 + static_cast<size_t>(pattern[j++] - '0');
      if (j > i + 1 && j < pattern.size() && pattern[j] == '}' && n >= 1 && n <= args.size()) {
        out += args[n - 1];
        i = j;
        continue;
      }
    }
    out += pattern[i];
  }
  return out;
}

std::string initials(const std::string& name) {
  std::string out;
  bool start = true;
  int taken = 0;
  for (size_t i = 0; i < name.size() && taken < 2;) {
    const unsigned char ch = static_cast<unsigned char>(name[i]);
    const size_t len = std::min(name.size() - i, size_t{ch < 0x80 ? 1u : ch < 0xE0 ? 2u : ch < 0xF0 ? 3u : 4u});
    if (ch == ' ') {
      start = true;
    } else if (start) {
      out += name.substr(i, len);
      ++taken;
      start = false;
    }
    i += len;
  }
  return out.empty() ? "?" : out;
}

bool blank(const std::string& name) { return name.find_first_not_of(" \t\r\n") == std::string::npos; }

bool ends_with_nocase(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) !=
        std::tolower(static_cast<unsigned char>(suffix[i])))
      return false;
  return true;
}

}  // namespace kt
