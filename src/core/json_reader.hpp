// A strict, allocation-free JSON reader over a buffer, for the hot paths that turn large JSON documents
// (pull pages, snapshots) straight into domain structures without building an nlohmann DOM first.
//
// It accepts exactly what nlohmann::json::parse accepts (RFC 8259, UTF-8 checked) or fails: every
// reading function returns false on anything unexpected and the reader stays failed, so that a caller can
// fall back to the DOM path, which then gives the precise error. Numbers that nlohmann would read
// differently from a plain integer or double (integers beyond 64 bits) are failures too, and so is nesting
// deeper than kMaxJsonDepth (core/json_bounded.hpp): skip() and the readers built on it recurse per level.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/json_bounded.hpp"
#include "core/text.hpp"

namespace kt {

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool ok() const { return ok_; }
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }
  // The next significant character (0 at the end).
  char peek() {
    skip_ws();
    return p_ < end_ ? *p_ : '\0';
  }
  // Only whitespace is left.
  bool at_end() {
    skip_ws();
    return ok_ && p_ == end_;
  }

  // Objects: begin_object(), then `for (bool first = true; r.member(first, key); first = false)`
  // reading each member's value; member() returns false at the closing brace (or on failure).
  bool begin_object() { return expect('{') && enter(); }
  bool member(bool first, std::string& key) {
    skip_ws();
    if (p_ < end_ && *p_ == '}') return ++p_, --depth_, false;
    if (!first && !expect(',')) return false;
    if (!string(key)) return false;
    return expect(':');
  }
  // Arrays: begin_array(), then `for (bool first = true; r.element(first); first = false)`.
  bool begin_array() { return expect('[') && enter(); }
  bool element(bool first) {
    skip_ws();
    if (p_ < end_ && *p_ == ']') return ++p_, --depth_, false;
    if (!first && !expect(',')) return false;
    return ok_;
  }

  bool boolean(bool& out) {
    skip_ws();
    if (literal("true")) return out = true, true;
    if (literal("false")) return out = false, true;
    return fail();
  }
  bool null() {
    skip_ws();
    return literal("null") || fail();
  }

  enum class Number { Unsigned, Negative, Double };
  // A number: an integer that fits 64 bits (Unsigned in `u`, or Negative in `i`) or a number with a
  // fraction or exponent (Double in `d`), as nlohmann classifies them.
  bool number(Number& kind, std::uint64_t& u, std::int64_t& i, double& d) {
    skip_ws();
    const char* start = p_;
    const bool neg = p_ < end_ && *p_ == '-';
    if (neg) ++p_;
    if (p_ >= end_ || !digit(*p_)) return fail();
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && digit(*p_)) ++p_;
    }
    const char* int_end = p_;
    bool is_double = false;
    const char* frac = nullptr;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      frac = p_;
      if (p_ >= end_ || !digit(*p_)) return fail();
      while (p_ < end_ && digit(*p_)) ++p_;
      is_double = true;
    }
    const char* frac_end = p_;
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !digit(*p_)) return fail();
      while (p_ < end_ && digit(*p_)) ++p_;
      is_double = true;
      frac_end = nullptr;  // an exponent: strtod below
    }
    if (is_double) {
      // The common case (JSON from dump(): "1234.5", "300001.0") exactly, without strtod: at most 15
      // significant digits make an integer that a double holds exactly, and dividing it by an exact power
      // of ten (at most 1e22) is one correctly rounded operation, so the result is strtod's (Clinger's fast
      // path). strtod is slow in WebAssembly (long double arithmetic in software).
      if (frac_end) {
        static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        const char* first = start + (neg ? 1 : 0);
        const size_t digits = static_cast<size_t>(int_end - first) + static_cast<size_t>(frac_end - frac);
        if (digits <= 15) {
          std::uint64_t m = 0;
          for (const char* q = first; q < int_end; ++q) m = m * 10 + static_cast<unsigned>(*q - '0');
          for (const char* q = frac; q < frac_end; ++q) m = m * 10 + static_cast<unsigned>(*q - '0');
          d = static_cast<double>(m) / kPow10[frac_end - frac];
          if (neg) d = -d;
          kind = Number::Double;
          return true;
        }
      }
      // strtod, not from_chars: Emscripten 3.1.6's libc++ has no floating-point from_chars. The text is
      // a validated JSON number (no locale-dependent forms), copied to get its terminating zero.
      const std::string text(start, p_);
      char* stop = nullptr;
      d = std::strtod(text.c_str(), &stop);
      if (stop != text.c_str() + text.size()) return fail();
      kind = Number::Double;
      return true;
    }
    if (neg) {
      auto [ptr, ec] = std::from_chars(start, p_, i);
      if (ec != std::errc() || ptr != p_) return fail();  // beyond 64 bits: nlohmann makes a double
      kind = Number::Negative;
      return true;
    }
    auto [ptr, ec] = std::from_chars(start, p_, u);
    if (ec != std::errc() || ptr != p_) return fail();
    kind = Number::Unsigned;
    return true;
  }
  // An integer read the way nlohmann's get<std::int64_t>() reads one (unsigned values cast).
  bool int64(std::int64_t& out) {
    Number k;
    std::uint64_t u = 0;
    double d = 0;
    if (!number(k, u, out, d)) return false;
    if (k == Number::Double) return fail();
    if (k == Number::Unsigned) out = static_cast<std::int64_t>(u);
    return true;
  }
  bool uint64(std::uint64_t& out) {
    Number k;
    std::int64_t i = 0;
    double d = 0;
    if (!number(k, out, i, d)) return false;
    return k == Number::Unsigned || fail();
  }

  bool string(std::string& out) {
    skip_ws();
    if (p_ >= end_ || *p_ != '"') return fail();
    ++p_;
    out.clear();
    for (;;) {
      // A run of characters without escapes, UTF-8 sequences checked and kept in the run (Cyrillic text is
      // one run, not an append per letter).
      const char* run = p_;
      while (p_ < end_) {
        const unsigned char c = static_cast<unsigned char>(*p_);
        if (c >= 0x80) {
          const int n = utf8_length(p_, end_);
          if (n == 0) return fail();
          p_ += n;
          continue;
        }
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++p_;
      }
      out.append(run, static_cast<size_t>(p_ - run));
      if (p_ >= end_) return fail();
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return fail();
      // An escape.
      if (++p_ >= end_) return fail();
      switch (*p_++) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return fail();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail();
            p_ += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail();
          }
          append_utf8(out, static_cast<char32_t>(cp));  // core/text.hpp
          break;
        }
        default: return fail();
      }
    }
  }

  // Skips one value of any kind, checking it.
  bool skip() {
    switch (peek()) {
      case '{': {
        if (!begin_object()) return false;
        std::string key;
        for (bool first = true; member(first, key); first = false)
          if (!skip()) return false;
        return ok_;
      }
      case '[': {
        if (!begin_array()) return false;
        for (bool first = true; element(first); first = false)
          if (!skip()) return false;
        return ok_;
      }
      case '"': {
        std::string s;
        return string(s);
      }
      case 't':
      case 'f': {
        bool b;
        return boolean(b);
      }
      case 'n': return null();
      default: {
        Number k;
        std::uint64_t u;
        std::int64_t i;
        double d;
        return number(k, u, i, d);
      }
    }
  }
  // Skips one value and returns its text (for handing a rare part to the DOM parser).
  bool raw(std::string_view& out) {
    skip_ws();
    const char* start = p_;
    if (!skip()) return false;
    out = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;
  }

 private:
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  // One level deeper, within the bound.
  bool enter() { return ++depth_ <= kMaxJsonDepth || fail(); }
  bool expect(char c) {
    skip_ws();
    if (p_ < end_ && *p_ == c) return ++p_, true;
    return fail();
  }
  bool literal(const char* word) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }
  bool hex4(std::uint32_t& cp) {
    if (end_ - p_ < 4) return false;
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = *p_++;
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return false;
    }
    return true;
  }
  // The length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
  // at most U+10FFFF), or 0.
  static int utf8_length(const char* p, const char* end) {
    auto b = [&](int k) { return static_cast<unsigned char>(p[k]); };
    auto cont = [&](int k) { return p + k < end && (b(k) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xE0 && b(1) < 0xA0) return 0;
      if (c == 0xED && b(1) > 0x9F) return 0;
      return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xF0 && b(1) < 0x90) return 0;
      if (c == 0xF4 && b(1) > 0x8F) return 0;
      return 4;
    }
    return 0;
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
  int depth_ = 0;  // arrays and objects begun and not yet ended
};

}  // namespace kt
