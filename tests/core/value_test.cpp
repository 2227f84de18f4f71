#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/value.hpp"

using namespace kt;
using nlohmann::json;

TEST_CASE("values round-trip through JSON with their kind") {
  const Value values[] = {Value(),
                          Value(true),
                          Value(false),
                          Value(std::int64_t{-42}),
                          Value(3.5),
                          Value(1.0),
                          Value("Привет"),
                          Value(Money{15000050, "RUB"}),
                          Value(FileRef{"f1", "договор.pdf", "application/pdf", 1234}),
                          Value(Value::List{Value("a"), Value(std::int64_t{2})})};
  for (const auto& v : values) {
    json j = v;
    Value back = json::parse(j.dump()).get<Value>();
    CHECK(back == v);
    CHECK(back.data().index() == v.data().index());
  }
}

TEST_CASE("a file value is held by pointer: copies are deep and equal, and values stay small") {
  Value a(FileRef{"f1", "договор.pdf", "application/pdf", 1234});
  Value b = a;
  CHECK(b == a);
  CHECK(&b.as_file() != &a.as_file());
  CHECK(b.as_file().name == "договор.pdf");
  Value c(FileRef{"f1", "другой.pdf", "application/pdf", 1234});
  CHECK_FALSE(c == a);
  c = a;
  CHECK(c == a);
  Value moved = std::move(b);
  CHECK(moved == a);
  CHECK(compare(Value(FileRef{"x", "a.pdf", "", 1}), Value(FileRef{"x", "b.pdf", "", 1})) < 0);
  CHECK(sizeof(Value) <= sizeof(Money) + 8);
}

TEST_CASE("empty means not filled; false and zero are filled") {
  CHECK(Value().empty());
  CHECK(Value("").empty());
  CHECK(Value(Value::List{}).empty());
  CHECK(Value(Value::List{Value("")}).empty());
  CHECK_FALSE(Value(false).empty());
  CHECK_FALSE(Value(std::int64_t{0}).empty());
  CHECK_FALSE(Value(Money{0, "RUB"}).empty());
  CHECK_FALSE(Value(Value::List{Value("x")}).empty());
}

TEST_CASE("compare orders numbers across int and double, money by currency then amount") {
  CHECK(compare(Value(std::int64_t{2}), Value(2.5)) < 0);
  CHECK(compare(Value(3.0), Value(std::int64_t{3})) == 0);
  CHECK(compare(Value(), Value("a")) < 0);
  CHECK(compare(Value("Б"), Value("А")) > 0);
  CHECK(compare(Value(Money{100, "RUB"}), Value(Money{200, "RUB"})) < 0);
  CHECK(compare(Value(Money{900, "EUR"}), Value(Money{100, "RUB"})) < 0);
  CHECK(compare(Value(Value::List{Value("a")}), Value(Value::List{Value("a"), Value("b")})) < 0);
}

TEST_CASE("unknown JSON objects are rejected") {
  CHECK_THROWS(json::parse(R"({"x":1})").get<Value>());
}
