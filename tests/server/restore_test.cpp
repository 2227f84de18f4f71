// The restore endpoints (issue 19, PROTOCOL.md "Restore") against a real server on a loopback port with
// its SQLite data directory: a backup uploaded in chunks becomes the server's workspace (compared after a
// restart, from the checkpoint and from the log alone), only administrators may, bad files change nothing,
// offsets resume, a merge renames what collides, and kartoteka-server --restore does the same.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "core/io/backup.hpp"
#include "restore_support.hpp"
#include "server/database.hpp"
#include "server/restore_routes.hpp"
#include "server/server.hpp"
#include "server/sqlite_log_store.hpp"
#include "server_support.hpp"
#include "sync/server_state.hpp"

using nlohmann::json;
using namespace kt;
using namespace kt::test;

namespace {

// The server's clock: the real one, moved on by the tests that need an hour to pass.
std::atomic<std::int64_t> g_skew{0};
std::int64_t clock_ms() { return system_ms() + g_skew.load(); }

server::Options restore_options(const std::string& dir) {
  server::Options o = options(dir);
  o.now_ms = clock_ms;
  return o;
}

// Logged in as the administrator, whose token goes with every request that names none; waits long for
// an answer (an apply may take a while).
struct Api : LoopbackServer {
  std::string token;

  explicit Api(const server::Options& o) : LoopbackServer(o, Expect{120, true, false}) {
    token = login(kAdmin, kAdminPassword);
  }
  Reply post(const std::string& path, const json& body, const std::string& t = "") const {
    return LoopbackServer::post(path, body, t.empty() ? token : t);
  }
  Reply put(const std::string& path, const std::string& bytes, const std::string& t = "") const {
    return LoopbackServer::put(path, bytes, t.empty() ? token : t);
  }
  Reply del(const std::string& path, const std::string& t = "") const {
    return LoopbackServer::del(path, t.empty() ? token : t);
  }

  // Uploads `bytes` in chunks of `chunk`; returns the upload id.
  std::string upload(const std::string& bytes, size_t chunk = 0) const {
    Reply r = post("/api/restore/uploads", json::object());
    REQUIRE_MESSAGE(r.status == 201, r.body.dump());
    const std::string id = r.body["upload"];
    if (chunk == 0) chunk = r.body["chunkBytes"].get<size_t>();
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      Reply p = put("/api/restore/uploads/" + id + "?offset=" + std::to_string(at), bytes.substr(at, chunk));
      REQUIRE_MESSAGE(p.status == 200, p.body.dump());
      REQUIRE(p.body["received"] == std::min(bytes.size(), at + chunk));
    }
    return id;
  }
  Reply check(const std::string& id, const json& choice = json::object()) const {
    return post("/api/restore/uploads/" + id + "/check", choice);
  }
  // Checks and applies; returns the apply's answer.
  Reply restore(const std::string& bytes, const json& choice = json::object()) const {
    const std::string id = upload(bytes, 100000);
    Reply c = check(id, choice);
    REQUIRE_MESSAGE(c.status == 200, c.body.dump());
    json body = choice;
    body["plan"] = c.body["plan"];
    return post("/api/restore/uploads/" + id + "/apply", body);
  }
};

// The workspace the data directory holds, as a start rebuilds it (from the checkpoint when there is one).
json stored(const std::string& dir, std::uint64_t* from_checkpoint = nullptr) {
  sync::ServerState st(test::stored_log(dir), "secret", {});
  if (from_checkpoint) *from_checkpoint = st.start_info().checkpoint;
  return st.read([](const Workspace& ws) { return test::comparable(ws); });
}

// The version of the workspace a start rebuilds, and how many items it holds.
std::uint64_t stored_version(const std::string& dir, std::uint64_t* from_checkpoint, size_t* items) {
  sync::ServerState st(test::stored_log(dir), "secret", {});
  *from_checkpoint = st.start_info().checkpoint;
  *items = st.read([](const Workspace& ws) { return ws.item_count(); });
  return st.version();
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator(); ++it) ++n;
  return n;
}

json pull(const Api& s, const std::string& cursor) {
  return s.post("/api/sync/pull", json{{"protocol", 1}, {"schema", 1}, {"cursor", cursor}}).body;
}

}  // namespace

TEST_CASE("a backup uploaded in chunks into an empty server becomes its workspace, replayed after a restart") {
  TempDir dir("kt-restore");
  test::RichDemo d;
  const std::string backup = io::make_backup(d.ws, "Анна Смирнова", test::kNow);
  std::string cursor;
  {
    Api s(restore_options(dir.path));
    cursor = pull(s, "")["cursor"];
    const std::string id = s.upload(backup, 64 * 1024);
    // The bytes wait in a file only the server's user may read.
    struct stat st {};
    REQUIRE(::stat((dir.path + "/restore-uploads/" + id + ".upload").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(static_cast<size_t>(st.st_size) == backup.size());
    Reply c = s.check(id, json{{"me", "u1"}});
    REQUIRE_MESSAGE(c.status == 200, c.body.dump());
    CHECK(c.body["empty"] == true);
    CHECK(c.body["backup"]["items"] == d.ws.item_count());
    CHECK(c.body["users"][0] == json{{"local", "u1"}, {"name", "Анна Смирнова"}, {"action", "map"}, {"to", "u1"}, {"suggested", nullptr}});
    CHECK(c.body["serverUsers"] == json::array({json{{"id", "u1"}, {"name", "admin"}, {"admin", true}, {"active", true}}}));
    CHECK(c.body["rename"].empty());
    CHECK(c.body["dropped"].empty());
    CHECK(c.body["plan"].is_string());
    // The same check twice is the same plan; another choice of people is another.
    CHECK(s.check(id, json{{"me", "u1"}}).body["plan"] == c.body["plan"]);
    CHECK(s.check(id).body["plan"] != c.body["plan"]);
    Reply a = s.post("/api/restore/uploads/" + id + "/apply", json{{"me", "u1"}, {"plan", c.body["plan"]}});
    REQUIRE_MESSAGE(a.status == 200, a.body.dump());
    CHECK(a.body["version"].get<std::uint64_t>() > 1);
    CHECK(a.body["report"]["plan"] == c.body["plan"]);
    // The upload is gone; every client starts over from a snapshot.
    CHECK(files_in(dir.path + "/restore-uploads") == 0);
    CHECK(s.put("/api/restore/uploads/" + id + "?offset=0", "x").status == 404);
    json page = pull(s, cursor);
    CHECK(page["reset"] == true);
    CHECK(s.post("/api/sync/pull", json{{"protocol", 1}, {"schema", 1}, {"cursor", cursor}}).status == 200);
    // The administrator keeps his login; the backup's Анна is him now.
    Reply me = s.reply(s.client().Get("/api/me", Api::auth(s.token)));
    CHECK(me.body["name"] == "Анна Смирнова");
    CHECK(me.body["admin"] == true);
    CHECK(me.body["login"] == kAdmin);
  }
  const json want = test::comparable(d.ws);
  std::uint64_t cp = 0;
  json got = stored(dir.path, &cp);
  CHECK(cp > 0);  // the clean stop left a checkpoint
  CHECK_MESSAGE(got == want, test::first_difference(got, want));
  test::remove_checkpoint(dir.path);
  got = stored(dir.path, &cp);
  CHECK(cp == 0);  // the log alone
  CHECK_MESSAGE(got == want, test::first_difference(got, want));
}

TEST_CASE("only administrators restore: 403 on every endpoint, nothing changes") {
  TempDir dir("kt-restore");
  Api s(restore_options(dir.path));
  test::RichDemo d;
  const std::string backup = io::make_backup(d.ws, "Анна", test::kNow);
  Mutation m;
  m.client = "setup";
  m.seq = 1;
  m.hlc = Hlc{clock_ms(), 0, "setup"};
  m.time_ms = m.hlc.wall;
  m.cmd = PutUser{User{"u2", "Иван", "", false, {}, true}};
  REQUIRE(s.post("/api/sync/push", json{{"protocol", 1}, {"schema", 1}, {"mutations", {json(m)}}}).status == 200);
  REQUIRE(s.post("/api/accounts", json{{"user", "u2"}, {"login", "ivan"}, {"password", "ivan-password"}}).status == 200);
  const std::string ivan = s.login("ivan", "ivan-password");
  const std::string id = s.upload(backup);
  const std::string plan = s.check(id).body["plan"];
  const std::string base = "/api/restore/uploads/" + id;
  for (const Reply& r : {s.post("/api/restore/uploads", json::object(), ivan), s.put(base + "?offset=0", "{}", ivan),
                         s.post(base + "/check", json::object(), ivan),
                         s.post(base + "/apply", json{{"plan", plan}}, ivan), s.del(base, ivan)}) {
    CHECK(r.status == 403);
    CHECK(r.body["error"] == "forbidden");
  }
  // Without a token: 401.
  auto c = s.client();
  CHECK(s.reply(c.Post("/api/restore/uploads", "{}", "application/json")).status == 401);
  // The administrator's upload is untouched and still applies.
  CHECK(s.post(base + "/apply", json{{"plan", plan}}).status == 200);
}

TEST_CASE("bad and foreign files are refused with their reason and change nothing") {
  TempDir dir("kt-restore");
  Api s(restore_options(dir.path));
  test::RichDemo d;
  const std::string good = io::make_backup(d.ws, "Анна", test::kNow);
  json j = json::parse(good);
  json bad_item = j;
  bad_item["workspace"]["items"][50]["fields"]["TITLE"] = json::array({1, 2});
  bad_item["workspace"]["items"][50]["entity"] = "nothing";
  bad_item["checksum"] = io::backup_checksum(bad_item["workspace"]);
  json newer = j;
  newer["version"] = 7;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "backup_empty"},
      {"BEGIN:VCARD\nEND:VCARD\n", "backup_not_json"},
      {good.substr(0, good.size() - 1000), "backup_not_json"},
      {"{\"contacts\": []}", "backup_foreign"},
      {newer.dump(), "backup_newer"},
      {good.substr(0, 300) + "X" + good.substr(301), "backup_damaged"},
      {bad_item.dump(), "backup_invalid"},
      {"{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}", "backup_too_deep"},
  };
  for (const auto& [bytes, code] : cases) {
    const std::string id = s.upload(bytes);
    Reply r = s.check(id);
    CHECK_MESSAGE(r.status == 422, code << ": " << r.body.dump());
    CHECK(r.body["error"] == code);
    CHECK(r.body["message"].is_string());
    Reply a = s.post("/api/restore/uploads/" + id + "/apply", json{{"plan", "p0"}});
    CHECK(a.status == 422);
    CHECK(a.body["error"] == code);
    CHECK(s.del("/api/restore/uploads/" + id).status == 200);
  }
  // Bad requests: not JSON, bad choices, no plan.
  const std::string id = s.upload(good);
  CHECK(s.put("/api/restore/uploads/" + id + "?offset=abc", "x").status == 400);
  auto c = s.client();
  CHECK(s.reply(c.Post(("/api/restore/uploads/" + id + "/check").c_str(), Api::auth(s.token), "[[", "application/json")).status == 400);
  CHECK(s.check(id, json{{"users", {{"u2", 5}}}}).status == 400);
  CHECK(s.check(id, json{{"users", {{"u2", "u77"}}}}).body["error"] == "invalid_mapping");
  CHECK(s.post("/api/restore/uploads/" + id + "/apply", json::object()).status == 400);
  CHECK(s.post("/api/restore/uploads/nope/check", json::object()).body["error"] == "unknown_upload");
  s.stop();
  // Nothing of all that is in the workspace: only the administrator.
  const json stored_ws = stored(dir.path);
  CHECK(stored_ws["items"].empty());
  CHECK(stored_ws["schema"]["users"].size() == 1);
}

TEST_CASE("offsets: a wrong one is 409 with what was received, a resend goes on, sizes are bounded") {
  TempDir dir("kt-restore");
  server::Options o = restore_options(dir.path);
  o.restore_max_bytes = 1000;
  Api s(o);
  Reply r = s.post("/api/restore/uploads", json::object());
  REQUIRE(r.status == 201);
  CHECK(r.body["maxBytes"] == 1000);
  CHECK(r.body["chunkBytes"] == 3u << 20);
  const std::string base = "/api/restore/uploads/" + r.body["upload"].get<std::string>();
  CHECK(s.put(base + "?offset=0", std::string(400, 'a')).body["received"] == 400);
  Reply m = s.put(base + "?offset=0", std::string(400, 'a'));  // a retry after a lost answer
  CHECK(m.status == 409);
  CHECK(m.body["error"] == "offset_mismatch");
  CHECK(m.body["received"] == 400);
  CHECK(s.put(base + "?offset=900", "b").body["received"] == 400);
  CHECK(s.put(base + "?offset=400", std::string(400, 'b')).body["received"] == 800);
  Reply big = s.put(base + "?offset=800", std::string(201, 'c'));
  CHECK(big.status == 413);
  CHECK(big.body["error"] == "too_large");
  CHECK(s.put(base + "?offset=800", std::string(200, 'c')).body["received"] == 1000);
  CHECK(s.put(base, "x").status == 400);  // no offset
  // A chunk above chunkBytes (but under the 4 MiB body limit) is refused too.
  server::Options o2 = restore_options(dir.path + "/b");
  Api s2(o2);
  const std::string id2 = s2.post("/api/restore/uploads", json::object()).body["upload"];
  CHECK(s2.put("/api/restore/uploads/" + id2 + "?offset=0", std::string((3u << 20) + 1, 'x')).status == 413);
  CHECK(s2.put("/api/restore/uploads/" + id2 + "?offset=0", "").body["received"] == 0);
}

TEST_CASE("uploads: one per administrator, dropped after an hour idle, on DELETE, and at a restart") {
  TempDir dir("kt-restore");
  g_skew = 0;
  Api s(restore_options(dir.path));
  const std::string first = s.post("/api/restore/uploads", json::object()).body["upload"];
  const std::string second = s.post("/api/restore/uploads", json::object()).body["upload"];
  CHECK(s.put("/api/restore/uploads/" + first + "?offset=0", "x").status == 404);  // replaced
  CHECK(s.put("/api/restore/uploads/" + second + "?offset=0", "x").status == 200);
  g_skew = 59 * 60 * 1000;
  CHECK(s.put("/api/restore/uploads/" + second + "?offset=1", "y").status == 200);  // still there: touched
  g_skew = 2 * 59 * 60 * 1000 + 2 * 60 * 1000;
  Reply gone = s.put("/api/restore/uploads/" + second + "?offset=2", "z");
  CHECK(gone.status == 404);
  CHECK(gone.body["error"] == "unknown_upload");
  CHECK(files_in(dir.path + "/restore-uploads") == 0);
  g_skew = 0;
  const std::string third = s.post("/api/restore/uploads", json::object()).body["upload"];
  CHECK(s.del("/api/restore/uploads/" + third).status == 200);
  CHECK(s.del("/api/restore/uploads/" + third).status == 404);
  const std::string fourth = s.post("/api/restore/uploads", json::object()).body["upload"];
  CHECK(files_in(dir.path + "/restore-uploads") == 1);
  s.stop();
  Api again(restore_options(dir.path));
  CHECK(files_in(dir.path + "/restore-uploads") == 0);
  CHECK(again.put("/api/restore/uploads/" + fourth + "?offset=0", "x").status == 404);
}

TEST_CASE("the demo into the demo: a merge renames D1…D13 and the rest, lists it, and nothing is merged by accident") {
  TempDir dir("kt-restore");
  test::RichDemo d;
  const std::string backup = io::make_backup(d.ws, "Анна", test::kNow);
  {
    Api s(restore_options(dir.path));
    REQUIRE(s.restore(backup, json{{"me", "u1"}}).status == 200);
    const std::string id = s.upload(backup);
    Reply c = s.check(id, json{{"me", "u1"}});
    REQUIRE(c.status == 200);
    CHECK(c.body["empty"] == false);
    CHECK(c.body["rename"][0]["kind"] == "item");
    bool d1 = false;
    for (const auto& r : c.body["rename"])
      d1 = d1 || (r["from"] == "D1" && r["to"] == "D14" && r["why"] == "the server has D1 «Поставка серверного оборудования»");
    CHECK(d1);
    CHECK(c.body["totals"]["rename"] == d.ws.item_count());
    for (const auto& u : c.body["users"]) CHECK(u["action"] == "map");
    // Something changes on the server after the check: the plan no longer holds.
    Mutation m;
    m.client = "tab";
    m.seq = 1;
    m.hlc = Hlc{clock_ms(), 0, "tab"};
    m.time_ms = m.hlc.wall;
    m.cmd = SetField{"D2", "TITLE", Value("Изменено"), {}};
    REQUIRE(s.post("/api/sync/push", json{{"protocol", 1}, {"schema", 1}, {"mutations", {json(m)}}}).status == 200);
    Reply stale = s.post("/api/restore/uploads/" + id + "/apply", json{{"me", "u1"}, {"plan", c.body["plan"]}});
    CHECK(stale.status == 409);
    CHECK(stale.body["error"] == "plan_changed");
    Reply c2 = s.check(id, json{{"me", "u1"}});
    CHECK(c2.body["plan"] != c.body["plan"]);
    Reply a = s.post("/api/restore/uploads/" + id + "/apply", json{{"me", "u1"}, {"plan", c2.body["plan"]}});
    REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  }
  const json got = stored(dir.path);
  CHECK(got["items"].size() == 2 * d.ws.item_count());
  std::map<std::string, json> items;
  for (const auto& it : got["items"]) items[it["id"]] = it;
  CHECK(items.at("D2")["fields"]["TITLE"]["v"] == "Изменено");  // the server's own, untouched
  CHECK(items.at("D15")["fields"]["TITLE"]["v"] == "Внедрение CRM для отдела продаж");  // the backup's D2
  CHECK(items.at("D14")["fields"]["CLIENT"]["v"] == json::array({"CO8", "C9"}));
}

TEST_CASE("kartoteka-server --restore: refuses a workspace with items unless --merge, dry runs change nothing") {
  TempDir dir("kt-restore");
  test::RichDemo d;
  const std::string file = dir.path + "/backup.json";
  {
    std::ofstream f(file, std::ios::binary);
    f << io::make_backup(d.ws, "Анна", test::kNow);
  }
  server::Options o = restore_options(dir.path + "/data");
  server::RestoreRequest req;
  req.file = file;
  req.users["u1"] = "u1";
  {
    server::Server s(o);
    std::FILE* out = std::tmpfile();
    auto report = [&] {
      std::fflush(out);
      std::rewind(out);
      std::string text;
      char buf[4096];
      for (size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) text.append(buf, n);
      std::rewind(out);
      REQUIRE(::ftruncate(::fileno(out), 0) == 0);
      return json::parse(text, nullptr, false);
    };
    req.dry_run = true;
    CHECK(s.restore_file(req, out) == 0);
    json r = report();
    CHECK(r["empty"] == true);
    CHECK_FALSE(r.contains("version"));
    req.dry_run = false;
    CHECK(s.restore_file(req, out) == 0);
    CHECK(report()["version"].is_number());
    CHECK(s.restore_file(req, out) == 1);  // items now: a merge must be asked for
    CHECK(report().is_discarded());        // and no report
    req.merge = true;
    req.dry_run = true;
    CHECK(s.restore_file(req, out) == 0);
    CHECK(report()["rename"].size() == d.ws.item_count());
    req.dry_run = false;
    CHECK(s.restore_file(req, out) == 0);
    report();
    server::RestoreRequest missing;
    missing.file = dir.path + "/nothing.json";
    CHECK(s.restore_file(missing, out) == 1);
    std::fclose(out);
  }
  const json got = stored(dir.path + "/data");
  CHECK(got["items"].size() == 2 * d.ws.item_count());
}

// A 100k-item backup through the endpoints, in chunks under the body limit: the time of each step and the
// process's peak memory. Run by hand (it takes a minute or two): generate the backup with
//   build/native/kt_gen --deals 77000 --backup /tmp/kt-100k.json
// then KT_RESTORE_BENCH=/tmp/kt-100k.json build/native/kt_server_tests -tc="*100k*" --no-skip
TEST_CASE("benchmark: a 100k-item backup uploaded, checked and applied" * doctest::skip()) {
  const char* path = std::getenv("KT_RESTORE_BENCH");
  REQUIRE_MESSAGE(path, "set KT_RESTORE_BENCH to a backup file (kt_gen --backup)");
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string bytes = ss.str();
  TempDir dir("kt-restore");
  auto t0 = std::chrono::steady_clock::now();
  auto secs = [&] {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t0 = std::chrono::steady_clock::now();
    return s;
  };
  auto rss_mb = [] {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;
  };
  Api s(restore_options(dir.path));
  MESSAGE("backup " << bytes.size() / 1048576.0 << " MB, peak RSS before " << rss_mb() << " MB");
  const std::string id = s.upload(bytes);
  MESSAGE("upload in 3 MiB chunks: " << secs() << " s");
  bytes.clear();
  bytes.shrink_to_fit();
  Reply c = s.check(id, json{{"me", "u1"}});
  REQUIRE_MESSAGE(c.status == 200, c.body.dump());
  MESSAGE("check: " << secs() << " s, " << c.body["backup"]["items"] << " items, peak RSS " << rss_mb() << " MB");
  Reply a = s.post("/api/restore/uploads/" + id + "/apply", json{{"me", "u1"}, {"plan", c.body["plan"]}});
  REQUIRE_MESSAGE(a.status == 200, a.body.dump().substr(0, 500));
  MESSAGE("apply: " << secs() << " s, peak RSS " << rss_mb() << " MB");
  s.stop();
  MESSAGE("stop, writing the checkpoint: " << secs() << " s");
  std::uint64_t cp = 0;
  size_t items = 0;
  CHECK(stored_version(dir.path, &cp, &items) == a.body["version"].get<std::uint64_t>());
  CHECK(cp > 0);
  CHECK(items == c.body["backup"]["items"].get<size_t>());
  MESSAGE("start from the checkpoint: " << secs() << " s");
  test::remove_checkpoint(dir.path);
  CHECK(stored_version(dir.path, &cp, &items) == a.body["version"].get<std::uint64_t>());
  CHECK(cp == 0);
  MESSAGE("start replaying the log (the restore record): " << secs() << " s, peak RSS " << rss_mb() << " MB");
}
