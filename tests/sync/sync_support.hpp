// Helpers for tests that drive sync::ServerState in-process: clients that build pushes, and
// replicas that build a user's confirmed state from pulls the way a real client does.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/hlc.hpp"
#include "core/rights.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "server/database.hpp"
#include "server/pg_log_store.hpp"
#include "sync/cursor.hpp"
#include "sync/server_state.hpp"

namespace kt::test {

using nlohmann::json;

constexpr std::int64_t kSyncNow = 1795000000000;  // 2026-11-18
constexpr const char* kSecret = "test secret";

// Test time: every mutation a PushClient makes is 1 ms after the previous one (of any client), so
// that later edits win by clock as they would in life; the servers' clock reads the same time.
inline std::atomic<std::int64_t>& test_time() {
  static std::atomic<std::int64_t> t{kSyncNow};
  return t;
}

struct TestClock {
  sync::ServerOptions options(std::size_t max_limit = 2000) const {
    sync::ServerOptions o;
    o.now_ms = [] { return test_time().load(); };
    o.max_limit = max_limit;
    return o;
  }
};

// The suite's second store (issue 24): with KT_TEST_DATABASE set (a PostgreSQL URL; shell/test.sh starts
// one), a TestServer keeps its log in PostgreSQL, in a fresh schema of its own, instead of in memory.
inline const char* sync_test_database() {
  const char* url = std::getenv("KT_TEST_DATABASE");
  return url && *url ? url : nullptr;
}
// The URL of a new, empty schema of the test database.
inline std::string fresh_schema_url() {
  static std::atomic<int> n{0};
  const std::string name = "s_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
  {
    pqxx::connection c(sync_test_database());
    pqxx::nontransaction t(c);
    t.exec("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
  }
  const std::string url = sync_test_database();
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name;
}

// A server over a memory log (or, on the PostgreSQL run, a log in its own schema) with its first
// administrator u1 ("Admin").
struct TestServer {
  TestClock clock;
  std::shared_ptr<std::vector<sync::LogRecord>> log =
      std::make_shared<std::vector<sync::LogRecord>>();
  std::string database;  // the PostgreSQL run: the schema's URL
  std::unique_ptr<sync::ServerState> state;
  explicit TestServer(bool with_admin = true) {
    if (sync_test_database()) {
      database = fresh_schema_url();
      server::Database::postgres(database);  // the tables
    }
    state = std::make_unique<sync::ServerState>(store(), kSecret, clock.options());
    if (with_admin) REQUIRE(state->bootstrap_admin("u1", "Admin"));
  }
  // A store over the server's log: the memory log, or its PostgreSQL schema.
  std::unique_ptr<sync::LogStore> store() const {
    if (!database.empty()) return server::pg_log_store(database);
    return sync::memory_log_store(log);
  }
  // The records of the log (on the PostgreSQL run read from it into `log` first).
  std::vector<sync::LogRecord>& logged() {
    if (!database.empty()) {
      log->clear();
      server::pg_log_store(database)->load(0, [&](sync::LogRecord&& r) { log->push_back(std::move(r)); });
    }
    return *log;
  }
  // Builds a new state over the same log, as a restarted server would.
  void restart() {
    state.reset();
    state = std::make_unique<sync::ServerState>(store(), kSecret, clock.options());
  }
  sync::ServerState& operator*() { return *state; }
  sync::ServerState* operator->() { return state.get(); }
};

// One app instance: its client id, the user it pushes for, its sequence numbers and clock.
class PushClient {
 public:
  PushClient(std::string id, std::string user)
      : id_(std::move(id)), user_(std::move(user)), clock_(id_) {}
  const std::string& id() const { return id_; }
  const std::string& user() const { return user_; }
  std::uint64_t seq() const { return seq_; }

  // A mutation at time `now` (default: the next test millisecond).
  json mutation(Command cmd, std::int64_t now = 0) {
    if (now == 0) now = ++test_time();
    Mutation m;
    m.client = id_;
    m.seq = ++seq_;
    m.hlc = clock_.tick(now);
    m.author = user_;
    m.time_ms = now;
    m.cmd = std::move(cmd);
    return json(m);
  }
  static json body(std::vector<json> mutations) {
    return json{{"protocol", 1}, {"schema", 1}, {"mutations", std::move(mutations)}};
  }
  // Pushes one command and returns the response.
  sync::Response push(sync::ServerState& s, Command cmd, std::int64_t now = 0) {
    return s.push(user_, body({mutation(std::move(cmd), now)}));
  }
  // Pushes commands that must all be applied.
  void push_ok(sync::ServerState& s, std::vector<Command> cmds, std::int64_t now = 0) {
    std::vector<json> ms;
    for (auto& c : cmds) ms.push_back(mutation(std::move(c), now));
    sync::Response r = s.push(user_, body(std::move(ms)));
    REQUIRE_MESSAGE(r.status == 200, r.body.dump());
    for (const auto& res : r.body["results"])
      REQUIRE_MESSAGE(res["status"] == "applied", res.dump());
  }

 private:
  std::string id_;
  std::string user_;
  HlcClock clock_;
  std::uint64_t seq_ = 0;
};

// With `binary`, the changes in binary too (partial timelines), and, with `partial_items`, only what
// changed in the items the client holds (as the web client pulls).
inline json pull_body(const std::string& cursor, std::size_t limit = 0, bool binary = false, bool partial_items = true) {
  json j{{"protocol", 1}, {"schema", 1}, {"cursor", cursor}};
  if (limit) j["limit"] = limit;
  if (binary) {
    j["format"] = "binary";
    j["pageFormat"] = kBinaryPullPageVersion;
    j["partialTimelines"] = true;
    if (partial_items) j["partialItems"] = true;
  }
  return j;
}

// A binary pull page (pulled with "format": "binary") as the JSON page it stands for: its header with
// the block's items in "items", each as item_json writes it (unprojected: the server projected them), those
// named in "partialTimelines" with "timelineFrom"; an item's changes (a flag-2 item) as its JSON with only
// the changed cells, "timelineFrom", and "changes": {"erased": [...], "lists": bool}. Null when the page does
// not read.
inline json binary_page_json(const std::string& bytes) {
  std::string_view header, block;
  std::uint32_t version = 0;
  if (!split_binary_pull_page(bytes, &header, &block, &version).ok()) return nullptr;
  json page = json::parse(header, nullptr, false);
  std::vector<BlockItem> items;
  if (page.is_discarded() || !decode_item_block(block, &items, version != kBinaryPullPageUnnumbered).ok())
    return nullptr;
  const std::set<std::string> partial = page.value("partialTimelines", std::set<std::string>{});
  if (!partial.empty() && !page.value("timelineFrom", json()).is_number_unsigned()) return nullptr;
  page["items"] = json::array();
  const Schema any;
  for (const auto& b : items) {
    std::vector<TimelineEntry> entries;
    if (b.changes && !unpack_timeline(b.changes->entries, b.item.id, &entries)) return nullptr;
    page["items"].push_back(item_json(any, b.item, b.changes ? entries : b.timeline, nullptr));
    json& item = page["items"].back();
    if (partial.count(b.item.id)) item["timelineFrom"] = page["timelineFrom"];
    if (b.changes) {
      item["timelineFrom"] = page.value("timelineFrom", json(0));
      item["changes"] = {{"erased", b.changes->erased}, {"lists", b.changes->lists}};
    }
  }
  page.erase("partialTimelines");
  page.erase("timelineFrom");
  return page;
}

// The confirmed state of one user's client, built from pull responses as PROTOCOL.md describes.
struct Replica {
  std::string user;
  std::string cursor;
  json schema;
  std::map<std::string, json> items;  // id -> item JSON, timeline merged, without timelineFrom
  json last = json::object();
  int resets = 0;
  int pages = 0;
  std::vector<std::string>
      errors;  // what went wrong (no doctest macros here: readers run in threads)
  bool binary = false;  // pull with "format": "binary"
  bool partial_items = true;  // ... and "partialItems" (pull_body)
  std::vector<std::string> raw_pages;  // with `binary`: the bytes of every binary page received

  explicit Replica(std::string u) : user(std::move(u)) {}

  void apply(const json& page) {
    ++pages;
    if (page["reset"].get<bool>()) {
      ++resets;
      items.clear();
      schema = nullptr;
    }
    if (page.contains("schema")) schema = page["schema"];
    for (const auto& in : page["items"]) {
      const std::string id = in["id"];
      json item = in;
      auto had = items.find(id);
      if (in.contains("changes") && had != items.end()) {
        // The item as held, with what changed: identity, cells, lost fields, lists when they came.
        item = had->second;
        for (const char* k : {"pipeline", "created", "createdBy", "deleted", "deletedAt", "deletedBy"}) item[k] = in[k];
        for (const auto& [fid, cell] : in["fields"].items()) item["fields"][fid] = cell;
        for (const auto& fid : in["changes"]["erased"]) item["fields"].erase(fid.get<std::string>());
        if (in["changes"]["lists"].get<bool>())
          for (const char* k : {"activities", "products", "documents"}) {
            item.erase(k);
            if (in.contains(k)) item[k] = in[k];
          }
        item["timeline"] = had->second["timeline"];
        item["timelineFrom"] = in["timelineFrom"];  // the new entries are merged below
      }
      if (in.contains("timelineFrom") && had == items.end()) {
        errors.push_back("a partial timeline for an item the client does not hold: " + id);
      } else if (in.contains("timelineFrom")) {
        std::map<std::string, json> by_id;
        for (const auto& e : had->second["timeline"]) by_id[e["id"]] = e;
        for (const auto& e : in["timeline"]) by_id[e["id"]] = e;
        std::vector<json> merged;
        for (auto& [k, e] : by_id) merged.push_back(e);
        std::stable_sort(merged.begin(), merged.end(), [](const json& a, const json& b) {
          return a.value("ver", std::uint64_t{0}) < b.value("ver", std::uint64_t{0});
        });
        item["timeline"] = merged;
        item.erase("timelineFrom");
      }
      items[id] = std::move(item);
    }
    for (const auto& id : page["removed"]) items.erase(id.get<std::string>());
    for (const auto& [c, n] : page["lastMutationIds"].items()) last[c] = n;
    cursor = page["cursor"];
  }

  // One pull, applied. Returns the page (a failed pull is recorded in errors and returns the error
  // body).
  json pull_once(sync::ServerState& s, std::size_t limit = 0) {
    sync::Response r = s.pull(user, pull_body(cursor, limit, binary, partial_items));
    if (r.status != 200) {
      errors.push_back("pull failed: " + r.body.dump());
      return r.body;
    }
    if (!r.bytes.empty()) {
      if (!binary) errors.push_back("a binary page for a JSON pull");
      json page = binary_page_json(r.bytes);
      if (page.is_null()) {
        errors.push_back("a binary page that does not read");
        return json{{"more", false}};
      }
      raw_pages.push_back(std::move(r.bytes));
      apply(page);
      return page;
    }
    if (binary) errors.push_back("a JSON page pulled in binary");
    apply(r.body);
    return r.body;
  }
  // Pulls until the server says there is no more; returns the pages.
  std::vector<json> sync(sync::ServerState& s, std::size_t limit = 0) {
    std::vector<json> out;
    for (int guard = 0; guard < 100000; ++guard) {
      out.push_back(pull_once(s, limit));
      if (!out.back().contains("more") || !out.back()["more"].get<bool>()) return out;
    }
    errors.push_back("pull never settles");
    return out;
  }
};

// What `user` may hold right now: every item he may read, projected, with its whole timeline.
inline std::map<std::string, json> projected_items(sync::ServerState& s, const std::string& user) {
  return s.read([&](const Workspace& ws) {
    std::map<std::string, json> out;
    for (const auto& et : ws.schema().entities)
      for (const auto& id : ws.item_ids(et.id)) {
        const Item* it = ws.item(id);
        if (it && can_act(ws.schema(), user, *it, Action::Read))
          out[id] = item_json(ws, *it, &user);
      }
    return out;
  });
}

inline json projected_schema(sync::ServerState& s, const std::string& user) {
  return s.read([&](const Workspace& ws) { return schema_json(ws.schema(), &user); });
}

// The whole authoritative state as text, for "nothing changed" checks.
inline std::string state_text(sync::ServerState& s) {
  return s.read([](const Workspace& ws) { return snapshot_json(ws, nullptr).dump(); });
}

// Checks that the replica holds exactly what the user may see now.
inline void check_converged(sync::ServerState& s, const Replica& r) {
  for (const auto& e : r.errors) FAIL_CHECK(r.user << ": " << e);
  auto want = projected_items(s, r.user);
  CHECK(r.items.size() == want.size());
  for (const auto& [id, item] : want) {
    auto got = r.items.find(id);
    if (got == r.items.end()) {
      FAIL_CHECK("missing item " << id << " for " << r.user);
      continue;
    }
    CHECK_MESSAGE(got->second == item, "item " << id << " for " << r.user << "\n got "
                                               << got->second.dump() << "\nwant " << item.dump());
  }
  for (const auto& [id, item] : r.items)
    CHECK_MESSAGE(want.count(id), "item " << id << " should not be held by " << r.user);
  CHECK(r.schema == projected_schema(s, r.user));
}

}  // namespace kt::test
