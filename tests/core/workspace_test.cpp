#include <doctest/doctest.h>

#include "core/workspace.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;

namespace {

Mutation mut(std::uint64_t seq, Command cmd, std::int64_t wall = kNow, const std::string& client = "c1") {
  Mutation m;
  m.client = client;
  m.seq = seq;
  m.hlc = Hlc{wall, 0, client};
  m.author = "u1";
  m.time_ms = wall;
  m.cmd = std::move(cmd);
  return m;
}

}  // namespace

TEST_CASE("creating a deal puts it on the first stage of the default pipeline and records it") {
  Workspace ws;
  REQUIRE(ws.apply(mut(1, CreateItem{"D1", "deal", "", {{"TITLE", Value("Поставка")}}})).ok());
  const Item* it = ws.item("D1");
  REQUIRE(it);
  CHECK(it->pipeline == "0");
  CHECK(it->get("STAGE_ID") == Value("NEW"));
  CHECK(it->get("TITLE") == Value("Поставка"));
  CHECK(ws.display_name(*it) == "Поставка");
  REQUIRE(ws.timeline("D1").size() == 1);
  CHECK(ws.timeline("D1")[0].kind == TimelineKind::Created);
  CHECK(ws.timeline("D1")[0].author == "u1");
  CHECK(ws.item_ids("deal") == std::vector<std::string>{"D1"});
}

TEST_CASE("bad creations change nothing") {
  Workspace ws;
  CHECK(ws.apply(mut(1, CreateItem{"", "deal", "", {}})).code == "invalid_id");
  CHECK(ws.apply(mut(1, CreateItem{"X", "spaceship", "", {}})).code == "unknown_entity");
  CHECK(ws.apply(mut(1, CreateItem{"X", "deal", "42", {}})).code == "unknown_pipeline");
  CHECK(ws.apply(mut(1, CreateItem{"X", "contact", "0", {}})).code == "unknown_pipeline");
  CHECK(ws.apply(mut(1, CreateItem{"X", "deal", "", {{"NOPE", Value("x")}}})).code == "unknown_field");
  CHECK(ws.apply(mut(1, CreateItem{"X", "deal", "", {{"CLOSEDATE", Value("31.12")}}})).code ==
        "invalid_date");
  CHECK(ws.item_count() == 0);
  CHECK(ws.timeline("X").empty());
  REQUIRE(ws.apply(mut(1, CreateItem{"X", "deal", "", {}})).ok());
  CHECK(ws.apply(mut(2, CreateItem{"X", "deal", "", {}})).code == "item_exists");
  CHECK(ws.timeline("X").size() == 1);
}

TEST_CASE("a field change records old and new value; a stage change is its own kind") {
  Workspace ws;
  REQUIRE(ws.apply(mut(1, CreateItem{"D", "deal", "", {}})).ok());
  REQUIRE(ws.apply(mut(2, SetField{"D", "OPPORTUNITY_WITH_CURRENCY", Value(Money{100, "RUB"}), {}},
                       kNow + 1))
              .ok());
  REQUIRE(ws.apply(mut(3, SetField{"D", "OPPORTUNITY_WITH_CURRENCY", Value(Money{250, "RUB"}), {}},
                       kNow + 2))
              .ok());
  REQUIRE(ws.apply(mut(4, SetField{"D", "STAGE_ID", Value("EXECUTING"), {}}, kNow + 3)).ok());
  const auto& tl = ws.timeline("D");
  REQUIRE(tl.size() == 4);
  CHECK(tl[1].kind == TimelineKind::FieldChanged);
  CHECK(tl[1].old_value.is_null());
  CHECK(tl[2].old_value == Value(Money{100, "RUB"}));
  CHECK(tl[2].new_value == Value(Money{250, "RUB"}));
  CHECK(tl[3].kind == TimelineKind::StageChanged);
  CHECK(tl[3].old_value == Value("NEW"));
  CHECK(tl[3].new_value == Value("EXECUTING"));
  CHECK(tl[3].id == "c1:4");
}

TEST_CASE("setting the same value records nothing") {
  Workspace ws;
  REQUIRE(ws.apply(mut(1, CreateItem{"D", "deal", "", {{"TITLE", Value("A")}}})).ok());
  REQUIRE(ws.apply(mut(2, SetField{"D", "TITLE", Value("A"), {}}, kNow + 1)).ok());
  CHECK(ws.timeline("D").size() == 1);
}

TEST_CASE("values are validated per field type") {
  Workspace ws;
  REQUIRE(ws.apply(mut(1, CreateItem{"CO", "company", "", {}})).ok());
  REQUIRE(ws.apply(mut(2, CreateItem{"C", "contact", "", {}})).ok());
  REQUIRE(ws.apply(mut(3, CreateItem{"D", "deal", "", {}})).ok());
  const Item& d = *ws.item("D");
  const Schema& s = ws.schema();
  auto check = [&](const char* entity, const char* field, Value v) {
    const Item& it = std::string(entity) == "deal" ? d : *ws.item(std::string(entity) == "contact" ? "C" : "CO");
    return ws.validate_value(*s.field(entity, field), it, v).code;
  };
  CHECK(check("deal", "TITLE", Value(std::int64_t{5})) == "invalid_value");
  CHECK(check("deal", "TITLE", Value(std::string(70000, 'x'))) == "too_long");
  CHECK(check("deal", "STAGE_ID", Value("C9:NEW")) == "unknown_stage");
  CHECK(check("deal", "STAGE_ID", Value("WON")) == "");
  CHECK(check("deal", "TYPE_ID", Value("NOPE")) == "unknown_option");
  CHECK(check("deal", "TYPE_ID", Value("SALE")) == "");
  CHECK(check("deal", "OPPORTUNITY_WITH_CURRENCY", Value(Money{1, "rub"})) == "invalid_currency");
  CHECK(check("deal", "OPPORTUNITY_WITH_CURRENCY", Value(std::int64_t{1})) == "invalid_money");
  CHECK(check("deal", "ASSIGNED_BY_ID", Value("u99")) == "unknown_user");
  CHECK(check("deal", "CLIENT", Value("CO")) == "not_a_list");
  CHECK(check("deal", "CLIENT", Value(Value::List{Value("CO"), Value("C")})) == "");
  CHECK(check("deal", "CLIENT", Value(Value::List{Value("D")})) == "wrong_kind");
  CHECK(check("deal", "CLIENT", Value(Value::List{Value("ghost")})) == "unknown_item");
  CHECK(check("deal", "TITLE", Value(Value::List{Value("a")})) == "not_multiple");
  CHECK(check("deal", "PROBABILITY", Value(2.5)) == "invalid_integer");
  CHECK(check("deal", "OPENED", Value("yes")) == "invalid_value");
  CHECK(check("contact", "EMAIL", Value(Value::List{Value("a@b.ru")})) == "");
  CHECK(check("contact", "EMAIL", Value(Value::List{Value("a@b")})) == "invalid_email");
  CHECK(check("contact", "PHONE", Value(Value::List{Value("+7 (912) 555-10-01")})) == "");
  CHECK(check("contact", "PHONE", Value(Value::List{Value("call me")})) == "invalid_phone");
  CHECK(check("company", "WEB", Value("https://example.com")) == "");
  CHECK(check("company", "WEB", Value("example.com")) == "");
  CHECK(check("company", "WEB", Value("not a url")) == "invalid_url");
  CHECK(check("company", "WEB", Value("ftp://x.y")) == "invalid_url");
}

TEST_CASE("edits to unknown items and fields, and bad values, change nothing") {
  Workspace ws;
  REQUIRE(ws.apply(mut(1, CreateItem{"D", "deal", "", {{"TITLE", Value("A")}}})).ok());
  CHECK(ws.apply(mut(2, SetField{"nope", "TITLE", Value("B"), {}})).code == "unknown_item");
  CHECK(ws.apply(mut(2, SetField{"D", "NOPE", Value("B"), {}})).code == "unknown_field");
  CHECK(ws.apply(mut(2, SetField{"D", "CLOSEDATE", Value("2026-02-30"), {}})).code == "invalid_date");
  CHECK(ws.item("D")->get("TITLE") == Value("A"));
  CHECK(ws.timeline("D").size() == 1);
}

TEST_CASE("per-field last writer wins by clock, whatever the arrival order; the loser stays in history") {
  Workspace a, b;
  Mutation create = mut(1, CreateItem{"D", "deal", "", {{"TITLE", Value("A")}}}, kNow, "x");
  Mutation early = mut(1, SetField{"D", "TITLE", Value("early"), {}}, kNow + 10, "c1");
  Mutation late = mut(1, SetField{"D", "TITLE", Value("late"), {}}, kNow + 20, "c2");
  for (Workspace* ws : {&a, &b}) REQUIRE(ws->apply(create).ok());
  REQUIRE(a.apply(early).ok());
  REQUIRE(a.apply(late).ok());
  REQUIRE(b.apply(late).ok());
  REQUIRE(b.apply(early).ok());
  CHECK(a.item("D")->get("TITLE") == Value("late"));
  CHECK(b.item("D")->get("TITLE") == Value("late"));
  const auto& tl = b.timeline("D");
  REQUIRE(tl.size() == 3);
  CHECK(tl[2].kind == TimelineKind::Overridden);
  CHECK(tl[2].new_value == Value("early"));
  CHECK(tl[2].old_value == Value("late"));
}

TEST_CASE("clearing a field keeps its clock so an older write cannot resurrect a value") {
  Workspace ws;
  REQUIRE(ws.apply(mut(1, CreateItem{"D", "deal", "", {{"TITLE", Value("A")}}}, kNow, "x")).ok());
  REQUIRE(ws.apply(mut(1, SetField{"D", "TITLE", Value(), {}}, kNow + 20, "c2")).ok());
  REQUIRE(ws.apply(mut(1, SetField{"D", "TITLE", Value("old"), {}}, kNow + 10, "c1")).ok());
  CHECK(ws.item("D")->get("TITLE").is_null());
}
