// Convergence property test: several simulated devices run the real client (Session, sync::Replica,
// sync::SyncClient) against the real server logic (sync::ServerState) over a simulated network that
// delays, reorders, loses and duplicates. Devices edit offline and online in random interleavings, pages
// are reloaded (the client restarts from what it would have persisted), the server restarts, and the
// administrator changes who may see what mid-way (cursor resets, paged snapshots). At the end every device
// syncs fully, and what each one shows must equal the server's projection for its user.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>

#include "core/refused.hpp"
#include "core/session.hpp"
#include "core/snapshot.hpp"
#include "sync/client.hpp"
#include "sync/replica.hpp"
#include "sync_support.hpp"

using namespace kt;
using namespace kt::test;
using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------------------
// The network: every request waits in its device's queue until the scheduler delivers it (in any order),
// answers it as lost, or the page that sent it goes away.
// ---------------------------------------------------------------------------------------------------------

struct Request {
  std::string method, path, body;
  std::function<void(sync::HttpResponse)> done;
};

class QueueTransport : public sync::Transport {
 public:
  std::vector<Request> queue;
  void send(const std::string& method, const std::string& path, const std::string& body,
            const std::string&, std::function<void(sync::HttpResponse)> done) override {
    queue.push_back({method, path, body, std::move(done)});
  }
};

const std::string kPoke = "/api/sync/poke?cursor=";

// The server's answer to a request as the HTTP layer would give it (the token's user is `user`).
sync::HttpResponse serve(sync::ServerState& s, const std::string& user, const Request& r) {
  sync::Response out;
  if (r.path == "/api/sync/push") {
    out = s.push(user, json::parse(r.body));
  } else if (r.path == "/api/sync/pull") {
    out = s.pull(user, json::parse(r.body));
  } else if (r.path.rfind(kPoke, 0) == 0) {
    out = s.poke(user, r.path.substr(kPoke.size()), std::chrono::milliseconds(0));
  } else {
    out = sync::error_response(404, "not_found", r.path);
  }
  // A binary snapshot page goes out as its bytes (the client asks for them: snapshots here are binary).
  return {out.status, out.bytes.empty() ? out.body.dump() : out.bytes};
}

// ---------------------------------------------------------------------------------------------------------
// A device: one browser profile of a user. It keeps what the app persists (the confirmed state, the cursor,
// the acknowledgements and the journal of its own mutations) and rebuilds the app from it on a reload,
// the way App::start_connected does.
// ---------------------------------------------------------------------------------------------------------

struct Stats {
  int local_ok = 0, local_refused = 0, server_rejected = 0, told_rejected = 0, lost = 0, duplicated = 0,
      replayed = 0, reloads = 0, restarts = 0, resets = 0;
};

struct Device {
  std::string name, user;
  Stats* stats = nullptr;
  Workspace ws;
  std::unique_ptr<sync::Replica> replica;
  std::unique_ptr<Session> session;
  std::unique_ptr<QueueTransport> transport;
  std::unique_ptr<sync::SyncClient> client;
  std::vector<Mutation> journal;  // mutations issued here and not yet known to be on the server
  std::vector<std::string> sent_pushes;
  bool offline = false;
  int loads = 0;

  Device(std::string n, std::string u, Stats* st) : name(std::move(n)), user(std::move(u)), stats(st) {}

  // The confirmed state as the app stores it (App::save_confirmed).
  json persisted() const {
    json items = json::array();
    for (const auto& et : ws.schema().entities)
      for (const auto& id : ws.item_ids(et.id)) {
        const std::vector<TimelineEntry>* tl = nullptr;
        if (const Item* it = replica->confirmed_item(id, &tl))
          items.push_back(item_json(replica->confirmed_schema(), *it, *tl, nullptr));
      }
    return json{{"format", kSnapshotFormat},
                {"schema", schema_json(replica->confirmed_schema(), nullptr)},
                {"items", items}};
  }

  // A page load: the first one starts empty; later ones start from what the previous one persisted.
  void load(std::int64_t now) {
    std::string cursor;
    std::map<std::string, std::uint64_t> acked;
    if (replica) {
      cursor = client->cursor();
      acked = client->acknowledged();
      json snap = persisted();
      client.reset();
      replica.reset();
      session.reset();
      Workspace loaded;
      REQUIRE(load_snapshot(snap, &loaded).ok());
      ws = std::move(loaded);
    }
    replica = std::make_unique<sync::Replica>(ws);
    session = std::make_unique<Session>(ws, name + "p" + std::to_string(++loads), user);
    std::vector<Mutation> kept;
    for (const auto& m : journal) {
      auto a = acked.find(m.client);
      if (a != acked.end() && m.seq <= a->second) continue;
      kept.push_back(m);
      replica->before_local(m.cmd);
      session->replay(m, now);  // one that no longer applies stays pending all the same: the server decides
      replica->restore_pending({m});
    }
    journal = std::move(kept);
    session->set_before_apply([this](const Command& c) { replica->before_local(c); });
    session->set_sink([this](const Mutation& m) {
      replica->add_pending(m);
      journal.push_back(m);
      if (client) client->local_change();
    });
    transport = std::make_unique<QueueTransport>();
    client = std::make_unique<sync::SyncClient>(*replica, *transport, "token of " + user);
    client->set_cursor(cursor);
    client->set_acknowledged(acked);
    client->on_dropped = [this](const Mutation&, const Status&) { ++stats->told_rejected; };
    client->on_progress = [this] {
      if (replica->pending().empty()) journal.clear();  // as the app drops its journal
    };
  }

  bool quiet() const {
    if (!replica->pending().empty() || client->busy() || replica->in_snapshot()) return false;
    for (const auto& r : transport->queue)
      if (r.path.rfind(kPoke, 0) != 0) return false;
    return true;
  }

  // What the device shows: every item and the schema, as the check compares them.
  Replica view() const {
    Replica v(user);
    for (const auto& et : ws.schema().entities)
      for (const auto& id : ws.item_ids(et.id)) v.items[id] = item_json(ws, *ws.item(id), nullptr);
    v.schema = schema_json(ws.schema(), nullptr);
    return v;
  }
};

// ---------------------------------------------------------------------------------------------------------
// Random operations, valid and not
// ---------------------------------------------------------------------------------------------------------

Role make_role(const std::string& id, Level read, Level edit, Level remove) {
  Role r{id, "Role " + id, {}, {}};
  r.defaults.read = read;
  r.defaults.add = Level::All;
  r.defaults.edit = edit;
  r.defaults.remove = remove;
  return r;
}

const std::vector<std::string> kUsers{"u1", "u2", "u3"};
const std::vector<std::string> kStages{"NEW",           "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING",
                                       "FINAL_INVOICE", "WON",         "LOSE",               "NOPE"};

struct Ops {
  std::mt19937& rng;
  int counter = 0;

  template <class V>
  const auto& pick(const V& v) {
    return v[rng() % v.size()];
  }
  bool chance(int percent) { return static_cast<int>(rng() % 100) < percent; }
  std::string word() { return "w" + std::to_string(++counter); }

  Command next(Device& d) {
    const Workspace& ws = d.ws;
    std::vector<std::string> deals = ws.item_ids("deal");
    std::vector<std::string> custom;
    for (const auto& f : ws.schema().fields)
      if (f.entity == "deal" && f.id.rfind("UF_CRM_", 0) == 0) custom.push_back(f.id);
    const std::string item = deals.empty() || chance(3) ? "D999" : pick(deals);
    const Item* it = ws.item(item);
    const int kind = static_cast<int>(rng() % (d.user == "u1" ? 19 : 16));
    switch (kind) {
      case 0:
      case 1:
        return SetField{item, "TITLE", Value("title " + word()), {}};
      case 2:
        return SetField{item, "COMMENTS", Value("note " + word()), {}};
      case 3:
        return SetField{item, "PROBABILITY", Value(static_cast<int>(rng() % 101)), {}};
      case 4:
        return SetField{item, "ASSIGNED_BY_ID", Value(pick(kUsers)), {}};
      case 5:
        if (!custom.empty()) return SetField{item, pick(custom), Value("secret " + word()), {}};
        return SetField{item, "NO_SUCH_FIELD", Value("x"), {}};  // refused: no such field
      case 6:
        return MoveStage{item, pick(kStages), {}};  // "NOPE" is refused
      case 7:
        return AddComment{item, "comment " + word()};
      case 8: {
        if (it)
          for (const auto& e : ws.timeline(item))
            if (e.kind == TimelineKind::Comment && !e.removed && chance(50))
              return EditComment{item, e.id, "edited " + word(), chance(25)};
        return EditComment{item, "no-such-entry", "x", false};  // refused
      }
      case 9: {
        Activity a;
        a.id = chance(70) || !it || it->activities.empty() ? d.session->new_id("T") : pick(it->activities).id;
        a.subject = "todo " + word();
        a.deadline_ms = chance(90) ? kSyncNow + 86400000LL * (1 + rng() % 10) : 0;  // 0 is refused
        a.responsible = pick(kUsers);
        return PutTodo{item, a};
      }
      case 10:
        if (it && !it->activities.empty()) return CompleteTodo{item, pick(it->activities).id, chance(80)};
        return CompleteTodo{item, "no-such-todo", true};  // refused
      case 11: {
        std::vector<ProductRow> rows;
        for (int k = 0, n = static_cast<int>(rng() % 3); k < n; ++k) {
          ProductRow r;
          r.id = "r" + word();
          r.name = "product " + word();
          r.price = 100 * (1 + rng() % 1000);
          r.quantity = 1 + rng() % 5;
          r.tax_rate = chance(50) ? 20 : 0;
          rows.push_back(r);
        }
        return SetProducts{item, rows, {}};
      }
      case 12:
      case 13:
        return CreateItem{d.session->new_id("D"),
                          "deal",
                          "",
                          {{"TITLE", Value("new " + word())},
                           {"ASSIGNED_BY_ID", Value(chance(60) ? d.user : pick(kUsers))}}};
      case 14:
        return DeleteItem{item};
      case 15:
        return RestoreItem{item};
      // The administrator only: who may see what (resets every cursor), and required fields.
      case 16: {
        FieldDef f;
        if (!custom.empty() && chance(70)) {
          f = *ws.schema().field("deal", pick(custom));
        } else {
          f.id = "UF_CRM_N" + std::to_string(++counter);
          f.entity = "deal";
          f.label = {"Поле " + f.id, "Field " + f.id};
        }
        static const std::vector<std::vector<std::string>> codes{{}, {"Uu2"}, {"Uu3"}, {"Dd3"}, {"Dd2", "Uu3"}};
        f.visible_to = pick(codes);
        return PutField{f};
      }
      case 17:
        if (!custom.empty()) return SetRequired{"deal", pick(custom), chance(40), {}};
        return SetRequired{"deal", "NO_SUCH_FIELD", true, {}};  // refused
      default:
        return PutUser{{"u3", "Maria", chance(50) ? "d3" : "d2", false, {"own"}, true}};
    }
  }
};

// ---------------------------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------------------------

struct World {
  TestServer server;
  Stats stats;
  std::vector<std::unique_ptr<Device>> devices;
  std::mt19937 rng;
  Ops ops{rng};

  explicit World(unsigned seed) : server(true), rng(seed) { restart_server(); }

  // Builds the server state again from its log, with small pages, so that snapshots and catch-up pulls
  // come in several pages.
  void restart_server() {
    server.state.reset();
    server.state = std::make_unique<sync::ServerState>(server.store(), kSecret, server.clock.options(4));
  }

  std::int64_t now() const { return test_time().load(); }

  // A request of `d` leaves its queue: answered by the server (maybe twice, maybe with the answer lost),
  // or lost on the way when the device is offline.
  void deliver(Device& d, size_t index, bool faults) {
    Request r = std::move(d.transport->queue[index]);
    d.transport->queue.erase(d.transport->queue.begin() + static_cast<long>(index));
    if (d.offline) return r.done({0, ""});
    sync::HttpResponse resp = serve(*server, d.user, r);
    if (std::getenv("KT_TRACE") && r.path.rfind(kPoke, 0) != 0)
      MESSAGE(d.name << " " << r.path << " " << r.body.substr(0, 300) << " -> " << resp.status << " "
                     << resp.body.substr(0, 300));
    if (r.path == "/api/sync/push") {
      d.sent_pushes.push_back(r.body);
      if (resp.status == 200) {
        const json answer = json::parse(resp.body);
        for (const auto& res : answer["results"])
          if (res["status"] == "rejected") ++stats.server_rejected;
      }
    }
    sync::PullPage page;  // JSON or a binary snapshot page
    if (r.path == "/api/sync/pull" && resp.status == 200 && sync::parse_pull(resp.body, &page).ok() && page.reset)
      ++stats.resets;
    if (faults && r.path.rfind(kPoke, 0) != 0 && ops.chance(10)) {
      ++stats.duplicated;  // the network delivers the request twice; the second answer comes back
      resp = serve(*server, d.user, r);
    }
    if (faults && ops.chance(12)) {
      ++stats.lost;  // the request arrived, its answer did not
      resp = {0, ""};
    }
    r.done(resp);
  }

  void reload(Device& d) {
    ++stats.reloads;
    // Requests the closing page had sent reach the server or not; nobody reads their answers.
    for (auto& r : d.transport->queue)
      if (!d.offline && ops.chance(50) && r.path.rfind(kPoke, 0) != 0) serve(*server, d.user, r);
    d.transport->queue.clear();
    d.load(now());
  }

  void local_op(Device& d) {
    if (d.ws.schema().users.empty()) return;  // nothing synced yet
    Status s = d.session->dispatch(ops.next(d), ++test_time());
    if (s) ++stats.local_ok;
    else ++stats.local_refused;
  }

  void random_step() {
    test_time() += rng() % 400;
    Device& d = *devices[rng() % devices.size()];
    const int e = static_cast<int>(rng() % 100);
    if (e < 35) {
      local_op(d);
    } else if (e < 55) {
      d.client->tick(now());
    } else if (e < 85) {
      if (!d.transport->queue.empty()) deliver(d, rng() % d.transport->queue.size(), true);
    } else if (e < 90) {
      // A push delivered again long after (a retransmission that took its time): nothing changes.
      if (!d.sent_pushes.empty() && !d.offline) {
        ++stats.replayed;
        serve(*server, d.user, {"POST", "/api/sync/push", ops.pick(d.sent_pushes), nullptr});
      }
    } else if (e < 96) {
      d.offline = !d.offline;
    } else if (e < 99) {
      reload(d);
    } else if (ops.chance(30)) {
      ++stats.restarts;
      restart_server();
    }
  }

  // Everyone online, no faults, until every device is quiet; then one last pull each.
  void settle() {
    for (auto& d : devices) d->offline = false;
    auto drain = [&] {
      for (int guard = 0; guard < 1000; ++guard) {
        bool any = false;
        for (auto& d : devices) {
          d->client->tick(now());
          for (size_t i = 0; i < d->transport->queue.size();) {
            if (d->transport->queue[i].path.rfind(kPoke, 0) == 0) {
              ++i;
              continue;
            }
            deliver(*d, i, false);
            any = true;
          }
        }
        if (!any) return;
      }
    };
    for (int round = 0; round < 50; ++round) {
      test_time() += 31000;  // past any backoff
      drain();
      bool quiet = std::all_of(devices.begin(), devices.end(), [](auto& d) { return d->quiet(); });
      if (!quiet) continue;
      for (auto& d : devices) d->client->pull_now();
      drain();
      if (std::all_of(devices.begin(), devices.end(), [](auto& d) { return d->quiet(); })) return;
    }
  }
};

void seed_workspace(sync::ServerState& s) {
  PushClient admin("seed", "u1");
  admin.push_ok(s, {PutDepartment{{"d1", "Company", ""}, false}, PutDepartment{{"d2", "Sales", "d1"}, false},
                    PutDepartment{{"d3", "Support", "d1"}, false},
                    PutRole{make_role("all", Level::All, Level::All, Level::All), false},
                    PutRole{make_role("own", Level::Own, Level::Own, Level::None), false},
                    PutUser{{"u2", "Ivan", "d2", false, {"all"}, true}},
                    PutUser{{"u3", "Maria", "d3", false, {"own"}, true}}});
  std::vector<Command> deals;
  for (int i = 1; i <= 8; ++i)
    deals.push_back(CreateItem{"D" + std::to_string(i),
                               "deal",
                               "",
                               {{"TITLE", Value("Deal " + std::to_string(i))},
                                {"ASSIGNED_BY_ID", Value(kUsers[i % kUsers.size()])}}});
  admin.push_ok(s, std::move(deals));
}

// Where a device differs from the server's projection for its user: a few short lines (the full JSON of a
// schema would bury the point).
std::vector<std::string> differences(sync::ServerState& s, const Device& d) {
  std::vector<std::string> out;
  const Replica v = d.view();
  auto want = projected_items(s, d.user);
  auto clip = [](const std::string& t) { return t.size() > 600 ? t.substr(0, 600) + "…" : t; };
  for (const auto& [id, item] : want) {
    auto got = v.items.find(id);
    if (got == v.items.end()) out.push_back("missing " + id);
    else if (got->second != item) {
      std::string what = "differs " + id + ":";
      for (const auto& [k, x] : item.items())
        if (!got->second.contains(k) || got->second[k] != x)
          what += " " + k + " want " + clip(x.dump()) + " got " + clip(got->second.value(k, json()).dump()) + ";";
      out.push_back(what);
    }
  }
  for (const auto& [id, item] : v.items)
    if (!want.count(id)) out.push_back("extra " + id);
  const json ws = projected_schema(s, d.user);
  if (v.schema != ws)
    for (const auto& [k, x] : ws.items())
      if (!v.schema.contains(k) || v.schema[k] != x) out.push_back("schema differs in " + k);
  return out;
}

}  // namespace

TEST_CASE("convergence: devices editing offline in random interleavings end equal to the server") {
  Stats total;
  // KT_SEED=n runs one seed (to look into a failure).
  const unsigned first = std::getenv("KT_SEED") ? static_cast<unsigned>(std::atoi(std::getenv("KT_SEED"))) : 1;
  const unsigned last = std::getenv("KT_SEED") ? first : 20;
  for (unsigned seed = first; seed <= last; ++seed) {
    CAPTURE(seed);
    World w(seed);
    seed_workspace(*w.server);
    w.devices.push_back(std::make_unique<Device>("adm", "u1", &w.stats));
    w.devices.push_back(std::make_unique<Device>("ivanA", "u2", &w.stats));
    w.devices.push_back(std::make_unique<Device>("ivanB", "u2", &w.stats));  // the same user, another device
    w.devices.push_back(std::make_unique<Device>("maria", "u3", &w.stats));
    for (auto& d : w.devices) d->load(w.now());

    for (int step = 0; step < 700; ++step) w.random_step();
    w.settle();

    for (auto& d : w.devices) {
      CAPTURE(d->name);
      CHECK_MESSAGE(d->quiet(), d->name << " did not settle: " << d->replica->pending().size()
                                        << " pending, status " << static_cast<int>(d->client->status().kind)
                                        << " " << d->client->status().reason);
      auto diffs = differences(*w.server, *d);
      std::string text;
      for (size_t i = 0; i < diffs.size() && i < 6; ++i) text += "\n  " + diffs[i];
      CHECK_MESSAGE(diffs.empty(), d->name << " (" << d->user << ") differs from the server in " << diffs.size()
                                          << " ways:" << text);
    }
    const Stats& s = w.stats;
    total.local_ok += s.local_ok;
    total.local_refused += s.local_refused;
    total.server_rejected += s.server_rejected;
    total.told_rejected += s.told_rejected;
    total.lost += s.lost;
    total.duplicated += s.duplicated;
    total.replayed += s.replayed;
    total.reloads += s.reloads;
    total.restarts += s.restarts;
    total.resets += s.resets;
  }
  MESSAGE("local ok " << total.local_ok << ", refused locally " << total.local_refused << ", rejected by the server "
                      << total.server_rejected << ", told to the user " << total.told_rejected << ", answers lost "
                      << total.lost << ", duplicated " << total.duplicated << ", late replays " << total.replayed
                      << ", reloads " << total.reloads << ", server restarts " << total.restarts << ", resets "
                      << total.resets);
  // The run exercised what it is meant to.
  CHECK(total.local_ok > 1000);
  CHECK(total.local_refused > 50);
  CHECK(total.server_rejected > 0);
  CHECK(total.lost > 50);
  CHECK(total.reloads > 20);
  CHECK(total.resets > 20);
}

TEST_CASE("sync client: back online, the first answered poke ends the backoff; next_due_ms says when to wake") {
  World w(1);
  seed_workspace(*w.server);
  w.devices.push_back(std::make_unique<Device>("dev", "u2", &w.stats));
  Device& d = *w.devices[0];
  d.load(w.now());
  w.settle();
  REQUIRE(d.quiet());
  CHECK(d.client->status().kind == sync::SyncStatus::Kind::Synced);
  // Nothing to do until the periodic pull, or the poke's next round (it is in flight now).
  CHECK(d.client->next_due_ms(w.now()) > w.now());

  auto run = [&] {  // everything in the queue, pokes too
    while (!d.transport->queue.empty()) w.deliver(d, 0, false);
  };
  run();  // the poke in flight answers "unchanged": a new one goes out at the next tick
  d.offline = true;
  REQUIRE(d.session->dispatch(SetField{"D1", "TITLE", Value("written offline"), {}}, ++test_time()).ok());
  CHECK(d.client->next_due_ms(w.now()) == w.now());  // a local change: push at once
  for (int i = 0; i < 12; ++i) {  // the push fails again and again: the backoff grows
    test_time() = std::max(w.now(), d.client->next_due_ms(w.now()));
    d.client->tick(w.now());
    run();
  }
  CHECK(d.client->status().kind == sync::SyncStatus::Kind::Offline);
  // The page must wake for the next poke, before the backoff ends.
  const std::int64_t due = d.client->next_due_ms(w.now());
  CHECK(due > w.now());
  CHECK(due <= w.now() + 5000);
  CHECK(d.client->next_attempt_ms() > due);

  d.offline = false;
  test_time() = due;
  d.client->tick(w.now());  // the poke goes out and is answered: the backoff is over
  run();
  CHECK(d.client->next_due_ms(w.now()) == w.now());
  for (int i = 0; i < 4; ++i) {
    d.client->tick(w.now());
    run();
  }
  CHECK(d.replica->pending().empty());
  CHECK(d.client->status().kind == sync::SyncStatus::Kind::Synced);
  CHECK(w.server->workspace().item("D1")->get("TITLE") == Value("written offline"));

  // "Sync now" (or the browser's online event) also ends a backoff.
  d.offline = true;
  REQUIRE(d.session->dispatch(SetField{"D1", "TITLE", Value("again"), {}}, ++test_time()).ok());
  for (int i = 0; i < 4; ++i) {
    test_time() = std::max(w.now(), d.client->next_due_ms(w.now()));
    d.client->tick(w.now());
    run();
  }
  REQUIRE(d.client->next_attempt_ms() > w.now());
  d.offline = false;
  d.client->pull_now();
  CHECK(d.client->next_due_ms(w.now()) == w.now());
  for (int i = 0; i < 4; ++i) {
    d.client->tick(w.now());
    run();
  }
  CHECK(d.replica->pending().empty());
  CHECK(w.server->workspace().item("D1")->get("TITLE") == Value("again"));
}

TEST_CASE("refused changes: kept with the reason and the server's value, re-applied as a new change once the right is back") {
  World w(2);
  seed_workspace(*w.server);
  w.devices.push_back(std::make_unique<Device>("dev", "u2", &w.stats));
  Device& d = *w.devices[0];
  d.load(w.now());
  // What the app does with a refusal (App::on_refused): kept, with what the server's copy holds now.
  RefusedList refused;
  d.client->on_dropped = [&](const Mutation& m, const Status& s) {
    refused.add(RefusedChange{m, s.code, s.message, w.now(), current_values(d.ws, m.cmd)});
  };
  w.settle();
  REQUIRE(d.quiet());
  REQUIRE(d.ws.item("D1"));
  const Value title_before = d.ws.item("D1")->get("TITLE");

  // Ivan edits offline; meanwhile the administrator takes away his right to edit deals.
  d.offline = true;
  REQUIRE(d.session->dispatch(SetField{"D1", "TITLE", Value("written offline"), {}}, ++test_time()).ok());
  REQUIRE(d.session->dispatch(AddComment{"D1", "a comment"}, ++test_time()).ok());
  PushClient admin("admin-device", "u1");
  admin.push_ok(*w.server, {PutRole{make_role("all", Level::All, Level::None, Level::All), false}});
  w.settle();  // back online: both are refused (a comment is an edit too)

  REQUIRE(refused.size() == 2);
  CHECK(std::get<AddComment>(refused.items()[1].mutation.cmd).text == "a comment");
  CHECK(refused.items()[1].code == "forbidden");
  REQUIRE(refused.remove(refused_id(refused.items()[1].mutation)));  // discarded
  const RefusedChange& c = refused.items()[0];
  CHECK(c.code == "forbidden");
  CHECK(std::get<SetField>(c.mutation.cmd).value == Value("written offline"));
  REQUIRE(c.before.size() == 1);
  CHECK(c.before[0].second == title_before);  // the server's title, which the device shows again
  CHECK(d.ws.item("D1")->get("TITLE") == title_before);
  CHECK(w.server->workspace().item("D1")->get("TITLE") == title_before);
  const ChangeText t = describe_change(d.ws, c, Lang::Ru);
  CHECK(t.field_label == "Название");
  CHECK(t.new_text == "written offline");
  CHECK(t.old_text == title_before.str_or_empty());

  // Re-applied before the right is back: refused here already (the device knows the new role), still kept.
  const std::string id = refused_id(c.mutation);
  Command again = c.mutation.cmd;
  CHECK(d.session->dispatch(again, ++test_time()).code == "forbidden");
  CHECK(refused.find(id));

  // The administrator gives the right back; once the device has it, the change goes as a new mutation.
  admin.push_ok(*w.server, {PutRole{make_role("all", Level::All, Level::All, Level::All), false}});
  w.settle();
  const std::uint64_t old_seq = c.mutation.seq;
  REQUIRE(d.session->dispatch(again, ++test_time()).ok());
  REQUIRE(refused.remove(id));
  CHECK(d.replica->pending().back().seq > old_seq);
  w.settle();
  CHECK(refused.empty());
  CHECK(d.replica->pending().empty());
  CHECK(w.server->workspace().item("D1")->get("TITLE") == Value("written offline"));

  // Refused again (the right taken away once more, while offline): back in the list with the new reason.
  d.offline = true;
  REQUIRE(d.session->dispatch(SetField{"D1", "TITLE", Value("third"), {}}, ++test_time()).ok());
  admin.push_ok(*w.server, {PutRole{make_role("all", Level::All, Level::None, Level::All), false}});
  w.settle();
  REQUIRE(refused.size() == 1);
  CHECK(std::get<SetField>(refused.items()[0].mutation.cmd).value == Value("third"));
  CHECK(refused.items()[0].before[0].second == Value("written offline"));
}
