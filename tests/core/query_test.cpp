// Lists: filters, quick search, sorting, rights; checked against brute force on 100,000 generated items.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/query.hpp"
#include "core/rights.hpp"
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

TEST_CASE("placeholders {1}, {2} are filled with their values; anything else stays as written") {
  CHECK(fill_placeholders("на сервере уже есть {1}", {"D1 «Поставка»"}) == "на сервере уже есть D1 «Поставка»");
  CHECK(fill_placeholders("{2} и {1}, снова {2}", {"a", "b"}) == "b и a, снова b");
  CHECK(fill_placeholders("{3} {0} {} {x} {12345} {", {"a"}) == "{3} {0} {} {x} {12345} {");
  CHECK(fill_placeholders("{1}", {"{2}", "b"}) == "{2}");  // a value is never read as a pattern
  CHECK(fill_placeholders("", {}).empty());
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

TEST_CASE("quick search: an item's number, bare or after № or #") {
  Demo d;
  Query q = deals();
  for (const char* text : {"7", "№7", "№ 7", "#7", " 7 "}) {
    q.text = text;
    const auto r = d.run(q);
    CHECK_MESSAGE(std::find(r.begin(), r.end(), "D7") != r.end(), text);
  }
  q.text = "№ 999";
  CHECK(d.run(q).empty());
  q.text = "№ 7а";  // not a number: searched as text
  CHECK(d.run(q).empty());
  Query c;
  c.entity = "contact";
  c.text = "№2";
  CHECK(d.run(c) == std::vector<std::string>{"C2"});
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

// ---------------------------------------------------------------------------------------------------------
// The search index of QueryCache: the same answers as searching every item from scratch, whatever changed
// ---------------------------------------------------------------------------------------------------------

namespace {

// What QueryCache::run answered before it kept an index: every item's text made and folded per query,
// can_act per item. The index must never answer differently.
std::vector<std::string> reference_run(const Workspace& ws, const Query& q, const std::string& user) {
  const Schema& s = ws.schema();
  auto text_of = [&](const Item& item) {
    std::string t = ws.display_name(item);
    for (const char* field : {"PHONE", "EMAIL", "COMPANY_TITLE", "NAME", "LAST_NAME"})
      for (const auto& v : item.get(field).elements()) {
        t += ' ';
        t += v.str_or_empty();
        if (std::string(field) == "PHONE") t += ' ' + phone_digits(v.str_or_empty());
      }
    return fold(t);
  };
  const std::string needle = fold(q.text);
  const std::string needle_digits = phone_digits(q.text);
  const bool digits = needle_digits.size() >= 3;
  auto text_hit = [&](const Item& it) {
    const std::string t = text_of(it);
    return t.find(needle) != std::string::npos || (digits && t.find(needle_digits) != std::string::npos);
  };
  std::set<std::string> client_hits;
  if (!needle.empty() && q.entity != "contact" && q.entity != "company")
    for (const char* kind : {"company", "contact"})
      for (const auto& id : ws.item_ids(kind))
        if (const Item* it = ws.item(id); it && !it->deleted && text_hit(*it)) client_hits.insert(id);
  std::vector<std::string> out;
  for (const auto& id : ws.item_ids(q.entity)) {
    const Item* it = ws.item(id);
    if (!it || it->deleted) continue;
    if (!q.pipeline.empty() && it->pipeline != q.pipeline) continue;
    if (!matches(ws, *it, q.conditions)) continue;
    if (!needle.empty() && !text_hit(*it)) {
      bool by_client = false;
      for (const char* f : {"CLIENT", "COMPANY_ID", "CONTACT_ID"})
        for (const auto& v : it->get(f).elements()) by_client = by_client || client_hits.count(v.str_or_empty()) > 0;
      if (!by_client) continue;
    }
    if (!can_act(s, user, *it, Action::Read)) continue;
    out.push_back(id);
  }
  std::reverse(out.begin(), out.end());
  if (q.descending) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("search index: same answers as a search from scratch after edits, deletes, rights and renames") {
  test::DemoWorkspace d;
  Workspace& ws = d.ws;
  QueryCache cache;  // one cache for the whole story, as a list view keeps it
  std::mt19937 rng(7);
  const std::vector<std::string> texts = {"",        "поставка", "ПОСТАВКА", "Семенов",  "семёнов", "техно",
                                          "912",     "8 (912)",  "belov@",   "ООО",      "ё",       "й",
                                          "сервер",  "zzz",      " ",        "Аудит",    "co",      "79"};
  const std::vector<std::string> users = {"u1", "u2", "u3", "u4"};
  auto check_all = [&](const char* step) {
    for (const char* entity : {"deal", "contact", "company", "lead"})
      for (const auto& text : texts)
        for (const auto& user : users) {
          Query q;
          q.entity = entity;
          q.text = text;
          CAPTURE(step);
          CAPTURE(entity);
          CAPTURE(text);
          CAPTURE(user);
          REQUIRE(cache.run(ws, q, user) == reference_run(ws, q, user));
        }
  };
  check_all("demo");

  // Renames and new phones, e-mails and names, in Cyrillic and Latin, upper and lower case.
  const char* titles[] = {"ПОСТАВКА серверов", "Аудит Ёлки", "семёнов и партнёры", "Zzz Monitoring", "Обычная сделка"};
  const auto deals = ws.item_ids("deal");
  for (int i = 0; i < 20; ++i) {
    const std::string& id = deals[rng() % deals.size()];
    REQUIRE(d.as(d.admin, SetField{id, "TITLE", Value(titles[rng() % 5]), {}}).ok());
  }
  REQUIRE(d.as(d.admin, SetField{"C1", "LAST_NAME", Value("СЕМЁНОВ"), {}}).ok());
  REQUIRE(d.as(d.admin, SetField{"C2", "PHONE", Value(Value::List{Value("+7 912 000-11-22"), Value("8 495 123 45 67")}), {}}).ok());
  REQUIRE(d.as(d.admin, SetField{"CO1", "TITLE", Value("ООО «Техно-Сервер»"), {}}).ok());
  check_all("renames");

  // New items (the index grows), deletions, restores, a purge (it shrinks).
  for (int i = 0; i < 5; ++i)
    REQUIRE(d.as(d.admin, CreateItem{"N" + std::to_string(i), "deal", "",
                                     {{"TITLE", Value("Новая поставка " + std::to_string(i))},
                                      {"ASSIGNED_BY_ID", Value(users[i % 4])}}})
                .ok());
  REQUIRE(d.as(d.admin, DeleteItem{"D1"}).ok());
  REQUIRE(d.as(d.admin, DeleteItem{"N2"}).ok());
  REQUIRE(d.as(d.admin, DeleteItem{"CO1"}).ok());
  check_all("created and deleted");
  REQUIRE(d.as(d.admin, RestoreItem{"D1"}).ok());
  REQUIRE(d.as(d.admin, PurgeItem{"N2"}).ok());
  REQUIRE(d.as(d.admin, CreateItem{"N2", "deal", "", {{"TITLE", Value("Другая сделка с тем же номером")}}}).ok());
  check_all("restored, purged, created again");

  // Rights: reading own items only, then the department's, then nothing; a user moves to another department.
  Role support = *ws.schema().role("support");
  support.defaults.read = Level::Own;
  REQUIRE(d.as(d.admin, PutRole{support, false}).ok());
  check_all("support reads own");
  support.defaults.read = Level::Department;
  REQUIRE(d.as(d.admin, PutRole{support, false}).ok());
  Role manager = *ws.schema().role("manager");
  manager.entities["deal:1"] = EntityRights{};
  manager.entities["deal:1"].read = Level::None;
  manager.defaults.read = Level::Department;
  REQUIRE(d.as(d.admin, PutRole{manager, false}).ok());
  check_all("department and per-pipeline rights");
  User ivan = *ws.schema().user("u2");
  ivan.department = "d4";
  REQUIRE(d.as(d.admin, PutUser{ivan}).ok());
  check_all("a user moved");

  // The name of deals comes from another field.
  EntityType deal = *ws.schema().entity("deal");
  deal.title_field = "COMMENTS";
  if (d.as(d.admin, PutEntityType{deal}).ok()) check_all("another title field");

  // Items arriving whole (a sync pull) and removed by the replica.
  Item pulled = *ws.item("D3");
  pulled.cell_for_write("TITLE").value = Value("Пришло с сервера: ПОСТАВКА");
  ws.put_item(pulled, nullptr, false);
  Item fresh = pulled;
  fresh.id = "P1";
  ws.put_item(fresh, nullptr, false);
  ws.remove_item("D4");
  check_all("pulled");

  // A copy of the workspace, changed on its own: the cache follows whichever it is given.
  Workspace copy = ws;
  Session other(copy, "o", "u1");
  REQUIRE(other.dispatch(SetField{"D5", "TITLE", Value("Только в копии: поставка")}, d.t + 100, false).ok());
  for (const auto& user : users) {
    Query q;
    q.entity = "deal";
    q.text = "поставка";
    CHECK(cache.run(copy, q, user) == reference_run(copy, q, user));
    CHECK(cache.run(ws, q, user) == reference_run(ws, q, user));
  }
}

TEST_CASE("search index: warmed in slices, interleaved with edits and searches, gives the same answers") {
  test::DemoWorkspace d;
  Workspace& ws = d.ws;
  QueryCache cache;
  auto same = [&](const char* text) {
    Query q;
    q.entity = "deal";
    q.text = text;
    CAPTURE(text);
    REQUIRE(cache.run(ws, q, "u1") == reference_run(ws, q, "u1"));
  };
  const size_t deals = ws.item_ids("deal").size();
  REQUIRE(deals > 3);
  // Two rows per slice: not done until every deal has its text; an edit between slices changes nothing in
  // the answers.
  CHECK_FALSE(cache.warm(ws, "deal", 2));
  const std::string first = ws.item_ids("deal")[0];
  REQUIRE(d.as(d.admin, SetField{first, "TITLE", Value("Переименована во время прогрева")}).ok());
  int slices = 1;
  while (!cache.warm(ws, "deal", 2)) REQUIRE(++slices < 1000);
  CHECK(slices >= static_cast<int>(deals / 2) - 1);
  CHECK(cache.warm(ws, "deal", 0));  // nothing left: done without making anything
  same("прогрев");
  same("поставка");
  // A search in the middle of another cache's warm-up makes the rest itself.
  QueryCache other;
  CHECK_FALSE(other.warm(ws, "deal", 1));
  Query q;
  q.entity = "deal";
  q.text = "прогрев";
  CHECK(other.run(ws, q, "u1") == reference_run(ws, q, "u1"));
  CHECK(other.warm(ws, "deal", 1000));
  q.text = "Семёнов";  // found through the client, with the links the warm-up resolved
  CHECK(other.run(ws, q, "u1") == reference_run(ws, q, "u1"));
  // A new item (a layout change) starts the warm-up over for it; an edit after the warm-up is made by the
  // search that meets it.
  REQUIRE(d.as(d.admin, CreateItem{"W1", "deal", "", {{"TITLE", Value("Тёплая сделка")}}}).ok());
  CHECK_FALSE(cache.warm(ws, "deal", 0));
  CHECK(cache.warm(ws, "deal", 1000));
  REQUIRE(d.as(d.admin, SetField{"W1", "TITLE", Value("Холодная сделка")}).ok());
  same("тёплая");
  same("холодная");
  CHECK(cache.warm(ws, "contact", 1000));
  CHECK(cache.warm(ws, "no-such-entity", 10));
}

TEST_CASE("search index: filters and sorting over an index kept across many edits") {
  Workspace ws;
  Session s(ws, "g", "u1");
  seed_demo(s, kNow);
  std::mt19937 rng(3);
  const char* words[] = {"Поставка", "МОНТАЖ", "аудит", "Лицензии", "обучение", "Сервис", "Ёлка"};
  for (int i = 0; i < 2000; ++i)
    REQUIRE(s.dispatch(CreateItem{"G" + std::to_string(i), "deal", "",
                                  {{"TITLE", Value(std::string(words[rng() % 7]) + " №" + std::to_string(i))},
                                   {"ASSIGNED_BY_ID", Value("u" + std::to_string(1 + rng() % 4))}}},
                       kNow + i, false)
                .ok());
  QueryCache cache;
  for (int round = 0; round < 30; ++round) {
    for (int k = 0; k < 50; ++k) {
      const std::string id = "G" + std::to_string(rng() % 2000);
      REQUIRE(s.dispatch(SetField{id, "TITLE", Value(std::string(words[rng() % 7]) + " " + std::to_string(round))},
                         kNow + 10000 + round * 100 + k, false)
                  .ok());
    }
    Query q;
    q.entity = "deal";
    q.text = fold(words[round % 7]).substr(0, 6);
    q.conditions = {{"ASSIGNED_BY_ID", Condition::Op::AnyOf, {}, {}, {"u2", "u4"}}};
    const auto got = cache.run(ws, q, round % 2 ? "u1" : "u2");
    CHECK(got == reference_run(ws, q, round % 2 ? "u1" : "u2"));
    q.sort_field = "TITLE";
    auto sorted = cache.run(ws, q, "u1");
    auto unsorted = reference_run(ws, q, "u1");
    std::sort(unsorted.begin(), unsorted.end());
    auto sorted_ids = sorted;
    std::sort(sorted_ids.begin(), sorted_ids.end());
    CHECK(sorted_ids == unsorted);
    for (size_t i = 1; i < sorted.size(); ++i)
      CHECK(fold(ws.display_name(*ws.item(sorted[i - 1]))) <= fold(ws.display_name(*ws.item(sorted[i]))));
  }
}

TEST_CASE("ActCheck answers as can_act for every user, action and item") {
  test::DemoWorkspace d;
  Role support = *d.ws.schema().role("support");
  support.defaults.read = Level::Department;
  support.entities["deal:1"] = EntityRights{};
  support.entities["deal:1"].edit = Level::None;
  REQUIRE(d.as(d.admin, PutRole{support, false}).ok());
  for (const char* user : {"u1", "u2", "u3", "u4", "nobody"})
    for (Action a : {Action::Read, Action::Add, Action::Edit, Action::Remove}) {
      ActCheck check(d.ws.schema(), user, a);
      for (const char* entity : {"deal", "contact", "company", "lead"})
        for (const auto& id : d.ws.item_ids(entity)) {
          CAPTURE(user);
          CAPTURE(id);
          CHECK(check(*d.ws.item(id)) == can_act(d.ws.schema(), user, *d.ws.item(id), a));
        }
    }
}

TEST_CASE("fold_append folds as fold, Cyrillic and broken UTF-8 included") {
  // fold() as it was written before the table: every byte and every pair of bytes must fold the same.
  auto reference_fold = [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        continue;
      }
      if ((c == 0xD0 || c == 0xD1) && i + 1 < s.size()) {
        unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
        if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
        else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;
        if (cp == 0x451) cp = 0x435;
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
        ++i;
        continue;
      }
      out += static_cast<char>(c);
    }
    return out;
  };
  for (int a = 0; a < 256; ++a) {
    REQUIRE(fold(std::string(1, char(a))) == reference_fold(std::string(1, char(a))));
    for (int b = 0; b < 256; ++b) {
      const std::string s{char(a), char(b), 'X'};
      REQUIRE(fold(s) == reference_fold(s));
    }
  }
  CHECK(fold("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏ") ==
        "абвгдеежзийклмнопрстуфхцчшщъыьэюя ѐеђѓєѕіїјљњћќѝўџ");
  for (std::string s : {std::string("ПОСТАВКА Server Ёж ё Ї Ў"), std::string("\xD0"), std::string("ab\xD1"),
                        std::string("\xD0" "A\xD1\xD1\xD0\x81"), std::string()}) {
    std::string out = "x";
    fold_append(out, s.data(), s.size());
    CHECK(out == "x" + fold(s));
  }
  CHECK(fold("СЕМЁНОВ Пётр") == "семенов петр");
}
