// The client replica: pending local mutations rebased on server state.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "storage/files.hpp"
#include "storage/snapshot_store.hpp"
#include "sync/client.hpp"
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
  std::vector<Mutation> sent;  // the client's mutations, as it sent them
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
    client.set_sink([this](const Mutation& m) {
      replica.add_pending(m);
      sent.push_back(m);
    });
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
  const std::vector<Mutation>& sent = s.sent;
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
  const std::vector<Mutation>& sent = s.sent;
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

// ---------------------------------------------------------------------------------------------------------
// Binary snapshots: pages of item blocks, the base file made of them, damaged pages refused
// ---------------------------------------------------------------------------------------------------------

namespace {

// Every item of a workspace as its JSON text, by id (order-free comparison of two workspaces).
std::map<std::string, std::string> items_of(const Workspace& ws) {
  std::map<std::string, std::string> out;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) out[id] = item_json(ws, *ws.item(id), nullptr).dump();
  return out;
}

std::vector<std::string> all_ids(const Workspace& ws) {
  std::vector<std::string> out;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) out.push_back(id);
  return out;
}

// A binary snapshot page of `ids` as the server writes it (unprojected).
std::string binary_page(const Workspace& ws, const std::vector<std::string>& ids, bool reset, bool last,
                        const std::string& cursor) {
  ItemBlockWriter w(ws.schema(), nullptr);
  for (const auto& id : ids) w.add(*ws.item(id), ws.timeline(id));
  json head{{"cursor", cursor}, {"more", !last}, {"reset", reset}, {"removed", json::array()},
            {"lastMutationIds", json::object()}};
  if (last) head["snapshotDone"] = true;
  if (reset) head["schema"] = schema_json(ws.schema(), nullptr);
  return binary_pull_page(head.dump(), w.finish());
}

// The snapshot of `ws` in pages of `per` items.
std::vector<std::string> binary_pages(const Workspace& ws, size_t per) {
  const auto ids = all_ids(ws);
  std::vector<std::string> pages;
  for (size_t i = 0; i < ids.size(); i += per) {
    const std::vector<std::string> slice(ids.begin() + i, ids.begin() + std::min(ids.size(), i + per));
    pages.push_back(binary_page(ws, slice, i == 0, i + per >= ids.size(), "p" + std::to_string(pages.size())));
  }
  return pages;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kt-base-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

// Answers each request with the next scripted response, at once (inside send, as tests may).
struct ScriptTransport : Transport {
  std::vector<HttpResponse> answers;
  std::vector<std::string> bodies;
  void send(const std::string&, const std::string& path, const std::string& body, const std::string&,
            std::function<void(HttpResponse)> done) override {
    if (path != "/api/sync/pull") return;  // pokes stay unanswered
    bodies.push_back(body);
    if (answers.empty()) return done(HttpResponse{0, ""});
    HttpResponse r = std::move(answers.front());
    answers.erase(answers.begin());
    done(std::move(r));
  }
};

}  // namespace

TEST_CASE("a binary snapshot decodes like JSON pages, and its blocks are a base file that loads with later shards") {
  kt::test::DemoWorkspace server;
  const auto pages = binary_pages(server.ws, 3);
  REQUIRE(pages.size() > 2);
  Workspace client_ws;
  Replica replica(client_ws);
  // A snapshot that is reset after two pages (access changed on the server): its pages are forgotten.
  replica.begin_snapshot();
  for (size_t i = 0; i < 2; ++i) {
    PullPage p;
    REQUIRE(parse_pull(pages[i], &p).ok());
    CHECK(p.binary);
    replica.add_snapshot_page(std::move(p));
  }
  // The server changes an item before the new snapshot: the base must hold the new state.
  REQUIRE(server.as(server.admin, SetField{all_ids(server.ws)[1], "TITLE", Value("после сброса"), {}}).ok());
  const auto again = binary_pages(server.ws, 4);
  replica.begin_snapshot();
  for (const auto& bytes : again) {
    PullPage p;
    REQUIRE(parse_pull(bytes, &p).ok());
    replica.add_snapshot_page(std::move(p));
  }
  replica.finish_snapshot();
  CHECK(items_of(client_ws) == items_of(server.ws));
  Replica::Changes ch = replica.take_changes();
  CHECK(ch.all);
  REQUIRE_FALSE(ch.base_blocks.empty());

  TempDir dir;
  storage::SnapshotStore store(dir.path + "/snap");
  const json meta{{"cursor", "c9"}};
  REQUIRE(store.save_base(ch.base_header, ch.base_blocks, schema_json(client_ws.schema(), nullptr), meta).ok());
  CHECK(store.has_base());
  Workspace loaded;
  json loaded_meta;
  REQUIRE(store.load(&loaded, &loaded_meta).ok());
  CHECK(items_of(loaded) == items_of(server.ws));
  CHECK(loaded_meta == meta);

  // Later changes go to the shards: a changed item replaces the base's copy, a removed one stays removed.
  const auto ids = all_ids(client_ws);
  Item changed = *client_ws.item(ids[0]);
  changed.cell_for_write("TITLE") = Cell{Value("изменено"), Hlc{kNow + 5, 0, "srv"}};
  client_ws.put_item(changed, &client_ws.timeline(ids[0]), false);
  client_ws.remove_item(ids[2]);
  auto item_of = [&](const std::string& id) -> json {
    const Item* it = client_ws.item(id);
    return it ? item_json(client_ws, *it, nullptr) : json(nullptr);
  };
  REQUIRE(store.save(nullptr, {ids[0], ids[2]}, item_of, meta).ok());
  REQUIRE(store.load(&loaded, &loaded_meta).ok());
  CHECK(items_of(loaded) == items_of(client_ws));
  CHECK_FALSE(loaded.item(ids[2]));

  // A damaged base is reported by name and leaves the workspace as it was.
  std::string base;
  REQUIRE(storage::read_file(dir.path + "/snap/base.bin", &base));
  REQUIRE(storage::write_file_atomic(dir.path + "/snap/base.bin", base.substr(0, base.size() - 1)));
  Status s = store.load(&loaded, &loaded_meta);
  CHECK_FALSE(s.ok());
  CHECK(s.message.find("base.bin") != std::string::npos);
  CHECK(items_of(loaded) == items_of(client_ws));
  // A JSON snapshot after that starts the store over without the base.
  REQUIRE(store.clear().ok());
  CHECK_FALSE(store.has_base());
}

TEST_CASE("a binary snapshot of the format without numbers reads, and is not kept as a base file") {
  kt::test::DemoWorkspace server;
  ItemBlockWriter w(server.ws.schema(), nullptr);
  w.without_numbers();
  for (const auto& id : all_ids(server.ws)) w.add(*server.ws.item(id), server.ws.timeline(id));
  json head{{"cursor", "c1"}, {"more", false}, {"reset", true}, {"removed", json::array()},
            {"lastMutationIds", json::object()}, {"snapshotDone", true}, {"schema", schema_json(server.ws.schema(), nullptr)}};
  PullPage p;
  REQUIRE(parse_pull(binary_pull_page(head.dump(), w.finish(), kBinaryPullPageUnnumbered), &p).ok());
  CHECK(p.binary);
  CHECK(p.block.empty());
  Workspace client_ws;
  Replica replica(client_ws);
  replica.begin_snapshot();
  replica.add_snapshot_page(std::move(p));
  replica.finish_snapshot();
  CHECK(client_ws.item_count() == server.ws.item_count());
  CHECK(client_ws.item("D1")->number == 0);
  CHECK(client_ws.has_unnumbered());
  // Stored item by item (the base file's format holds numbers), as a snapshot of JSON pages is.
  CHECK(replica.take_changes().base_blocks.empty());
}

TEST_CASE("a binary page of changes merges the timelines it names as partial and replaces the others") {
  Setup s;
  for (TimelineEntry* e : s.server.ws.take_new_entries()) e->ver = ++s.server.version;
  const std::uint64_t from = s.server.version;
  Session other(s.server.ws, "other", "u2");
  REQUIRE(other.dispatch(SetField{"D1", "TITLE", Value("Новое"), {}}, kNow + 1).ok());
  REQUIRE(other.dispatch(SetField{"D2", "TITLE", Value("Тоже новое"), {}}, kNow + 2).ok());
  for (TimelineEntry* e : s.server.ws.take_new_entries()) e->ver = ++s.server.version;
  const size_t d1_before = s.client_ws.timeline("D1").size();
  REQUIRE(d1_before > 1);
  // As the server writes a page for a client that holds both: the entries after the cursor only.
  ItemBlockWriter w(s.server.ws.schema(), nullptr);
  for (const char* id : {"D1", "D2"}) {
    std::vector<TimelineEntry> after;
    for (const auto& e : s.server.ws.timeline(id))
      if (e.ver > from) after.push_back(e);
    REQUIRE(after.size() == 1);
    w.add(*s.server.ws.item(id), after);
  }
  json head{{"cursor", "c"}, {"more", false}, {"reset", false}, {"removed", json::array()},
            {"lastMutationIds", json::object()}, {"partialTimelines", {"D1"}}, {"timelineFrom", from}};
  PullPage p;
  REQUIRE(parse_pull(binary_pull_page(head.dump(), w.finish()), &p).ok());
  REQUIRE(p.items.size() == 2);
  CHECK_FALSE(p.items[0].whole_timeline);
  CHECK(p.items[1].whole_timeline);
  s.replica.apply(std::move(p));
  CHECK(s.client_ws.item("D1")->get("TITLE") == Value("Новое"));
  CHECK(s.client_ws.timeline("D1").size() == d1_before + 1);  // merged into what the client held
  const auto& d1 = s.client_ws.timeline("D1");
  CHECK(std::count_if(d1.begin(), d1.end(), [&](const TimelineEntry& e) { return e.ver == s.server.version - 1; }) == 1);
  CHECK(s.client_ws.timeline("D2").size() == 1);  // not named: the timeline in the block is the whole one
}

TEST_CASE("a truncated or damaged binary page is refused and changes nothing; the pull is retried") {
  kt::test::DemoWorkspace server;
  const auto pages = binary_pages(server.ws, 4);
  REQUIRE(pages.size() >= 2);
  // Every truncation of a page is refused; flipped bytes are refused or read, never crash.
  for (size_t n = 0; n < pages[1].size(); ++n) {
    PullPage p;
    CHECK_FALSE(parse_pull(pages[1].substr(0, n), &p).ok());
  }
  for (size_t i = 4; i < pages[1].size(); i += 3) {
    std::string bad = pages[1];
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    PullPage p;
    (void)parse_pull(bad, &p);
  }
  std::string extra = pages[1] + "x";
  PullPage p;
  CHECK_FALSE(parse_pull(extra, &p).ok());

  // Through the client: the second page comes cut short. Nothing of the snapshot reaches the workspace,
  // the cursor to persist stays the old one, and the retry with the same cursor completes it.
  Workspace client_ws;
  Replica replica(client_ws);
  ScriptTransport net;
  SyncClient client(replica, net, "t");
  client.poke_enabled = false;
  net.answers.push_back({200, pages[0]});
  net.answers.push_back({200, pages[1].substr(0, pages[1].size() / 2)});
  client.tick(1000);
  CHECK(client.status().kind == SyncStatus::Kind::Error);
  CHECK(items_of(client_ws).empty());
  CHECK(client.cursor().empty());
  CHECK(json::parse(net.bodies.at(0))["format"] == "binary");
  CHECK(json::parse(net.bodies.at(0))["partialTimelines"] == true);
  const std::string retried_cursor = json::parse(net.bodies.at(1))["cursor"];
  for (size_t i = 1; i < pages.size(); ++i) net.answers.push_back({200, pages[i]});
  client.tick(1000 + 60000);
  CHECK(json::parse(net.bodies.at(2))["cursor"] == retried_cursor);
  CHECK(client.status().kind == SyncStatus::Kind::Synced);
  CHECK(items_of(client_ws) == items_of(server.ws));
  CHECK(client.cursor() == "p" + std::to_string(pages.size() - 1));
  CHECK_FALSE(replica.take_changes().base_blocks.empty());
}

namespace {

// A binary page of item changes as the server writes it: `cells` of each item, the given erased fields,
// the lists when `lists`, and the timeline entries after `from`.
std::string changes_page(const Workspace& ws, const std::vector<std::string>& ids, std::uint64_t from,
                         const std::vector<std::string>& cells, const std::vector<std::string>& erased = {},
                         bool lists = false, bool reset = false) {
  ItemBlockWriter w(ws.schema(), nullptr);
  for (const auto& id : ids)
    w.add_changes(*ws.item(id), ws.timeline(id), from,
                  [&](const std::string& f) { return std::find(cells.begin(), cells.end(), f) != cells.end(); },
                  erased, lists);
  json head{{"cursor", "c" + std::to_string(from)}, {"more", false}, {"reset", reset}, {"removed", json::array()},
            {"lastMutationIds", json::object()}, {"timelineFrom", from}};
  return binary_pull_page(head.dump(), w.finish());
}

}  // namespace

TEST_CASE("an item's changes merge into the confirmed item under a pending edit; the rest stays") {
  Setup s;
  for (TimelineEntry* e : s.server.ws.take_new_entries()) e->ver = ++s.server.version;
  const std::uint64_t from = s.server.version;
  const Item before = *s.client_ws.item("D1");
  const size_t entries_before = s.client_ws.timeline("D1").size();
  // A pending local edit of another field, and the server's change of the title and a to-do.
  REQUIRE(s.client.dispatch(SetField{"D1", "COMMENTS", Value("моё"), {}}, kNow + 1).ok());
  Session other(s.server.ws, "other", "u1");
  REQUIRE(other.dispatch(SetField{"D1", "TITLE", Value("Новое"), {}}, kNow + 2).ok());
  Activity todo;
  todo.id = "T9";
  todo.subject = "Позвонить";
  todo.deadline_ms = kNow + 86400000;
  todo.responsible = "u1";
  REQUIRE(other.dispatch(PutTodo{"D1", todo}, kNow + 3).ok());
  for (TimelineEntry* e : s.server.ws.take_new_entries()) e->ver = ++s.server.version;

  PullPage p;
  REQUIRE(parse_pull(changes_page(s.server.ws, {"D1"}, from, {"TITLE"}, {}, true), &p).ok());
  REQUIRE(p.items.size() == 1);
  REQUIRE(p.items[0].changes);
  CHECK(p.items[0].item.fields.size() == 1);
  CHECK(s.replica.check(p).ok());
  s.replica.apply(std::move(p));
  const Item& d1 = *s.client_ws.item("D1");
  CHECK(d1.get("TITLE") == Value("Новое"));
  CHECK(d1.get("COMMENTS") == Value("моё"));  // the pending edit, rebased
  CHECK(d1.fields.size() == before.fields.size() + (before.cell("COMMENTS") ? 0 : 1));
  REQUIRE(d1.activity("T9"));
  CHECK(s.client_ws.timeline("D1").size() == entries_before + 3);  // two of the server, one pending
  // The confirmed item (without the pending edit) is the server's.
  const std::vector<TimelineEntry>* tl = nullptr;
  const Item* confirmed = s.replica.confirmed_item("D1", &tl);
  REQUIRE(confirmed);
  json got = item_json(s.client_ws.schema(), *confirmed, *tl, nullptr), want = item_json(s.server.ws, *s.server.ws.item("D1"), nullptr);
  got.erase("timeline");  // the Setup's snapshot gave the client its entries before the server stamped them
  want.erase("timeline");
  CHECK(got == want);

  // Lost fields go; lists that did not come stay.
  const std::string lost = before.fields.front().first;
  REQUIRE(parse_pull(changes_page(s.server.ws, {"D1"}, s.server.version, {}, {lost}), &p).ok());
  CHECK(p.items[0].changes->erased == std::vector<std::string>{lost});
  s.replica.apply(std::move(p));
  CHECK_FALSE(s.replica.confirmed_item("D1", &tl)->cell(lost));
  CHECK(s.replica.confirmed_item("D1", &tl)->activity("T9"));
}

TEST_CASE("changes of an item the client does not hold are refused, and the client starts over") {
  Setup s;
  // The server has an item this client never got, and sends its changes.
  Session other(s.server.ws, "other", "u1");
  REQUIRE(other.dispatch(CreateItem{"DX", "deal", "", {{"TITLE", Value("Новая")}}}, kNow + 1).ok());
  PullPage p;
  REQUIRE(parse_pull(changes_page(s.server.ws, {"D1", "DX"}, 1, {"TITLE"}), &p).ok());
  CHECK_FALSE(s.replica.check(p).ok());
  // In a snapshot's page, changes are refused as well.
  REQUIRE(parse_pull(changes_page(s.server.ws, {"D1"}, 1, {"TITLE"}, {}, false, true), &p).ok());
  CHECK_FALSE(s.replica.check(p).ok());
  // A stored base holds whole items only: a block with changes in it does not load.
  ItemBlockWriter w(s.server.ws.schema(), nullptr);
  w.add_changes(*s.server.ws.item("D1"), {}, 1, [](const std::string&) { return true; }, {}, true);
  std::string base = binary_base_header(schema_json(s.server.ws.schema(), nullptr).dump(), 0) + w.finish();
  base.push_back(kBinaryBlocksEnd[0]);
  Workspace loaded;
  CHECK_FALSE(decode_workspace(base, &loaded, nullptr).ok());

  // Through the client: nothing of the page is applied, and the next pull has no cursor (a snapshot).
  Workspace client_ws;
  Replica replica(client_ws);
  ScriptTransport net;
  SyncClient client(replica, net, "t");
  client.poke_enabled = false;
  const auto pages = binary_pages(s.server.ws, 1000);
  net.answers.push_back({200, pages[0]});
  client.tick(1000);
  REQUIRE(client.cursor() == "p0");
  const std::string held = item_json(client_ws, *client_ws.item("D1"), nullptr).dump();
  Session third(s.server.ws, "third", "u1");
  REQUIRE(third.dispatch(CreateItem{"DY", "deal", "", {{"TITLE", Value("Ещё")}}}, kNow + 2).ok());
  net.answers.push_back({200, changes_page(s.server.ws, {"D1", "DY"}, 1, {"TITLE"})});
  client.pull_now();
  client.tick(2000);
  CHECK(client.status().kind == SyncStatus::Kind::Error);
  CHECK(item_json(client_ws, *client_ws.item("D1"), nullptr).dump() == held);
  CHECK(json::parse(net.bodies.at(1))["partialItems"] == true);
  client.tick(2000 + 60000);
  REQUIRE(net.bodies.size() >= 3);
  CHECK(json::parse(net.bodies.at(2))["cursor"] == "");
}

namespace {

// Answers a push, a poke or a pull with the given status and body (the first request of that path only).
struct OneAnswer : Transport {
  std::string path;
  HttpResponse answer;
  int answered = 0;
  void send(const std::string&, const std::string& p, const std::string&, const std::string&,
            std::function<void(HttpResponse)> done) override {
    if (p.rfind(path, 0) != 0 || answered++) return;
    done(answer);
  }
};

}  // namespace

// Issue 20 (fuzz_pull): the client read the members of push, poke and error answers with json::value() and
// get<>(), which throw on a member of another type (or on an answer that is not an object): a server, or a
// proxy in its place, could crash the app with {"error": 1}. Such members now read as absent.
TEST_CASE("answers whose members have unexpected types never crash the client: they read as absent") {
  const char* bodies[] = {R"({"error":1})", "[]", "7", R"("text")", R"({"client":"x","expected":"1"})",
                          R"({"client":5,"expected":2})", R"({"lastMutationIds":[1,"a"],"results":{"a":1}})",
                          R"({"lastMutationIds":{"cl":"9"},"results":[1,{"status":"rejected","seq":"x","code":5}]})",
                          R"({"changed":"yes"})", R"({"changed":1})"};
  const struct {
    const char* path;
    int status;
  } cases[] = {{"/api/sync/push", 200}, {"/api/sync/push", 409}, {"/api/sync/push", 400}, {"/api/sync/poke", 200},
               {"/api/sync/pull", 500}, {"/api/sync/pull", 401}};
  for (const char* body : bodies)
    for (const auto& c : cases) {
      CAPTURE(body);
      CAPTURE(c.path);
      CAPTURE(c.status);
      Workspace ws;
      Replica replica(ws);
      OneAnswer net;
      net.path = c.path;
      net.answer = HttpResponse{c.status, body};
      SyncClient client(replica, net, "t");
      client.set_cursor("c0");
      Session local(ws, "cl", "u1");
      local.set_before_apply([&](const Command& cmd) { replica.before_local(cmd); });
      local.set_sink([&](const Mutation& m) { replica.add_pending(m); });
      const bool push = std::string(c.path) == "/api/sync/push";
      if (push)  // a pending edit, or the pull goes first
        REQUIRE(local.dispatch(CreateItem{"D1", "deal", "", {{"TITLE", Value("Поставка")}}}, kNow, false).ok());
      client.tick(1000);
      CHECK(replica.pending().size() == (push ? 1 : 0));  // nothing acknowledged it
      const SyncStatus st = client.status();
      if (c.status == 401) CHECK(st.kind == SyncStatus::Kind::Unauthorized);
      if (c.status == 400 || c.status == 500) CHECK(st.reason == "HTTP " + std::to_string(c.status));
    }
  // A well-formed error code is still taken.
  Workspace ws;
  Replica replica(ws);
  OneAnswer net;
  net.path = "/api/sync/pull";
  net.answer = HttpResponse{403, R"({"error":"forbidden","message":"no"})"};
  SyncClient client(replica, net, "t");
  client.tick(1000);
  CHECK(client.status().reason == "forbidden");
}

TEST_CASE("a pending creation shows the next number; the server's order decides it once synced") {
  Setup s;
  const std::vector<Mutation>& sent = s.sent;
  const std::uint64_t last = s.server.ws.last_number("deal");
  REQUIRE(last == s.server.ws.item_ids("deal").size());  // the demo's deals are 1..n
  CHECK(s.client_ws.last_number("deal") == last);
  REQUIRE(s.client.dispatch(CreateItem{"MINE", "deal", "", {{"TITLE", Value("Моя")}}}, kNow, false).ok());
  CHECK(s.client_ws.item("MINE")->number == last + 1);  // provisional
  CHECK(s.client_ws.item_by_number("deal", last + 1)->id == "MINE");

  // Another user's creation reaches the server first: it takes last + 1, and the pending one moves on.
  Session other(s.server.ws, "other", "u2");
  other.set_sink([&](const Mutation& m) { s.server.last[m.client] = m.seq; });
  REQUIRE(other.dispatch(CreateItem{"THEIRS", "deal", "", {{"TITLE", Value("Их")}}}, kNow + 1, false).ok());
  REQUIRE(s.server.ws.item("THEIRS")->number == last + 1);
  s.replica.apply(s.server.page({"THEIRS"}));
  CHECK(s.client_ws.item("THEIRS")->number == last + 1);
  CHECK(s.client_ws.item("MINE")->number == last + 2);
  // Rebasing again (an unrelated page) does not move it further.
  s.replica.apply(s.server.page({"D1"}));
  CHECK(s.client_ws.item("MINE")->number == last + 2);

  // A third user's creation, then mine reaches the server: the server's number is the one kept.
  REQUIRE(other.dispatch(CreateItem{"THIRD", "deal", "", {{"TITLE", Value("Третья")}}}, kNow + 2, false).ok());
  REQUIRE(s.server.apply(sent.at(0)).ok());
  s.replica.apply(s.server.page({"THIRD", "MINE"}));
  CHECK(s.replica.pending().empty());
  CHECK(s.client_ws.item("MINE")->number == last + 3);
  CHECK(s.client_ws.item("MINE")->number == s.server.ws.item("MINE")->number);
  CHECK(s.client_ws.last_number("deal") == last + 3);
  // Other entity types count on their own.
  CHECK(s.client_ws.last_number("contact") == s.server.ws.item_ids("contact").size());
}
