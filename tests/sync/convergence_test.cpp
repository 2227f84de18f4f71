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
  // Set: requests go to real servers instead (the cluster test), and a restart kills one of them.
  std::function<sync::HttpResponse(Device&, const Request&)> remote;
  std::function<void()> restart_remote;

  explicit World(unsigned seed) : server(true), rng(seed) { restart_server(); }

  sync::HttpResponse answer(Device& d, const Request& r) {
    if (remote) return remote(d, r);
    return serve(*server, d.user, r);
  }

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
    sync::HttpResponse resp = answer(d, r);
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
      resp = answer(d, r);
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
      if (!d.offline && ops.chance(50) && r.path.rfind(kPoke, 0) != 0) answer(d, r);
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
        answer(d, {"POST", "/api/sync/push", ops.pick(d.sent_pushes), nullptr});
      }
    } else if (e < 96) {
      d.offline = !d.offline;
    } else if (e < 99) {
      reload(d);
    } else if (ops.chance(30)) {
      ++stats.restarts;
      if (restart_remote) restart_remote();
      else restart_server();
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

// ---------------------------------------------------------------------------------------------------------
// The same property over a cluster (issue 24): three kartoteka-server processes over one PostgreSQL log,
// the devices spread over them (each request to its device's instance, or another one as a load balancer
// may send it; to a live one when its instance is down). In the middle one instance is killed with SIGKILL
// while a push of one of its devices is in flight, and started again a while later; random restarts kill
// and restart one too. At the end every device equals the projection of the log (a state built from
// PostgreSQL), and every mutation a push acknowledged is in the log at the version it was acknowledged
// with. Runs only on the PostgreSQL run (KT_TEST_DATABASE), with kartoteka-server next to this binary.
// ---------------------------------------------------------------------------------------------------------

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <thread>

namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string server_binary() {
  if (const char* b = std::getenv("KT_SERVER_BIN")) return b;
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return {};
  std::string path(self, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/')) + "/kartoteka-server";
}

struct Instance {
  int port = 0;
  pid_t pid = -1;
  std::string dir;
};

class Cluster {
 public:
  Cluster(std::string database, int n) : database_(std::move(database)) {
    for (int i = 0; i < n; ++i) {
      Instance in;
      in.port = free_port();
      char tmpl[] = "/tmp/kt-cluster-XXXXXX";
      in.dir = ::mkdtemp(tmpl);
      instances_.push_back(in);
    }
    for (size_t i = 0; i < instances_.size(); ++i) start(i);
  }
  ~Cluster() {
    for (size_t i = 0; i < instances_.size(); ++i) kill(i);
    for (auto& in : instances_) std::system(("rm -rf '" + in.dir + "'").c_str());
  }
  size_t size() const { return instances_.size(); }
  bool alive(size_t i) const { return instances_[i].pid > 0; }
  int port(size_t i) const { return instances_[i].port; }
  pid_t pid(size_t i) const { return instances_[i].pid; }

  void start(size_t i) {
    Instance& in = instances_[i];
    const std::string bin = server_binary(), port = std::to_string(in.port);
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::setenv("KT_ADMIN_LOGIN", "admin", 1);
      ::setenv("KT_ADMIN_PASSWORD", "correct horse", 1);
      ::execl(bin.c_str(), bin.c_str(), "--port", port.c_str(), "--database", database_.c_str(), "--data-dir",
              in.dir.c_str(), "--quiet", "--max-connections-per-address", "4096", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    in.pid = pid;
    // Up when its health says so (after catching up with the log); a guard, not a timing assertion.
    for (int i = 0; i < 600; ++i) {
      httplib::Client c("127.0.0.1", in.port);
      c.set_connection_timeout(1, 0);
      if (auto r = c.Get("/api/health"); r && r->status == 200) return;
      int status = 0;
      REQUIRE_MESSAGE(::waitpid(pid, &status, WNOHANG) == 0, "kartoteka-server exited at start");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("kartoteka-server did not come up");
  }
  void kill(size_t i) {
    Instance& in = instances_[i];
    if (in.pid <= 0) return;
    ::kill(in.pid, SIGKILL);
    ::waitpid(in.pid, nullptr, 0);
    in.pid = -1;
  }

  // One request to instance i, as the app sends it (the token's user; pull pages may be binary). Status 0
  // when no answer came (the instance is down, or went down meanwhile).
  sync::HttpResponse call(size_t i, const std::string& token, const Request& r) {
    httplib::Client c("127.0.0.1", instances_[i].port);
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(30, 0);
    httplib::Headers h{{"Authorization", "Bearer " + token}};
    auto res = r.method == "GET" ? c.Get(r.path.c_str(), h) : c.Post(r.path.c_str(), h, r.body, "application/json");
    if (!res) return {0, ""};
    return {res->status, res->body};
  }
  std::string login(size_t i, const std::string& login, const std::string& password) {
    httplib::Client c("127.0.0.1", instances_[i].port);
    auto r = c.Post("/api/login", json{{"login", login}, {"password", password}}.dump(), "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    return json::parse(r->body)["token"];
  }

 private:
  std::string database_;
  std::vector<Instance> instances_;
};

}  // namespace

TEST_CASE("convergence over three instances sharing PostgreSQL, one killed with SIGKILL mid-push and restarted") {
  if (!sync_test_database() || ::access(server_binary().c_str(), X_OK) != 0) {
    MESSAGE("needs KT_TEST_DATABASE and kartoteka-server next to this binary: not run");
    return;
  }
  Stats total;
  const unsigned first = std::getenv("KT_SEED") ? static_cast<unsigned>(std::atoi(std::getenv("KT_SEED"))) : 1;
  const unsigned last = std::getenv("KT_SEED") ? first : 3;
  for (unsigned seed = first; seed <= last; ++seed) {
    CAPTURE(seed);
    World w(seed);  // its state over the same schema: the projection at the end
    Cluster cluster(w.server.database, 3);
    std::map<std::string, std::string> tokens;
    tokens["u1"] = cluster.login(0, "admin", "correct horse");
    {
      // The workspace as the in-process test seeds it, pushed to the first instance; then logins for Ivan
      // and Maria.
      PushClient admin("seed", "u1");
      auto push = [&](std::vector<Command> cmds) {
        std::vector<json> ms;
        for (auto& c : cmds) ms.push_back(admin.mutation(std::move(c)));
        auto r = cluster.call(0, tokens["u1"], {"POST", "/api/sync/push", PushClient::body(std::move(ms)).dump(), nullptr});
        REQUIRE_MESSAGE(r.status == 200, r.body);
      };
      push({PutDepartment{{"d1", "Company", ""}, false}, PutDepartment{{"d2", "Sales", "d1"}, false},
            PutDepartment{{"d3", "Support", "d1"}, false},
            PutRole{make_role("all", Level::All, Level::All, Level::All), false},
            PutRole{make_role("own", Level::Own, Level::Own, Level::None), false},
            PutUser{{"u2", "Ivan", "d2", false, {"all"}, true}}, PutUser{{"u3", "Maria", "d3", false, {"own"}, true}}});
      std::vector<Command> deals;
      for (int i = 1; i <= 8; ++i)
        deals.push_back(CreateItem{"D" + std::to_string(i), "deal", "",
                                   {{"TITLE", Value("Deal " + std::to_string(i))},
                                    {"ASSIGNED_BY_ID", Value(kUsers[i % kUsers.size()])}}});
      push(std::move(deals));
      for (auto [user, login] : {std::pair{"u2", "ivan"}, std::pair{"u3", "maria"}}) {
        auto r = cluster.call(1, tokens["u1"], {"POST", "/api/accounts",
                                                json{{"user", user}, {"login", login}, {"password", "password-" + std::string(login)}}.dump(), nullptr});
        REQUIRE_MESSAGE(r.status == 200, r.body);
        tokens[user] = cluster.login(2, login, "password-" + std::string(login));
      }
    }
    w.devices.push_back(std::make_unique<Device>("adm", "u1", &w.stats));
    w.devices.push_back(std::make_unique<Device>("ivanA", "u2", &w.stats));
    w.devices.push_back(std::make_unique<Device>("ivanB", "u2", &w.stats));
    w.devices.push_back(std::make_unique<Device>("maria", "u3", &w.stats));
    std::map<const Device*, size_t> home;
    for (size_t i = 0; i < w.devices.size(); ++i) home[w.devices[i].get()] = i % cluster.size();

    // What the instances acknowledged: (client, seq) -> version (0: rejected).
    std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> acked;
    std::set<size_t> contacted;
    w.remote = [&](Device& d, const Request& r) -> sync::HttpResponse {
      if (r.path.rfind(kPoke, 0) == 0) return {200, R"({"changed":true})"};  // a poke waits long on a real server
      size_t i = w.ops.chance(25) ? w.rng() % cluster.size() : home[&d];
      for (size_t k = 0; k < cluster.size() && !cluster.alive(i); ++k) i = (i + 1) % cluster.size();
      contacted.insert(i);
      sync::HttpResponse resp = cluster.call(i, tokens[d.user], r);
      if (std::getenv("KT_TRACE")) MESSAGE(d.name << "@" << i << " " << r.path << " -> " << resp.status << " " << resp.body.substr(0, 200));
      if (r.path == "/api/sync/push" && resp.status == 200) {
        const json answer = json::parse(resp.body);
        for (const auto& res : answer["results"]) {
          if (res["status"] == "duplicate") continue;
          acked[{res["client"].get<std::string>(), res["seq"].get<std::uint64_t>()}] =
              res["status"] == "applied" ? res["ver"].get<std::uint64_t>() : 0;
        }
      }
      return resp;
    };
    w.restart_remote = [&] {
      const size_t i = w.rng() % cluster.size();
      cluster.kill(i);
      cluster.start(i);
    };
    for (auto& d : w.devices) d->load(w.now());

    size_t victim = 0;
    for (int step = 0; step < 600; ++step) {
      if (step == 250) {
        // SIGKILL while a push is in flight on it: the next push one of its devices has queued (or whatever
        // request comes next), with the kill a moment after the request leaves.
        victim = w.rng() % cluster.size();
        Device* dev = nullptr;
        size_t index = 0;
        for (auto& d : w.devices)
          for (size_t q = 0; q < d->transport->queue.size() && !dev; ++q)
            if (home[d.get()] == victim && d->transport->queue[q].path == "/api/sync/push" && !d->offline)
              dev = d.get(), index = q;
        const pid_t pid = cluster.pid(victim);
        const int delay_us = static_cast<int>(w.rng() % 3000);
        std::thread killer([pid, delay_us] {
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
          ::kill(pid, SIGKILL);
        });
        if (dev) w.deliver(*dev, index, false);
        killer.join();
        cluster.kill(victim);  // reaps it
      }
      if (step == 330) cluster.start(victim);
      w.random_step();
    }
    if (!cluster.alive(victim)) cluster.start(victim);
    w.settle();

    // The projection of the log: a state built from PostgreSQL now.
    w.restart_server();
    for (auto& d : w.devices) {
      CAPTURE(d->name);
      CHECK_MESSAGE(d->quiet(), d->name << " did not settle: " << d->replica->pending().size() << " pending");
      auto diffs = differences(*w.server, *d);
      std::string text;
      for (size_t i = 0; i < diffs.size() && i < 6; ++i) text += "\n  " + diffs[i];
      CHECK_MESSAGE(diffs.empty(), d->name << " (" << d->user << ") differs from the log in " << diffs.size()
                                          << " ways:" << text);
    }
    // Nothing acknowledged is lost: every acknowledged mutation is in the log, applied at the version the
    // instance answered (or rejected, as it answered).
    std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> logged;
    for (const auto& r : w.server.logged()) logged[{r.mutation.client, r.mutation.seq}] = r.ver;
    size_t missing = 0;
    for (const auto& [key, ver] : acked) {
      auto it = logged.find(key);
      if (it == logged.end() || it->second != ver) {
        ++missing;
        if (missing < 5) MESSAGE("acknowledged " << key.first << ":" << key.second << " at " << ver << " but the log has "
                                                 << (it == logged.end() ? std::string("nothing") : std::to_string(it->second)));
      }
    }
    CHECK(missing == 0);
    CHECK(acked.size() > 100);
    CHECK(contacted.size() == cluster.size());
    total.local_ok += w.stats.local_ok;
    total.lost += w.stats.lost;
    total.restarts += w.stats.restarts;
    total.resets += w.stats.resets;
    MESSAGE("seed " << seed << ": " << acked.size() << " acknowledged mutations, all in the log");
  }
  MESSAGE("cluster: local ok " << total.local_ok << ", answers lost " << total.lost << ", instance restarts "
                               << total.restarts << " (+1 SIGKILL mid-push per seed), resets " << total.resets);
}
