// The DOM-free JSON reader (core/json_reader.hpp) reads what nlohmann::json::parse reads, the same way:
// strings (runs of UTF-8, escapes, invalid sequences) and numbers (the exact double fast path and strtod).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/json_reader.hpp"

using namespace kt;
using nlohmann::json;

namespace {

// Reads one JSON string value with the reader; false when it refuses it.
bool read_string(const std::string& text, std::string* out) {
  JsonReader r(text);
  return r.string(*out) && r.at_end();
}

// Reads one JSON number as a double (kind Double), or nothing.
bool read_double(const std::string& text, double* out) {
  JsonReader r(text);
  JsonReader::Number k;
  std::uint64_t u = 0;
  std::int64_t i = 0;
  return r.number(k, u, i, *out) && k == JsonReader::Number::Double && r.at_end();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("the reader's strings are nlohmann's: UTF-8 runs, escapes, and what both refuse") {
  const char* texts[] = {
      R"("")", R"("plain ascii")", R"("Поставка серверов №12345")", R"("Клиент из Москвы, заметка 7")",
      R"("mixed Кириллица and ascii, €, 😀 and 日本")", R"("esc \" \\ \/ \b \f \n \r \t")",
      R"("\u0416\u00e9\ud83d\ude00 after")", R"("Ж\nЖ\tЖ")", R"("ends with Ж")"};
  for (const char* t : texts) {
    std::string got;
    REQUIRE_MESSAGE(read_string(t, &got), t);
    CHECK(got == json::parse(t).get<std::string>());
  }
  // Refused by both: overlong forms, lone continuation bytes, surrogates in UTF-8, truncated sequences,
  // raw control characters, unterminated strings.
  const std::string bad[] = {"\"\xC0\xAF\"", "\"a\x80z\"", "\"\xED\xA0\x80\"", "\"Ж\xD0\"", "\"\xE2\x82\"",
                             "\"tab\there\"", "\"open", "\"Ж"};
  for (const auto& t : bad) {
    std::string got;
    CHECK_FALSE(read_string(t, &got));
    CHECK(json::parse(t, nullptr, false).is_discarded());
  }
}

TEST_CASE("the reader's doubles are strtod's, bit for bit, on the fast path and off it") {
  const char* texts[] = {"0.0",     "-0.0",  "0.5",   "1234.5",   "300001.0", "-12.75",  "0.1",
                         "0.3",     "2.675", "1.005", "123456789012345.0",     "12345678901234.5",
                         "0.000000000000001", "1234567890123456.0", "0.30000000000000004", "1e10", "1.5e-7",
                         "-2.5E+3", "9007199254740993.0", "179769313486231570000000000000000000000.0"};
  for (const char* t : texts) {
    double d = 0;
    REQUIRE_MESSAGE(read_double(t, &d), t);
    CHECK_MESSAGE(same_bits(d, std::strtod(t, nullptr)), t);
  }
  // Every double nlohmann writes (the pull pages' numbers), of many magnitudes: read back exactly.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> mant(-1, 1);
  std::uniform_int_distribution<int> exp10(-12, 18);
  for (int i = 0; i < 20000; ++i) {
    double v = mant(rng) * std::pow(10.0, exp10(rng));
    if (i % 3 == 0) v = std::round(v * 100) / 100;  // money-like: two decimals
    if (i % 5 == 0) v = std::round(v) + (i % 2 ? 0.5 : 0.0);
    const std::string t = json(v).dump();
    if (t.find_first_of(".eE") == std::string::npos) continue;  // written as an integer: not a Double
    double d = 0;
    REQUIRE_MESSAGE(read_double(t, &d), t);
    CHECK_MESSAGE(same_bits(d, std::strtod(t.c_str(), nullptr)), t);
    CHECK_MESSAGE(same_bits(d, json::parse(t).get<double>()), t);
  }
}
