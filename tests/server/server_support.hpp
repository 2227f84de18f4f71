// Helpers of the server tests: a real server on a loopback port with its data directory, asked as the web
// app asks it (httplib, JSON answers) or with bare bytes (for what no well-behaved client sends).
#pragma once

#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include <functional>

#include "server/database.hpp"
#include "server/pg_log_store.hpp"
#include "server/server.hpp"
#include "server/sqlite_log_store.hpp"

namespace kt::test {

constexpr const char* kAdmin = "admin";
constexpr const char* kAdminPassword = "correct horse";

// A fresh directory /tmp/PREFIX-XXXXXX, removed with all it holds when the test is done.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix = "kt-data") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The suite's second store (issue 24): with KT_TEST_DATABASE set (a PostgreSQL URL, shell/test.sh starts
// one), every server a test starts keeps its workspace in PostgreSQL instead of SQLite, in a schema of its
// own named after its data directory (so that a restarted server, or a second instance, finds it again).
inline const char* test_database() {
  const char* url = std::getenv("KT_TEST_DATABASE");
  return url && *url ? url : nullptr;
}
inline bool on_postgres() { return test_database() != nullptr; }

// The URL of the schema that belongs to `data_dir`, created when absent.
inline std::string database_for(const std::string& data_dir) {
  char name[32];
  std::snprintf(name, sizeof name, "t_%016zx", std::hash<std::string>{}(data_dir));
  {
    pqxx::connection c(test_database());
    pqxx::nontransaction n(c);
    n.exec(std::string("CREATE SCHEMA IF NOT EXISTS ") + name);
  }
  const std::string url = test_database();
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name;
}

// The workspace a server over `data_dir` keeps, wherever the suite keeps it (SQLite in the data directory,
// or the test's PostgreSQL schema): its database, its log, and its checkpoint.
inline std::shared_ptr<server::Database> stored_database(const std::string& data_dir) {
  if (on_postgres()) return server::Database::postgres(database_for(data_dir));
  return std::make_shared<server::Database>(data_dir + "/kartoteka.db");
}
inline std::unique_ptr<sync::LogStore> stored_log(const std::string& data_dir) {
  if (on_postgres()) return server::pg_log_store(database_for(data_dir));
  return server::sqlite_log_store(stored_database(data_dir), data_dir + "/kartoteka.checkpoint");
}
inline bool has_checkpoint(const std::string& data_dir) {
  if (!on_postgres()) return ::access((data_dir + "/kartoteka.checkpoint").c_str(), F_OK) == 0;
  auto db = stored_database(data_dir);
  server::Statement s(*db, "SELECT COUNT(*) FROM checkpoints");
  s.step();
  return s.integer(0) > 0;
}
inline void remove_checkpoint(const std::string& data_dir) {
  if (!on_postgres()) {
    std::remove((data_dir + "/kartoteka.checkpoint").c_str());
    return;
  }
  stored_database(data_dir)->exec("DELETE FROM checkpoints");
}
// Overwrites the byte at `offset` of the checkpoint with '#'.
inline void damage_checkpoint(const std::string& data_dir, long offset) {
  if (!on_postgres()) {
    std::FILE* f = std::fopen((data_dir + "/kartoteka.checkpoint").c_str(), "r+b");
    REQUIRE(f);
    std::fseek(f, offset, SEEK_SET);
    std::fputc('#', f);
    std::fclose(f);
    return;
  }
  stored_database(data_dir)->exec(
      ("UPDATE checkpoints SET bytes = overlay(bytes placing '\\x23'::bytea from " + std::to_string(offset + 1) +
       " for 1)").c_str());
}
// A case about what only SQLite has (files and their modes, an old SQLite layout, a full disk): skipped
// on the PostgreSQL run, saying so.
#define KT_SQLITE_ONLY()                                                     \
  do {                                                                       \
    if (::kt::test::on_postgres()) {                                         \
      MESSAGE("about the SQLite store only: not run against PostgreSQL");    \
      return;                                                                \
    }                                                                        \
  } while (0)

// A server with its data directory and the first administrator (kAdmin), hashing passwords fast. A poke
// waits poke_timeout_ms for a change: short by default, so that no test waits long on one.
inline server::Options options(const std::string& data_dir, int poke_timeout_ms = 300) {
  server::Options o;
  o.port = 0;
  o.quiet = true;
  o.data_dir = data_dir;
  if (on_postgres()) o.database = database_for(data_dir);
  o.admin_login = kAdmin;
  o.admin_password = kAdminPassword;
  o.fast_password_hashing = true;
  o.poke_timeout_ms = poke_timeout_ms;
  return o;
}

// An answer of the JSON API.
struct Reply {
  int status = 0;
  nlohmann::json body;      // discarded when the body is not JSON
  std::string retry_after;  // the Retry-After header, empty without one
};

// What a test asks of every answer besides what it checks itself, and how long it waits for one.
struct Expect {
  int read_timeout_s = 10;        // 0: httplib's own
  bool json_body = true;          // CHECK that the body is JSON
  bool json_content_type = true;  // CHECK that the Content-Type says application/json
};

// A server listening on a free loopback port, served by a thread of its own until stop().
struct LoopbackServer {
  std::unique_ptr<server::Server> server;
  std::thread thread;
  int port = 0;
  Expect expect;

  LoopbackServer() = default;  // start() comes later
  explicit LoopbackServer(const server::Options& o, Expect e = {}) : expect(e) { start(o); }
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  void start(const server::Options& o) {
    server = std::make_unique<server::Server>(o);
    port = server->bind();
    REQUIRE(port > 0);
    thread = std::thread([this] { server->run_bound(); });
    // Over PostgreSQL the server serves while it loads the workspace (503 "catching up"): tests begin once
    // it answers.
    if (!o.database.empty()) {
      for (int i = 0;; ++i) {
        httplib::Client c("127.0.0.1", port);
        if (auto r = c.Get("/api/health"); r && r->status == 200) break;
        REQUIRE_MESSAGE(i < 3000, "the server did not finish loading");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }
  void stop() {
    if (!server) return;
    server->stop();
    thread.join();
    server.reset();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    if (expect.read_timeout_s > 0) c.set_read_timeout(expect.read_timeout_s, 0);
    return c;
  }
  // No header without a token: a request nobody is logged in for.
  static httplib::Headers auth(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
  }
  Reply reply(const httplib::Result& res) const {
    REQUIRE(res);
    Reply r{res->status, nlohmann::json::parse(res->body, nullptr, false),
            res->get_header_value("Retry-After")};
    if (expect.json_body) CHECK_MESSAGE(!r.body.is_discarded(), "not JSON: " << res->body);
    if (expect.json_content_type)
      CHECK(res->get_header_value("Content-Type").find("application/json") == 0);
    return r;
  }

  Reply get(const std::string& path, const std::string& token = {}) const {
    auto c = client();
    return reply(c.Get(path.c_str(), auth(token)));
  }
  Reply post_raw(const std::string& path, const std::string& body,
                 const std::string& token = {}) const {
    auto c = client();
    return reply(c.Post(path.c_str(), auth(token), body, "application/json"));
  }
  Reply post(const std::string& path, const nlohmann::json& body,
             const std::string& token = {}) const {
    return post_raw(path, body.dump(), token);
  }
  Reply put(const std::string& path, const std::string& bytes, const std::string& token = {}) const {
    auto c = client();
    return reply(c.Put(path.c_str(), auth(token), bytes, "application/octet-stream"));
  }
  Reply del(const std::string& path, const std::string& token = {}) const {
    auto c = client();
    return reply(c.Delete(path.c_str(), auth(token)));
  }

  Reply try_login(const std::string& login, const std::string& password) const {
    return post("/api/login", nlohmann::json{{"login", login}, {"password", password}});
  }
  // The token of a login that must succeed.
  std::string login(const std::string& login, const std::string& password) const {
    Reply r = try_login(login, password);
    REQUIRE_MESSAGE(r.status == 200, r.body.dump());
    return r.body["token"];
  }
};

// An answer read off a bare connection.
struct Answer {
  int status = 0;  // 0: the connection closed without an answer
  std::string head, body;
  std::string header(const std::string& name) const {
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto from = at + 4 + name.size();
    return head.substr(from, head.find("\r\n", from) - from);
  }
  nlohmann::json error() const { return nlohmann::json::parse(body, nullptr, false); }
};

// A bare connection to the loopback port, for what no well-behaved client sends, and to hold it open.
struct Raw {
  int fd = -1;
  std::string in;
  explicit Raw(int port, int guard_seconds = 20) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    // Only a guard against hanging the test run for ever, not a timing assertion.
    timeval guard{guard_seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~Raw() {
    if (fd >= 0) ::close(fd);
  }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;
  bool send(const std::string& bytes) {
    return fd >= 0 && ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Reads one whole answer (headers and a Content-Length body).
  Answer read() {
    Answer a;
    char buf[65536];
    for (;;) {
      const auto end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        a.head = in.substr(0, end + 2);
        a.status = std::atoi(in.c_str() + 9);
        const std::string len = a.header("Content-Length");
        const size_t need = len.empty() ? 0 : std::stoul(len);
        if (in.size() >= end + 4 + need) {
          a.body = in.substr(end + 4, need);
          in.erase(0, end + 4 + need);
          if (a.status == 100) return read();  // "100 Continue" comes before the answer
          return a;
        }
      }
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return Answer{};
      in.append(buf, static_cast<size_t>(n));
    }
  }
  Answer request(const std::string& bytes) {
    if (!send(bytes)) return {};
    return read();
  }
  // True when the server has closed the connection (no more bytes, EOF).
  bool closed() {
    char c;
    return ::recv(fd, &c, 1, 0) == 0;
  }
};

}  // namespace kt::test
