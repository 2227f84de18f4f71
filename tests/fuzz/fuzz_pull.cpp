// libFuzzer target: a pull answer as the sync client handles it (src/sync/client.cpp handle_pull): a JSON
// page (which must read as the JSON DOM reads it) or a binary one ("KTPP", a JSON header and an item block),
// read by parse_pull, checked against the replica of the demo workspace and applied to it (a reset page as a
// whole snapshot). What the client keeps must hold together: every packed timeline decodes, and a
// snapshot's base file reads back. The same bytes also answer the client's other requests (push, poke, a
// failed pull), which it reads too.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"
#include "fuzz_support.hpp"
#include "sync/client.hpp"
#include "sync/replica.hpp"

using namespace kt;
using namespace kt::sync;
using nlohmann::json;

namespace {

// parse_pull reads a JSON page straight from the text and falls back to the DOM when anything is unusual:
// what it reads must be what the DOM gives (as tests/sync/replica_test.cpp checks for chosen pages).
void check_same_as_dom(const std::string& body, const PullPage& p) {
  const json j = json::parse(body, nullptr, false);
  KT_FUZZ_CHECK(!j.is_discarded() && j.is_object());
  const json items = j.value("items", json::array());
  KT_FUZZ_CHECK(p.items.size() == items.size());
  static const Schema schema;
  for (size_t i = 0; i < p.items.size() && i < items.size(); ++i) {
    Item want;
    std::vector<TimelineEntry> tl;
    KT_FUZZ_CHECK(load_item(items[i], &want, &tl).ok());
    const auto dump = [](const json& x) { return x.dump(-1, ' ', false, json::error_handler_t::replace); };
    KT_FUZZ_CHECK(dump(item_json(schema, p.items[i].item, p.items[i].timeline, nullptr)) ==
                  dump(item_json(schema, want, tl, nullptr)));
    KT_FUZZ_CHECK(p.items[i].whole_timeline == !items[i].contains("timelineFrom"));
  }
  KT_FUZZ_CHECK(p.cursor == j.value("cursor", ""));
  KT_FUZZ_CHECK(p.more == j.value("more", false));
  KT_FUZZ_CHECK(p.reset == j.value("reset", false));
  KT_FUZZ_CHECK(p.snapshot_done == j.value("snapshotDone", false));
  KT_FUZZ_CHECK(p.removed == j.value("removed", std::vector<std::string>{}));
  KT_FUZZ_CHECK(p.schema.has_value() == (j.contains("schema") && !j["schema"].is_null()));
  const json last = j.value("lastMutationIds", json::object());
  KT_FUZZ_CHECK(p.last_mutation_ids.size() == last.size());
  for (const auto& [c, n] : last.items()) {
    const auto it = p.last_mutation_ids.find(c);
    KT_FUZZ_CHECK(it != p.last_mutation_ids.end() && it->second == n.get<std::uint64_t>());
  }
}

// Answers every request at once: with `status` and the fuzzer's bytes for the path it is given, with an
// empty 200 JSON page (or nothing, for pokes) otherwise.
struct Answers : Transport {
  std::string path;
  int status = 200;
  const std::string* body = nullptr;
  int sent = 0;
  void send(const std::string&, const std::string& p, const std::string&, const std::string&,
            std::function<void(HttpResponse)> done) override {
    if (++sent > 8) return;  // a client that keeps asking: enough
    if (p.rfind(path, 0) == 0) return done(HttpResponse{status, *body});
    if (p == "/api/sync/pull") return done(HttpResponse{200, R"({"cursor":"c","more":false})"});
  }
};

// The same bytes as the answer to a push (200, or 409 with the sequence the server expects), a poke, and a
// failed request (the client reads the error code from it): the client reads them all from the network.
void answer_client(const std::string& body) {
  static const struct {
    const char* path;
    int status;
  } kCases[] = {{"/api/sync/push", 200}, {"/api/sync/push", 409}, {"/api/sync/poke", 200}, {"/api/sync/pull", 500}};
  // A workspace of one deal, with a schema of deals only (copying the demo, or the whole default schema, for
  // each case cost more than the rest of a run).
  static const Workspace one = [] {
    const Schema all = default_schema();
    Schema deals;
    for (const auto& e : all.entities)
      if (e.id == "deal") deals.entities.push_back(e);
    for (const auto& f : all.fields)
      if (f.entity == "deal") deals.fields.push_back(f);
    for (const auto& p : all.pipelines)
      if (p.entity == "deal") deals.pipelines.push_back(p);
    deals.users = fuzz::demo().schema().users;
    Workspace w(std::move(deals));
    Session s(w, "seed", "u1");
    const Status st = s.dispatch(CreateItem{"D1", "deal", "", {{"TITLE", Value("Поставка")}}}, fuzz::kNow, false);
    KT_FUZZ_CHECK(st.ok());
    return w;
  }();
  for (const auto& c : kCases) {
    Workspace ws = one;
    Replica replica(ws);
    Answers net;
    net.path = c.path;
    net.status = c.status;
    net.body = &body;
    SyncClient client(replica, net, "token");
    client.set_cursor("c0");
    Session local(ws, "fz", "u1");
    local.set_before_apply([&](const Command& cmd) { replica.before_local(cmd); });
    local.set_sink([&](const Mutation& m) {
      replica.add_pending(m);
      client.local_change();
    });
    (void)local.dispatch(SetField{"D1", "TITLE", Value("fuzz"), {}}, fuzz::kNow);
    client.tick(1000);
    client.tick(100000);
    (void)client.status();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string body(fuzz::bytes_of(data, size));
  answer_client(body);
  PullPage page;
  if (!parse_pull(body, &page)) return 0;
  if (!page.binary) check_same_as_dom(body, page);

  Workspace ws = fuzz::demo();
  Replica replica(ws);
  Session local(ws, "fz", "u1");
  local.set_before_apply([&](const Command& c) { replica.before_local(c); });
  local.set_sink([&](const Mutation& m) { replica.add_pending(m); });
  // A pending local edit, so that applying rebases.
  (void)local.dispatch(SetField{"D1", "TITLE", Value("fuzz"), {}}, fuzz::kNow);

  if (!replica.check(page)) return 0;
  if (page.reset) {
    const bool last = !page.more || page.snapshot_done;
    replica.begin_snapshot();
    replica.add_snapshot_page(std::move(page));
    if (last) replica.finish_snapshot();
  } else {
    replica.apply(std::move(page));
  }
  const Replica::Changes ch = replica.take_changes();
  fuzz::check_timelines(ws);
  // The app stores the items that changed as JSON (src/storage/snapshot_store.cpp) and reads them back.
  for (const auto& id : ch.items)
    if (const Item* it = ws.item(id)) {
      Item back;
      std::vector<TimelineEntry> tl;
      KT_FUZZ_CHECK(load_item(item_json(ws, *it, nullptr), &back, &tl).ok());
    }
  if (!ch.base_blocks.empty()) {
    Workspace base;
    const Status s = decode_workspace(ch.base_header + ch.base_blocks + std::string(1, kBinaryBlocksEnd[0]), &base, nullptr);
    if (!s) std::fprintf(stderr, "%s: %s\n", s.code.c_str(), s.message.c_str());
    KT_FUZZ_CHECK(s.ok());
  }
  return 0;
}
