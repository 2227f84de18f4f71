// The client replica: pending local mutations rebased on server state.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/snapshot.hpp"
#include "sync/replica.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::sync;
using kt::test::kNow;
using nlohmann::json;

namespace {

// A stand-in for the server: its own workspace, mutations applied in arrival order, versions counted.
struct FakeServer {
  Workspace ws;
  std::uint64_t version = 0;
  std::map<std::string, std::uint64_t> last;
  FakeServer() { ws.track_new_entries(true); }
  Status apply(Mutation m) {
    Status s = ws.apply(m);
    ++version;
    for (TimelineEntry* e : ws.take_new_entries()) e->ver = version;
    last[m.client] = m.seq;
    return s;
  }
  // A pull page (through JSON, as on the wire) with the given items.
  PullPage page(const std::vector<std::string>& ids, bool with_schema = false, bool reset = false) {
    json items = json::array();
    for (const auto& id : ids) items.push_back(item_json(ws, *ws.item(id), nullptr));
    json j{{"cursor", "v" + std::to_string(version)}, {"more", false}, {"reset", reset}, {"items", items},
           {"removed", json::array()}, {"lastMutationIds", last}};
    if (with_schema) j["schema"] = schema_json(ws.schema(), nullptr);
    PullPage p;
    REQUIRE(parse_pull(j.dump(), &p).ok());
    return p;
  }
};

// Seeds the same demo data on the server and, through a snapshot, on the client.
struct Setup {
  FakeServer server;
  Workspace client_ws;
  Replica replica{client_ws};
  Session client{client_ws, "cl", "u1"};
  Setup() {
    Session seed(server.ws, "seed", "u1");
    seed.set_sink([&](const Mutation& m) { server.last[m.client] = m.seq; });
    seed_demo(seed, kNow - 100000);
    std::vector<std::string> all;
    for (const auto& et : server.ws.schema().entities)
      for (const auto& id : server.ws.item_ids(et.id)) all.push_back(id);
    replica.begin_snapshot();
    replica.add_snapshot_page(server.page(all, true, true));
    REQUIRE(replica.finish_snapshot().empty());
    client.set_before_apply([this](const Command& c) { replica.before_local(c); });
    client.set_sink([this](const Mutation& m) { replica.add_pending(m); });
  }
};

}  // namespace

TEST_CASE("a snapshot page replaces the confirmed state") {
  Setup s;
  CHECK(s.client_ws.item_count() == s.server.ws.item_count());
  CHECK(s.client_ws.item("D1")->get("TITLE") == s.server.ws.item("D1")->get("TITLE"));
  CHECK(s.client_ws.schema().users.size() == 4);
}

TEST_CASE("server changes of other fields merge with a pending local edit of the same item") {
  Setup s;
  REQUIRE(s.client.dispatch(SetField{"D1", "TITLE", Value("Моё"), {}}, kNow).ok());
  Session other(s.server.ws, "other", "u2");
  other.set_sink([&](const Mutation& m) { s.server.last[m.client] = m.seq; });
  REQUIRE(other.dispatch(SetField{"D1", "COMMENTS", Value("От коллеги"), {}}, kNow + 1).ok());
  auto dropped = s.replica.apply(s.server.page({"D1"}));
  CHECK(dropped.empty());
  const Item& d1 = *s.client_ws.item("D1");
  CHECK(d1.get("TITLE") == Value("Моё"));
  CHECK(d1.get("COMMENTS") == Value("От коллеги"));
  CHECK(s.replica.pending().size() == 1);
  // The local entry stays last, after the confirmed ones.
  CHECK(s.client_ws.timeline("D1").back().ver == 0);
}

TEST_CASE("once the server has the pending mutation, it is acknowledged and nothing flickers") {
  Setup s;
  std::vector<Mutation> sent;
  s.client.set_sink([&](const Mutation& m) {
    s.replica.add_pending(m);
    sent.push_back(m);
  });
  REQUIRE(s.client.dispatch(SetField{"D1", "TITLE", Value("Моё"), {}}, kNow).ok());
  REQUIRE(s.server.apply(sent[0]).ok());
  auto dropped = s.replica.apply(s.server.page({"D1"}));
  CHECK(dropped.empty());
  CHECK(s.replica.pending().empty());
  CHECK(s.client_ws.item("D1")->get("TITLE") == Value("Моё"));
  // Exactly one entry for the edit, now confirmed.
  int n = 0;
  for (const auto& e : s.client_ws.timeline("D1"))
    if (e.id == sent[0].client + ":" + std::to_string(sent[0].seq)) {
      ++n;
      CHECK(e.ver > 0);
    }
  CHECK(n == 1);
}

TEST_CASE("the same field: the later clock wins on every replica, whatever the arrival order") {
  Setup s;
  std::vector<Mutation> sent;
  s.client.set_sink([&](const Mutation& m) {
    s.replica.add_pending(m);
    sent.push_back(m);
  });
  // The client edits at kNow + 10 (later), a colleague at kNow + 5 (earlier) but reaches the server first.
  REQUIRE(s.client.dispatch(SetField{"D2", "TITLE", Value("поздняя"), {}}, kNow + 10).ok());
  Session other(s.server.ws, "other", "u2");
  other.set_sink([&](const Mutation& m) { s.server.last[m.client] = m.seq; });
  REQUIRE(other.dispatch(SetField{"D2", "TITLE", Value("ранняя"), {}}, kNow + 5).ok());
  s.replica.apply(s.server.page({"D2"}));
  CHECK(s.client_ws.item("D2")->get("TITLE") == Value("поздняя"));
  REQUIRE(s.server.apply(sent[0]).ok());
  CHECK(s.server.ws.item("D2")->get("TITLE") == Value("поздняя"));
  s.replica.apply(s.server.page({"D2"}));
  CHECK(s.client_ws.item("D2")->get("TITLE") == Value("поздняя"));
  CHECK(s.replica.pending().empty());
}

TEST_CASE("an earlier local write loses to a later server write, and the loss is in the history") {
  Setup s;
  REQUIRE(s.client.dispatch(SetField{"D3", "TITLE", Value("моя старая"), {}}, kNow + 1).ok());
  Session other(s.server.ws, "other", "u2");
  other.set_sink([&](const Mutation& m) { s.server.last[m.client] = m.seq; });
  REQUIRE(other.dispatch(SetField{"D3", "TITLE", Value("их новая"), {}}, kNow + 50).ok());
  s.replica.apply(s.server.page({"D3"}));
  CHECK(s.client_ws.item("D3")->get("TITLE") == Value("их новая"));
  CHECK(s.client_ws.timeline("D3").back().kind == TimelineKind::Overridden);
}

TEST_CASE("a rejected mutation disappears on rebase; a pending creation survives unrelated pulls") {
  Setup s;
  REQUIRE(s.client.dispatch(CreateItem{"NEW1", "deal", "", {{"TITLE", Value("Новая")}}}, kNow, false).ok());
  REQUIRE(s.client.dispatch(SetField{"D4", "TITLE", Value("отклонят"), {}}, kNow + 1).ok());
  s.replica.apply(s.server.page({"D1"}));
  CHECK(s.client_ws.item("NEW1"));
  auto dropped = s.replica.reject("cl", 2);
  CHECK(dropped.empty());
  CHECK(s.client_ws.item("D4")->get("TITLE") == s.server.ws.item("D4")->get("TITLE"));
  CHECK(s.client_ws.item("NEW1"));
  CHECK(s.replica.pending().size() == 1);
}

TEST_CASE("a pending mutation that no longer applies on the server state is held, not dropped") {
  Setup s;
  REQUIRE(s.client.dispatch(SetField{"D5", "CLOSEDATE", Value("2027-01-01"), {}}, kNow).ok());
  REQUIRE(s.client.dispatch(SetField{"D1", "TITLE", Value("после"), {}}, kNow + 1).ok());
  // Meanwhile an administrator made the deal unreadable... here: the item was deleted on the server.
  s.server.ws.remove_item("D5");
  PullPage p = s.server.page({});
  p.removed = {"D5"};
  auto held = s.replica.apply(p);
  REQUIRE(held.size() == 1);
  CHECK(held[0].status.code == "unknown_item");
  CHECK_FALSE(s.client_ws.item("D5"));
  // It is still sent (the server must see every sequence number, and decides); the next one still shows.
  REQUIRE(s.replica.pending().size() == 2);
  CHECK(s.replica.pending()[0].seq == 1);
  CHECK(s.client_ws.item("D1")->get("TITLE") == Value("после"));
  // Once the server has processed it (here: rejected), it is gone.
  s.server.last["cl"] = 2;
  CHECK(s.replica.apply(s.server.page({"D1"})).empty());
  CHECK(s.replica.pending().empty());
}

TEST_CASE("a pending config change is rebased on a new server schema") {
  Setup s;
  FieldDef f;
  f.id = "UF_CRM_LOCAL";
  f.entity = "deal";
  f.label = {"Локальное", "Local"};
  REQUIRE(s.client.dispatch(PutField{f}, kNow).ok());
  Session other(s.server.ws, "other", "u1");
  other.set_sink([&](const Mutation& m) { s.server.last[m.client] = m.seq; });
  FieldDef g = f;
  g.id = "UF_CRM_SERVER";
  g.label = {"Серверное", "Server"};
  REQUIRE(other.dispatch(PutField{g}, kNow + 1).ok());
  s.replica.apply(s.server.page({}, true));
  CHECK(s.client_ws.schema().field("deal", "UF_CRM_LOCAL"));
  CHECK(s.client_ws.schema().field("deal", "UF_CRM_SERVER"));
}

TEST_CASE("a malformed pull body is refused") {
  PullPage p;
  CHECK(parse_pull("not json", &p).code == "malformed_response");
  CHECK(parse_pull(R"({"items":[{"id":""}]})", &p).code == "invalid_snapshot");
}

namespace {

// parse_pull reads pages straight from the text, and the DOM when anything is unusual: both must give
// the same page. Reads `body` with parse_pull and, item by item, with load_item on the DOM.
void check_same_as_dom(const std::string& body) {
  PullPage p;
  REQUIRE(parse_pull(body, &p).ok());
  json j = json::parse(body);
  REQUIRE(p.items.size() == j["items"].size());
  const Schema schema;
  for (size_t i = 0; i < p.items.size(); ++i) {
    Item want;
    std::vector<TimelineEntry> tl;
    REQUIRE(load_item(j["items"][i], &want, &tl).ok());
    CHECK(item_json(schema, p.items[i].item, p.items[i].timeline, nullptr).dump() ==
          item_json(schema, want, tl, nullptr).dump());
    CHECK(p.items[i].whole_timeline == !j["items"][i].contains("timelineFrom"));
    for (const auto& e : p.items[i].timeline) CHECK(e.item == want.id);
  }
  CHECK(p.cursor == j.value("cursor", ""));
  CHECK(p.more == j.value("more", false));
  CHECK(p.reset == j.value("reset", false));
  CHECK(p.removed == j.value("removed", std::vector<std::string>{}));
  const json last = j.value("lastMutationIds", json::object());  // named: items() must not outlive it
  for (const auto& [c, n] : last.items()) CHECK(p.last_mutation_ids[c] == n.get<std::uint64_t>());
}

}  // namespace

TEST_CASE("pull pages read straight from the text give what the JSON DOM gives") {
  // Every kind of value and entry member, escapes and non-ASCII text, activities and products (read via
  // the DOM), a partial timeline, and members the reader does not know.
  const std::string body = R"({"cursor":"c1","more":true,"reset":false,"unknown":{"a":[1,2.5e3,null]},
    "items":[
      {"id":"D1","entity":"deal","pipeline":"0","created":1730085001000,"createdBy":"u1","deleted":false,
       "deletedAt":0,"deletedBy":"","extra":[true,false],
       "fields":{"TITLE":{"v":"Поставка \"серверов\"\n\u00e9\ud83d\ude00 / \/","h":"00000192d11a1728-0000-gen"},
                 "N":{"v":-42,"h":"00000192d11a1728-0001-gen"},"D":{"v":1.5e-3,"h":"00000192d11a1728-0000-gen"},
                 "B":{"v":true,"h":"00000192d11a1728-0000-gen"},"Z":{"v":null},
                 "BIG":{"v":18446744073709551615,"h":"00000192d11a1728-0000-gen"},
                 "M":{"v":{"c":"RUB","m":125000000},"h":"00000192d11a1728-0000-gen"},
                 "F":{"v":{"file":"f1","name":"a.pdf","mime":"application/pdf","size":12,"x":1}},
                 "L":{"v":["CO2",["C2",3],{"m":1,"c":"USD"}],"h":"00000192d11a1728-0000-gen"},
                 "A":{"h":"00000192d11a1728-0000-gen","v":"later h first"}},
       "timeline":[{"author":"u1","id":"gen:25","kind":"created","time":1730085001000},
                   {"author":"u1","field":"STAGE_ID","id":"gen:26","kind":"stage_changed","new":"PREP","old":null,
                    "time":1730092201000,"ver":7,"note":"n","pinned":true,"removed":false,"edited":5,
                    "text":"t","target":"C1","payload":"{\"x\":1}","unknown":[]}],
       "activities":[{"id":"a1","subject":"Call","deadline_ms":5}],
       "products":[]},
      {"timelineFrom":12,"fields":{},"timeline":[{"id":"e1","kind":"comment","text":"x","ver":13}],
       "entity":"contact","id":"C1"},
      {"id":"C2","entity":"contact"}],
    "removed":["D9","D8"],"lastMutationIds":{"web-1":17,"web-2":0}})";
  check_same_as_dom(body);
  // Unusual but valid JSON that the direct reader leaves to the DOM gives the same too.
  check_same_as_dom(R"({"items":[{"id":"D1","entity":"deal","created":1.7e12,"fields":{"X":{"v":1}}}]})");
  check_same_as_dom(R"({"items":[{"id":"D1","entity":"deal"}],"items":[{"id":"D2","entity":"deal"}]})");
  check_same_as_dom(R"({"items":[{"id":"D1","entity":"deal","fields":{"N":{"v":-99999999999999999999}}}]})");
  // Malformed pages are refused as before.
  PullPage p;
  CHECK(parse_pull(R"({"items":[{"id":"D1","entity":"deal"}]} x)", &p).code == "malformed_response");
  CHECK(parse_pull("{\"cursor\":\"\xff\"}", &p).code == "malformed_response");
  CHECK(parse_pull(R"({"items":[{"id":"D1","entity":"deal","fields":{"X":{"v":1,"h":"bad"}}}]})", &p).code ==
        "invalid_snapshot");
  CHECK(parse_pull(R"({"items":[{"id":"D1","entity":"deal","timeline":[{"id":"e","kind":"nope"}]}]})", &p).code ==
        "invalid_snapshot");
}
