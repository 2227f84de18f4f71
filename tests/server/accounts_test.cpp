// Logins under attack, against a real running server on a loopback port: password guessing waits
// (429 with Retry-After) per login and per address, password hashing runs in a bounded number of
// slots, tokens expire when idle and go when their user is deactivated, and the data directory is
// private. The login limiter's memory bound and address keys are tested on their own.
#include "server/accounts.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/command.hpp"
#include "server/database.hpp"
#include "server/server.hpp"
#include "server_support.hpp"

using nlohmann::json;
using namespace kt::test;

namespace {

// The server's clock: the system's, moved forward by the test.
struct TestClock {
  std::shared_ptr<std::atomic<std::int64_t>> ahead = std::make_shared<std::atomic<std::int64_t>>(0);
  void advance(std::int64_t ms) { *ahead += ms; }
  std::function<std::int64_t()> fn() const {
    return [a = ahead] { return system_ms() + a->load(); };
  }
};

// With the server's own poke wait: these tests send no poke.
kt::server::Options server_options(const std::string& data_dir) {
  return options(data_dir, kt::server::Options{}.poke_timeout_ms);
}

// Waits longer for an answer (a login may queue for a hashing slot); each test checks what an answer is.
struct TestServer : LoopbackServer {
  explicit TestServer(const kt::server::Options& o)
      : LoopbackServer(o, Expect{30, false, false}) {}
  int me(const std::string& token) const { return get("/api/me", token).status; }
  Reply push(const std::string& token, const std::vector<kt::Command>& cmds) const {
    static std::atomic<std::uint64_t> seq{0};
    json ms = json::array();
    for (const auto& c : cmds) {
      kt::Mutation m;
      m.client = "accounts-test";
      m.seq = ++seq;
      m.hlc = kt::Hlc{system_ms(), static_cast<std::uint32_t>(m.seq), m.client};
      m.author = "whoever";
      m.time_ms = m.hlc.wall;
      m.cmd = c;
      ms.push_back(json(m));
    }
    return post("/api/sync/push",
                json{{"protocol", 1}, {"schema", 1}, {"mutations", std::move(ms)}}, token);
  }
};

// Ivan (u2), with the login "ivan".
void add_ivan(const TestServer& s, const std::string& admin, bool active = true) {
  Reply r = s.push(admin, {kt::PutUser{{"u2", "Ivan", "", false, {}, active}}});
  REQUIRE_MESSAGE(r.status == 200, r.body.dump());
  REQUIRE(r.body["results"][0]["status"] == "applied");
  if (active)
    REQUIRE(s.post("/api/accounts",
                   json{{"user", "u2"}, {"login", "ivan"}, {"password", "ivan-password"}}, admin)
                .status == 200);
}

std::int64_t token_rows(const std::string& dir) {
  auto db = kt::test::stored_database(dir);
  kt::server::Statement s(*db, "SELECT COUNT(*) FROM tokens");
  s.step();
  return s.integer(0);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE(
    "wrong passwords get 401, then 429 with Retry-After, waits growing; the right one works after "
    "the wait") {
  TempDir dir("kt-accounts");
  TestClock clock;
  kt::server::Options o = server_options(dir.path);
  o.now_ms = clock.fn();
  o.login_free_failures = 3;
  o.login_first_delay_ms = 60000;
  TestServer s(o);

  for (int i = 0; i < 4; ++i) {
    Reply r = s.try_login(kAdmin, "wrong password");
    CHECK(r.status == 401);
    CHECK(r.body["error"] == "bad_credentials");
  }
  // The fourth failure made the login wait: even the right password is not checked now.
  Reply r = s.try_login(kAdmin, kAdminPassword);
  CHECK(r.status == 429);
  CHECK(r.body["error"] == "too_many_attempts");
  CHECK(r.body["retryAfter"] == 60);
  CHECK(r.retry_after == "60");
  CHECK(s.try_login("ADMIN", "wrong password").status == 429);  // logins compare without case
  // Another login from the same address is not held up by this one's failures.
  CHECK(s.try_login("nobody", "wrong password").status == 401);

  clock.advance(61000);
  CHECK(s.try_login(kAdmin, kAdminPassword).status == 200);
  // The success forgot the failures: three free ones again, then the waits grow.
  for (int i = 0; i < 4; ++i) CHECK(s.try_login(kAdmin, "wrong password").status == 401);
  CHECK(s.try_login(kAdmin, "wrong password").status == 429);
  clock.advance(61000);
  CHECK(s.try_login(kAdmin, "wrong password").status == 401);
  r = s.try_login(kAdmin, kAdminPassword);
  CHECK(r.status == 429);
  CHECK(r.retry_after == "120");
  clock.advance(121000);
  CHECK(s.try_login(kAdmin, kAdminPassword).status == 200);
}

TEST_CASE("the per-address limit holds across different logins") {
  TempDir dir("kt-accounts");
  TestClock clock;
  kt::server::Options o = server_options(dir.path);
  o.now_ms = clock.fn();
  o.address_free_failures = 4;
  o.login_first_delay_ms = 30000;
  TestServer s(o);
  for (int i = 0; i < 5; ++i)
    CHECK(s.try_login("guess" + std::to_string(i), "wrong password").status == 401);
  // Every login from this address waits now, whichever it names.
  Reply r = s.try_login("guess-new", "wrong password");
  CHECK(r.status == 429);
  CHECK(r.retry_after == "30");
  CHECK(s.try_login(kAdmin, kAdminPassword).status == 429);
  clock.advance(31000);
  CHECK(s.try_login(kAdmin, kAdminPassword).status == 200);
}

TEST_CASE(
    "password checks run in a bounded number of slots; a login that finds none free gets 503") {
  TempDir dir("kt-accounts");
  kt::server::Options o = server_options(dir.path);
  o.login_free_failures = 1000;
  o.address_free_failures = 1000;

  SUBCASE("a second login while the only slot is taken") {
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false, release = false, hold = true;
    o.hash_slots = 1;
    o.hash_wait_ms = 50;
    o.while_hashing = [&] {
      std::unique_lock lock(mu);
      if (!hold) return;
      hold = false;
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    };
    TestServer s(o);
    Reply first;
    std::thread a([&] { first = s.try_login(kAdmin, kAdminPassword); });
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return entered; });
    }
    Reply r = s.try_login(kAdmin, kAdminPassword);
    CHECK(r.status == 503);
    CHECK(r.body["error"] == "busy");
    CHECK(r.retry_after == "1");
    {
      std::lock_guard lock(mu);
      release = true;
    }
    cv.notify_all();
    a.join();
    CHECK(first.status == 200);
    CHECK(s.try_login(kAdmin, kAdminPassword).status == 200);
  }
  SUBCASE("many logins at once: never more hashes than slots, each login waits its turn") {
    std::atomic<int> running{0}, peak{0};
    o.hash_slots = 2;
    o.hash_wait_ms = 60000;
    o.while_hashing = [&] {
      const int now = ++running;
      for (int p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // overlap, not a timing check
      --running;
    };
    TestServer s(o);
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i)
      threads.emplace_back([&, i] {
        if (s.try_login(i % 2 ? kAdmin : "nobody", i % 2 ? kAdminPassword : "whatever").status ==
            (i % 2 ? 200 : 401))
          ++ok;
      });
    for (auto& t : threads) t.join();
    CHECK(ok == 16);
    CHECK(peak >= 1);
    CHECK(peak <= 2);
  }
}

TEST_CASE("tokens expire when unused for the idle time; every use renews them; expired rows go") {
  TempDir dir("kt-accounts");
  TestClock clock;
  kt::server::Options o = server_options(dir.path);
  o.now_ms = clock.fn();
  o.token_idle_ms = 3600 * 1000;
  std::string kept;
  {
    TestServer s(o);
    const std::string token = s.login(kAdmin, kAdminPassword);
    kept = s.login(kAdmin, kAdminPassword);
    const std::string idle = s.login(kAdmin, kAdminPassword);
    clock.advance(40 * 60 * 1000);
    CHECK(s.me(token) == 200);
    CHECK(s.me(kept) == 200);
    clock.advance(40 * 60 * 1000);  // 80 min after the login, 40 after the last use
    CHECK(s.me(token) == 200);
    CHECK(s.me(kept) == 200);
    CHECK(s.me(idle) == 401);  // 80 min unused
    clock.advance(61 * 60 * 1000);
    CHECK(s.me(token) == 401);
    CHECK(s.get("/api/me", token).body["error"] == "unauthorized");
    kept = s.login(kAdmin, kAdminPassword);
    s.stop();
  }
  CHECK(token_rows(dir.path) == 1);  // the expired ones are deleted, not kept as revoked
  {
    TestServer s(o);
    CHECK(s.me(kept) == 200);  // expiry is kept across a restart
    clock.advance(2 * 3600 * 1000);
    s.stop();
  }
  {
    TestServer s(o);  // a start purges what expired meanwhile
    s.stop();
  }
  CHECK(token_rows(dir.path) == 0);
}

TEST_CASE("deactivating a user revokes his tokens: reactivating him does not bring them back") {
  TempDir dir("kt-accounts");
  TestServer s(server_options(dir.path));
  const std::string admin = s.login(kAdmin, kAdminPassword);
  add_ivan(s, admin);
  const std::string ivan1 = s.login("ivan", "ivan-password");
  const std::string ivan2 = s.login("ivan", "ivan-password");
  CHECK(s.me(ivan1) == 200);

  auto set_active = [&](bool active) {
    REQUIRE(s.push(admin, {kt::PutUser{{"u2", "Ivan", "", false, {}, active}}}).status == 200);
  };
  // Deactivated and active again before any of his tokens is used: they stay revoked.
  set_active(false);
  set_active(true);
  CHECK(s.me(ivan1) == 401);
  CHECK(s.me(ivan2) == 401);
  const std::string ivan3 = s.login("ivan", "ivan-password");
  CHECK(s.me(ivan3) == 200);

  set_active(false);
  // Gone already: the administrator's revocation finds nothing left to revoke.
  CHECK(s.post("/api/tokens/revoke", json{{"user", "u2"}}, admin).body["revoked"] == 0);
  CHECK(s.me(ivan3) == 401);
  CHECK(s.try_login("ivan", "ivan-password").status == 401);
  set_active(true);
  CHECK(s.me(ivan3) == 401);
  CHECK(s.me(s.login("ivan", "ivan-password")) == 200);
  CHECK(s.me(admin) == 200);
}

TEST_CASE(
    "the data directory is private: the directory 0700, the database, its WAL, the lock and the "
    "checkpoint 0600") {
  KT_SQLITE_ONLY();
  TempDir parent("kt-accounts");
  const std::string dir = parent.path + "/data";
  const mode_t old_mask = ::umask(022);
  const std::vector<std::string> files = {"kartoteka.db", "kartoteka.db-wal", "kartoteka.db-shm",
                                          "lock"};
  {
    TestServer s(server_options(dir));
    s.login(kAdmin, kAdminPassword);  // a write: the WAL has something
    CHECK(mode_of(dir) == 0700);
    for (const auto& f : files) CHECK_MESSAGE(mode_of(dir + "/" + f) == 0600, f);
    s.stop();
  }
  CHECK(mode_of(dir + "/kartoteka.checkpoint") == 0600);
  // Left readable by an older server: made private at the next start. (An existing directory is
  // the operator's: it is left as it is, with a warning.)
  for (const char* f : {"kartoteka.db", "lock", "kartoteka.checkpoint"})
    REQUIRE(::chmod((dir + "/" + f).c_str(), 0644) == 0);
  {
    TestServer s(server_options(dir));
    s.login(kAdmin, kAdminPassword);
    for (const auto& f : files) CHECK_MESSAGE(mode_of(dir + "/" + f) == 0600, f);
    CHECK(mode_of(dir + "/kartoteka.checkpoint") == 0600);
    s.stop();
  }
  ::umask(old_mask);
}

TEST_CASE("a version 1 database gets the token's last use; its revoked rows are purged") {
  KT_SQLITE_ONLY();
  TempDir dir("kt-accounts");
  {
    TestServer s(server_options(dir.path));
    s.login(kAdmin, kAdminPassword);
  }
  {
    // As version 1 left it: no last-use column, a revoked row kept.
    kt::server::Database db(dir.path + "/kartoteka.db");
    db.exec(
        "DROP TABLE tokens; CREATE TABLE tokens(hash TEXT PRIMARY KEY, user TEXT NOT NULL, "
        "created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0); "
        "INSERT INTO tokens VALUES('a', 'u1', 1, 1); PRAGMA user_version = 1;");
  }
  TestServer s(server_options(dir.path));
  s.stop();
  kt::server::Database db(dir.path + "/kartoteka.db");
  kt::server::Statement v(db, "PRAGMA user_version");
  v.step();
  CHECK(v.integer(0) == 2);
  kt::server::Statement n(db, "SELECT COUNT(*) FROM tokens");
  n.step();
  CHECK(n.integer(0) == 0);
}

TEST_CASE(
    "the login limiter keeps a bounded number of keys; an address rotating logins stays counted") {
  kt::server::LoginLimiter::Limits l;
  l.max_keys = 16;
  l.address_free = 100;
  l.login_free = 3;
  kt::server::LoginLimiter lim(l);
  std::int64_t now = 1000000;
  // One address trying a new login each time: its own count survives every eviction of logins.
  for (int i = 0; i < 101; ++i) {
    CHECK(lim.begin("10.0.0.1", "login" + std::to_string(i), ++now) == 0);
    CHECK(lim.keys() <= 16);
  }
  CHECK(lim.begin("10.0.0.1", "one-more", ++now) > 0);
  // Many addresses: the table stays bounded.
  for (int i = 0; i < 5000; ++i) {
    lim.begin("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256),
              "u" + std::to_string(i), ++now);
    REQUIRE(lim.keys() <= 16);
  }
  // A success clears the login, and does not count against the address.
  kt::server::LoginLimiter lim2(l);
  for (int i = 0; i < 3; ++i) CHECK(lim2.begin("10.0.0.2", "ann", now) == 0);
  lim2.succeeded("10.0.0.2", "ann");
  for (int i = 0; i < 4; ++i) CHECK(lim2.begin("10.0.0.2", "ann", now) == 0);
  CHECK(lim2.begin("10.0.0.2", "ann", now) > 0);
  // Forgotten a window after the last failure.
  CHECK(lim2.begin("10.0.0.2", "ann", now + l.window_ms + 1) == 0);
}

TEST_CASE("an IPv6 client is counted by its /64; IPv4, also mapped, by its address") {
  using kt::server::LoginLimiter;
  CHECK(LoginLimiter::address_key("2001:db8:1:2:3:4:5:6") ==
        LoginLimiter::address_key("2001:db8:1:2:ffff::1"));
  CHECK(LoginLimiter::address_key("2001:db8:1:2::1") !=
        LoginLimiter::address_key("2001:db8:1:3::1"));
  CHECK(LoginLimiter::address_key("::ffff:10.0.0.1") == "10.0.0.1");
  CHECK(LoginLimiter::address_key("10.0.0.1") == "10.0.0.1");
}
