// kt_bench: the native benchmarks of issue 9. Each prints one JSON line per figure:
//   {"figure": id, "unit": "ms" | "per_s" | "us", "samples": [...], "note": "..."}
// shell/bench.sh collects them into the table (tools/bench/report.mjs).
//   kt_bench query  --snapshot ws100k.json [--runs 15]   quick search + a filter over the deals
//   kt_bench merge  --snapshot ws100k.json [--runs 5]    100,000 remote field updates into the local state
//                   (or --base base100k.bin: the same state from the stored base, as the browser's figure)
//   kt_bench push   --mutations ws10k.jsonl [--runs 3]   kartoteka-server (HTTP + SQLite) push throughput
//   kt_bench load   --journal journal10k/ [--runs 3]     the app's start: journal read + parse + replay
//   kt_bench load   --base base100k.bin [--runs 3]       the same from a compacted store: decode the base
//   kt_bench pages  [--runs 5]                           the machine: a page of new memory's first write (µs)
//   kt_bench pull   --mutations ws10k.jsonl [--clients 100] [--runs 3] [--keep-alive 1]
//                   pull latency, concurrent clients (a new connection per pull, or one kept per client)
// push and pull take the server from (issue 24, shell/bench.sh's BENCH_ONLY=cluster):
//   --database URL   the in-process server keeps its workspace in PostgreSQL (a fresh schema per server)
//   --url URL        a server already running (a cluster behind HAProxy), logged into as --login/--password;
//                    its workspace must be empty at the start of each push run
//   --prefix P       figure ids start with P (the same figures of several setups side by side)
#include <httplib.h>
#include <unistd.h>

#include <pqxx/pqxx>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/query.hpp"
#include "core/session.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "core/workspace.hpp"
#include "merge.hpp"
#include "server/server.hpp"
#include "storage/files.hpp"
#include "storage/journal.hpp"
#include "sync/replica.hpp"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Where push and pull find their server (see the top of this file).
std::string g_database, g_url, g_login = "admin", g_password = "kartoteka", g_prefix;

void emit(const std::string& figure, const char* unit, const std::vector<double>& samples, const std::string& note) {
  std::printf("%s\n", json{{"figure", g_prefix + figure}, {"unit", unit}, {"samples", samples}, {"note", note}}.dump().c_str());
  std::fflush(stdout);
}

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  if (!f && !f.eof()) throw std::runtime_error("cannot read " + path);
  return ss.str();
}

kt::Workspace load_ws(const std::string& path, double* load_ms) {
  auto t0 = Clock::now();
  json j = json::parse(read_all(path));
  kt::Workspace ws;
  if (!kt::load_snapshot(j, &ws)) throw std::runtime_error("snapshot does not load: " + path);
  if (load_ms) *load_ms = ms_since(t0);
  return ws;
}

// -------------------------------------------------------------------------------------------------------
// query: the list's quick search plus a filter, as the list view runs it (QueryCache, admin user)
// -------------------------------------------------------------------------------------------------------
int bench_query(const std::string& snapshot, int runs) {
  double load_ms = 0;
  kt::Workspace ws = load_ws(snapshot, &load_ms);
  emit("native_snapshot_load", "ms", {load_ms}, std::to_string(ws.item_count()) + " items, parse + load_snapshot");
  const size_t deals = ws.item_ids("deal").size();
  kt::QueryCache cache;
  kt::Query q;
  q.entity = "deal";
  q.conditions.push_back({"UF_CRM_REGION", kt::Condition::Op::AnyOf, {}, {}, {"R1", "R3"}});
  const char* words[] = {"монтаж", "лиценз", "аудит", "сервер", "обучен", "аренд", "консал", "интеграц"};
  // Without the app's idle warm-up, the first run folds the search text of every item (the cache's cold
  // start); the app warms the cache between frames after start (QueryCache::warm), so its first search
  // finds the texts made. Both reported on their own.
  q.text = "поставка";
  auto t0 = Clock::now();
  size_t hits = kt::QueryCache{}.run(ws, q, "u1").size();
  emit("native_query_cold", "ms", {ms_since(t0)}, "first search without the warm-up: folds the text of " + std::to_string(deals) + " deals");
  t0 = Clock::now();
  for (const char* e : {"company", "contact", "deal"}) cache.warm(ws, e, ~size_t{0});
  emit("native_query_warmup", "ms", {ms_since(t0)}, "the idle warm-up of the search texts and client links (in slices between frames in the app)");
  t0 = Clock::now();
  hits = cache.run(ws, q, "u1").size();
  emit("native_query_first", "ms", {ms_since(t0)}, "first search after the warm-up");
  std::vector<double> s;
  for (int i = 0; i < runs; ++i) {
    q.text = words[i % 8] + std::string(i >= 8 ? " 1" : "");
    auto t = Clock::now();
    hits = cache.run(ws, q, "u1").size();
    s.push_back(ms_since(t));
  }
  emit("native_query", "ms", s, std::to_string(deals) + " deals; region any of 2 + a word; last run " + std::to_string(hits) + " hits");
  return 0;
}

// -------------------------------------------------------------------------------------------------------
// merge: 100,000 remote field updates (another client's SetField mutations, per-field HLC) into the local
// workspace, and the same changes as the client really receives them: pull pages parsed and rebased
// -------------------------------------------------------------------------------------------------------
double now_ms() {
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

// The workspace from the snapshot JSON, or from a stored base (--base): with every timeline decoded (the
// same state, the second the way the browser's figure loads it: merge_web.cpp), or, with `synced`, as a
// synced client holds it after a start (merge.hpp, load_synced_client).
kt::Workspace load_merge_ws(const std::string& snapshot, const std::string& base, bool synced = false) {
  if (snapshot.empty() && !base.empty()) {
    kt::Workspace ws;
    const kt::Status st = synced ? kt::bench::load_synced_client(read_all(base), &ws)
                                 : kt::decode_workspace(read_all(base), &ws, nullptr);
    if (!st) throw std::runtime_error(st.message);
    if (!synced) ws.unpack_all();
    return ws;
  }
  return load_ws(snapshot, nullptr);
}

// The stream and the pages are tools/bench/merge.cpp's, shared with the browser's build (merge_web.cpp).
int bench_merge(const std::string& snapshot, const std::string& base, int runs, int updates) {
  kt::Workspace local = load_merge_ws(snapshot, base);
  kt::bench::MergeStream stream(local);
  std::vector<double> per_s;
  std::vector<kt::Mutation> ms;
  for (int r = 0; r < runs; ++r) {
    stream.next(updates, &ms);
    auto t0 = Clock::now();
    const size_t failed = kt::bench::apply_all(local, ms);
    const double ms_taken = ms_since(t0);
    if (failed) std::fprintf(stderr, "merge: %zu refused\n", failed);
    per_s.push_back(updates / (ms_taken / 1000.0));
  }
  emit("native_merge_mutations", "per_s", per_s,
       std::to_string(updates) + " SetField mutations of another client, Workspace::apply");

  // The client's real path: each run's changes arrive in binary pull pages of 10,000 (each item's changed
  // cells and new timeline entry), are parsed and put into the confirmed state by the Replica (no pending
  // edits here) of a workspace loaded as the app loads it. For comparison, the same items whole, with
  // whole timelines, in JSON pages of 2,000, into a workspace with every timeline decoded.
  // Every run's pages are made first, then the local workspace is dropped, as in the browser's figure: the
  // client's copy then takes the memory it freed (fresh pages of memory cost this machine more than the
  // merge itself, and varied run to run).
  const size_t n = std::min<size_t>(updates, stream.deals());
  std::vector<std::vector<std::string>> binary_pages;
  for (int r = 0; r < runs; ++r) binary_pages.push_back(kt::bench::pull_pages(local, updates, kt::bench::Pages::kBinaryChanges, r));
  const std::vector<std::string> json_pages = kt::bench::pull_pages(local, updates, kt::bench::Pages::kJsonWhole);
  local = kt::Workspace();
  for (const bool binary : {true, false}) {
    kt::Workspace client = load_merge_ws(snapshot, base, binary);  // the app's state: see above
    kt::sync::Replica replica(client);
    std::vector<double> pull_s;
    double parse_ms = 0, apply_ms = 0, bytes = 0;
    size_t page_count = 0;
    for (int r = 0; r < runs; ++r) {
      const std::vector<std::string>& pages = binary ? binary_pages[r] : json_pages;
      for (const auto& b : pages) bytes += b.size();
      page_count += pages.size();
      auto t0 = Clock::now();
      if (!kt::bench::apply_pages(replica, pages, now_ms, &parse_ms, &apply_ms))
        throw std::runtime_error("parse_pull failed");
      pull_s.push_back(n / (ms_since(t0) / 1000.0));
    }
    char split[160];
    std::snprintf(split, sizeof split, "; per run %.0f MB in %zu pages, %.0f ms parse_pull, %.0f ms Replica::apply",
                  bytes / runs / 1048576, page_count / runs, parse_ms / runs, apply_ms / runs);
    emit(binary ? "native_merge_pull" : "native_merge_pull_json", "per_s", pull_s,
         std::to_string(n) + (binary ? " changed items in binary pull pages (their changed cells and new timeline "
                                       "entries) into a synced client's workspace as the app loads it, "
                                     : " changed items, whole with whole timelines, in JSON pull pages, ") +
             "parse_pull + Replica::apply" + split);
  }
  return 0;
}

// -------------------------------------------------------------------------------------------------------
// A real kartoteka-server in this process (HTTP on loopback, SQLite WAL synchronous=FULL)
// -------------------------------------------------------------------------------------------------------
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kt-bench-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

struct LiveServer {
  TempDir dir;
  std::unique_ptr<kt::server::Server> server;
  std::thread thread;
  int port = 0;
  std::string token;
  LiveServer() {
    if (!g_url.empty()) {
      // A server already running: its port, and a token of its administrator.
      port = std::atoi(g_url.substr(g_url.rfind(':') + 1).c_str());
      httplib::Client c("127.0.0.1", port);
      auto r = c.Post("/api/login", json{{"login", g_login}, {"password", g_password}}.dump(), "application/json");
      if (!r || r->status != 200) throw std::runtime_error("login to " + g_url + " failed");
      token = json::parse(r->body)["token"];
      return;
    }
    kt::server::Options o;
    o.port = 0;
    o.quiet = true;
    o.data_dir = dir.path;
    if (!g_database.empty()) {
      // A fresh schema of the database for this server.
      static int n = 0;
      const std::string schema = "bench_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
      {
        pqxx::connection c(g_database);
        pqxx::nontransaction t(c);
        t.exec("CREATE SCHEMA " + schema);
      }
      o.database = g_database + (g_database.find('?') == std::string::npos ? "?" : "&") +
                   "options=-csearch_path%3D" + schema;
    }
    o.admin_login = "admin";
    o.admin_password = "benchmark-password";
    o.fast_password_hashing = true;
    o.poke_timeout_ms = 1000;
    server = std::make_unique<kt::server::Server>(o);
    port = server->bind();
    thread = std::thread([this] { server->run_bound(); });
    // Over PostgreSQL it serves while it loads (503): the benchmark starts once it answers.
    for (int i = 0; i < 6000; ++i) {
      httplib::Client h("127.0.0.1", port);
      if (auto r = h.Get("/api/health"); r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    httplib::Client c("127.0.0.1", port);
    auto r = c.Post("/api/login", json{{"login", "admin"}, {"password", "benchmark-password"}}.dump(),
                    "application/json");
    if (!r || r->status != 200) throw std::runtime_error("login failed");
    token = json::parse(r->body)["token"];
  }
  ~LiveServer() {
    if (!server) return;
    server->stop();
    thread.join();
  }
  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token}}; }
};

std::vector<json> read_mutations(const std::string& path) {
  std::vector<json> out;
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// Pushes the stream in pushes of 500 (the protocol's maximum), as a client catching up would. Returns ms.
double push_all(LiveServer& s, const std::vector<json>& muts) {
  httplib::Client c("127.0.0.1", s.port);
  c.set_keep_alive(true);
  c.set_read_timeout(120, 0);
  auto t0 = Clock::now();
  for (size_t i = 0; i < muts.size(); i += 500) {
    json req{{"protocol", 1}, {"schema", 1}, {"mutations", json::array()}};
    for (size_t k = i; k < std::min(muts.size(), i + 500); ++k) req["mutations"].push_back(muts[k]);
    auto r = c.Post("/api/sync/push", s.auth(), req.dump(), "application/json");
    if (!r || r->status != 200) throw std::runtime_error("push failed: " + (r ? r->body.substr(0, 300) : "no answer"));
    for (const auto& res : json::parse(r->body)["results"])
      if (res["status"] != "applied") throw std::runtime_error("push: not applied: " + res.dump());
  }
  return ms_since(t0);
}

int bench_push(const std::string& mutations, int runs) {
  auto muts = read_mutations(mutations);
  std::vector<double> per_s;
  for (int r = 0; r < runs; ++r) {
    LiveServer s;
    per_s.push_back(muts.size() / (push_all(s, muts) / 1000.0));
  }
  emit("server_push", "per_s", per_s,
       std::to_string(muts.size()) + " mutations in pushes of 500 over loopback HTTP, " +
           (!g_url.empty() ? "to " + g_url
            : !g_database.empty() ? std::string("PostgreSQL 15 (one server, synchronous_commit on)")
                                  : std::string("SQLite WAL synchronous=FULL")));
  return 0;
}

// Pull latency: `clients` threads, each an up-to-date client (its own cursor) pulling in a loop on its own
// connection, while one writer pushes a field edit every 20 ms (so that pulls carry changes). With kept
// connections, every client connects (its first pull, a figure of its own) before all start together:
// otherwise the samples would time the start of 100 threads and 100 handshakes, not connected clients.
int bench_pull(const std::string& mutations, int clients, int runs, int pulls_each, bool keep_alive) {
  auto muts = read_mutations(mutations);
  LiveServer s;
  push_all(s, muts);
  // One bootstrap pull (paged) gives the cursor every client starts from.
  std::string cursor;
  {
    httplib::Client c("127.0.0.1", s.port);
    c.set_read_timeout(120, 0);
    for (bool more = true; more;) {
      auto r = c.Post("/api/sync/pull", s.auth(), json{{"protocol", 1}, {"schema", 1}, {"cursor", cursor}}.dump(),
                      "application/json");
      if (!r || r->status != 200) throw std::runtime_error("pull failed");
      json b = json::parse(r->body);
      cursor = b["cursor"];
      more = b["more"];
    }
  }
  std::vector<std::string> deals;
  for (const auto& m : muts)
    if (m["cmd"]["op"] == "item.create" && m["cmd"].value("entity", "") == "deal") deals.push_back(m["cmd"]["item"]);
  if (deals.empty())
    for (const auto& m : muts)
      if (m["cmd"].contains("item")) deals.push_back(m["cmd"]["item"]);
  std::vector<double> p99s, p50s, connect_p99s;
  std::uint64_t wseq = 0;
  int failed_total = 0;
  // Run -1 warms up and is not kept: a server that has just started grows its worker threads and their
  // heaps on the first burst of connected clients (over three instances behind HAProxy the first run's
  // p99 was 51-88 ms, the next ones' 31-43 ms).
  for (int r = -1; r < runs; ++r) {
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      httplib::Client c("127.0.0.1", s.port);
      size_t i = 0;
      while (!stop) {
        json m{{"c", "writer"}, {"s", wseq + 1}, {"h", kt::Hlc{1767225600000 + 86400000 + (std::int64_t)wseq, 0, "writer"}.str()},
               {"a", "u1"}, {"t", 1767225600000 + 86400000},
               {"cmd", {{"op", "item.set"}, {"item", deals[i++ % deals.size()]}, {"field", "UF_CRM_NOTE"},
                        {"value", "edit " + std::to_string(wseq)}}}};
        auto rr = c.Post("/api/sync/push", s.auth(), json{{"protocol", 1}, {"schema", 1}, {"mutations", json::array({m})}}.dump(),
                         "application/json");
        // A failed push is retried with the same number (the protocol's rule), not skipped.
        if (rr && rr->status == 200) ++wseq;
        else std::fprintf(stderr, "writer push failed: %s\n", rr ? rr->body.c_str() : httplib::to_string(rr.error()).c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    std::vector<std::vector<double>> lat(clients);
    std::vector<double> first(clients, -1);
    std::atomic<int> errors{0};
    std::mutex err_mu;
    std::map<std::string, int> error_kinds;
    std::vector<std::thread> ts;
    std::latch connected(clients);
    for (int k = 0; k < clients; ++k)
      ts.emplace_back([&, k] {
        std::string cur = cursor;
        httplib::Client c("127.0.0.1", s.port);
        c.set_read_timeout(30, 0);
        c.set_keep_alive(keep_alive);
        c.set_tcp_nodelay(true);  // as browsers do: the body is not held back behind the headers
        // One pull; false (counted, with what went wrong) when it did not bring a page.
        auto pull = [&]() -> bool {
          std::string what;
          auto rr = c.Post("/api/sync/pull", s.auth(),
                           json{{"protocol", 1}, {"schema", 1}, {"cursor", cur}, {"clients", json::array()}}.dump(),
                           "application/json");
          if (!rr) what = httplib::to_string(rr.error());
          else if (rr->status != 200) what = "HTTP " + std::to_string(rr->status);
          else
            try {
              cur = json::parse(rr->body).at("cursor").get<std::string>();
            } catch (const std::exception& e) {
              what = std::string("a page that does not read: ") + e.what();
            }
          if (what.empty()) return true;
          ++errors;
          std::lock_guard lock(err_mu);
          ++error_kinds[what];
          return false;
        };
        if (keep_alive) {
          auto t0 = Clock::now();
          if (pull()) first[k] = ms_since(t0);
          connected.arrive_and_wait();
        }
        for (int i = 0; i < pulls_each; ++i) {
          auto t0 = Clock::now();
          if (pull()) lat[k].push_back(ms_since(t0));
        }
      });
    for (auto& t : ts) t.join();
    stop = true;
    writer.join();
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    auto p99 = [](std::vector<double>& v) {
      std::sort(v.begin(), v.end());
      return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * 0.99))];
    };
    std::vector<double> connects;
    for (double x : first)
      if (x >= 0) connects.push_back(x);
    if (!connects.empty()) connect_p99s.push_back(p99(connects));
    if (all.empty()) throw std::runtime_error("no pull succeeded");
    failed_total += errors;
    for (const auto& [k, v] : error_kinds) std::fprintf(stderr, "pull: %d failed: %s\n", v, k.c_str());
    if (r < 0) continue;
    p99s.push_back(p99(all));  // sorts `all`
    p50s.push_back(all[all.size() / 2]);
  }
  const std::string note = std::to_string(clients) + " concurrent clients x " + std::to_string(pulls_each) +
                           (keep_alive ? " pulls, one keep-alive connection per client (as a browser's fetch reuses it), connected before the clients start together"
                                       : " pulls, new connection per request") +
                           ", a writer pushing every 20 ms, " +
                           std::to_string(deals.size()) + " deals; " +
                           std::to_string(failed_total) + " requests failed in all (not in the latencies)";
  const std::string figure = keep_alive ? "server_pull_keepalive" : "server_pull";
  emit(figure + "_p99", "ms", p99s, note + "; samples are per-run p99");
  emit(figure + "_p50", "ms", p50s, note + "; samples are per-run medians");
  if (!connect_p99s.empty())
    emit(figure + "_connect_p99", "ms", connect_p99s,
         std::to_string(clients) + " clients connecting at once, each with its first pull; samples are per-run p99");
  return 0;
}

// -------------------------------------------------------------------------------------------------------
// load: the app's start on a local workspace, natively: read the journal segments, parse each record and
// replay it into a Session (what App::start_local does before the first frame); parsing alone separately
// -------------------------------------------------------------------------------------------------------
int bench_load(const std::string& journal, int runs) {
  std::vector<double> total, parse;
  size_t records = 0, items = 0;
  for (int r = 0; r < runs; ++r) {
    kt::storage::Journal j(journal);
    auto t0 = Clock::now();
    records = j.load([](kt::Mutation&&) {}).records;
    parse.push_back(ms_since(t0));
    kt::Workspace ws;
    kt::Session session(ws, "cbench", "u1");
    t0 = Clock::now();
    j.load([&](kt::Mutation&& m) { session.replay(m, 1790000000000); });
    total.push_back(ms_since(t0));
    items = ws.item_count();
  }
  emit("native_journal_load", "ms", total, std::to_string(records) + " journal records -> " + std::to_string(items) +
       " items: read + parse + Session::replay");
  emit("native_journal_parse", "ms", parse, "the same journal: read + parse only");
  return 0;
}

// The same start from a compacted store: decode the stored base (core/snapshot_binary.hpp) from its file in
// chunks, as the app does (storage::read_workspace).
int bench_base(const std::string& base, int runs) {
  const size_t file_mb = read_all(base).size() >> 20;
  std::vector<double> s;
  size_t items = 0;
  for (int r = 0; r < runs; ++r) {
    kt::Workspace ws;
    auto t0 = Clock::now();
    kt::Status st;
    if (!kt::storage::read_workspace(base, &ws, nullptr, &st)) throw std::runtime_error("cannot read " + base);
    if (!st) throw std::runtime_error(st.message);
    s.push_back(ms_since(t0));
    items = ws.item_count();
  }
  emit("native_base_decode", "ms", s, std::to_string(items) + " items from a " + std::to_string(file_mb) +
       " MB stored base: storage::read_workspace (decode_workspace from the file in chunks)");
  return 0;
}

// -------------------------------------------------------------------------------------------------------
// snapshot pages: what a bootstrap costs per format, natively. The workspace of a stored base is cut into
// pull pages of 2000 items projected for the administrator, as the server writes them (JSON: item_json +
// dump; binary: item blocks), and read back as the client does (parse_pull).
// -------------------------------------------------------------------------------------------------------
int bench_snapshot_pages(const std::string& base, int runs) {
  const std::string bytes = read_all(base);
  kt::Workspace ws;
  if (kt::Status st = kt::decode_workspace(bytes, &ws, nullptr); !st) throw std::runtime_error(st.message);
  std::vector<std::string> ids;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) ids.push_back(id);
  const std::string user = "u1";
  const json head{{"cursor", "c"}, {"more", true}, {"reset", false}, {"removed", json::array()},
                  {"lastMutationIds", json::object()}};
  std::vector<double> enc_json, dec_json, enc_bin, dec_bin;
  size_t json_bytes = 0, bin_bytes = 0;
  for (int r = 0; r < runs; ++r) {
    double ej = 0, dj = 0, eb = 0, db = 0;
    json_bytes = bin_bytes = 0;
    for (size_t i = 0; i < ids.size(); i += 2000) {
      const size_t end = std::min(ids.size(), i + 2000);
      auto t0 = Clock::now();
      json page = head;
      json items = json::array();
      for (size_t k = i; k < end; ++k) items.push_back(kt::item_json(ws, *ws.item(ids[k]), &user));
      page["items"] = std::move(items);
      const std::string text = page.dump();
      ej += ms_since(t0);
      json_bytes += text.size();
      t0 = Clock::now();
      kt::sync::PullPage p;
      if (!kt::sync::parse_pull(text, &p)) throw std::runtime_error("a JSON page does not read");
      dj += ms_since(t0);

      t0 = Clock::now();
      kt::ItemBlockWriter w(ws.schema(), &user);
      for (size_t k = i; k < end; ++k) w.add(*ws.item(ids[k]), ws.timeline(ids[k]));
      const std::string bin = kt::binary_pull_page(head.dump(), w.finish());
      eb += ms_since(t0);
      bin_bytes += bin.size();
      t0 = Clock::now();
      kt::sync::PullPage q;
      if (!kt::sync::parse_pull(bin, &q) || q.items.size() != p.items.size())
        throw std::runtime_error("a binary page does not read");
      db += ms_since(t0);
    }
    enc_json.push_back(ej);
    dec_json.push_back(dj);
    enc_bin.push_back(eb);
    dec_bin.push_back(db);
  }
  const std::string n = std::to_string(ids.size()) + " items in pages of 2000, projected for u1";
  emit("native_snapshot_json_write", "ms", enc_json, n + ": item_json + dump, " + std::to_string(json_bytes >> 20) + " MB");
  emit("native_snapshot_json_read", "ms", dec_json, n + ": parse_pull");
  emit("native_snapshot_binary_write", "ms", enc_bin, n + ": item blocks, " + std::to_string(bin_bytes >> 20) + " MB");
  emit("native_snapshot_binary_read", "ms", dec_bin, n + ": parse_pull");
  return 0;
}

// The machine's price of memory touched for the first time: a fresh anonymous mapping of 64 MB written one
// byte per 4 KB page (each write a page fault: the kernel, and under a hypervisor the host too, finds and
// zeroes a page), then the same pages again. A start decodes its workspace into new pages of the
// WebAssembly heap (a 10k base: ~5,000 of them), so what one costs here says how much of the phone figures
// is the machine's: well under a microsecond on bare metal, ~14-16 µs on the virtual machines of 2026-12.
int bench_pages(int runs) {
  constexpr size_t kBytes = size_t{64} << 20, kPage = 4096;
  std::vector<double> first, again;
  for (int r = 0; r < runs; ++r) {
    void* m = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("mmap failed");
    volatile char* p = static_cast<char*>(m);
    auto t0 = Clock::now();
    for (size_t i = 0; i < kBytes; i += kPage) p[i] = 1;
    first.push_back(ms_since(t0) * 1000 / (kBytes / kPage));
    t0 = Clock::now();
    for (size_t i = 0; i < kBytes; i += kPage) p[i] = 2;
    again.push_back(ms_since(t0) * 1000 / (kBytes / kPage));
    munmap(m, kBytes);
  }
  emit("native_page_first_touch", "us", first, "a 4 KB page of a fresh 64 MB anonymous mapping written for the first time "
       "(a page fault each): the machine's price of new memory, which a start pays for every page its decoded workspace fills");
  emit("native_page_touch_again", "us", again, "the same pages written again (no fault)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kt_bench query|merge|push|pull|load|pages [options]\n");
    return 2;
  }
  std::string cmd = argv[1], snapshot, mutations, journal, base;
  int runs = 0, clients = 100, updates = 100000, pulls = 20, keep_alive = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--snapshot") snapshot = v;
    else if (a == "--mutations") mutations = v;
    else if (a == "--journal") journal = v;
    else if (a == "--base") base = v;
    else if (a == "--runs") runs = std::atoi(v.c_str());
    else if (a == "--clients") clients = std::atoi(v.c_str());
    else if (a == "--updates") updates = std::atoi(v.c_str());
    else if (a == "--pulls") pulls = std::atoi(v.c_str());
    else if (a == "--keep-alive") keep_alive = std::atoi(v.c_str());
    else if (a == "--database") g_database = v;
    else if (a == "--url") g_url = v;
    else if (a == "--login") g_login = v;
    else if (a == "--password") g_password = v;
    else if (a == "--prefix") g_prefix = v;
  }
  try {
    if (cmd == "query") return bench_query(snapshot, runs ? runs : 15);
    if (cmd == "merge") return bench_merge(snapshot, base, runs ? runs : 5, updates);
    if (cmd == "push") return bench_push(mutations, runs ? runs : 3);
    if (cmd == "load" && !base.empty()) return bench_base(base, runs ? runs : 3);
    if (cmd == "snapshot-pages") return bench_snapshot_pages(base, runs ? runs : 3);
    if (cmd == "load") return bench_load(journal, runs ? runs : 3);
    if (cmd == "pages") return bench_pages(runs ? runs : 5);
    if (cmd == "pull") return bench_pull(mutations, clients, runs ? runs : 3, pulls, keep_alive != 0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kt_bench %s: %s\n", cmd.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "unknown benchmark %s\n", cmd.c_str());
  return 2;
}
