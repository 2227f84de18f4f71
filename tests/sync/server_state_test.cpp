// The sync server's logic in-process: push (idempotency, gaps, errorMode, clocks, authors), pull
// (reset, incremental, paging, cursors, epochs, reassignment), projection, concurrency, restart,
// REST helpers.
//
// Index: [Organisation] [Bootstrap and push] [Malformed requests] [Pull] [Paging] [Concurrency]
//        [Projection] [Restart and storage] [REST helpers] [Poke]
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/layouts.hpp"
#include "core/rights.hpp"
#include "sync/cursor.hpp"
#include "sync_support.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::test;
using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Organisation
// ---------------------------------------------------------------------------------------------------------

Role role(const std::string& id, Level read, Level add, Level edit) {
  Role r{id, "Role " + id, {}, {}};
  r.defaults.read = read;
  r.defaults.add = add;
  r.defaults.edit = edit;
  r.defaults.remove = Level::None;
  return r;
}

// Departments d1 > (d2 > d4, d3). Users: u2 (d2, everything), u3 (d3, own items), u4 (d4, reads
// all, changes nothing), u5 (d2, nothing at all).
void seed_org(sync::ServerState& s, PushClient& admin) {
  admin.push_ok(
      s, {PutDepartment{{"d1", "Company", ""}, false}, PutDepartment{{"d2", "Sales", "d1"}, false},
          PutDepartment{{"d3", "Support", "d1"}, false},
          PutDepartment{{"d4", "Sales Moscow", "d2"}, false},
          PutRole{role("all", Level::All, Level::All, Level::All), false},
          PutRole{role("own", Level::Own, Level::All, Level::Own), false},
          PutRole{role("reader", Level::All, Level::None, Level::None), false},
          PutRole{role("none", Level::None, Level::None, Level::None), false},
          PutUser{{"u2", "Ivan", "d2", false, {"all"}, true}},
          PutUser{{"u3", "Maria", "d3", false, {"own"}, true}},
          PutUser{{"u4", "Dmitry", "d4", false, {"reader"}, true}},
          PutUser{{"u5", "Nobody", "d2", false, {"none"}, true}}});
}

CreateItem deal(const std::string& id, const std::string& responsible,
                const std::string& title = "Deal") {
  return CreateItem{
      id, "deal", "", {{"TITLE", Value(title)}, {"ASSIGNED_BY_ID", Value(responsible)}}};
}

SetField set(const std::string& item, const std::string& field, Value v) {
  return SetField{item, field, std::move(v), {}};
}

FieldDef secret_field(const std::string& id, std::vector<std::string> visible_to) {
  FieldDef f;
  f.id = id;
  f.entity = "deal";
  f.label = {"Метка " + id, "Label " + id};
  f.visible_to = std::move(visible_to);
  return f;
}

json page_of(sync::ServerState& s, const std::string& user, const std::string& cursor,
             std::size_t limit = 0) {
  sync::Response r = s.pull(user, pull_body(cursor, limit));
  REQUIRE_MESSAGE(r.status == 200, r.body.dump());
  return r.body;
}

std::string item_text(sync::ServerState& s, const std::string& id) {
  return s.read([&](const Workspace& ws) {
    return ws.item(id) ? item_json(ws, *ws.item(id), nullptr).dump() : std::string();
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Bootstrap and push
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("the first administrator is created once, as a logged mutation that survives a restart") {
  TestServer s(false);
  CHECK(s->version() == 0);
  CHECK(s->bootstrap_admin("u1", "Admin"));
  CHECK(s->version() == 1);
  CHECK_FALSE(s->bootstrap_admin("u9", "Other"));
  CHECK(s->version() == 1);
  CHECK(s->is_admin("u1"));
  CHECK_FALSE(s->user("u9"));
  CHECK(s.logged().size() == 1);
  s.restart();
  CHECK(s->version() == 1);
  REQUIRE(s->user("u1"));
  CHECK(s->user("u1")->admin);
  CHECK(s->first_admin() == std::optional<std::string>("u1"));
}

TEST_CASE("a push applies in order, numbers versions without gaps and answers per mutation") {
  TestServer s;
  PushClient a("a", "u1");
  sync::Response r = s->push(
      "u1",
      PushClient::body({a.mutation(deal("D1", "u1")), a.mutation(set("D1", "TITLE", Value("B"))),
                        a.mutation(set("D1", "OPPORTUNITY_WITH_CURRENCY", Value("lots")))}));
  REQUIRE(r.status == 200);
  const json& res = r.body["results"];
  REQUIRE(res.size() == 3);
  CHECK(res[0] == json{{"client", "a"}, {"seq", 1}, {"status", "applied"}, {"ver", 2}});
  CHECK(res[1]["ver"] == 3);
  CHECK(res[2]["status"] == "rejected");
  CHECK(res[2]["code"] == "invalid_money");
  CHECK(res[2]["field"] == "OPPORTUNITY_WITH_CURRENCY");
  CHECK(r.body["lastMutationIds"] == json{{"a", 3}});
  CHECK(s->version() == 3);  // the rejected mutation takes no version
  s->read([](const Workspace& ws) {
    const auto& tl = ws.timeline("D1");
    REQUIRE(tl.size() == 2);
    CHECK(tl[0].ver == 2);  // entries carry the version that produced them
    CHECK(tl[1].ver == 3);
    return 0;
  });
}

TEST_CASE("replaying a push one to three times leaves the same state") {
  for (int times = 1; times <= 3; ++times) {
    CAPTURE(times);
    TestServer s;
    PushClient admin("adm", "u1");
    seed_org(*s, admin);
    PushClient c("c", "u2");
    std::vector<json> ms{
        c.mutation(deal("D1", "u2")), c.mutation(set("D1", "TITLE", Value("Поставка"))),
        c.mutation(set("D1", "CLOSEDATE", Value("31.02.2026"))),  // rejected: not a date
        c.mutation(deal("D2", "u3")),
        c.mutation(SetField{"D1", "STAGE_ID", Value("PREPARATION"), {}})};
    const json push = PushClient::body(ms);
    std::string first;
    std::uint64_t version = 0;
    for (int k = 0; k < times; ++k) {
      sync::Response r = s->push("u2", push);
      REQUIRE(r.status == 200);
      CHECK(r.body["lastMutationIds"]["c"] == 5);
      if (k == 0) {
        first = state_text(*s);
        version = s->version();
        CHECK(r.body["results"][2]["status"] == "rejected");
      } else {
        CHECK(state_text(*s) == first);
        CHECK(s->version() == version);
        for (const auto& res : r.body["results"]) CHECK(res["status"] == "duplicate");
        // A duplicate of a rejected mutation tells again why it was rejected (the first answer may
        // be lost).
        CHECK(r.body["results"][2]["code"] == "invalid_date");
      }
    }
    // A push overlapping what was processed applies only its new tail.
    sync::Response r = s->push(
        "u2", PushClient::body({ms[3], ms[4], c.mutation(set("D2", "TITLE", Value("Новое")))}));
    REQUIRE(r.status == 200);
    CHECK(r.body["results"][0]["status"] == "duplicate");
    CHECK(r.body["results"][1]["status"] == "duplicate");
    CHECK(r.body["results"][2]["status"] == "applied");
    CHECK(s->version() == version + 1);
  }
}

TEST_CASE(
    "a push that skips sequence numbers is refused with the expected one and changes nothing") {
  TestServer s;
  PushClient a("a", "u1");
  json m1 = a.mutation(deal("D1", "u1")), m2 = a.mutation(set("D1", "TITLE", Value("2"))),
       m3 = a.mutation(set("D1", "TITLE", Value("3")));
  REQUIRE(s->push("u1", PushClient::body({m1})).status == 200);
  const std::string before = state_text(*s);
  const std::uint64_t version = s->version();

  sync::Response r = s->push("u1", PushClient::body({m3}));
  CHECK(r.status == 409);
  CHECK(r.body["error"] == "mutation_gap");
  CHECK(r.body["client"] == "a");
  CHECK(r.body["expected"] == 2);
  CHECK(r.body["message"].is_string());

  // A push whose head is fine but which skips later changes nothing either, for any of its clients.
  PushClient b("b", "u1");
  json b1 = b.mutation(deal("B1", "u1")), b2 = b.mutation(set("B1", "TITLE", Value("x")));
  b.mutation(set("B1", "TITLE", Value("lost")));
  json b4 = b.mutation(set("B1", "TITLE", Value("y")));
  r = s->push("u1", PushClient::body({m2, b1, b2, b4}));
  CHECK(r.status == 409);
  CHECK(r.body["client"] == "b");
  CHECK(r.body["expected"] == 3);
  CHECK(state_text(*s) == before);
  CHECK(s->version() == version);
  json pulled = page_of(*s, "u1", "");
  CHECK(pulled["lastMutationIds"] == json{{"a", 1}});

  // Resending from the expected number goes through.
  r = s->push("u1", PushClient::body({m2, m3}));
  CHECK(r.status == 200);
  CHECK(r.body["lastMutationIds"]["a"] == 3);
}

TEST_CASE(
    "errorMode: a refused mutation advances the client's sequence and is reported; the next one "
    "applies") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), deal("D3", "u3")});
  const std::string d1 = item_text(*s, "D1");
  PushClient c("c", "u3");  // own items only
  sync::Response r =
      s->push("u3", PushClient::body({c.mutation(set("D1", "TITLE", Value("mine now"))),
                                      c.mutation(set("D3", "TITLE", Value("first"))),
                                      c.mutation(set("D3", "CLOSEDATE", Value("31.02.2026"))),
                                      c.mutation(deal("D9", "u3")),
                                      c.mutation(set("D3", "TITLE", Value("second")))}));
  REQUIRE(r.status == 200);
  const json& res = r.body["results"];
  CHECK(res[0]["status"] == "rejected");
  CHECK(res[0]["code"] == "unknown_item");  // an item she may not read does not exist for her
  CHECK(res[1]["status"] == "applied");
  CHECK(res[2]["code"] == "invalid_date");
  CHECK(res[3]["status"] == "applied");  // "own" may add
  CHECK(res[4]["status"] == "applied");
  CHECK(r.body["lastMutationIds"] == json{{"c", 5}});
  CHECK(item_text(*s, "D1") == d1);
  s->read([](const Workspace& ws) {
    CHECK(ws.item("D3")->get("TITLE") == Value("second"));
    return 0;
  });
  // Reader u4 may not change anything: rejected with forbidden, queue moves on.
  PushClient d("d", "u4");
  r = d.push(*s, set("D1", "TITLE", Value("nope")));
  CHECK(r.body["results"][0]["code"] == "forbidden");
  CHECK(r.body["lastMutationIds"]["d"] == 1);
  CHECK(item_text(*s, "D1") == d1);
}

TEST_CASE("the author of a mutation is the pushing user, whatever the mutation says") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), deal("D3", "u3")});
  PushClient c("c", "u3");
  json m = c.mutation(set("D1", "TITLE", Value("as admin")));
  m["a"] = "u1";  // pretends to be the administrator
  json m2 = c.mutation(set("D3", "TITLE", Value("hers")));
  m2["a"] = "u2";
  sync::Response r = s->push("u3", PushClient::body({m, m2}));
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["code"] == "unknown_item");
  CHECK(r.body["results"][1]["status"] == "applied");
  s->read([](const Workspace& ws) {
    CHECK(ws.timeline("D3").back().author == "u3");
    return 0;
  });
  CHECK(s.logged().back().mutation.author == "u3");
}

TEST_CASE("a mutation clock more than 60 s ahead of the server is rejected on its own") {
  TestServer s;
  PushClient a("a", "u1");
  a.push_ok(*s, {deal("D1", "u1")});
  const std::int64_t now = test_time();
  json soon = a.mutation(set("D1", "TITLE", Value("soon")), now + 59000);
  json future = a.mutation(set("D1", "TITLE", Value("future")), now + 61000);
  sync::Response r = s->push("u1", PushClient::body({soon, future}));
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["status"] == "applied");
  CHECK(r.body["results"][1]["code"] == "clock_skew");
  CHECK(r.body["lastMutationIds"]["a"] == 3);
  s->read([](const Workspace& ws) {
    CHECK(ws.item("D1")->get("TITLE") == Value("soon"));
    return 0;
  });
}

TEST_CASE("a client id belongs to the user who first pushed with it") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  PushClient ivan("shared", "u2");
  ivan.push_ok(*s, {deal("D1", "u2")});
  const std::string before = state_text(*s);
  PushClient maria("shared", "u3");
  maria.mutation(deal("X", "u3"));  // her seq 1 is skipped so that seq 2 is not a gap
  sync::Response r = s->push("u3", PushClient::body({maria.mutation(deal("D2", "u3"))}));
  CHECK(r.status == 403);
  CHECK(r.body["error"] == "forbidden");
  CHECK(state_text(*s) == before);
  // Her pulls do not list his client either.
  CHECK(page_of(*s, "u3", "")["lastMutationIds"] == json::object());
  CHECK(page_of(*s, "u2", "")["lastMutationIds"] == json{{"shared", 1}});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Malformed requests
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("malformed, oversized or foreign-version pushes are refused and change nothing") {
  TestServer s;
  PushClient a("a", "u1");
  a.push_ok(*s, {deal("D1", "u1")});
  const std::string before = state_text(*s);
  const std::uint64_t version = s->version();
  json good = a.mutation(set("D1", "TITLE", Value("x")));
  auto with = [&](const char* key, json v) {
    json m = good;
    if (v.is_discarded())
      m.erase(key);
    else
      m[key] = std::move(v);
    return PushClient::body({m});
  };
  struct Case {
    const char* name;
    json body;
    int status;
    const char* code;
  };
  json many = json::array();
  for (int i = 0; i < 501; ++i) many.push_back(good);
  const json gone = json(json::value_t::discarded);
  std::vector<Case> cases{
      {"not an object", json("push"), 400, "malformed_json"},
      {"no protocol", json{{"mutations", json::array()}}, 426, "version_not_supported"},
      {"protocol 2", json{{"protocol", 2}, {"mutations", json::array()}}, 426,
       "version_not_supported"},
      {"newer schema", json{{"protocol", 1}, {"schema", 2}, {"mutations", json::array()}}, 426,
       "version_not_supported"},
      {"schema not a number", json{{"protocol", 1}, {"schema", "1"}, {"mutations", json::array()}},
       400, "malformed_json"},
      {"no mutations", json{{"protocol", 1}}, 400, "malformed_json"},
      {"mutations not an array", json{{"protocol", 1}, {"mutations", json::object()}}, 400,
       "malformed_json"},
      {"a mutation not an object", PushClient::body({json(1)}), 400, "malformed_json"},
      {"empty client", with("c", ""), 400, "malformed_json"},
      {"no client", with("c", gone), 400, "malformed_json"},
      {"reserved client", with("c", "~server"), 400, "malformed_json"},
      {"seq 0", with("s", 0), 400, "malformed_json"},
      {"negative seq", with("s", -1), 400, "malformed_json"},
      {"seq as text", with("s", "2"), 400, "malformed_json"},
      {"bad clock", with("h", "yesterday"), 400, "malformed_json"},
      {"time as text", with("t", "now"), 400, "malformed_json"},
      {"no command", with("cmd", gone), 400, "malformed_json"},
      {"command without op", with("cmd", json{{"item", "D1"}}), 400, "malformed_json"},
      {"501 mutations", json{{"protocol", 1}, {"mutations", many}}, 413, "too_large"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    sync::Response r = s->push("u1", c.body);
    CHECK(r.status == c.status);
    CHECK(r.body["error"] == c.code);
    CHECK(r.body["message"].is_string());
    CHECK(state_text(*s) == before);
    CHECK(s->version() == version);
  }
  CHECK(page_of(*s, "u1", "")["lastMutationIds"]["a"] == 1);
  sync::Response r = s->push("u1", json{{"protocol", 2}, {"mutations", json::array()}});
  CHECK(r.body["minClient"] == 1);

  // A command that does not read is rejected on its own: one bad mutation never blocks the queue.
  json odd = good;
  odd["cmd"] = json{{"op", "item.teleport"}, {"item", "D1"}};
  r = s->push("u1", PushClient::body({odd}));
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["code"] == "invalid_command");
  CHECK(r.body["lastMutationIds"]["a"] == 2);
  CHECK(state_text(*s) == before);
}

TEST_CASE("malformed pulls are refused") {
  TestServer s;
  struct Case {
    const char* name;
    json body;
    int status;
  };
  std::vector<Case> cases{
      {"not an object", json::array(), 400},
      {"protocol 2", json{{"protocol", 2}}, 426},
      {"cursor a number", json{{"protocol", 1}, {"cursor", 5}}, 400},
      {"limit zero", json{{"protocol", 1}, {"limit", 0}}, 400},
      {"limit text", json{{"protocol", 1}, {"limit", "10"}}, 400},
      {"negative limit", json{{"protocol", 1}, {"limit", -3}}, 400},
      {"clients not a list", json{{"protocol", 1}, {"clients", "a"}}, 400},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(s->pull("u1", c.body).status == c.status);
  }
  CHECK(s->pull("nobody", pull_body("")).status == 403);
}

namespace {

// Mutation `m` with `node` as its clock's node.
json with_node(json m, const std::string& node) {
  std::string h = m["h"];
  h.replace(h.find('-', 17) + 1, std::string::npos, node);
  m["h"] = h;
  return m;
}

}  // namespace

TEST_CASE("clock node names are interned when a mutation is applied, never for a refused push") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u1"), deal("D3", "u3")});
  // The test's own clients intern their ids (as an app does): made before counting.
  PushClient gap("gap", "u1"), bad("bad", "u1"), stolen("adm", "u2"), nobody("nobody-tab", "u9"),
      longer("long", "u1"), maria("maria-tab", "u3"), maria_ahead("maria-ahead", "u3");
  const std::string before = state_text(*s);
  const size_t interned = NodeId::interned();
  auto distinct = [](const std::string& prefix, size_t i) { return prefix + std::to_string(i); };

  // 409: a gap in the sequence numbers.
  std::vector<json> ms;
  gap.mutation(set("D1", "TITLE", Value("skipped")));
  for (size_t i = 0; i < 500; ++i) ms.push_back(with_node(gap.mutation(set("D1", "TITLE", Value("x"))), distinct("gap-", i)));
  sync::Response r = s->push("u1", PushClient::body(ms));
  CHECK(r.status == 409);
  // 400: one envelope in the push does not read.
  ms.clear();
  for (size_t i = 0; i < 499; ++i) ms.push_back(with_node(bad.mutation(set("D1", "TITLE", Value("x"))), distinct("bad-", i)));
  ms.push_back(json{{"c", "bad"}});
  CHECK(s->push("u1", PushClient::body(ms)).status == 400);
  // 403: another user's client id, and a user who is not (or no longer) in the workspace.
  CHECK(s->push("u2", PushClient::body({with_node(stolen.mutation(set("D1", "TITLE", Value("x"))), "stolen-node")}))
            .status == 403);
  CHECK(s->push("u9", PushClient::body({with_node(nobody.mutation(set("D1", "TITLE", Value("x"))), "nobody-node")}))
            .status == 403);
  // 400: a node name over kMaxNodeLength bytes.
  r = s->push("u1", PushClient::body({with_node(longer.mutation(set("D1", "TITLE", Value("x"))),
                                                std::string(kMaxNodeLength + 1, 'n'))}));
  CHECK(r.status == 400);
  CHECK(r.body["error"] == "malformed_json");
  CHECK(r.body["message"].get<std::string>().find("64 bytes") != std::string::npos);
  CHECK(NodeId::interned() == interned);
  CHECK(state_text(*s) == before);

  // Rejected before the workspace sees them (a command that does not read, a clock far ahead, an item the
  // user may not read): reported, logged without a node, nothing interned.
  json odd = with_node(maria.mutation(set("D3", "TITLE", Value("x"))), "odd-node");
  odd["cmd"]["op"] = "item.teleport";
  json ahead =
      with_node(maria_ahead.mutation(set("D3", "TITLE", Value("x")), test_time() + 3600 * 1000), "ahead-node");
  json hidden = with_node(maria.mutation(set("D1", "TITLE", Value("x"))), "hidden-node");
  r = s->push("u3", PushClient::body({odd, ahead, hidden}));
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["code"] == "invalid_command");
  CHECK(r.body["results"][1]["code"] == "clock_skew");
  CHECK(r.body["results"][2]["code"] == "unknown_item");
  CHECK(NodeId::interned() == interned);
  for (size_t i = s.logged().size() - 3; i < s.logged().size(); ++i) CHECK(s.logged()[i].mutation.hlc.node.empty());
  CHECK(state_text(*s) == before);

  // Applied: its node is interned, and the cell carries it.
  r = s->push("u3", PushClient::body({with_node(maria.mutation(set("D3", "TITLE", Value("mine"))), "applied-node")}));
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["status"] == "applied");
  CHECK(NodeId::interned() == interned + 1);
  CHECK(s->read([](const Workspace& ws) { return ws.item("D3")->cell("TITLE")->hlc.node.str(); }) == "applied-node");
  s.restart();
  CHECK(s->read([](const Workspace& ws) { return ws.item("D3")->cell("TITLE")->hlc.node.str(); }) == "applied-node");
}

TEST_CASE("a value nested deeper than kMaxValueDepth is rejected by push and refused by a REST write") {
  TestServer s;
  PushClient a("a", "u1");
  a.push_ok(*s, {deal("D1", "u1")});
  const std::string before = state_text(*s);
  json deep = "x";
  for (int i = 0; i <= kMaxValueDepth; ++i) deep = json::array({deep});
  json m = a.mutation(set("D1", "TITLE", Value("x")));
  m["cmd"]["value"] = deep;
  sync::Response r = s->push("u1", PushClient::body({m}));
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["code"] == "invalid_command");
  r = s->write_fields("u1", "D1", json{{"TITLE", deep}});
  CHECK(r.status == 422);
  CHECK(r.body["error"] == "invalid_value");
  CHECK(state_text(*s) == before);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Pull
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("a first pull is a projected snapshot; later pulls bring only what changed") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), deal("D2", "u2"), deal("D3", "u3")});
  Replica r("u2");
  json first = r.pull_once(*s);
  CHECK(first["reset"] == true);
  CHECK(first["more"] == false);
  CHECK(first.contains("schema"));
  CHECK(first["items"].size() == 3);
  check_converged(*s, r);

  json quiet = r.pull_once(*s);
  CHECK(quiet["reset"] == false);
  CHECK_FALSE(quiet.contains("schema"));
  CHECK(quiet["items"].empty());
  CHECK(quiet["removed"].empty());

  admin.push_ok(*s, {set("D1", "TITLE", Value("Новое название"))});
  json next = r.pull_once(*s);
  REQUIRE(next["items"].size() == 1);
  const json& d1 = next["items"][0];
  CHECK(d1["id"] == "D1");
  CHECK(d1["timelineFrom"].get<std::uint64_t>() > 0);
  REQUIRE(d1["timeline"].size() == 1);  // only the new entry
  CHECK(d1["timeline"][0]["new"] == "Новое название");
  CHECK(d1["timeline"][0]["ver"] == s->version());
  check_converged(*s, r);

  // A configuration change comes as the schema, only when it changed.
  FieldDef f = secret_field("UF_CRM_NOTE", {});
  admin.push_ok(*s, {PutField{f}});
  json cfg = r.pull_once(*s);
  CHECK(cfg.contains("schema"));
  CHECK(cfg["reset"] == false);
  CHECK(cfg["items"].empty());
  check_converged(*s, r);

  // lastMutationIds lists this user's clients only, and only those asked for when a list is given.
  PushClient mine("ivan-tab", "u2");
  mine.push_ok(*s, {set("D2", "TITLE", Value("его"))});
  json page = r.pull_once(*s);
  CHECK(page["lastMutationIds"] == json{{"ivan-tab", 1}});
  json asked = pull_body(r.cursor);
  asked["clients"] = json::array({"other"});
  CHECK(s->pull("u2", asked).body["lastMutationIds"] == json::object());
}

TEST_CASE("a forged, damaged or foreign cursor reads as no cursor") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2")});
  Replica r("u2");
  r.sync(*s);
  std::string bad = r.cursor;
  bad[bad.size() / 3] = bad[bad.size() / 3] == 'A' ? 'B' : 'A';
  CHECK(page_of(*s, "u2", bad)["reset"] == true);
  CHECK(page_of(*s, "u2", "garbage")["reset"] == true);
  CHECK(page_of(*s, "u2", r.cursor + "x")["reset"] == true);
  CHECK(page_of(*s, "u4", r.cursor)["reset"] == true);  // issued to another user
  // Signed with another secret (another server's workspace).
  sync::CursorCodec other("another secret");
  sync::Cursor c = *sync::CursorCodec(kSecret).decode(r.cursor);
  CHECK(page_of(*s, "u2", other.encode(c))["reset"] == true);
  // From the future (a restored older database).
  c.base = c.pos_ver = s->version() + 10;
  CHECK(page_of(*s, "u2", sync::CursorCodec(kSecret).encode(c))["reset"] == true);
  CHECK(page_of(*s, "u2", r.cursor)["reset"] == false);
}

TEST_CASE("changes of who may see what reset every cursor; other configuration changes do not") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  FieldDef note = secret_field("UF_CRM_NOTE", {});
  admin.push_ok(*s, {PutField{note}, deal("D1", "u2"), deal("D3", "u3"),
                     set("D3", "UF_CRM_NOTE", Value("заметка"))});
  Replica maria("u3"), dmitry("u4");
  maria.sync(*s);
  dmitry.sync(*s);
  CHECK(maria.items.count("D3"));

  // A label change: incremental.
  note.label = {"Заметка", "Note"};
  admin.push_ok(*s, {PutField{note}});
  CHECK(maria.pull_once(*s)["reset"] == false);
  check_converged(*s, maria);

  // Visibility of a field: reset, and the value is gone for those who lost it.
  const std::uint64_t epoch = s->access_epoch();
  note.visible_to = {"Uu4"};
  admin.push_ok(*s, {PutField{note}});
  CHECK(s->access_epoch() > epoch);
  json page = maria.pull_once(*s);
  CHECK(page["reset"] == true);
  CHECK(page.dump().find("заметка") == std::string::npos);
  CHECK(page.dump().find("UF_CRM_NOTE") == std::string::npos);
  check_converged(*s, maria);
  CHECK(dmitry.pull_once(*s)["reset"] == true);
  check_converged(*s, dmitry);
  CHECK(dmitry.items.at("D3")["fields"].contains("UF_CRM_NOTE"));

  // Roles, users, departments, views: each resets.
  admin.push_ok(*s, {PutRole{role("own", Level::All, Level::All, Level::Own), false}});
  CHECK(maria.pull_once(*s)["reset"] == true);
  check_converged(*s, maria);
  CHECK(maria.items.count("D1"));  // she reads everything now
  admin.push_ok(*s, {PutUser{{"u6", "New", "d3", false, {}, true}}});
  CHECK(maria.pull_once(*s)["reset"] == true);
  admin.push_ok(*s, {PutDepartment{{"d5", "New", "d1"}, false}});
  CHECK(maria.pull_once(*s)["reset"] == true);
  View v;
  v.id = "v1";
  v.family = "deal:0";
  v.name = "Sales view";
  v.assigned = {"DRd2"};
  admin.push_ok(*s, {PutView{v, false}});
  CHECK(maria.pull_once(*s)["reset"] == true);
  check_converged(*s, maria);
}

TEST_CASE("an item reassigned away comes as removed; one reassigned to the user comes whole") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), set("D1", "TITLE", Value("v2")),
                     set("D1", "TITLE", Value("v3")), deal("D3", "u3"), deal("HIDDEN-7", "u2")});
  Replica maria("u3");
  maria.sync(*s);
  CHECK(maria.items.size() == 1);

  admin.push_ok(*s, {set("D3", "ASSIGNED_BY_ID", Value("u2"))});
  json page = maria.pull_once(*s);
  CHECK(page["removed"] == json::array({"D3"}));
  CHECK(page["items"].empty());
  CHECK(maria.items.empty());

  admin.push_ok(*s, {set("D1", "ASSIGNED_BY_ID", Value("u3"))});
  page = maria.pull_once(*s);
  REQUIRE(page["items"].size() == 1);
  const json& d1 = page["items"][0];
  CHECK_FALSE(d1.contains("timelineFrom"));  // she may never have seen it: the whole history
  CHECK(d1["timeline"].size() == 4);
  check_converged(*s, maria);

  // Changes of an item she never could read say nothing about it, not even its id.
  admin.push_ok(
      *s, {set("HIDDEN-7", "TITLE", Value("x")), set("HIDDEN-7", "ASSIGNED_BY_ID", Value("u4"))});
  page = maria.pull_once(*s);
  CHECK(page.dump().find("HIDDEN-7") == std::string::npos);
  check_converged(*s, maria);

  // Assigned to her and away again between two pulls: she may have had it (in another tab's pull),
  // so it is reported as removed; the cursor's pages never name it otherwise.
  admin.push_ok(*s, {set("HIDDEN-7", "ASSIGNED_BY_ID", Value("u3")),
                     set("HIDDEN-7", "ASSIGNED_BY_ID", Value("u2"))});
  page = maria.pull_once(*s);
  CHECK(page["removed"] == json::array({"HIDDEN-7"}));
  check_converged(*s, maria);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Paging
// ---------------------------------------------------------------------------------------------------------

namespace {

void paged_snapshot_while_others_write(bool binary) {
  CAPTURE(binary);
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  std::vector<Command> creates;
  for (int i = 1; i <= 30; ++i)
    creates.push_back(deal("D" + std::to_string(i), i % 2 ? "u2" : "u3"));
  admin.push_ok(*s, std::move(creates));
  const auto at_start = projected_items(*s, "u2");
  const sync::CursorCodec codec(kSecret);
  std::mt19937 rng(7);

  Replica r("u2");
  r.binary = binary;
  std::set<std::string> in_snapshot;
  std::set<std::string> changed_since;  // items changed after the snapshot's version
  int n = 0;
  bool snapshot_done = false;
  for (int guard = 0; guard < 1000; ++guard) {
    json page = r.pull_once(*s, 4);
    CHECK(page["items"].size() <= 4);
    if (!snapshot_done) {
      CHECK(page["reset"] == (guard == 0));
      for (const auto& it : page["items"]) {
        const std::string id = it["id"];
        CHECK_MESSAGE(in_snapshot.insert(id).second, "twice in one snapshot: " << id);
        // Every item of the snapshot is as it was when the snapshot began.
        REQUIRE(at_start.count(id));
        CHECK(it == at_start.at(id));
        CHECK_FALSE(changed_since.count(id));
      }
      snapshot_done = codec.decode(r.cursor)->snapshot == 0;
      if (snapshot_done) {
        // Together with the items that changed meanwhile, the snapshot covers everything there was.
        for (const auto& [id, item] : at_start)
          CHECK((in_snapshot.count(id) || changed_since.count(id)));
      }
    }
    if (!page["more"].get<bool>()) break;
    // Others write between pages: items already paged or not, new items, a new field.
    std::vector<Command> cmds;
    for (int k = 0; k < 2; ++k) {
      const std::string id = "D" + std::to_string(1 + rng() % 30);
      cmds.push_back(set(id, "TITLE", Value("изменено " + std::to_string(++n))));
      changed_since.insert(id);
    }
    cmds.push_back(deal("N" + std::to_string(n), "u2"));
    if (n == 4) cmds.push_back(PutField{secret_field("UF_CRM_LATE", {})});
    if (guard < 6) admin.push_ok(*s, std::move(cmds));
  }
  CHECK(snapshot_done);
  CHECK(r.resets == 1);
  check_converged(*s, r);
  CHECK(r.schema.dump().find("UF_CRM_LATE") != std::string::npos);
  // In binary every page is binary, what changed meanwhile too.
  if (binary) CHECK(r.raw_pages.size() == static_cast<size_t>(r.pages));
}

}  // namespace

TEST_CASE("a paged snapshot is taken at one version while others write; what changed follows") {
  paged_snapshot_while_others_write(false);
}

TEST_CASE("the same in binary pages") { paged_snapshot_while_others_write(true); }

TEST_CASE("binary pages: asked for by format, a reset starts over, changes after the snapshot name their partial timelines") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  std::vector<Command> creates;
  for (int i = 1; i <= 12; ++i) creates.push_back(deal("D" + std::to_string(i), "u2"));
  FieldDef mid = secret_field("UF_CRM_MID", {});
  creates.push_back(PutField{mid});
  admin.push_ok(*s, std::move(creates));

  // A format that is not "json" or "binary" is refused; "json" and no format answer JSON.
  for (json bad : {json("xml"), json(1), json::object()}) {
    json body = pull_body("");
    body["format"] = bad;
    CHECK(s->pull("u2", body).status == 400);
  }
  json as_json = pull_body("");
  as_json["format"] = "json";
  CHECK(s->pull("u2", as_json).bytes.empty());
  CHECK(s->pull("u2", pull_body("")).bytes.empty());

  // Items carry their numbers: in JSON, in binary pages of format 2; a client from before numbers (no
  // "pageFormat") gets format 1 without them; another format is refused.
  const sync::Response numbered = s->pull("u2", pull_body("", 0, true));
  const json numbered_page = binary_page_json(numbered.bytes);
  REQUIRE(numbered_page.is_object());
  CHECK(numbered.bytes.substr(4, 1) == std::string(1, '\x02'));
  CHECK(numbered_page["items"][0]["number"] == 1);
  CHECK(s->pull("u2", pull_body("")).body["items"][0]["number"] == 1);
  json older_client = pull_body("", 0, true);
  older_client.erase("pageFormat");
  const sync::Response unnumbered = s->pull("u2", older_client);
  CHECK(unnumbered.bytes.substr(4, 1) == std::string(1, '\x01'));
  REQUIRE(binary_page_json(unnumbered.bytes).is_object());
  CHECK_FALSE(binary_page_json(unnumbered.bytes)["items"][0].contains("number"));
  for (json bad : {json(3), json(0), json("2"), json(-1)}) {
    json body = pull_body("", 0, true);
    body["pageFormat"] = bad;
    CHECK(s->pull("u2", body).status == 400);
  }

  Replica r("u2");
  r.binary = true;
  r.partial_items = false;  // whole items with partial timelines (items' changes: the next test)
  json first = r.pull_once(*s, 5);
  CHECK(first["reset"] == true);
  CHECK(first["items"].size() == 5);
  CHECK(first.contains("schema"));
  CHECK(r.raw_pages.size() == 1);
  // Who may see what changes in the middle of the snapshot: the next page is a reset, a new snapshot.
  mid.visible_to = {"Ud3"};
  admin.push_ok(*s, {PutField{mid}});
  json again = r.pull_once(*s, 5);
  CHECK(again["reset"] == true);
  CHECK(r.resets == 2);
  r.sync(*s, 5);
  check_converged(*s, r);
  CHECK(r.items.size() == 12);
  const size_t snapshot_pages = r.raw_pages.size();
  CHECK(snapshot_pages == 4);  // 5 + 5 + 5 + 2, the first page of the first snapshot included

  // Later pulls are binary too. An item the client holds comes with the timeline entries after the cursor
  // only, named in the header; the same pull in JSON says the same with the item's "timelineFrom".
  admin.push_ok(*s, {set("D3", "TITLE", Value("потом"))});
  json next = r.pull_once(*s);
  CHECK(r.raw_pages.size() == snapshot_pages + 1);
  REQUIRE(next["items"].size() == 1);
  CHECK(next["reset"] == false);
  const std::string before_edit = r.cursor;
  admin.push_ok(*s, {set("D3", "TITLE", Value("ещё позже"))});
  const sync::Response as_text = s->pull("u2", pull_body(before_edit));
  REQUIRE(as_text.bytes.empty());
  next = r.pull_once(*s);
  CHECK(r.raw_pages.size() == snapshot_pages + 2);
  std::string_view header, block;
  REQUIRE(split_binary_pull_page(r.raw_pages.back(), &header, &block).ok());
  CHECK(json::parse(header)["partialTimelines"] == json::array({"D3"}));
  REQUIRE(next["items"].size() == 1);
  CHECK(next["items"][0]["timelineFrom"] == as_text.body["items"][0]["timelineFrom"]);
  CHECK(next["items"][0]["timeline"] == as_text.body["items"][0]["timeline"]);
  CHECK(next["items"][0]["timeline"].size() == 1);  // the title change only
  check_converged(*s, r);

  // A client from before partial timelines (binary without "partialTimelines") gets the changes as JSON;
  // a value that is not a boolean is refused.
  json older = pull_body(before_edit);
  older["format"] = "binary";
  const sync::Response old_client = s->pull("u2", older);
  CHECK(old_client.bytes.empty());
  CHECK(old_client.body["items"][0]["timelineFrom"] == as_text.body["items"][0]["timelineFrom"]);
  older["partialTimelines"] = "yes";
  CHECK(s->pull("u2", older).status == 400);
}

TEST_CASE("incremental pulls page through large changes, also many items changed at one version") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  FieldDef list = list_field("deal", "UF_CRM_KIND", {"Вид", "Kind"}, {{"A", {"А", "A"}}, {"B", {"Б", "B"}}});
  admin.push_ok(*s, {PutField{list}});
  std::vector<Command> creates;
  for (int i = 1; i <= 25; ++i)
    creates.push_back(deal("D" + std::to_string(i), i % 3 ? "u2" : "u3"));
  admin.push_ok(*s, std::move(creates));
  std::vector<Command> sets;
  for (int i = 1; i <= 25; ++i)
    sets.push_back(set("D" + std::to_string(i), "UF_CRM_KIND", Value("B")));
  admin.push_ok(*s, std::move(sets));
  Replica ivan("u2"), maria("u3");
  ivan.sync(*s, 3);
  maria.sync(*s, 3);
  // Deleting an option rewrites the cell of every item at one version: 25 entries share it.
  list.options.pop_back();
  admin.push_ok(*s, {PutField{list}});
  auto pages = ivan.sync(*s, 3);
  CHECK(pages.size() >= 9);
  for (const auto& p : pages) CHECK(p["items"].size() <= 3);
  check_converged(*s, ivan);
  maria.sync(*s, 2);
  check_converged(*s, maria);
  // A page position inside one version only ever names an item the user received.
  const sync::CursorCodec codec(kSecret);
  Replica probe("u3");
  probe.sync(*s);
  admin.push_ok(*s, {DeleteField{"deal", "UF_CRM_KIND"}});
  for (int guard = 0; guard < 100; ++guard) {
    json page = probe.pull_once(*s, 1);
    sync::Cursor c = *codec.decode(probe.cursor);
    if (!c.pos_id.empty()) CHECK(probe.items.count(c.pos_id));
    if (!page["more"].get<bool>()) break;
  }
  check_converged(*s, probe);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Concurrency
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("readers' cursors never skip a change while writers push concurrently") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  std::vector<Command> creates;
  for (int i = 1; i <= 10; ++i)
    creates.push_back(deal("D" + std::to_string(i), i % 2 ? "u2" : "u3"));
  admin.push_ok(*s, std::move(creates));

  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};  // pulls made by the readers so far
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      PushClient c("writer" + std::to_string(w), w == 0 ? "u1" : "u2");
      std::mt19937 rng(100 + w);
      for (int i = 0; i < 60; ++i) {
        std::vector<json> ms;
        for (int k = 0, n = 1 + rng() % 3; k < n; ++k) {
          const std::string target = "D" + std::to_string(1 + rng() % 10);
          switch (rng() % 4) {
            case 0:
              ms.push_back(c.mutation(
                  deal("W" + std::to_string(w) + "-" + std::to_string(i) + "-" + std::to_string(k),
                       rng() % 2 ? "u2" : "u3")));
              break;
            case 1:
              ms.push_back(
                  c.mutation(set(target, "ASSIGNED_BY_ID", Value(rng() % 2 ? "u2" : "u3"))));
              break;
            default:
              ms.push_back(c.mutation(set(target, "TITLE",
                                          Value("t" + std::to_string(w) + "-" + std::to_string(i) +
                                                "-" + std::to_string(k)))));
          }
        }
        sync::Response r = s->push(c.user(), PushClient::body(std::move(ms)));
        if (r.status != 200) ++failures;
        for (const auto& res : r.body["results"])
          if (res["status"] != "applied") ++failures;
        // Let the readers in between pushes, however the threads are scheduled.
        const int until = reads + 1;
        for (int spin = 0; spin < 2000 && reads < until; ++spin)
          std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    });
  }
  Replica all("u4"), own("u3");
  std::thread reader_all([&] {
    while (!done) {
      all.pull_once(*s, 3);
      ++reads;
    }
  });
  std::thread reader_own([&] {
    while (!done) {
      own.pull_once(*s, 2);
      ++reads;
    }
  });
  for (auto& t : writers) t.join();
  done = true;
  reader_all.join();
  reader_own.join();
  CHECK(failures == 0);
  CHECK(all.pages > 10);
  CHECK(own.pages > 10);
  all.sync(*s, 3);
  own.sync(*s, 2);
  CHECK(all.resets == 1);  // no access change: one snapshot, then increments only
  check_converged(*s, all);
  check_converged(*s, own);
  CHECK(s->version() == s.logged().size());  // one applied record per version, no gaps
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Projection
// ---------------------------------------------------------------------------------------------------------

namespace {

// What `user` must never receive right now: ids, labels and every value ever written of fields
// hidden from him.
std::vector<std::string> forbidden_for(
    sync::ServerState& s, const std::string& user,
    const std::map<std::string, std::vector<std::string>>& values) {
  return s.read([&](const Workspace& ws) {
    std::vector<std::string> out;
    for (const auto& f : ws.schema().fields) {
      if (f.entity != "deal" || can_see_field(ws.schema(), user, f)) continue;
      out.push_back(f.id);
      out.push_back(f.label.en);
      if (auto v = values.find(f.id); v != values.end())
        out.insert(out.end(), v->second.begin(), v->second.end());
    }
    return out;
  });
}

void check_no_leak(const std::string& text, const std::vector<std::string>& forbidden,
                   const std::string& what) {
  for (const auto& f : forbidden)
    CHECK_MESSAGE(text.find(f) == std::string::npos, what << " leaks " << f << ": " << text);
}

}  // namespace

TEST_CASE(
    "projection: no pull page, snapshot, result or item read holds a hidden value or field id") {
  const std::vector<Level> levels{Level::None, Level::Own, Level::Department, Level::All};
  const std::vector<std::string> users{"u2", "u3", "u4", "u5", "u6", "u7"};
  const std::vector<std::string> depts{"d1", "d2", "d3", "d4"};
  const std::vector<std::string> fields{"UF_CRM_S01", "UF_CRM_S02", "UF_CRM_S03", "UF_CRM_S04",
                                        "UF_CRM_S05"};
  for (unsigned seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
    TestServer s;
    PushClient admin("adm", "u1");
    std::vector<Command> setup{PutDepartment{{"d1", "Company", ""}, false},
                               PutDepartment{{"d2", "Sales", "d1"}, false},
                               PutDepartment{{"d3", "Support", "d1"}, false},
                               PutDepartment{{"d4", "Sales Moscow", "d2"}, false}};
    for (int i = 0; i < 3; ++i)
      setup.push_back(
          PutRole{role("r" + std::to_string(i), pick(levels), Level::None, pick(levels)), false});
    for (const auto& u : users)
      setup.push_back(
          PutUser{{u, "User " + u, pick(depts), false, {"r" + std::to_string(rng() % 3)}, true}});
    auto random_codes = [&] {
      std::vector<std::string> codes;
      if (rng() % 4 == 0) return codes;  // everyone
      for (int k = 0, n = 1 + rng() % 2; k < n; ++k) {
        switch (rng() % 3) {
          case 0:
            codes.push_back("U" + pick(users));
            break;
          case 1:
            codes.push_back("D" + pick(depts));
            break;
          default:
            codes.push_back("DR" + pick(depts));
        }
      }
      return codes;
    };
    std::map<std::string, FieldDef> defs;
    for (const auto& f : fields) {
      defs[f] = secret_field(f, random_codes());
      setup.push_back(PutField{defs[f]});
    }
    admin.push_ok(*s, std::move(setup));
    // The fields also stand in the common layout and in a view's copy of it; one is required on
    // every stage.
    Layout common =
        s->read([](const Workspace& ws) { return *effective_layout(ws.schema(), "deal:0", "C"); });
    for (const auto& f : fields) common.sections[0].elements.push_back({f, true, ""});
    View view;
    view.id = "v1";
    view.family = "deal:0";
    view.name = "View";
    view.assigned = {"DRd2"};
    admin.push_ok(*s, {PutLayout{"deal:0", "C", common, false}, PutView{view, false},
                       SetRequired{"deal", "UF_CRM_S02", true, {}}});

    int counter = 0;
    std::map<std::string, std::vector<std::string>> values;
    auto token = [&](const std::string& f) {
      std::string v = "zz" + std::to_string(++counter) + "q" + f.substr(7) + "x";
      values[f].push_back(v);
      return v;
    };
    std::vector<std::string> items;
    std::vector<Command> creates;
    for (int i = 1; i <= 15; ++i) {
      const std::string id = "D" + std::to_string(i);
      items.push_back(id);
      CreateItem c = deal(id, rng() % 5 ? pick(users) : "u1");
      for (const auto& f : fields)
        if (f == "UF_CRM_S02" || rng() % 2) c.fields.push_back({f, Value(token(f))});
      creates.push_back(std::move(c));
    }
    admin.push_ok(*s, std::move(creates));

    std::map<std::string, Replica> replicas;
    std::map<std::string, PushClient> clients;
    for (const auto& u : users) {
      replicas.emplace(u, Replica(u));
      replicas.at(u).binary = (u.back() + seed) % 2 == 0;  // half of them pull binary items' changes
      clients.emplace(u, PushClient("c-" + u, u));
    }
    for (int round = 0; round < 10; ++round) {
      CAPTURE(round);
      std::vector<Command> cmds;
      for (int k = 0; k < 4; ++k) {
        const std::string id = pick(items);
        switch (rng() % 4) {
          case 0:
            cmds.push_back(set(id, "ASSIGNED_BY_ID", Value(pick(users))));
            break;
          case 1:
            cmds.push_back(set(id, "TITLE", Value("title " + std::to_string(++counter))));
            break;
          default: {
            const std::string f = pick(fields);
            cmds.push_back(set(id, f, Value(token(f))));
          }
        }
      }
      if (rng() % 3 == 0) {
        FieldDef& d = defs[pick(fields)];
        d.visible_to = random_codes();
        cmds.push_back(PutField{d});
      }
      admin.push_ok(*s, std::move(cmds));

      for (const auto& u : users) {
        CAPTURE(u);
        // Pushes, some of them on fields or items the user may not see.
        PushClient& c = clients.at(u);
        std::vector<json> ms;
        std::vector<std::pair<std::string, std::string>> written;  // (field, value)
        for (int k = 0; k < 3; ++k) {
          const std::string f = rng() % 3 ? pick(fields) : "TITLE";
          const std::string v =
              "zz" + std::to_string(++counter) + "q" + (f == "TITLE" ? "T" : f.substr(7)) + "x";
          written.push_back({f, v});
          ms.push_back(c.mutation(set(pick(items), f, Value(v))));
        }
        const json request = PushClient::body(ms);
        sync::Response r = s->push(u, request);
        REQUIRE(r.status == 200);
        for (size_t k = 0; k < written.size(); ++k)
          if (r.body["results"][k]["status"] == "applied" && written[k].first != "TITLE")
            values[written[k].first].push_back(written[k].second);
        std::vector<std::string> forbidden;
        for (const auto& f : forbidden_for(*s, u, values))
          if (request.dump().find(f) == std::string::npos)
            forbidden.push_back(f);  // his own words may come back
        check_no_leak(r.body.dump(), forbidden, "a push result");

        // Incremental pulls in small pages, and a fresh paged snapshot.
        forbidden = forbidden_for(*s, u, values);
        Replica& mine = replicas.at(u);
        const size_t raw_before = mine.raw_pages.size();
        for (const auto& page : mine.sync(*s, 1 + rng() % 4)) {
          check_no_leak(page.dump(), forbidden, "a pull page");
          for (const auto& it : page["items"]) {
            const Item* item = s->workspace().item(it["id"]);
            REQUIRE(item);
            CHECK(can_act(s->workspace().schema(), u, *item, Action::Read));
          }
        }
        for (size_t k = raw_before; k < mine.raw_pages.size(); ++k)
          check_no_leak(mine.raw_pages[k], forbidden, "a binary pull page");
        check_converged(*s, mine);
        Replica fresh(u);
        for (const auto& page : fresh.sync(*s, 3))
          check_no_leak(page.dump(), forbidden, "a snapshot page");
        // The same snapshot in binary: the bytes hold no hidden id, label or value either, and the
        // items decode to exactly what the JSON pages give.
        Replica fresh_binary(u);
        fresh_binary.binary = true;
        fresh_binary.sync(*s, 1 + rng() % 4);
        CHECK_FALSE(fresh_binary.raw_pages.empty());
        for (const auto& raw : fresh_binary.raw_pages) check_no_leak(raw, forbidden, "a binary snapshot page");
        check_converged(*s, fresh_binary);
        for (const auto& id : items) {
          sync::Response g = s->get_item(u, id);
          check_no_leak(g.body.dump(), forbidden, "an item read");
          const std::string named = pick(fields);
          sync::Response w = s->write_fields(u, id, json{{named, "zz0qwritex"}});
          std::vector<std::string> not_named;  // his own words may come back
          for (const auto& f : forbidden)
            if (f != named) not_named.push_back(f);
          check_no_leak(w.body.dump(), not_named, "a REST write");
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Restart and storage
// ---------------------------------------------------------------------------------------------------------

namespace {

// A memory log whose append can be held (a slow fsync) and then let through or failed (a crash
// before the records reached the disk).
struct GatedStore : sync::LogStore {
  std::unique_ptr<sync::LogStore> inner;
  std::mutex mu;
  std::condition_variable cv;
  bool armed = false, entered = false, released = false, fail = false;
  explicit GatedStore(std::shared_ptr<std::vector<sync::LogRecord>> log)
      : inner(sync::memory_log_store(std::move(log))) {}
  void load(std::uint64_t after, const std::function<void(sync::LogRecord&&)>& each) override {
    inner->load(after, each);
  }
  std::uint64_t append(const std::vector<sync::LogRecord>& records) override {
    std::unique_lock l(mu);
    if (armed) {
      entered = true;
      cv.notify_all();
      cv.wait(l, [&] { return released; });
      armed = entered = released = false;
      if (fail) throw std::runtime_error("disk gone");
    }
    return inner->append(records);
  }
  void wait_entered() {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return entered; });
  }
  void release(bool failing) {
    std::lock_guard l(mu);
    fail = failing;
    released = true;
    cv.notify_all();
  }
};

// A pull while a push of item changes is being written: answered at once from the logged state,
// and the cursor it hands out misses nothing whether the push then reaches the log or is lost.
void pull_during_write(bool push_is_lost) {
  auto log = std::make_shared<std::vector<sync::LogRecord>>();
  TestClock clock;
  auto store = std::make_unique<GatedStore>(log);
  GatedStore* gate = store.get();
  auto s = std::make_unique<sync::ServerState>(std::move(store), kSecret, clock.options());
  REQUIRE(s->bootstrap_admin("u1", "Admin"));
  PushClient admin("adm", "u1");
  admin.push_ok(*s, {deal("D1", "u1"), deal("D2", "u1"), deal("D3", "u1")});
  Replica r("u1");
  r.sync(*s);
  admin.push_ok(*s, {set("D2", "TITLE", Value("a")), set("D1", "TITLE", Value("a"))});
  const std::uint64_t acked = admin.seq();
  gate->armed = true;
  std::thread writer([&] {
    try {
      admin.push(*s, set("D1", "TITLE", Value("b")));
    } catch (const std::exception&) {
    }
  });
  gate->wait_entered();
  // D2 (changed before D1) comes; D1, changed again by the push being written, not yet, and
  // neither its earlier change (the client gets both with the next pass).
  json page = r.pull_once(*s);
  std::set<std::string> got;
  for (const auto& it : page["items"]) got.insert(it["id"].get<std::string>());
  CHECK(got == std::set<std::string>{"D2"});
  CHECK(page["lastMutationIds"]["adm"] == acked);
  CHECK(s->version() < acked + 2);  // nothing of the push is published
  gate->release(push_is_lost);
  writer.join();
  if (push_is_lost) {
    CHECK(s->pull("u1", pull_body(r.cursor)).status == 503);
    s.reset();
    s = std::make_unique<sync::ServerState>(sync::memory_log_store(log), kSecret, clock.options());
  }
  r.sync(*s);
  check_converged(*s, r);
  CHECK(r.items.at("D1")["fields"]["TITLE"]["v"] == (push_is_lost ? "a" : "b"));
}

}  // namespace

TEST_CASE("a pull during a push's log write answers the logged state and loses nothing") {
  SUBCASE("the push reaches the log") { pull_during_write(false); }
  SUBCASE("the server dies before it does") { pull_during_write(true); }
}

TEST_CASE(
    "a state rebuilt from the same log is the same, and its cursors and sequence numbers still "
    "hold") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  PushClient ivan("ivan", "u2");
  admin.push_ok(*s, {deal("D1", "u2"), deal("D3", "u3")});
  json first = ivan.mutation(set("D1", "TITLE", Value("x")));
  json rejected = ivan.mutation(set("D1", "CLOSEDATE", Value("never")));
  REQUIRE(s->push("u2", PushClient::body({first, rejected})).status == 200);
  Replica r("u2");
  r.sync(*s);
  const std::string text = state_text(*s);
  const std::uint64_t version = s->version();
  const std::uint64_t epoch = s->access_epoch();

  s.restart();
  CHECK(state_text(*s) == text);
  CHECK(s->version() == version);
  CHECK(s->access_epoch() == epoch);
  json page = r.pull_once(*s);
  CHECK(page["reset"] == false);
  CHECK(page["items"].empty());
  CHECK(page["lastMutationIds"] == json{{"ivan", 2}});
  sync::Response dup = s->push("u2", PushClient::body({rejected}));
  CHECK(dup.body["results"][0]["status"] == "duplicate");
  CHECK(dup.body["results"][0]["code"] == "invalid_date");
  ivan.push_ok(*s, {set("D1", "TITLE", Value("after restart"))});
  CHECK(s->version() == version + 1);
  r.pull_once(*s);
  check_converged(*s, r);
  // The client ids still belong to their users.
  PushClient thief("ivan", "u3");
  CHECK(s->push("u3", PushClient::body({thief.mutation(deal("Z", "u3"))})).status == 403);
}

TEST_CASE("a log that does not replay stops the start") {
  auto log = std::make_shared<std::vector<sync::LogRecord>>();
  {
    TestServer s;
    PushClient a("a", "u1");
    a.push_ok(*s, {deal("D1", "u1"), deal("D2", "u1")});
    *log = s.logged();
  }
  auto broken = std::make_shared<std::vector<sync::LogRecord>>(*log);
  (*broken)[1].ver = 5;  // out of order
  CHECK_THROWS_AS(sync::ServerState(sync::memory_log_store(broken), kSecret), std::runtime_error);
  broken = std::make_shared<std::vector<sync::LogRecord>>(*log);
  (*broken)[2].mutation.cmd = deal("D1", "u1");  // the same item created twice
  CHECK_THROWS_AS(sync::ServerState(sync::memory_log_store(broken), kSecret), std::runtime_error);
}

TEST_CASE("when the log cannot be written the state refuses everything until restarted") {
  struct FailingStore : sync::LogStore {
    std::shared_ptr<bool> fail;
    explicit FailingStore(std::shared_ptr<bool> f) : fail(std::move(f)) {}
    std::uint64_t end = 0;
    void load(std::uint64_t, const std::function<void(sync::LogRecord&&)>&) override {}
    std::uint64_t append(const std::vector<sync::LogRecord>& records) override {
      if (*fail) throw std::runtime_error("disk full");
      return end += records.size();
    }
  };
  auto fail = std::make_shared<bool>(false);
  sync::ServerState s(std::make_unique<FailingStore>(fail), kSecret, TestClock().options());
  REQUIRE(s.bootstrap_admin("u1", "Admin"));
  PushClient a("a", "u1");
  a.push_ok(s, {deal("D1", "u1")});
  *fail = true;
  CHECK(s.healthy());
  // The failing push itself answers 503 (PROTOCOL.md), not an internal error.
  sync::Response failed = a.push(s, deal("D2", "u1"));
  CHECK(failed.status == 503);
  CHECK(failed.body["error"] == "unavailable");
  CHECK_FALSE(s.healthy());
  *fail = false;
  CHECK(a.push(s, deal("D3", "u1")).status == 503);
  CHECK(s.pull("u1", pull_body("")).status == 503);
  CHECK(s.get_item("u1", "D1").status == 503);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] REST helpers
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("REST reads are projected and do not tell whether a hidden item exists") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {PutField{secret_field("UF_CRM_SECRET", {"Uu2"})}, deal("D1", "u2"),
                     set("D1", "UF_CRM_SECRET", Value("тайна"))});
  sync::Response r = s->get_item("u2", "D1");
  CHECK(r.status == 200);
  CHECK(r.body["fields"]["UF_CRM_SECRET"]["v"] == "тайна");
  r = s->get_item("u4", "D1");
  CHECK(r.status == 200);
  CHECK(r.body.dump().find("UF_CRM_SECRET") == std::string::npos);
  CHECK(s->get_item("u3", "D1").status == 404);  // not hers
  CHECK(s->get_item("u3", "D1").body["error"] == "unknown_item");
  CHECK(s->get_item("u2", "NOPE").status == 404);
  CHECK(s->get_item("u5", "D1").status == 404);
}

TEST_CASE("REST writes check every field first and apply nothing when one fails") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(
      *s, {PutField{secret_field("UF_CRM_SECRET", {"Uu2"})}, deal("D1", "u2"), deal("D3", "u3")});
  const std::string before = state_text(*s);
  const std::uint64_t version = s->version();
  struct Case {
    std::string name;
    std::string user;
    std::string item;
    json body;
    int status;
    std::string code;
    std::string field;
  };
  std::vector<Case> cases{
      {"not an object", "u2", "D1", json::array({1}), 400, "malformed_json", ""},
      {"empty", "u2", "D1", json::object(), 400, "malformed_json", ""},
      {"no edit right", "u4", "D1", json{{"TITLE", "x"}}, 403, "forbidden", ""},
      {"not readable", "u3", "D1", json{{"TITLE", "x"}}, 404, "unknown_item", ""},
      {"no such item", "u2", "NOPE", json{{"TITLE", "x"}}, 404, "unknown_item", ""},
      {"bad date after a good title", "u2", "D1", json{{"TITLE", "x"}, {"CLOSEDATE", "31.02.2026"}},
       422, "invalid_date", "CLOSEDATE"},
      {"unknown field", "u2", "D1", json{{"TITLE", "x"}, {"NOPE", 1}}, 422, "unknown_field",
       "NOPE"},
      {"hidden field", "u3", "D3", json{{"TITLE", "x"}, {"UF_CRM_SECRET", "y"}}, 422,
       "unknown_field", "UF_CRM_SECRET"},
      {"unreadable value", "u2", "D1", json{{"TITLE", json{{"weird", 1}}}}, 422, "invalid_value",
       "TITLE"},
      {"unknown stage", "u2", "D1", json{{"STAGE_ID", "MARS"}}, 422, "unknown_stage", "STAGE_ID"},
      {"emptying a required field", "u2", "D1", json{{"TITLE", ""}}, 422, "required", "TITLE"},
  };
  admin.push_ok(*s, {SetRequired{"deal", "TITLE", true, {}}});
  const std::string with_rule = state_text(*s);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    sync::Response r = s->write_fields(c.user, c.item, c.body);
    CHECK(r.status == c.status);
    CHECK(r.body["error"] == c.code);
    if (!c.field.empty()) CHECK(r.body["field"] == c.field);
    CHECK(state_text(*s) == with_rule);
  }
  CHECK(s->version() == version + 1);
  (void)before;

  sync::Response ok =
      s->write_fields("u2", "D1", json{{"TITLE", "Новое"}, {"COMMENTS", "Комментарий"}});
  REQUIRE(ok.status == 200);
  CHECK(ok.body["fields"]["TITLE"]["v"] == "Новое");
  CHECK(s->version() == version + 3);  // one mutation per field
  s->read([](const Workspace& ws) {
    CHECK(ws.timeline("D1").back().author == "u2");
    return 0;
  });
  // With the stage: one stage move carrying the other values.
  ok = s->write_fields("u2", "D1", json{{"STAGE_ID", "PREPARATION"}, {"COMMENTS", "дальше"}});
  REQUIRE(ok.status == 200);
  CHECK(ok.body["fields"]["STAGE_ID"]["v"] == "PREPARATION");
  CHECK(s->version() == version + 4);
  // Unchanged values make no mutation; handing the item away answers that it is gone for the
  // writer.
  CHECK(s->write_fields("u2", "D1", json{{"TITLE", "Новое"}}).status == 200);
  CHECK(s->version() == version + 4);
  ok = s->write_fields("u3", "D3", json{{"TITLE", "последнее"}, {"ASSIGNED_BY_ID", "u2"}});
  REQUIRE(ok.status == 200);
  CHECK(ok.body == json{{"id", "D3"}, {"removed", true}});
  s->read([](const Workspace& ws) {
    CHECK(ws.item("D3")->get("TITLE") ==
          Value("последнее"));  // the title went first, while she could
    return 0;
  });
  // Pulls deliver REST writes like any other change.
  Replica r("u2");
  r.sync(*s);
  check_converged(*s, r);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Poke
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("a poke answers as soon as something changes after the cursor, or when the wait ends") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2")});
  Replica r("u2");
  r.sync(*s);
  using namespace std::chrono_literals;
  auto t0 = std::chrono::steady_clock::now();
  CHECK(s->poke("u2", r.cursor, 150ms).body["changed"] == false);
  CHECK(std::chrono::steady_clock::now() - t0 >= 140ms);
  // An unsettled, foreign or unreadable cursor: pull now.
  CHECK(s->poke("u2", "", 5s).body["changed"] == true);
  CHECK(s->poke("u3", r.cursor, 5s).body["changed"] == true);

  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    admin.push_ok(*s, {set("D1", "TITLE", Value("poked"))});
  });
  t0 = std::chrono::steady_clock::now();
  CHECK(s->poke("u2", r.cursor, 10s).body["changed"] == true);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  writer.join();
  r.sync(*s);
  check_converged(*s, r);

  // Shutting down releases every waiter at once.
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    s->shutdown();
  });
  t0 = std::chrono::steady_clock::now();
  CHECK(s->poke("u2", r.cursor, 10s).body["changed"] == false);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  stopper.join();
}

TEST_CASE("binary pages hold up to five times the JSON page size; JSON pages keep theirs") {
  auto log = std::make_shared<std::vector<sync::LogRecord>>();
  TestClock clock;
  sync::ServerState s(sync::memory_log_store(log), kSecret, clock.options(4));
  REQUIRE(s.bootstrap_admin("u1", "Admin"));
  PushClient admin("adm", "u1");
  std::vector<Command> creates;
  for (int i = 1; i <= 30; ++i) creates.push_back(deal("D" + std::to_string(i), "u1"));
  admin.push_ok(s, std::move(creates));
  Replica bin("u1");
  bin.binary = true;
  CHECK(bin.pull_once(s, 100)["items"].size() == 20);  // 5 x 4
  CHECK(bin.pull_once(s, 7)["items"].size() == 7);     // a smaller limit is kept
  bin.sync(s, 100);
  check_converged(s, bin);
  Replica plain("u1");
  CHECK(plain.pull_once(s, 100)["items"].size() == 4);
  plain.sync(s, 100);
  check_converged(s, plain);
  // After the snapshot, changes page at the binary size too; in JSON at the JSON size.
  std::vector<Command> edits;
  for (int i = 1; i <= 30; ++i) edits.push_back(set("D" + std::to_string(i), "TITLE", Value("x")));
  admin.push_ok(s, std::move(edits));
  CHECK(bin.pull_once(s, 100)["items"].size() == 20);
  bin.sync(s, 100);
  check_converged(s, bin);
  CHECK(plain.pull_once(s, 100)["items"].size() == 4);
  plain.sync(s, 100);
  check_converged(s, plain);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Checkpoints
// ---------------------------------------------------------------------------------------------------------

namespace {

// A server over a memory log and a memory checkpoint that survive restarts.
struct CheckpointedServer {
  TestClock clock;
  std::shared_ptr<std::vector<sync::LogRecord>> log =
      std::make_shared<std::vector<sync::LogRecord>>();
  std::shared_ptr<std::optional<std::string>> cp =
      std::make_shared<std::optional<std::string>>();
  std::unique_ptr<sync::ServerState> state;
  CheckpointedServer() { restart(); }
  void restart(std::uint64_t every = 0) {
    state.reset();
    sync::ServerOptions o = clock.options();
    o.checkpoint_every = every;
    state = std::make_unique<sync::ServerState>(sync::memory_log_store(log, cp), kSecret, o);
  }
  sync::ServerState& operator*() { return *state; }
  sync::ServerState* operator->() { return state.get(); }
  std::vector<sync::LogRecord>& logged() { return *log; }
};

// Everything a client can observe of a state: the whole workspace, the version and epoch, a fresh
// pull of every user (items, schema, sequence numbers), what an old cursor gets, and a duplicate's
// answer.
json observed(sync::ServerState& s, const std::map<std::string, std::string>& cursors,
              const json& rejected_dup) {
  json out{{"state", state_text(s)}, {"version", s.version()}, {"epoch", s.access_epoch()}};
  for (const char* user : {"u1", "u2", "u3", "u4"}) {
    Replica r(user);
    r.sync(s);
    json items = json::object();
    for (const auto& [id, it] : r.items) items[id] = it;
    out[user] = {{"items", items}, {"schema", r.schema}, {"last", page_of(s, user, "")["lastMutationIds"]}};
    CHECK(r.errors.empty());
  }
  for (const auto& [user, cursor] : cursors) {
    json page = page_of(s, user, cursor);
    page.erase("cursor");  // sealed with a fresh nonce each time
    out["from " + user] = page;
  }
  sync::Response dup = s.push("u2", rejected_dup);
  out["dup"] = dup.body;
  return out;
}

// Builds a workspace with access changes, owner changes, rejections and a purge-free mix of edits;
// checkpoints at `checkpoint_after` pushes (0: never).
void build_history(CheckpointedServer& s, int checkpoint_after, std::map<std::string, std::string>* cursors,
                   json* rejected_dup) {
  PushClient admin("adm", "u1");
  PushClient ivan("ivan", "u2");
  PushClient maria("maria", "u3");
  int pushes = 0;
  auto step = [&] {
    if (++pushes == checkpoint_after) REQUIRE(s->checkpoint());
  };
  seed_org(*s, admin);
  step();
  admin.push_ok(*s, {deal("D1", "u2"), deal("D2", "u3"), deal("D3", "u3", "Третья")});
  step();
  json first = ivan.mutation(set("D1", "TITLE", Value("x")));
  json rejected = ivan.mutation(set("D1", "CLOSEDATE", Value("never")));
  REQUIRE(s->push("u2", PushClient::body({first, rejected})).status == 200);
  *rejected_dup = PushClient::body({rejected});
  step();
  Replica r3("u3");
  r3.sync(*s);
  (*cursors)["u3"] = r3.cursor;
  maria.push_ok(*s, {set("D2", "TITLE", Value("Maria's")), AddComment{"D2", "привет"}});
  step();
  admin.push_ok(*s, {set("D2", "ASSIGNED_BY_ID", Value("u2")), PutField{secret_field("UF_X", {"Uu2"})}});
  step();
  Replica r2("u2");
  r2.sync(*s);
  (*cursors)["u2"] = r2.cursor;
  ivan.push_ok(*s, {set("D2", "UF_X", Value("secret")), set("D3", "TITLE", Value("y")), deal("D4", "u2")});
  step();
  admin.push_ok(*s, {PutUser{{"u4", "Dmitry", "d4", false, {"all"}, true}}, set("D4", "ASSIGNED_BY_ID", Value("u3"))});
  step();
  maria.push_ok(*s, {set("D4", "TITLE", Value("четыре"))});
  step();
}

}  // namespace

TEST_CASE("a checkpoint plus the log after it gives exactly the state of a full replay") {
  for (int at : {1, 3, 5, 8}) {
    CAPTURE(at);
    CheckpointedServer s;
    REQUIRE(s->bootstrap_admin("u1", "Admin"));
    std::map<std::string, std::string> cursors;
    json dup;
    build_history(s, at, &cursors, &dup);
    REQUIRE(s.cp->has_value());
    const std::size_t logged = s.logged().size();

    auto full = std::make_shared<std::optional<std::string>>();  // no checkpoint: a full replay
    sync::ServerState replayed(sync::memory_log_store(s.log, full), kSecret, s.clock.options());
    CHECK(replayed.start_info().checkpoint == 0);
    CHECK(replayed.start_info().replayed == logged);
    CHECK(replayed.start_info().fallback.empty());

    s.restart();
    const sync::StartInfo info = s->start_info();
    CHECK(info.checkpoint > 0);
    CHECK(info.fallback.empty());
    CHECK(info.checkpoint + info.replayed == logged);
    if (at == 8) CHECK(info.replayed == 0);
    const json want = observed(replayed, cursors, dup);
    CHECK(observed(*s, cursors, dup) == want);

    // And both go on the same way: the next versions, the clients' sequences, the server's writes.
    PushClient ivan("ivan", "u2");
    for (int i = 0; i < 5; ++i) ivan.mutation(set("D1", "TITLE", Value("skip")));  // seq 1..5 used
    json next = PushClient::body({ivan.mutation(set("D1", "TITLE", Value("after")))});
    sync::Response a = s->push("u2", next), b = replayed.push("u2", next);
    CHECK(a.body == b.body);
    CHECK(a.body["results"][0]["status"] == "applied");
    CHECK(s->write_fields("u1", "D3", json{{"TITLE", "rest"}}).body ==
          replayed.write_fields("u1", "D3", json{{"TITLE", "rest"}}).body);
    CHECK(state_text(*s) == state_text(replayed));
  }
}

TEST_CASE("a damaged, foreign or stale checkpoint is not used: the whole log is replayed") {
  CheckpointedServer s;
  REQUIRE(s->bootstrap_admin("u1", "Admin"));
  std::map<std::string, std::string> cursors;
  json dup;
  build_history(s, 4, &cursors, &dup);
  const std::string good = **s.cp;
  s.restart();
  REQUIRE(s->start_info().checkpoint > 0);
  const json want = observed(*s, cursors, dup);
  const std::size_t logged = s.logged().size();

  auto check_fallback = [&](const std::string& bytes, const std::string& why) {
    CAPTURE(why);
    *s.cp = bytes;
    s.restart();
    CHECK(s->start_info().checkpoint == 0);
    CHECK(s->start_info().replayed == logged);
    CHECK(s->start_info().fallback.find(why) != std::string::npos);
    CHECK(observed(*s, cursors, dup) == want);
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  check_fallback(flipped, "checksum");
  check_fallback(good.substr(0, good.size() / 3), "checksum");
  check_fallback("", "not a checkpoint");
  check_fallback("KTSC" + std::string(20, '\xff'), "checksum");

  // A checkpoint of another log: the record it names is not there.
  CheckpointedServer other;
  REQUIRE(other->bootstrap_admin("u1", "Admin"));
  PushClient stranger("stranger", "u1");
  stranger.push_ok(*other, {deal("Z1", "u1"), deal("Z2", "u1"), deal("Z3", "u1"), deal("Z4", "u1")});
  REQUIRE(other->checkpoint());
  check_fallback(**other.cp, "does not match the log");

  // A log that lost its tail (restored from an older backup) with a newer checkpoint.
  const std::string newest = [&] {
    s.restart();
    PushClient late("late", "u1");
    late.push_ok(*s, {deal("L1", "u1")});
    REQUIRE(s->checkpoint());
    return **s.cp;
  }();
  s.log->pop_back();
  check_fallback(newest, "ends before");
}

TEST_CASE("checkpoints are written in the background after enough log records, and only then") {
  CheckpointedServer s;
  s.restart(5);
  REQUIRE(s->bootstrap_admin("u1", "Admin"));
  PushClient admin("adm", "u1");
  admin.push_ok(*s, {deal("D1", "u1"), deal("D2", "u1")});
  CHECK(!s.cp->has_value());  // 3 records
  admin.push_ok(*s, {deal("D3", "u1"), deal("D4", "u1")});  // 5
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until && !s.cp->has_value())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(s.cp->has_value());
  CHECK(!s->checkpoint());  // nothing new since
  admin.push_ok(*s, {set("D1", "TITLE", Value("later"))});
  const std::string text = state_text(*s);
  s.restart(5);
  CHECK(s->start_info().checkpoint == 5);
  CHECK(s->start_info().replayed == 1);
  CHECK(state_text(*s) == text);
  // Loaded with every timeline decoded: the server's threads never decode one lazily.
  CHECK(s->workspace().packed_timeline("D2") == nullptr);
  CHECK(!s->workspace().timeline("D2").empty());
}

namespace {

// The items of a binary page's block.
std::vector<BlockItem> block_items(const std::string& raw) {
  std::string_view header, block;
  std::uint32_t version = 0;
  REQUIRE(split_binary_pull_page(raw, &header, &block, &version).ok());
  std::vector<BlockItem> out;
  REQUIRE(decode_item_block(block, &out, version != kBinaryPullPageUnnumbered).ok());
  return out;
}

std::vector<std::string> field_ids(const Item& it) {
  std::vector<std::string> out;
  for (const auto& [fid, cell] : it.fields) out.push_back(fid);
  return out;
}

}  // namespace

TEST_CASE("binary changes with partialItems: an item the client holds comes as what changed in it") {
  CheckpointedServer s;
  REQUIRE(s->bootstrap_admin("u1", "Admin"));
  PushClient admin("adm", "u1");
  seed_org(*s, admin);
  admin.push_ok(*s, {PutField{secret_field("UF_CRM_HID", {"Uu3"})}});  // hidden from u2
  std::vector<Command> creates;
  for (int i = 1; i <= 4; ++i) {
    CreateItem c = deal("D" + std::to_string(i), "u2", "Сделка " + std::to_string(i));
    c.fields.push_back({"UF_CRM_HID", Value("zz0qhiddenx")});
    c.fields.push_back({"COMMENTS", Value("первый")});
    creates.push_back(std::move(c));
  }
  admin.push_ok(*s, std::move(creates));
  Replica r("u2");
  r.binary = true;
  r.sync(*s);
  r.pull_once(*s);  // the first pull after a snapshot sends what changed during it whole: nothing here
  check_converged(*s, r);

  // One cell, a hidden cell, a to-do, a comment, the recycle bin: each item brings only what changed.
  Activity todo;
  todo.id = "T1";
  todo.subject = "Позвонить";
  todo.deadline_ms = 1767225600000;
  todo.responsible = "u2";
  admin.push_ok(*s, {set("D1", "TITLE", Value("новое")), set("D1", "UF_CRM_HID", Value("zz1qhiddenx")),
                     PutTodo{"D2", todo}, AddComment{"D3", "комментарий"}, DeleteItem{"D4"},
                     set("D2", "UF_CRM_HID", Value("zz2qhiddenx"))});
  const json page = r.pull_once(*s);
  CHECK(page["reset"] == false);
  std::vector<BlockItem> got = block_items(r.raw_pages.back());
  REQUIRE(got.size() == 4);
  std::map<std::string, const BlockItem*> by_id;
  for (const auto& b : got) {
    REQUIRE_MESSAGE(b.changes.has_value(), b.item.id);
    by_id[b.item.id] = &b;
  }
  CHECK(field_ids(by_id.at("D1")->item) == std::vector<std::string>{"TITLE"});
  CHECK_FALSE(by_id.at("D1")->changes->lists);
  CHECK(field_ids(by_id.at("D2")->item).empty());  // its hidden cell changed: nothing of it comes
  CHECK(by_id.at("D2")->changes->lists);
  REQUIRE(by_id.at("D2")->item.activities.size() == 1);
  CHECK(field_ids(by_id.at("D3")->item).empty());
  CHECK_FALSE(by_id.at("D3")->changes->lists);
  CHECK(by_id.at("D3")->changes->entries.count == 1);
  CHECK(by_id.at("D4")->item.deleted);
  for (const auto& b : got) CHECK(b.changes->erased.empty());
  check_no_leak(r.raw_pages.back(), {"zz1qhiddenx", "zz2qhiddenx", "UF_CRM_HID"}, "a page of changes");
  check_converged(*s, r);

  // A client that does not ask for them gets whole items (with partial timelines), converging the same.
  Replica older("u2");
  older.binary = true;
  older.partial_items = false;
  older.sync(*s);
  older.pull_once(*s);
  admin.push_ok(*s, {set("D1", "TITLE", Value("ещё новее"))});
  older.pull_once(*s);
  for (const auto& b : block_items(older.raw_pages.back())) CHECK_FALSE(b.changes.has_value());
  check_converged(*s, older);
  r.pull_once(*s);
  check_converged(*s, r);

  // Not a boolean: refused.
  json bad = pull_body(r.cursor, 0, true);
  bad["partialItems"] = 1;
  CHECK(s->pull("u2", bad).status == 400);

  // After a start from a checkpoint the server knows no cell's version: an item changed before it comes
  // whole (its timeline partial); one changed after it, with all its cells (that change marked them all).
  admin.push_ok(*s, {set("D2", "TITLE", Value("до перезапуска"))});
  REQUIRE(s->checkpoint());
  s.restart();
  REQUIRE(s->start_info().checkpoint > 0);
  admin.push_ok(*s, {set("D1", "TITLE", Value("после перезапуска"))});
  r.pull_once(*s);
  got = block_items(r.raw_pages.back());
  REQUIRE(got.size() == 2);
  for (const auto& b : got) {
    CAPTURE(b.item.id);
    CHECK(b.changes.has_value() == (b.item.id == "D1"));
    CHECK(field_ids(b.item).size() == field_ids(*s->workspace().item(b.item.id)).size() - 1);  // not the hidden one
  }
  check_converged(*s, r);
  admin.push_ok(*s, {set("D1", "COMMENTS", Value("второй"))});
  r.pull_once(*s);
  got = block_items(r.raw_pages.back());
  REQUIRE(got.size() == 1);
  CHECK(field_ids(got[0].item) == std::vector<std::string>{"COMMENTS"});
  check_converged(*s, r);
}

// Issue 24: over a shared store a server may load in the background. Until it has, its health says "catching
// up" and every request answers 503 (a pull, a push: nothing from an empty memory); then it answers as any
// server over that log. Run on the PostgreSQL run only (KT_TEST_DATABASE).
TEST_CASE("a server over a shared log loading in the background answers 503 until loaded, then as the others") {
  if (!sync_test_database()) {
    MESSAGE("needs KT_TEST_DATABASE: not run");
    return;
  }
  TestServer first;  // its log in a schema of its own, with u1
  PushClient admin("tab", "u1");
  admin.push_ok(*first, {deal("D1", "u1")});
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  sync::ServerOptions o = first.clock.options();
  o.load_in_background = true;
  o.before_background_load = [&] {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return go; });
  };
  sync::ServerState second(server::pg_log_store(first.database), kSecret, o);
  CHECK(second.health() == "catching up");
  CHECK_FALSE(second.healthy());
  CHECK(second.pull("u1", pull_body("")).status == 503);
  PushClient other("tab2", "u1");
  CHECK(other.push(second, SetField{"D1", "TITLE", Value("not now"), {}}).status == 503);
  {
    std::lock_guard l(mu);
    go = true;
  }
  cv.notify_all();
  REQUIRE(second.wait_ready(std::chrono::seconds(30)));
  CHECK(second.health() == "ok");
  sync::Response p = second.pull("u1", pull_body(""));
  REQUIRE(p.status == 200);
  CHECK(p.body["items"].size() == 1);
  CHECK(p.body["lastMutationIds"]["tab"] == admin.seq());
  // And a write through it reaches the first.
  PushClient later("tab3", "u1");  // tab2's refused push used its number 1
  later.push_ok(second, {SetField{"D1", "TITLE", Value("from the second"), {}}});
  REQUIRE(first->catch_up());
  CHECK(first->read([](const Workspace& ws) { return ws.item("D1")->get("TITLE").str_or_empty(); }) == "from the second");
}
