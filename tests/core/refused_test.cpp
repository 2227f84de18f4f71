// Changes the server refused (core/refused.hpp): the list kept for the user, its file, and the text a
// person reads for each change.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/refused.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

// A change as the sync client reports a refusal: the mutation as it was issued here.
RefusedChange refused(const std::string& client, std::uint64_t seq, Command cmd, std::string code = "forbidden") {
  RefusedChange c;
  c.mutation.client = client;
  c.mutation.seq = seq;
  c.mutation.hlc = Hlc{kNow, 0, NodeId(client)};
  c.mutation.author = "u2";
  c.mutation.time_ms = kNow;
  c.mutation.cmd = std::move(cmd);
  c.code = std::move(code);
  c.message = "you may not edit this item";
  c.refused_ms = kNow + 5000;
  return c;
}

Value rub(std::int64_t units) { return Value(Money{units * 100, "RUB"}); }

}  // namespace

TEST_CASE("refused list: add replaces the same change, remove and find by client:seq, the oldest go beyond the limit") {
  RefusedList list;
  list.add(refused("c1", 1, SetField{"D1", "TITLE", Value("a"), {}}));
  list.add(refused("c1", 2, AddComment{"D1", "text"}));
  REQUIRE(list.size() == 2);
  CHECK(refused_id(list.items()[0].mutation) == "c1:1");
  // The server answered the first again (a duplicate delivery): one entry, with the newer reason.
  list.add(refused("c1", 1, SetField{"D1", "TITLE", Value("a"), {}}, "required"));
  REQUIRE(list.size() == 2);
  CHECK(list.find("c1:1")->code == "required");
  CHECK(list.find("c9:1") == nullptr);
  CHECK(list.remove("c1:2"));
  CHECK_FALSE(list.remove("c1:2"));
  CHECK(list.size() == 1);

  for (std::uint64_t s = 10; s < 10 + RefusedList::kMaxEntries + 5; ++s)
    list.add(refused("c2", s, AddComment{"D1", "n" + std::to_string(s)}));
  CHECK(list.size() == RefusedList::kMaxEntries);
  CHECK(list.find("c1:1") == nullptr);  // the oldest went first
  CHECK(list.find("c2:14") == nullptr);
  CHECK(list.find("c2:15") != nullptr);
  CHECK(refused_id(list.items().back().mutation) == "c2:" + std::to_string(10 + RefusedList::kMaxEntries + 4));

  RefusedChange long_message = refused("c3", 1, AddComment{"D1", "x"});
  long_message.message.assign(100000, 'm');
  list.add(long_message);
  CHECK(list.find("c3:1")->message.size() == RefusedList::kMaxMessage);
}

TEST_CASE("refused list: its file reads back as written; a hostile file is refused or its bad entries skipped") {
  RefusedList list;
  RefusedChange c = refused("c1", 7, SetField{"D1", "OPPORTUNITY_WITH_CURRENCY", rub(777000), rub(1000)});
  c.before = {{"OPPORTUNITY_WITH_CURRENCY", rub(1500)}};
  list.add(c);
  list.add(refused("c1", 8, MoveStage{"D1", "WON", {{"COMMENTS", Value("готово")}}}, "required"));
  const std::string text = list.to_json();

  RefusedList back;
  std::size_t skipped = 9;
  REQUIRE(back.load(text, &skipped).ok());
  CHECK(skipped == 0);
  REQUIRE(back.size() == 2);
  const RefusedChange& r = back.items()[0];
  CHECK(r.mutation.client == "c1");
  CHECK(r.mutation.seq == 7);
  CHECK(r.mutation.author == "u2");
  CHECK(r.mutation.time_ms == kNow);
  CHECK(r.mutation.cmd == c.mutation.cmd);
  CHECK(r.code == "forbidden");
  CHECK(r.message == c.message);
  CHECK(r.refused_ms == kNow + 5000);
  CHECK(r.before == c.before);
  CHECK(back.items()[1].mutation.cmd == Command(MoveStage{"D1", "WON", {{"COMMENTS", Value("готово")}}}));
  CHECK(back.to_json() == text);

  // Not a list at all: refused, nothing kept.
  for (const std::string& bad : std::vector<std::string>{"", "null", "[]", "{\"format\":\"other\",\"items\":[]}", "{\"format\":\"kartoteka-refused\"}",
                                "{\"format\":\"kartoteka-refused\",\"items\":{}}", "{\"format\":\"kartoteka-refused\",\"items\":[",
                                std::string(100, '[') + std::string(100, ']')}) {
    RefusedList l = back;
    CHECK_FALSE(l.load(bad).ok());
    CHECK(l.empty());
  }
  RefusedList huge;
  CHECK(huge.load(std::string(RefusedList::kMaxFileBytes + 1, ' ')).code == "too_large");

  // Entries that do not read are skipped, the others kept.
  json j = json::parse(text);
  j["items"].push_back(42);
  j["items"].push_back({{"mutation", {{"c", "x"}}}});
  j["items"].push_back({{"mutation", j["items"][0]["mutation"]}, {"code", 7}});
  json unknown_op = j["items"][0];
  unknown_op["mutation"]["cmd"]["op"] = "item.explode";
  j["items"].push_back(unknown_op);
  json bad_before = j["items"][0];
  bad_before["before"] = json::array({json::array({1, 2})});
  j["items"].push_back(bad_before);
  RefusedList partial;
  REQUIRE(partial.load(j.dump(), &skipped).ok());
  CHECK(skipped == 5);
  CHECK(partial.size() == 2);

  // A file with more entries than the list keeps: the newest are read.
  json many{{"format", "kartoteka-refused"}, {"version", 1}, {"items", json::array()}};
  for (std::uint64_t s = 1; s <= RefusedList::kMaxEntries + 50; ++s) {
    RefusedList one;
    one.add(refused("c5", s, AddComment{"D1", "n"}));
    many["items"].push_back(json::parse(one.to_json())["items"][0]);
  }
  RefusedList newest;
  REQUIRE(newest.load(many.dump()).ok());
  CHECK(newest.size() == RefusedList::kMaxEntries);
  CHECK(newest.find("c5:50") == nullptr);
  CHECK(newest.find("c5:51") != nullptr);
}

TEST_CASE("refused change for a person: the item's name, the field's label, values as the card shows them") {
  kt::test::DemoWorkspace d;
  const std::string title = d.ws.display_name(d.item("D1"));
  const Value amount_before = d.item("D1").get("OPPORTUNITY_WITH_CURRENCY");

  SUBCASE("a field: old and new value formatted, the copy as it can be typed back") {
    RefusedChange c = refused("c1", 1, SetField{"D1", "OPPORTUNITY_WITH_CURRENCY", rub(777000), amount_before});
    c.before = current_values(d.ws, c.mutation.cmd);
    REQUIRE(c.before.size() == 1);
    CHECK(c.before[0].second == amount_before);
    ChangeText t = describe_change(d.ws, c, Lang::Ru);
    CHECK(t.item == "D1");
    CHECK(t.item_title == title);
    CHECK(t.entity == "Сделка");
    CHECK(t.kind == "field");
    CHECK(t.field_label == "Сумма и валюта");
    CHECK(t.new_text == "777 000 \xe2\x82\xbd");  // "777 000 ₽"
    CHECK(t.old_text == format_value(d.ws, *d.schema().field("deal", "OPPORTUNITY_WITH_CURRENCY"), amount_before, Lang::Ru));
    CHECK(t.copy_text == "777000");
    CHECK(t.command == "item.set");
    ChangeText en = describe_change(d.ws, c, Lang::En);
    CHECK(en.entity == "Deal");
    CHECK(en.field_label == "Amount and currency");
    CHECK(en.new_text == "\xe2\x82\xbd" "777,000");
  }
  SUBCASE("a list field and a user are shown and copied by their names") {
    RefusedChange c = refused("c1", 2, SetField{"D1", "ASSIGNED_BY_ID", Value("u2"), Value("u1")});
    ChangeText t = describe_change(d.ws, c, Lang::Ru);
    CHECK(t.new_text == d.schema().user("u2")->name);
    CHECK(t.copy_text == d.schema().user("u2")->name);
    CHECK(t.old_text == d.schema().user("u1")->name);
  }
  SUBCASE("a stage move: stage names, the stage before from what the server's copy held") {
    RefusedChange c = refused("c1", 3, MoveStage{"D1", "WON", {}}, "required");
    c.before = current_values(d.ws, c.mutation.cmd);
    REQUIRE(!c.before.empty());
    CHECK(c.before[0].first == "STAGE_ID");
    ChangeText t = describe_change(d.ws, c, Lang::Ru);
    CHECK(t.kind == "stage");
    CHECK(t.new_text == "Сделка успешна");
    CHECK(t.copy_text == "Сделка успешна");
    CHECK(!t.old_text.empty());
    CHECK(t.old_text != "WON");
  }
  SUBCASE("a comment, a to-do, a new item") {
    ChangeText t = describe_change(d.ws, refused("c1", 4, AddComment{"D1", "Позвонить в пятницу"}), Lang::Ru);
    CHECK(t.kind == "comment");
    CHECK(t.copy_text == "Позвонить в пятницу");
    Activity a;
    a.id = "T1";
    a.subject = "Встреча";
    t = describe_change(d.ws, refused("c1", 5, PutTodo{"D1", a}), Lang::Ru);
    CHECK(t.kind == "todo");
    CHECK(t.new_text == "Встреча");
    t = describe_change(d.ws, refused("c1", 6, CreateItem{"DNEW", "deal", "", {{"TITLE", Value("Новая сделка")},
                                                                              {"OPPORTUNITY_WITH_CURRENCY", rub(500)}}}),
                        Lang::Ru);
    CHECK(t.kind == "create");
    CHECK(t.item == "DNEW");
    CHECK(t.item_title == "Новая сделка");
    CHECK(t.entity == "Сделка");
    CHECK(t.copy_text == "Название: Новая сделка\nСумма и валюта: 500 \xe2\x82\xbd");
  }
  SUBCASE("an item this copy does not hold is named by its id; a configuration change is 'config'") {
    ChangeText t = describe_change(d.ws, refused("c1", 7, SetField{"DGONE", "TITLE", Value("x"), {}}), Lang::Ru);
    CHECK(t.item_title == "DGONE");
    CHECK(t.field_label == "TITLE");
    CHECK(t.new_text == "x");
    CHECK(current_values(d.ws, SetField{"DGONE", "TITLE", Value("x"), {}}).empty());
    t = describe_change(d.ws, refused("c1", 8, PutRole{Role{"r", "R", {}, {}}, false}), Lang::Ru);
    CHECK(t.kind == "config");
    CHECK(t.item.empty());
    CHECK(t.command == "role.put");
  }
}
