#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <unordered_map>

#include "core/string_map.hpp"

using namespace kt;

namespace {

// The map holds exactly what the reference holds: every key found with its value, none other, and
// iteration visits each element once.
void check_same(const StringMap<int>& m, const std::map<std::string, int>& ref) {
  REQUIRE(m.size() == ref.size());
  for (const auto& [k, v] : ref) {
    auto it = m.find(k);
    REQUIRE(it != m.end());
    CHECK(it->first == k);
    CHECK(it->second == v);
    CHECK(m.count(k) == 1);
    CHECK(m.at(k) == v);
  }
  std::map<std::string, int> seen;
  for (const auto& [k, v] : m) CHECK(seen.emplace(k, v).second);
  CHECK(seen == ref);
}

}  // namespace

TEST_CASE("string map: insert, find, replace and erase as std::unordered_map does") {
  StringMap<int> m;
  CHECK(m.empty());
  CHECK(m.find("x") == m.end());
  CHECK(m.count("x") == 0);
  CHECK(m.erase("x") == 0);
  CHECK(m.begin() == m.end());
  CHECK_THROWS_AS(m.at("x"), std::out_of_range);

  auto [it, made] = m.emplace(std::string("a"), 1);
  CHECK(made);
  CHECK(it->second == 1);
  auto [again, made_again] = m.emplace(std::string("a"), 2);  // there already: kept as it was
  CHECK_FALSE(made_again);
  CHECK(again->second == 1);
  m["b"] = 5;
  m["a"] += 10;
  CHECK(m.at("a") == 11);
  CHECK(m.size() == 2);
  CHECK(m.erase("a") == 1);
  CHECK(m.find("a") == m.end());
  CHECK(m.at("b") == 5);
  m.erase(m.find("b"));
  CHECK(m.empty());
}

TEST_CASE("string map: values never move while the table grows; copies are deep") {
  StringMap<std::string> m;
  std::string& first = m["k0"];
  first = "первый";
  for (int i = 1; i < 5000; ++i) m.emplace("k" + std::to_string(i), std::to_string(i));
  CHECK(&m.at("k0") == &first);  // a reference outlives growth, as with std::unordered_map
  CHECK(first == "первый");

  StringMap<std::string> copy = m;
  copy["k0"] = "копия";
  CHECK(m.at("k0") == "первый");
  CHECK(copy.size() == m.size());
  StringMap<std::string> moved = std::move(copy);
  CHECK(moved.at("k0") == "копия");
  CHECK(moved.at("k4999") == "4999");
  moved = m;
  CHECK(moved.at("k0") == "первый");
  moved.clear();
  CHECK(moved.empty());
  CHECK(moved.find("k1") == moved.end());
  moved["после"] = "да";
  CHECK(moved.size() == 1);
}

TEST_CASE("string map: random inserts and erases agree with a reference map at every step") {
  // Few distinct keys over many operations: long probe runs, erasures in the middle of them and runs that
  // wrap around the end of the table (the shifting back of the slots after an erased one).
  for (const int keys : {8, 40, 300, 3000}) {
    std::mt19937 rng(static_cast<unsigned>(keys));
    StringMap<int> m;
    std::map<std::string, int> ref;
    for (int step = 0; step < 20000; ++step) {
      const std::string k = "GD" + std::to_string(rng() % static_cast<unsigned>(keys));
      const unsigned op = rng() % 3;
      if (op == 0) {
        CHECK(m.erase(k) == ref.erase(k));
      } else if (op == 1) {
        const int v = static_cast<int>(rng() % 1000);
        CHECK(m.emplace(k, v).second == ref.emplace(k, v).second);
      } else if (auto it = m.find(k); it != m.end()) {
        m.erase(it);
        ref.erase(k);
      }
      if (step % 997 == 0) check_same(m, ref);
    }
    check_same(m, ref);
  }
}
