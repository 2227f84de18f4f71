// Lists: filters, quick search, sorting, rights; checked against brute force on 100,000 generated items.
#include <doctest/doctest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/query.hpp"
#include "core/text.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;

namespace {

struct Demo {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  Demo() { seed_demo(admin, kNow); }
  std::vector<std::string> run(Query q, const std::string& user = "u1") {
    QueryCache cache;
    return cache.run(ws, q, user);
  }
};

Query deals() {
  Query q;
  q.entity = "deal";
  return q;
}

}  // namespace

TEST_CASE("folding for search: Latin and Cyrillic, ё as е; phone digits") {
  CHECK(fold("ПОСТАВКА Server") == "поставка server");
  CHECK(fold("Семёнов Ёж") == "семенов еж");
  // What the timeline's and the pickers' search boxes use.
  CHECK(contains_folded("Звонок: ПЕРЕЗВОНИТЬ Семёнову", "перезвонить семенову"));
  CHECK(contains_folded("anything", ""));
  CHECK_FALSE(contains_folded("Звонок", "письмо"));
  CHECK(phone_digits("+7 (912) 555-10-01") == "79125551001");
  CHECK(phone_digits("8 912 555 10 01") == "79125551001");
}

TEST_CASE("filters by stage, responsible, dates, money, text, emptiness") {
  Demo d;
  Query q = deals();
  q.conditions = {{"STAGE_ID", Condition::Op::AnyOf, {}, {}, {"NEW"}}};
  CHECK(d.run(q).size() == 3);  // D3, D8, D11
  q.conditions = {{"ASSIGNED_BY_ID", Condition::Op::AnyOf, {}, {}, {"u4"}}};
  CHECK(d.run(q) == std::vector<std::string>{"D13", "D12", "D6", "D4"});
  q.conditions = {{"OPPORTUNITY_WITH_CURRENCY", Condition::Op::Between, Value(std::int64_t{100000000}), Value(), {}}};
  CHECK(d.run(q).size() == 2);  // 1 250 000 and 2 300 000
  q.conditions = {{"TITLE", Condition::Op::Contains, Value("ПОСТАВКА"), {}, {}}};
  CHECK(d.run(q).size() == 3);
  q.conditions = {{"COMMENTS", Condition::Op::NotEmpty, {}, {}, {}}};
  CHECK(d.run(q) == std::vector<std::string>{"D1"});
  q.conditions = {{"TYPE_ID", Condition::Op::Equals, Value("GOODS"), {}, {}}};
  CHECK(d.run(q).size() == 3);
  q.conditions = {{"CLOSEDATE", Condition::Op::Between, Value("2026-12-01"), Value("2026-12-31"), {}}};
  for (const auto& id : d.run(q)) {
    const std::string date = d.ws.item(id)->get("CLOSEDATE").as_string();
    CHECK(date >= "2026-12-01");
    CHECK(date <= "2026-12-31");
  }
  q = deals();
  q.pipeline = "1";
  CHECK(d.run(q) == std::vector<std::string>{"D13"});
}

TEST_CASE("quick search: title, client name, phone in any format, e-mail") {
  Demo d;
  Query q = deals();
  q.text = "серверн";
  CHECK(d.run(q).size() == 2);  // two titles
  q.text = "техностандарт";     // the client company of D1 and D9
  auto r = d.run(q);
  CHECK(std::find(r.begin(), r.end(), "D1") != r.end());
  CHECK(std::find(r.begin(), r.end(), "D9") != r.end());
  Query c;
  c.entity = "contact";
  c.text = "8 (912) 555-10-01";
  CHECK(d.run(c) == std::vector<std::string>{"C1"});
  c.text = "BELOV@";
  CHECK(d.run(c) == std::vector<std::string>{"C2"});
  q.text = "нет такого";
  CHECK(d.run(q).empty());
}

TEST_CASE("sorting by name, amount, stage order and date; empty values last") {
  Demo d;
  Query q = deals();
  q.sort_field = "OPPORTUNITY_WITH_CURRENCY";
  q.descending = true;
  auto r = d.run(q);
  CHECK(r.front() == "D9");  // 2 300 000
  q.descending = false;
  CHECK(d.run(q).front() == "D12");  // 43 000
  q.sort_field = "STAGE_ID";
  r = d.run(q);
  CHECK(d.ws.item(r.front())->get("STAGE_ID") == Value("NEW"));
  q.sort_field = "TITLE";
  r = d.run(q);
  CHECK(d.ws.display_name(*d.ws.item(r.front())) == "Аудит сетевой инфраструктуры");
  REQUIRE(d.admin.dispatch(SetField{"D2", "CLOSEDATE", Value(), {}}, kNow + 10).ok());
  q.sort_field = "CLOSEDATE";
  auto tail = [&](std::vector<std::string> r) { return std::vector<std::string>(r.end() - 2, r.end()); };
  auto last_two = tail(d.run(q));  // D2 and the partner deal D13 have no close date
  CHECK(std::find(last_two.begin(), last_two.end(), "D2") != last_two.end());
  q.descending = true;
  last_two = tail(d.run(q));
  CHECK(std::find(last_two.begin(), last_two.end(), "D2") != last_two.end());
}

TEST_CASE("lists leave out items the user may not read, and deleted ones") {
  Demo d;
  Role support = *d.ws.schema().role("support");
  support.defaults.read = Level::Own;
  REQUIRE(d.admin.dispatch(PutRole{support, false}, kNow + 1).ok());
  auto mine = d.run(deals(), "u3");
  CAPTURE(nlohmann::json(mine).dump());
  CHECK(mine == std::vector<std::string>{"D11", "D8"});  // hers, newest first
  REQUIRE(d.admin.dispatch(DeleteItem{"D8"}, kNow + 2).ok());
  REQUIRE(d.admin.dispatch(DeleteItem{"D11"}, kNow + 3).ok());
  CHECK(d.run(deals(), "u3").empty());
}

TEST_CASE("the cache gives the same answer until the data or the query changes") {
  Demo d;
  QueryCache cache;
  Query q = deals();
  q.text = "поставка";
  const auto first = cache.run(d.ws, q, "u1");
  CHECK(cache.run(d.ws, q, "u1") == first);
  REQUIRE(d.admin.dispatch(SetField{"D3", "TITLE", Value("Поставка стеллажей"), {}}, kNow + 3).ok());
  CHECK(cache.run(d.ws, q, "u1").size() == first.size() + 1);
}

TEST_CASE("on 100,000 generated deals, filters and search agree with brute force") {
  Workspace ws;
  Session s(ws, "g", "u1");
  seed_demo(s, kNow);
  std::mt19937 rng(42);
  const char* stages[] = {"NEW", "PREPARATION", "EXECUTING", "WON", "LOSE"};
  const char* users[] = {"u1", "u2", "u3", "u4"};
  const char* words[] = {"Поставка", "Монтаж", "Аудит", "Лицензии", "Обучение", "Сервис"};
  for (int i = 0; i < 100000; ++i) {
    Item it;
    it.id = "G" + std::to_string(i);
    it.entity = "deal";
    it.pipeline = "0";
    it.cell_for_write("TITLE").value = Value(std::string(words[rng() % 6]) + " №" + std::to_string(i));
    it.cell_for_write("STAGE_ID").value = Value(stages[rng() % 5]);
    it.cell_for_write("ASSIGNED_BY_ID").value = Value(users[rng() % 4]);
    it.cell_for_write("OPPORTUNITY_WITH_CURRENCY").value = Value(Money{static_cast<std::int64_t>(rng() % 10000000), "RUB"});
    ws.put_item(std::move(it), nullptr, false);
  }
  Query q;
  q.entity = "deal";
  q.conditions = {{"STAGE_ID", Condition::Op::AnyOf, {}, {}, {"EXECUTING", "WON"}},
                  {"ASSIGNED_BY_ID", Condition::Op::AnyOf, {}, {}, {"u2"}}};
  q.text = "монтаж";
  q.sort_field = "OPPORTUNITY_WITH_CURRENCY";
  QueryCache cache;
  const auto got = cache.run(ws, q, "u1");
  size_t expected = 0;
  for (const auto& id : ws.item_ids("deal")) {
    const Item& it = *ws.item(id);
    const std::string stage = it.get("STAGE_ID").str_or_empty();
    if ((stage == "EXECUTING" || stage == "WON") && it.get("ASSIGNED_BY_ID") == Value("u2") &&
        fold(it.get("TITLE").str_or_empty()).find("монтаж") != std::string::npos)
      ++expected;
  }
  CHECK(got.size() == expected);
  CHECK(expected > 1000);
  for (size_t i = 1; i < got.size(); ++i)
    CHECK(ws.item(got[i - 1])->get("OPPORTUNITY_WITH_CURRENCY").as_money().minor <=
          ws.item(got[i])->get("OPPORTUNITY_WITH_CURRENCY").as_money().minor);
}

TEST_CASE("queries round-trip through JSON (saved filters)") {
  Query q = deals();
  q.pipeline = "1";
  q.text = "x";
  q.sort_field = "CLOSEDATE";
  q.descending = true;
  q.conditions = {{"CLOSEDATE", Condition::Op::Between, Value("2026-01-01"), Value(), {}},
                  {"STAGE_ID", Condition::Op::AnyOf, {}, {}, {"NEW", "WON"}}};
  nlohmann::json j = q;
  CHECK(nlohmann::json::parse(j.dump()).get<Query>() == q);
}
