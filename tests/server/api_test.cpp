// The JSON API against a real running server on a loopback port, with its SQLite data directory:
// accounts and tokens, every error code (and that nothing changed after it), sync over HTTP,
// restarts.
#include <doctest/doctest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/command.hpp"
#include "server/database.hpp"
#include "server/server.hpp"
#include "frozen_proxy.hpp"
#include "server_support.hpp"

using nlohmann::json;
using namespace kt::test;

namespace {

// Mutations of one client, as the web app sends them.
struct Client {
  std::string id;
  std::uint64_t seq = 0;
  std::int64_t counter = 0;
  json mutation(kt::Command cmd) {
    kt::Mutation m;
    m.client = id;
    m.seq = ++seq;
    m.hlc = kt::Hlc{system_ms(), static_cast<std::uint32_t>(++counter), id};
    m.author = "whoever";
    m.time_ms = m.hlc.wall;
    m.cmd = std::move(cmd);
    return json(m);
  }
  static json push(std::vector<json> ms) {
    return json{{"protocol", 1}, {"schema", 1}, {"mutations", std::move(ms)}};
  }
};

json pull_body(const std::string& cursor) {
  return json{{"protocol", 1}, {"schema", 1}, {"cursor", cursor}};
}

// Admin u1 creates users u2 (reads everything, changes nothing) and u3 (everything), a deal D1 and
// accounts.
void seed(const LoopbackServer& s, const std::string& admin) {
  Client c{"setup"};
  kt::Role reader{"reader", "Reader", {}, {}};
  reader.defaults.add = reader.defaults.edit = reader.defaults.remove = kt::Level::None;
  kt::Role all{"all", "All", {}, {}};
  Reply r = s.post(
      "/api/sync/push",
      Client::push(
          {c.mutation(kt::PutRole{reader, false}), c.mutation(kt::PutRole{all, false}),
           c.mutation(kt::PutUser{{"u2", "Ivan", "", false, {"reader"}, true}}),
           c.mutation(kt::PutUser{{"u3", "Maria", "", false, {"all"}, true}}),
           c.mutation(kt::CreateItem{"D1", "deal", "", {{"TITLE", kt::Value("Поставка")}}})}),
      admin);
  REQUIRE_MESSAGE(r.status == 200, r.body.dump());
  for (const auto& res : r.body["results"]) REQUIRE_MESSAGE(res["status"] == "applied", res.dump());
  REQUIRE(s.post("/api/accounts",
                 json{{"user", "u2"}, {"login", "ivan"}, {"password", "ivan-password"}}, admin)
              .status == 200);
  REQUIRE(s.post("/api/accounts",
                 json{{"user", "u3"}, {"login", "maria"}, {"password", "maria-password"}}, admin)
              .status == 200);
}

}  // namespace

TEST_CASE("login, me and logout") {
  TempDir dir;
  LoopbackServer s(options(dir.path));
  Reply r = s.post("/api/login", json{{"login", kAdmin}, {"password", kAdminPassword}});
  REQUIRE(r.status == 200);
  const std::string token = r.body["token"];
  CHECK(token.size() >= 40);
  CHECK(r.body["user"] == json{{"id", "u1"}, {"name", kAdmin}, {"admin", true}});
  r = s.get("/api/me", token);
  CHECK(r.status == 200);
  CHECK(r.body["id"] == "u1");
  CHECK(r.body["admin"] == true);
  CHECK(r.body["department"] == "");
  CHECK(r.body["roles"] == json::array());

  CHECK(
      s.post("/api/login", json{{"login", kAdmin}, {"password", "wrong password"}}).body["error"] ==
      "bad_credentials");
  CHECK(s.post("/api/login", json{{"login", "nobody"}, {"password", kAdminPassword}}).status ==
        401);
  CHECK(s.post("/api/login", json{{"login", kAdmin}}).status == 400);
  CHECK(s.post_raw("/api/login", "login=admin").body["error"] == "malformed_json");

  CHECK(s.post("/api/logout", json::object(), token).status == 200);
  r = s.get("/api/me", token);
  CHECK(r.status == 401);
  CHECK(r.body["error"] == "unauthorized");
  // A second login works and is another token.
  CHECK(s.login(kAdmin, kAdminPassword) != token);
}

TEST_CASE("every error answers in JSON with its code, and leaves the stored state as it was") {
  TempDir dir;
  LoopbackServer s(options(dir.path));
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  const std::string ivan = s.login("ivan", "ivan-password");
  const std::string maria = s.login("maria", "maria-password");
  Client mc{"maria-tab"};
  REQUIRE(s.post("/api/sync/push",
                 Client::push({mc.mutation(kt::SetField{"D1", "COMMENTS", kt::Value("до"), {}})}),
                 maria)
              .status == 200);

  const Reply item_before = s.get("/api/items/D1", admin);
  REQUIRE(item_before.status == 200);
  Reply first = s.post("/api/sync/pull", pull_body(""), maria);
  REQUIRE(first.status == 200);
  const std::string cursor = first.body["cursor"];
  auto unchanged = [&] {
    CHECK(s.get("/api/items/D1", admin).body == item_before.body);
    Reply p = s.post("/api/sync/pull", pull_body(cursor), maria);
    CHECK(p.status == 200);
    CHECK(p.body["items"].empty());
    CHECK(p.body["reset"] == false);
    CHECK(p.body["lastMutationIds"] == json{{"maria-tab", 1}});
  };
  auto expect = [&](const Reply& r, int status, const std::string& code) {
    CHECK(r.status == status);
    CHECK(r.body["error"] == code);
    CHECK(r.body["message"].is_string());
    unchanged();
  };

  SUBCASE("400 malformed_json") {
    expect(s.post_raw("/api/sync/push", "{\"protocol\": 1, ", maria), 400, "malformed_json");
    expect(s.post_raw("/api/sync/pull", "[1]", maria), 400, "malformed_json");
    expect(s.post("/api/sync/push",
                  json{{"protocol", 1}, {"mutations", json::array({json{{"c", "x"}}})}}, maria),
           400, "malformed_json");
    expect(s.post_raw("/api/items/D1/fields", "TITLE=x", maria), 400, "malformed_json");
    expect(s.post("/api/accounts", json{{"user", 2}}, admin), 400, "malformed_json");
  }
  SUBCASE("401 unauthorized") {
    Client c{"anon"};
    const json push = Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value("x"), {}})});
    expect(s.post("/api/sync/push", push), 401, "unauthorized");
    expect(s.post("/api/sync/push", push, "forged-token"), 401, "unauthorized");
    expect(s.get("/api/items/D1"), 401, "unauthorized");
    expect(s.post("/api/login", json{{"login", "ivan"}, {"password", "nope-nope"}}), 401,
           "bad_credentials");
  }
  SUBCASE("403 forbidden") {
    expect(s.post("/api/accounts",
                  json{{"user", "u2"}, {"login", "ivan2"}, {"password", "12345678"}}, ivan),
           403, "forbidden");
    expect(s.post("/api/tokens/revoke", json{{"user", "u3"}}, ivan), 403, "forbidden");
    expect(s.post("/api/items/D1/fields", json{{"TITLE", "x"}}, ivan), 403, "forbidden");
    Client c{"maria-tab"};  // her client id, used by him
    expect(
        s.post("/api/sync/push",
               Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value("x"), {}})}), ivan),
        403, "forbidden");
  }
  SUBCASE("404 unknown_item and not_found") {
    expect(s.get("/api/items/NOPE", maria), 404, "unknown_item");
    expect(s.post("/api/items/NOPE/fields", json{{"TITLE", "x"}}, maria), 404, "unknown_item");
    expect(s.get("/api/nothing/here", maria), 404, "not_found");
    expect(s.post("/api/sync/nothing", json::object(), maria), 404, "not_found");
  }
  SUBCASE("409 mutation_gap and login_taken") {
    Client c{"maria-tab", 5};
    Reply r =
        s.post("/api/sync/push",
               Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value("x"), {}})}), maria);
    expect(r, 409, "mutation_gap");
    CHECK(r.body["expected"] == 2);
    CHECK(r.body["client"] == "maria-tab");
    expect(s.post("/api/accounts",
                  json{{"user", "u3"}, {"login", "IVAN"}, {"password", "12345678"}}, admin),
           409, "login_taken");
    CHECK(s.login("maria", "maria-password").size() > 0);  // her password did not change
  }
  SUBCASE("413 too_large") {
    expect(s.post_raw("/api/sync/push", std::string(5 * 1024 * 1024, ' '), maria), 413,
           "too_large");
    Client c{"maria-tab", 1};
    std::vector<json> many;
    for (int i = 0; i < 501; ++i)
      many.push_back(c.mutation(kt::SetField{"D1", "TITLE", kt::Value("x"), {}}));
    expect(s.post("/api/sync/push", Client::push(many), maria), 413, "too_large");
  }
  SUBCASE("422 for values and accounts") {
    Reply r =
        s.post("/api/items/D1/fields", json{{"TITLE", "принято бы"}, {"NO_SUCH_FIELD", 1}}, maria);
    expect(r, 422, "unknown_field");
    CHECK(r.body["field"] == "NO_SUCH_FIELD");
    r = s.post("/api/items/D1/fields", json{{"TITLE", "принято бы"}, {"CLOSEDATE", "31.02.2026"}},
               maria);
    expect(r, 422, "invalid_date");
    CHECK(r.body["field"] == "CLOSEDATE");
    expect(s.post("/api/accounts", json{{"user", "u2"}, {"login", "ivan"}, {"password", "short"}},
                  admin),
           422, "weak_password");
    expect(s.post("/api/accounts",
                  json{{"user", "u9"}, {"login", "ghost"}, {"password", "12345678"}}, admin),
           422, "unknown_user");
    expect(s.post("/api/accounts",
                  json{{"user", "u2"}, {"login", "has space"}, {"password", "12345678"}}, admin),
           422, "invalid_login");
    CHECK(s.login("ivan", "ivan-password").size() > 0);
  }
  SUBCASE("426 version_not_supported") {
    Reply r = s.post("/api/sync/push", json{{"protocol", 2}, {"mutations", json::array()}}, maria);
    expect(r, 426, "version_not_supported");
    CHECK(r.body["minClient"] == 1);
    expect(s.post("/api/sync/pull", json{{"protocol", 1}, {"schema", 99}}, maria), 426,
           "version_not_supported");
  }
}

TEST_CASE("sync and REST over HTTP: push, pull with a cursor, item reads and writes") {
  TempDir dir;
  LoopbackServer s(options(dir.path));
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  const std::string maria = s.login("maria", "maria-password");
  Reply page = s.post("/api/sync/pull", pull_body(""), maria);
  REQUIRE(page.status == 200);
  CHECK(page.body["reset"] == true);
  CHECK(page.body["items"].size() == 1);
  CHECK(page.body["schema"]["users"].size() == 3);

  Client c{"maria-tab"};
  Reply pushed =
      s.post("/api/sync/push",
             Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value("Новое"), {}}),
                           c.mutation(kt::SetField{"D1", "CLOSEDATE", kt::Value("31.02"), {}})}),
             maria);
  REQUIRE(pushed.status == 200);
  CHECK(pushed.body["results"][0]["status"] == "applied");
  CHECK(pushed.body["results"][1]["code"] == "invalid_date");
  CHECK(pushed.body["lastMutationIds"]["maria-tab"] == 2);

  Reply next = s.post("/api/sync/pull", pull_body(page.body["cursor"]), maria);
  REQUIRE(next.body["items"].size() == 1);
  CHECK(next.body["items"][0]["fields"]["TITLE"]["v"] == "Новое");
  CHECK(next.body["lastMutationIds"] == json{{"maria-tab", 2}});

  Reply written = s.post("/api/items/D1/fields", json{{"COMMENTS", "через REST"}}, maria);
  REQUIRE(written.status == 200);
  CHECK(written.body["fields"]["COMMENTS"]["v"] == "через REST");
  Reply read = s.get("/api/items/D1", admin);
  CHECK(read.body["fields"]["COMMENTS"]["v"] == "через REST");
  CHECK(read.body["timeline"].back()["author"] == "u3");
}

TEST_CASE("a poke answers when something changes, or after its wait") {
  TempDir dir;
  kt::server::Options o = options(dir.path);
  o.threads = 6;  // room for two waiting pokes
  o.poke_timeout_ms = 2000;
  LoopbackServer s(o);
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  const std::string cursor = s.post("/api/sync/pull", pull_body(""), admin).body["cursor"];
  const std::string poke = "/api/sync/poke?cursor=" + cursor;

  auto t0 = std::chrono::steady_clock::now();
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Client c{"other"};
    s.post("/api/sync/push",
           Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value("poke")})}), admin);
  });
  Reply r = s.get(poke, admin);
  writer.join();
  CHECK(r.status == 200);
  CHECK(r.body["changed"] == true);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1900));

  const std::string settled = s.post("/api/sync/pull", pull_body(cursor), admin).body["cursor"];
  t0 = std::chrono::steady_clock::now();
  r = s.get("/api/sync/poke?cursor=" + settled, admin);
  CHECK(r.body["changed"] == false);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(1900));
  CHECK(s.get("/api/sync/poke?cursor=nonsense", admin).body["changed"] == true);
  CHECK(s.get(poke).status == 401);

  // Beyond the waiting pokes the threads can carry, a poke is told to come back later.
  std::thread a([&] { s.get("/api/sync/poke?cursor=" + settled, admin); });
  std::thread b([&] { s.get("/api/sync/poke?cursor=" + settled, admin); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  r = s.get("/api/sync/poke?cursor=" + settled, admin);
  CHECK(r.status == 503);
  CHECK(r.body["error"] == "busy");
  CHECK(s.get("/api/health").status == 200);  // the rest still answers
  a.join();
  b.join();
}

TEST_CASE("one user's waiting pokes are capped (503 busy with Retry-After); hidden changes do not answer them") {
  TempDir dir;
  kt::server::Options o = options(dir.path);
  o.poke_timeout_ms = 60000;  // longer than the test: a poke answers only for a change
  LoopbackServer s(o);
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  const std::string maria = s.login("maria", "maria-password");
  Client setup{"setup2"};
  // D2 is hidden from Ivan (u2 reads everything: take that right away first).
  kt::Role own{"own", "Own", {}, {}};
  own.defaults.read = own.defaults.add = own.defaults.edit = kt::Level::Own;
  own.defaults.remove = kt::Level::None;
  REQUIRE(s.post("/api/sync/push",
                 Client::push({setup.mutation(kt::PutRole{own, false}),
                               setup.mutation(kt::PutUser{{"u2", "Ivan", "", false, {"own"}, true}}),
                               setup.mutation(kt::CreateItem{"D2", "deal", "", {{"TITLE", kt::Value("hidden")},
                                                                            {"ASSIGNED_BY_ID", kt::Value("u3")}}})}),
                 admin)
              .status == 200);
  const std::string ivan = s.login("ivan", "ivan-password");
  const std::string cursor = s.post("/api/sync/pull", pull_body(""), maria).body["cursor"];
  const std::string ivan_cursor = s.post("/api/sync/pull", pull_body(""), ivan).body["cursor"];

  // Five pokes of Maria at once: four wait, one is told to come back.
  struct Answer {
    int status = 0;
    std::string retry_after;
    json body;
  };
  std::vector<Answer> answers(5);
  std::atomic<int> done{0};
  std::vector<std::thread> pokes;
  for (int i = 0; i < 5; ++i)
    pokes.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", s.port);
      c.set_read_timeout(120, 0);
      auto res = c.Get(("/api/sync/poke?cursor=" + cursor).c_str(), LoopbackServer::auth(maria));
      if (res) answers[i] = {res->status, res->get_header_value("Retry-After"), json::parse(res->body, nullptr, false)};
      ++done;
    });
  for (int i = 0; i < 20000 && done.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(done.load() == 1);  // (without the cap, all five wait: the change below releases them)
  // Ivan's poke is not held back by hers, and a change hidden from him does not answer it: it answers
  // for his own deal.
  Answer ivans;
  std::atomic<bool> ivan_answered{false};
  std::thread ivan_poke([&] {
    httplib::Client c("127.0.0.1", s.port);
    c.set_read_timeout(120, 0);
    auto res = c.Get(("/api/sync/poke?cursor=" + ivan_cursor).c_str(), LoopbackServer::auth(ivan));
    if (res) ivans = {res->status, "", json::parse(res->body, nullptr, false)};
    ivan_answered = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // (only gives his poke time to start waiting)
  Client c{"writer"};
  REQUIRE(s.post("/api/sync/push", Client::push({c.mutation(kt::SetField{"D2", "TITLE", kt::Value("news for Maria")})}),
                 admin)
              .status == 200);
  for (auto& t : pokes) t.join();
  int busy = 0, changed = 0;
  for (const auto& a : answers) {
    if (a.status == 503) {
      ++busy;
      CHECK(a.body["error"] == "busy");
      CHECK(a.retry_after == "5");
    } else {
      CHECK(a.status == 200);
      changed += a.body["changed"] == true;
    }
  }
  CHECK(busy == 1);
  CHECK(changed == 4);
  CHECK_FALSE(ivan_answered.load());  // still waiting: D2 is not his
  REQUIRE(s.post("/api/sync/push", Client::push({c.mutation(kt::CreateItem{"D3", "deal", "", {{"TITLE", kt::Value("his")},
                                                                                                {"ASSIGNED_BY_ID", kt::Value("u2")}}})}),
                 admin)
              .status == 200);
  ivan_poke.join();
  CHECK(ivans.status == 200);
  CHECK(ivans.body["changed"] == true);
}

TEST_CASE("an administrator lists who can log in (no password, no token); nobody else may") {
  TempDir dir;
  LoopbackServer s(options(dir.path));
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  Reply r = s.get("/api/accounts", admin);
  REQUIRE(r.status == 200);
  CHECK(r.body == json{{"accounts",
                        {{{"user", "u1"}, {"login", kAdmin}},
                         {{"user", "u2"}, {"login", "ivan"}},
                         {{"user", "u3"}, {"login", "maria"}}}}});
  const std::string maria = s.login("maria", "maria-password");
  r = s.get("/api/accounts", maria);
  CHECK(r.status == 403);
  CHECK(r.body["error"] == "forbidden");
  CHECK(s.get("/api/accounts").status == 401);
  // A changed login shows at once.
  REQUIRE(s.post("/api/accounts", json{{"user", "u3"}, {"login", "m.kozlova"}, {"password", "maria-password"}}, admin)
              .status == 200);
  CHECK(s.get("/api/accounts", admin).body["accounts"][2] == json{{"user", "u3"}, {"login", "m.kozlova"}});
}

TEST_CASE("tokens are revoked by an administrator, by a password change and for inactive users") {
  TempDir dir;
  LoopbackServer s(options(dir.path));
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  const std::string ivan1 = s.login("ivan", "ivan-password");
  const std::string ivan2 = s.login("ivan", "ivan-password");
  const std::string maria = s.login("maria", "maria-password");
  Reply r = s.post("/api/tokens/revoke", json{{"user", "u2"}}, admin);
  CHECK(r.status == 200);
  CHECK(r.body["revoked"] == 2);
  CHECK(s.get("/api/me", ivan1).status == 401);
  CHECK(s.get("/api/me", ivan2).status == 401);
  CHECK(s.get("/api/me", maria).status == 200);

  REQUIRE(s.post("/api/accounts",
                 json{{"user", "u3"}, {"login", "maria"}, {"password", "new-password"}}, admin)
              .status == 200);
  CHECK(s.get("/api/me", maria).status == 401);
  CHECK(s.post("/api/login", json{{"login", "maria"}, {"password", "maria-password"}}).status ==
        401);
  const std::string maria2 = s.login("maria", "new-password");
  CHECK(s.get("/api/me", maria2).status == 200);

  // A user made inactive can neither use his tokens nor log in.
  Client c{"setup2"};
  REQUIRE(
      s.post("/api/sync/push",
             Client::push({c.mutation(kt::PutUser{{"u3", "Maria", "", false, {"all"}, false}})}),
             admin)
          .status == 200);
  CHECK(s.get("/api/me", maria2).status == 401);
  CHECK(s.post("/api/login", json{{"login", "maria"}, {"password", "new-password"}}).status == 401);
}

TEST_CASE("everything survives a restart on the same data directory") {
  TempDir dir;
  std::string ivan, cursor;
  json item;
  std::uint64_t last_ver = 0;
  {
    LoopbackServer s(options(dir.path));
    const std::string admin = s.login(kAdmin, kAdminPassword);
    seed(s, admin);
    ivan = s.login("ivan", "ivan-password");
    Client c{"admin-tab"};
    Reply r = s.post("/api/sync/push",
                     Client::push({c.mutation(
                         kt::CreateItem{"D2", "deal", "", {{"TITLE", kt::Value("Вторая")}}})}),
                     admin);
    last_ver = r.body["results"][0]["ver"];
    cursor = s.post("/api/sync/pull", pull_body(""), ivan).body["cursor"];
    item = s.get("/api/items/D2", ivan).body;
    s.stop();
  }
  {
    // No admin flags needed now; given ones are ignored.
    kt::server::Options o = options(dir.path);
    o.admin_login.clear();
    o.admin_password.clear();
    LoopbackServer s(o);
    CHECK(s.get("/api/me", ivan).status == 200);  // tokens persist
    CHECK(s.get("/api/items/D2", ivan).body == item);
    Reply page = s.post("/api/sync/pull", pull_body(cursor), ivan);
    CHECK(page.body["reset"] == false);  // the cursor secret persists too
    CHECK(page.body["items"].empty());
    const std::string admin = s.login(kAdmin, kAdminPassword);
    Client c{"admin-tab", 1};
    Reply r =
        s.post("/api/sync/push",
               Client::push({c.mutation(kt::SetField{"D2", "TITLE", kt::Value("После")})}), admin);
    CHECK(r.body["results"][0]["ver"] == last_ver + 1);
    // The client's sequence survived: its first mutation again is a duplicate.
    Client again{"admin-tab"};
    r = s.post("/api/sync/push",
               Client::push({again.mutation(kt::CreateItem{"D2", "deal", "", {}})}), admin);
    CHECK(r.body["results"][0]["status"] == "duplicate");
  }
}

TEST_CASE("a server refuses to start without a first administrator, or on a directory in use") {
  TempDir dir;
  kt::server::Options o = options(dir.path);
  o.admin_login.clear();
  CHECK_THROWS_AS(kt::server::Server{o}, std::runtime_error);
  o = options(dir.path);
  o.admin_password = "short";
  CHECK_THROWS_AS(kt::server::Server{o}, std::runtime_error);
  LoopbackServer running(options(dir.path));
  CHECK_THROWS_AS(kt::server::Server{options(dir.path)}, std::runtime_error);
}

TEST_CASE("a workspace that has users but no account gives the first login to its administrator") {
  TempDir dir;
  {
    LoopbackServer s(options(dir.path));
    seed(s, s.login(kAdmin, kAdminPassword));
  }
  // As if the log had been brought from elsewhere.
  stored_database(dir.path)->exec("DELETE FROM accounts; DELETE FROM tokens;");
  kt::server::Options o = options(dir.path);
  o.admin_login = "chief";
  o.admin_password = "chief-password";
  LoopbackServer s(o);
  const std::string token = s.login("chief", "chief-password");
  Reply me = s.get("/api/me", token);
  CHECK(me.body["id"] == "u1");
  CHECK(me.body["name"] == kAdmin);  // the workspace user is the one the log made
  CHECK(me.body["admin"] == true);
  CHECK(s.get("/api/items/D1", token).status == 200);
}

TEST_CASE("a body nested too deep answers 400 too_deep, and the server keeps serving") {
  TempDir dir;
  LoopbackServer s(options(dir.path));
  const std::string admin = s.login(kAdmin, kAdminPassword);
  seed(s, admin);
  // Ivan may change nothing: the body is refused before anyone's rights are looked at.
  const std::string ivan = s.login("ivan", "ivan-password");
  const Reply item_before = s.get("/api/items/D1", admin);
  REQUIRE(item_before.status == 200);
  Client c{"ivan-tab"};
  const std::string push = Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value("x"), {}})}).dump();
  const std::string value = "\"value\":\"x\"";
  REQUIRE(push.find(value) != std::string::npos);
  for (size_t depth : {size_t{20000}, size_t{1000000}}) {
    CAPTURE(depth);
    const std::string deep = std::string(depth, '[') + "1" + std::string(depth, ']');
    std::string body = push;
    body.replace(body.find(value), value.size(), "\"value\":" + deep);
    Reply r = s.post_raw("/api/sync/push", body, ivan);
    CHECK(r.status == 400);
    CHECK(r.body["error"] == "too_deep");
    CHECK(r.body["message"].is_string());
    CHECK(s.get("/api/health").status == 200);
    r = s.post_raw("/api/items/D1/fields", "{\"TITLE\": " + deep + "}", admin);
    CHECK(r.status == 400);
    CHECK(r.body["error"] == "too_deep");
    CHECK(s.get("/api/health").status == 200);
    r = s.post_raw("/api/sync/pull", "{\"protocol\": 1, \"cursor\": " + deep + "}", ivan);
    CHECK(r.status == 400);
    CHECK(r.body["error"] == "too_deep");
  }
  // Within the document limit but deeper than a value may be: the mutation is rejected, the write refused.
  const std::string ten = std::string(10, '[') + "1" + std::string(10, ']');
  std::string body = push;
  body.replace(body.find(value), value.size(), "\"value\":" + ten);
  Reply r = s.post_raw("/api/sync/push", body, ivan);
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["code"] == "invalid_command");
  r = s.post_raw("/api/items/D1/fields", "{\"TITLE\": " + ten + "}", admin);
  CHECK(r.status == 422);
  CHECK(r.body["error"] == "invalid_value");
  CHECK(s.get("/api/items/D1", admin).body == item_before.body);
  CHECK(s.get("/api/health").status == 200);
}

TEST_CASE("without a data directory the page and health answer, the sync API says it is off") {
  kt::server::Options o;
  o.port = 0;
  o.quiet = true;
  LoopbackServer s(o);
  CHECK(s.get("/api/health").status == 200);
  Reply r = s.post("/api/login", json{{"login", "a"}, {"password", "b"}});
  CHECK(r.status == 503);
  CHECK(r.body["error"] == "sync_disabled");
}

TEST_CASE("a restart loads the checkpoint of the clean stop; without a usable one it replays the log") {
  TempDir dir;
  json item, pulled;
  std::string ivan;
  auto same_as_before = [&](const LoopbackServer& s) {
    CHECK(s.get("/api/items/D1", ivan).body == item);
    json page = s.post("/api/sync/pull", pull_body(""), ivan).body;
    page.erase("cursor");
    CHECK(page == pulled);
  };
  // Renames D1 as the admin's tab, then remembers what Ivan gets for it and from a fresh pull.
  auto retitle = [&](const LoopbackServer& s, const std::string& admin, Client c, const char* title) {
    REQUIRE(s.post("/api/sync/push", Client::push({c.mutation(kt::SetField{"D1", "TITLE", kt::Value(title)})}), admin)
                .status == 200);
    item = s.get("/api/items/D1", ivan).body;
    pulled = s.post("/api/sync/pull", pull_body(""), ivan).body;
    pulled.erase("cursor");
  };
  {
    LoopbackServer s(options(dir.path));
    CHECK(s.server->started_from_checkpoint() == 0);
    const std::string admin = s.login(kAdmin, kAdminPassword);
    seed(s, admin);
    ivan = s.login("ivan", "ivan-password");
    retitle(s, admin, Client{"admin-tab"}, "Чекпойнт");
    CHECK(!has_checkpoint(dir.path));  // none yet: few records, no stop
    s.stop();
  }
  REQUIRE(has_checkpoint(dir.path));
  std::uint64_t at = 0;
  {
    LoopbackServer s(options(dir.path));
    at = s.server->started_from_checkpoint();
    CHECK(at > 0);
    same_as_before(s);
    // A change after the checkpoint comes from the log at the next start.
    retitle(s, s.login(kAdmin, kAdminPassword), Client{"admin-tab", 1}, "После");
    CHECK(item["fields"]["TITLE"]["v"] == "После");
    s.stop();
  }
  {
    LoopbackServer s(options(dir.path));
    CHECK(s.server->started_from_checkpoint() > at);
    same_as_before(s);
    s.stop();
  }
  {
    // A damaged checkpoint: the log is replayed, nothing is lost.
    damage_checkpoint(dir.path, 40);
    LoopbackServer s(options(dir.path));
    CHECK(s.server->started_from_checkpoint() == 0);
    same_as_before(s);
    s.stop();
  }
  {
    // The clean stop after the full replay wrote a good one again.
    LoopbackServer s(options(dir.path));
    CHECK(s.server->started_from_checkpoint() > 0);
    same_as_before(s);
  }
}

// Issue 24: two servers over one PostgreSQL database answer as one. What one acknowledges, the other reads
// at once: a user made through A gets an account and logs in through B, B's pull (with A's cursor) brings
// A's push, its lastMutationIds acknowledge it, and a poke on B wakes for a push on A. Run on the PostgreSQL
// run only (KT_TEST_DATABASE).
TEST_CASE("two servers over one database: a write through one is read through the other at once") {
  if (!on_postgres()) {
    MESSAGE("needs KT_TEST_DATABASE: not run");
    return;
  }
  TempDir dir_a, dir_b;
  LoopbackServer a(options(dir_a.path));
  kt::server::Options ob = options(dir_b.path, 5000);
  ob.database = database_for(dir_a.path);  // the same workspace
  LoopbackServer b(ob);
  const std::string admin_a = a.login(kAdmin, kAdminPassword);
  const std::string admin_b = b.login(kAdmin, kAdminPassword);
  Client c{"tab-a"};
  kt::Role all{"all", "All", {}, {}};
  REQUIRE(a.post("/api/sync/push", Client::push({c.mutation(kt::PutRole{all, false})}), admin_a).status == 200);
  std::string cursor_a = a.post("/api/sync/pull", pull_body(""), admin_a).body["cursor"];
  for (int i = 0; i < 20; ++i) {
    CAPTURE(i);
    const std::string user = "u" + std::to_string(10 + i), login = "user" + std::to_string(i);
    REQUIRE(a.post("/api/sync/push",
                   Client::push({c.mutation(kt::PutUser{{user, "Someone", "", false, {"all"}, true}}),
                                 c.mutation(kt::CreateItem{"D" + user, "deal", "", {{"TITLE", kt::Value("deal " + user)}}})}),
                   admin_a)
                .status == 200);
    // B: the account of A's new user, and his login.
    Reply acc = b.post("/api/accounts", json{{"user", user}, {"login", login}, {"password", "password-" + login}}, admin_b);
    REQUIRE_MESSAGE(acc.status == 200, acc.body.dump());
    const std::string token = b.login(login, "password-" + login);
    CHECK(b.get("/api/items/D" + user, token).status == 200);
    // A's cursor after that (a new user is an access change: a fresh snapshot), then an edit through A; B's
    // pull with A's cursor: no reset, the edit, A's client acknowledged.
    for (bool more = true; more;) {
      Reply p = a.post("/api/sync/pull", pull_body(cursor_a), admin_a);
      cursor_a = p.body["cursor"];
      more = p.body["more"];
    }
    REQUIRE(a.post("/api/sync/push", Client::push({c.mutation(kt::SetField{"D" + user, "TITLE", kt::Value("edited " + user), {}})}),
                   admin_a)
                .status == 200);
    Reply p = b.post("/api/sync/pull", pull_body(cursor_a), admin_b);
    REQUIRE(p.status == 200);
    CHECK(p.body["reset"] == false);
    bool has = false;
    for (const auto& it : p.body["items"]) has = has || (it["id"] == "D" + user && it["fields"]["TITLE"]["v"] == "edited " + user);
    CHECK(has);
    CHECK(p.body["lastMutationIds"]["tab-a"] == c.seq);
  }
  // A poke waiting on B wakes for a push through A.
  std::string cursor_b = b.post("/api/sync/pull", pull_body(""), admin_b).body["cursor"];
  for (bool more = true; more;) {
    Reply p = b.post("/api/sync/pull", pull_body(cursor_b), admin_b);
    cursor_b = p.body["cursor"];
    more = p.body["more"];
  }
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    a.post("/api/sync/push", Client::push({c.mutation(kt::SetField{"Du10", "TITLE", kt::Value("woken"), {}})}), admin_a);
  });
  Reply poke = b.get("/api/sync/poke?cursor=" + cursor_b, admin_b);
  later.join();
  CHECK(poke.status == 200);
  CHECK(poke.body["changed"] == true);
}

// Issue 24: a PostgreSQL that stops answering without closing its connections (a process stopped with
// SIGSTOP, a hung machine: the kernel still takes the bytes) must not hang the server. Between the server
// and PostgreSQL, a relay that freezes: a push waiting on the write lock, a pull asking where the log ends
// get 503 within the bounds on waiting (kPgQuickBound, kPgAnswerBound), health and other pushes are answered
// at once meanwhile, and once PostgreSQL answers again the server is back by itself with nothing lost.
TEST_CASE("a PostgreSQL that stops answering: 503 within seconds, health answers, and the server comes back") {
  if (!on_postgres()) {
    MESSAGE("needs KT_TEST_DATABASE: not run");
    return;
  }
  TempDir dir;
  const std::string url = database_for(dir.path);
  // host:port of the URL (postgresql://user@host:port/db?...), replaced by the relay's.
  const size_t at = url.find('@') != std::string::npos ? url.find('@') + 1 : url.find("://") + 3;
  const size_t colon = url.find(':', at), slash = url.find('/', at);
  REQUIRE(colon < slash);
  FrozenProxy relay(url.substr(at, colon - at), std::stoi(url.substr(colon + 1, slash - colon - 1)));
  kt::server::Options o = options(dir.path);
  o.database = url.substr(0, colon + 1) + std::to_string(relay.port()) + url.substr(slash);
  LoopbackServer s(o, Expect{60});
  const std::string admin = s.login(kAdmin, kAdminPassword);
  Client c{"tab-f"};
  REQUIRE(s.post("/api/sync/push", Client::push({c.mutation(kt::CreateItem{"DF1", "deal", "", {{"TITLE", kt::Value("before")}}})}), admin)
              .status == 200);
  std::string cursor = s.post("/api/sync/pull", pull_body(""), admin).body["cursor"];

  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  relay.freeze(true);
  const json edit = Client::push({c.mutation(kt::SetField{"DF1", "TITLE", kt::Value("after"), {}})});
  const auto t0 = Clock::now();
  // On a thread of its own, without the helpers' REQUIREs (which cannot fail on another thread): the status,
  // or what went wrong, and when.
  std::atomic<int> pushed{0};
  std::string push_error;
  double push_seconds = 0;
  std::jthread pusher([&] {  // joined on the way out whatever fails
    httplib::Client client = s.client();
    auto res = client.Post("/api/sync/push", {{"Authorization", "Bearer " + admin}}, edit.dump(), "application/json");
    push_seconds = seconds(t0);
    if (res) pushed = res->status;
    else push_error = httplib::to_string(res.error());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const Reply frozen_pull = s.post("/api/sync/pull", pull_body(cursor), admin);
  CHECK(frozen_pull.status == 503);
  CHECK(seconds(t0) < 12);
  const auto t1 = Clock::now();
  CHECK(s.get("/api/health").status == 503);  // catching up, said at once
  // So is another push (not after the one that still waits for the database).
  CHECK(s.post("/api/sync/push", Client::push({c.mutation(kt::SetField{"DF1", "TITLE", kt::Value("later"), {}})}), admin).status == 503);
  CHECK(seconds(t1) < 2);
  pusher.join();
  INFO("the push waiting for the frozen database: " << push_error << " after " << push_seconds << " s");
  CHECK(pushed == 503);
  CHECK(push_seconds < 30);

  relay.freeze(false);
  for (int i = 0; s.get("/api/health").status != 200; ++i) {
    REQUIRE_MESSAGE(i < 600, "the server did not come back");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The client sends its refused push again; the server has DF1 and now the edit.
  REQUIRE(s.post("/api/sync/push", edit, admin).status == 200);
  const Reply p = s.post("/api/sync/pull", pull_body(""), admin);
  REQUIRE(p.status == 200);
  bool edited = false;
  for (const auto& it : p.body["items"]) edited = edited || (it["id"] == "DF1" && it["fields"]["TITLE"]["v"] == "after");
  CHECK(edited);
}
