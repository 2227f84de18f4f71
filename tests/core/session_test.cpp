#include <doctest/doctest.h>

#include <vector>

#include "core/demo.hpp"
#include "core/session.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::add_deal;
using kt::test::kNow;

TEST_CASE("dispatch numbers mutations per client, stamps author and clock, and hands them to the sink") {
  Workspace ws;
  Session s(ws, "cl", "u2");
  std::vector<Mutation> out;
  s.set_sink([&out](const Mutation& m) { out.push_back(m); });
  add_deal(s);
  REQUIRE(s.dispatch(SetField{"D", "TITLE", Value("Новое"), {}}, kNow + 5).ok());
  REQUIRE(out.size() == 2);
  CHECK(out[0].seq == 1);
  CHECK(out[1].seq == 2);
  CHECK(out[1].author == "u2");
  CHECK(out[1].client == "cl");
  CHECK(out[0].hlc < out[1].hlc);
  const auto& set = std::get<SetField>(out[1].cmd);
  CHECK(set.previous == Value("Поставка"));
}

TEST_CASE("a refused command issues no mutation and takes no sequence number") {
  Workspace ws;
  Session s(ws, "cl", "u1");
  std::vector<Mutation> out;
  s.set_sink([&out](const Mutation& m) { out.push_back(m); });
  add_deal(s);
  CHECK(s.dispatch(SetField{"D", "CLOSEDATE", Value("tomorrow"), {}}, kNow).code == "invalid_date");
  CHECK(s.dispatch(SetField{"D", "TITLE", Value("Поставка"), {}}, kNow).ok());  // no change: dropped
  REQUIRE(s.dispatch(SetField{"D", "TITLE", Value("B"), {}}, kNow).ok());
  REQUIRE(out.size() == 2);
  CHECK(out[1].seq == 2);
  CHECK_FALSE(s.can_redo());
}

TEST_CASE("undo and redo of field edits issue inverse mutations and are recorded") {
  Workspace ws;
  Session s(ws, "cl", "u1");
  std::vector<Mutation> out;
  s.set_sink([&out](const Mutation& m) { out.push_back(m); });
  add_deal(s);
  CHECK_FALSE(s.can_undo());
  REQUIRE(s.dispatch(SetField{"D", "TITLE", Value("B"), {}}, kNow + 1).ok());
  REQUIRE(s.dispatch(SetField{"D", "OPPORTUNITY_WITH_CURRENCY", Value(Money{500, "RUB"}), {}}, kNow + 2).ok());

  REQUIRE(s.undo(kNow + 3).ok());
  CHECK(ws.item("D")->get("OPPORTUNITY_WITH_CURRENCY").is_null());
  REQUIRE(s.undo(kNow + 4).ok());
  CHECK(ws.item("D")->get("TITLE") == Value("Поставка"));
  CHECK_FALSE(s.can_undo());
  CHECK(s.undo(kNow + 5).code == "nothing_to_undo");

  REQUIRE(s.redo(kNow + 6).ok());
  CHECK(ws.item("D")->get("TITLE") == Value("B"));
  REQUIRE(s.redo(kNow + 7).ok());
  CHECK(ws.item("D")->get("OPPORTUNITY_WITH_CURRENCY") == Value(Money{500, "RUB"}));
  CHECK(s.redo(kNow + 8).code == "nothing_to_redo");

  // Every step is a journaled mutation and a timeline entry.
  CHECK(out.size() == 7);
  CHECK(ws.timeline("D").size() == 7);
}

TEST_CASE("a new edit clears redo") {
  Workspace ws;
  Session s(ws, "cl", "u1");
  add_deal(s);
  REQUIRE(s.dispatch(SetField{"D", "TITLE", Value("B"), {}}, kNow + 1).ok());
  REQUIRE(s.undo(kNow + 2).ok());
  CHECK(s.can_redo());
  REQUIRE(s.dispatch(SetField{"D", "TITLE", Value("C"), {}}, kNow + 3).ok());
  CHECK_FALSE(s.can_redo());
}

TEST_CASE("undo refuses when someone else changed the field since, and changes nothing") {
  Workspace ws;
  Session mine(ws, "me", "u1");
  add_deal(mine);
  REQUIRE(mine.dispatch(SetField{"D", "TITLE", Value("mine"), {}}, kNow + 1).ok());
  Session theirs(ws, "them", "u2");
  REQUIRE(theirs.dispatch(SetField{"D", "TITLE", Value("theirs"), {}}, kNow + 2).ok());
  CHECK(mine.undo(kNow + 3).code == "undo_conflict");
  CHECK(ws.item("D")->get("TITLE") == Value("theirs"));
}

TEST_CASE("replay rebuilds the same state and later local writes order after replayed ones") {
  Workspace original;
  Session s(original, "old", "u1");
  std::vector<Mutation> journal;
  s.set_sink([&journal](const Mutation& m) { journal.push_back(m); });
  seed_demo(s, kNow);
  REQUIRE(s.dispatch(SetField{"D1", "TITLE", Value("Изменено"), {}}, kNow + 1000).ok());

  Workspace copy;
  Session r(copy, "new", "u1");
  for (const auto& m : journal) REQUIRE(r.replay(m, kNow - 100000).ok());
  CHECK(copy.item_count() == original.item_count());
  for (const auto& id : original.item_ids("deal")) {
    CHECK(copy.item(id)->fields.size() == original.item(id)->fields.size());
    CHECK(copy.timeline(id).size() == original.timeline(id).size());
  }
  CHECK(copy.item("D1")->get("TITLE") == Value("Изменено"));
  // The replaying session's clock is behind the journal's wall time, yet its next write wins.
  REQUIRE(r.dispatch(SetField{"D1", "TITLE", Value("После"), {}}, kNow - 100000).ok());
  CHECK(copy.item("D1")->get("TITLE") == Value("После"));
}

TEST_CASE("demo data is complete and valid") {
  Workspace ws;
  Session s(ws, "demo", "u1");
  seed_demo(s, kNow);
  CHECK(ws.item_ids("deal").size() == 13);
  CHECK(ws.item_ids("contact").size() == 7);
  CHECK(ws.item_ids("company").size() == 6);
  const Item* d1 = ws.item("D1");
  REQUIRE(d1);
  CHECK(d1->get("STAGE_ID") == Value("EXECUTING"));
  CHECK(ws.timeline("D1").size() >= 4);
  CHECK(ws.item("D6")->get("STAGE_ID") == Value("WON"));
  CHECK(ws.item("D7")->get("STAGE_ID") == Value("LOSE"));
  CHECK_FALSE(s.can_undo());
}
