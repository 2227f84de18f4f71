// The server under attack (issue 20), against a real running instance on a loopback port: what one hostile
// client may send and hold, and what every answer carries.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/command.hpp"
#include "server/front_door.hpp"
#include "server/server.hpp"
#include "server_support.hpp"

using nlohmann::json;
using namespace kt::test;

namespace {

// A server of a small page (two inline scripts, one script file, a picture), with a data directory and the
// first administrator when asked.
struct Running : LoopbackServer {
  TempDir web{"kt-front"}, data{"kt-front"};

  explicit Running(std::function<void(kt::server::Options&)> tune = {}, bool with_data = false) {
    std::ofstream(web.path + "/index.html")
        << "<!doctype html><title>Картотека</title><script>var a = 1;</script>"
           "<script src=\"x.js\"></script><script>var b = 2;</script>";
    std::ofstream(web.path + "/x.png") << "png";
    kt::server::Options o;
    if (with_data) o = options(data.path + "/d");
    o.port = 0;
    o.web_root = web.path;
    o.quiet = true;
    if (tune) tune(o);
    start(o);
  }
  ~Running() { stop(); }  // before the directories go
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

std::string post(const std::string& path, const std::string& body, const std::string& extra = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

int health(int port) {
  Raw r(port, 10);
  return r.request(get("/api/health")).status;
}

}  // namespace

TEST_CASE("a compressed request body is refused before anything inflates it") {
  Running s({}, true);
  // 64 KiB of gzip that would inflate to 64 MiB: refused from its headers, the body never read.
  std::string bomb(64 * 1024, '\x1f');
  Raw r(s.port);
  Answer a = r.request(post("/api/login", bomb, "Content-Encoding: gzip\r\n"));
  CHECK(a.status == 415);
  CHECK(a.error()["error"] == "encoded_body");
  CHECK(health(s.port) == 200);
  // "identity" is no coding at all.
  Raw ok(s.port);
  Answer b = ok.request(post("/api/login", R"({"login":"admin","password":"correct horse"})",
                             "Content-Encoding: identity\r\n"));
  CHECK(b.status == 200);
}

TEST_CASE("slow clients hold no worker: health answers while hundreds trickle their headers") {
  Running s([](kt::server::Options& o) {
    o.threads = 8;  // fewer workers than slow clients
    o.limits.head_timeout_ms = 1500;
  });
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<Raw>(s.port));
    REQUIRE(slow.back()->send("G"));
  }
  // Each sends another byte while the server answers others.
  for (auto& c : slow) c->send("E");
  CHECK(health(s.port) == 200);
  for (auto& c : slow) c->send("T");
  CHECK(health(s.port) == 200);
  // Past the head's deadline a half-sent request gets 408 and the connection closes.
  Answer late = slow.front()->read();
  CHECK(late.status == 408);
  CHECK(late.error()["error"] == "timeout");
  CHECK(slow.front()->closed());
}

TEST_CASE("connections per address are capped, and the excess is refused with 503 at once") {
  Running s([](kt::server::Options& o) { o.limits.max_per_address = 20; });
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(std::make_unique<Raw>(s.port));
    REQUIRE(held.back()->fd >= 0);
  }
  // The listening thread has adopted all of them before the next one (they are served in order).
  for (auto& h : held) CHECK(h->request(get("/api/health")).status == 200);
  Raw extra(s.port);
  Answer a = extra.read();
  CHECK(a.status == 503);
  CHECK(a.error()["error"] == "busy");
  CHECK(a.header("Retry-After") == "5");
  held.pop_back();  // one closes: once the server has seen it go, a new connection is served again
  int status = 0;
  for (int tries = 0; tries < 100 && status != 200; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = health(s.port);
  }
  CHECK(status == 200);
}

TEST_CASE("request heads are read strictly") {
  Running s;
  struct Case {
    std::string what, bytes;
    int status;
  };
  const std::string many_headers = [] {
    std::string h;
    for (int i = 0; i < 101; ++i) h += "X-H" + std::to_string(i) + ": 1\r\n";
    return h;
  }();
  const std::vector<Case> cases = {
      {"101 headers", get("/api/health", many_headers), 431},
      {"a 40 KiB head", get("/api/health", "X-Big: " + std::string(40 * 1024, 'a') + "\r\n"), 431},
      {"a 9 KiB request line", get("/" + std::string(9 * 1024, 'a')), 414},
      {"two Content-Length", post("/api/login", "{}", "Content-Length: 2\r\n"), 400},
      {"a Content-Length that is not a number", "POST /api/login HTTP/1.1\r\nHost: a\r\nContent-Length: 2x\r\n\r\n{}", 400},
      {"a bare CR", "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r2\r\n\r\n", 400},
      {"a bare LF", "GET /api/health HTTP/1.1\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a folded header", get("/api/health", "X-A: 1\r\n  2\r\n"), 400},
      {"chunked", "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411},
      {"chunked and a length", post("/api/login", "{}", "Transfer-Encoding: chunked\r\n"), 400},
      {"no Host", "GET /api/health HTTP/1.1\r\n\r\n", 400},
      {"two Hosts", get("/api/health", "Host: 127.0.0.1\r\n"), 400},
      {"HTTP/2.0", "GET /api/health HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505},
      {"TRACE", "TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501},
      {"an encoded NUL in the path", get("/index.html%00.png"), 400},
      {"an encoded line break in the path", get("/api/x%0d%0aforged"), 400},
      {"a raw byte over 0x7f in the path", get("/\xd0\x9a"), 400},
      {"a body over 4 MiB", "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\n\r\n", 413},
      {"an unknown expectation", get("/api/health", "Expect: magic\r\n"), 417},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Raw r(s.port);
    Answer a = r.request(c.bytes);
    CHECK(a.status == c.status);
    CHECK(a.header("Content-Type") == "application/json");
    CHECK(a.error().is_object());
    CHECK(a.header("Connection") == "close");
  }
  // None of it hurt the server, and the file behind the NUL is not served as something else.
  CHECK(health(s.port) == 200);
  Raw png(s.port);
  CHECK(png.request(get("/x.png")).status == 200);
}

TEST_CASE("keep-alive, pipelining and 100-continue still work through the front door") {
  Running s({}, true);
  Raw r(s.port);
  // Two requests in one write: two answers, in order.
  REQUIRE(r.send(get("/api/health") + get("/api/nope")));
  CHECK(r.read().status == 200);
  CHECK(r.read().status == 404);
  // The same connection takes a POST whose client waits for "100 Continue" before its body.
  const std::string body = R"({"login":"admin","password":"correct horse"})";
  REQUIRE(r.send("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n"));
  std::string got;
  char buf[64];
  while (got.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(r.fd, buf, sizeof buf, 0);
    REQUIRE(n > 0);
    got.append(buf, static_cast<size_t>(n));
  }
  CHECK(got.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0);
  REQUIRE(r.send(body));
  Answer a = r.read();
  CHECK(a.status == 200);
  CHECK(a.error()["token"].is_string());
  // A body sent in pieces is put together.
  const std::string login = post("/api/login", body);
  REQUIRE(r.send(login.substr(0, login.size() - 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(r.send(login.substr(login.size() - 10)));
  CHECK(r.read().status == 200);
  // Empty lines between requests are skipped; a client's "Connection: close" ends the connection.
  CHECK(r.request("\r\n" + get("/api/health", "Connection: close\r\n")).status == 200);
  CHECK(r.closed());
}

TEST_CASE("an idle connection is closed after the keep-alive time, without an answer") {
  Running s([](kt::server::Options& o) { o.limits.idle_timeout_ms = 200; });
  Raw r(s.port);
  CHECK(r.request(get("/api/health")).status == 200);
  CHECK(r.closed());
}

TEST_CASE("a second server cannot listen on a port in use") {
  Running first;
  kt::server::Options o;
  o.port = first.port;
  o.quiet = true;
  kt::server::Server second(o);
  CHECK(second.bind() < 0);
  CHECK(health(first.port) == 200);
}

TEST_CASE("only the loopback names are answered on a loopback address (DNS rebinding)") {
  Running s;
  Raw evil(s.port);
  Answer a = evil.request("GET /api/health HTTP/1.1\r\nHost: rebind.example:" + std::to_string(s.port) + "\r\n\r\n");
  CHECK(a.status == 421);
  CHECK(a.error()["error"] == "wrong_host");
  for (const std::string host : {"127.0.0.1", "localhost", "LOCALHOST:8080", "[::1]:1"}) {
    CAPTURE(host);
    Raw ok(s.port);
    CHECK(ok.request("GET /api/health HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status == 200);
  }
  // A configured name is answered (a server behind a proxy or on a LAN name).
  Running named([](kt::server::Options& o) { o.limits.allowed_hosts = {"crm.example"}; });
  Raw n(named.port);
  CHECK(n.request("GET /api/health HTTP/1.1\r\nHost: crm.example:443\r\n\r\n").status == 200);
  Raw other(named.port);
  CHECK(other.request(get("/api/health")).status == 421);
}

TEST_CASE("every answer carries the security headers; the API is never cached") {
  Running s({}, true);
  auto c = s.client();
  auto page = c.Get("/");
  REQUIRE(page);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("'wasm-unsafe-eval'") != std::string::npos);
  CHECK(csp.find("'unsafe-eval'") == std::string::npos);
  // The two inline scripts of the page, by hash (sha256 of "var a = 1;" and "var b = 2;").
  CHECK(csp.find("'sha256-+dZ6udsWxNVoGfScAq7t5IIF5UJb4F6RhjbN6oe1p4w='") != std::string::npos);
  CHECK(csp.find("'sha256-nzQ6OSco2isnwNd9Y5/OSQEyUERhvGjWcVn61xUEdpg='") != std::string::npos);
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(page->get_header_value("Referrer-Policy") == "no-referrer");
  auto api = c.Get("/api/health");
  REQUIRE(api);
  CHECK(api->get_header_value("Cache-Control") == "no-store");
  CHECK(api->get_header_value("X-Content-Type-Options") == "nosniff");
  // Refusals of the front door too.
  Raw r(s.port);
  Answer a = r.request(get("/api/health", "X-A: 1\r\n  folded\r\n"));
  CHECK(a.header("X-Content-Type-Options") == "nosniff");
  CHECK(a.header("Cache-Control") == "no-store");
}

TEST_CASE("the login takes JSON only (login CSRF)") {
  Running s({}, true);
  auto c = s.client();
  const std::string body = R"({"login":"admin","password":"correct horse"})";
  auto form = c.Post("/api/login", body, "text/plain");
  REQUIRE(form);
  CHECK(form->status == 415);
  CHECK(json::parse(form->body)["error"] == "unsupported_media_type");
  auto urlenc = c.Post("/api/login", "login=admin&password=correct+horse", "application/x-www-form-urlencoded");
  REQUIRE(urlenc);
  CHECK(urlenc->status == 415);
  auto ok = c.Post("/api/login", body, "application/json; charset=utf-8");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("the access log escapes what could forge a line") {
  CHECK(kt::server::log_safe("/api/x\r\n2026-01-01 GET /admin 200") == "/api/x\\x0d\\x0a2026-01-01 GET /admin 200");
  CHECK(kt::server::log_safe("/путь") == "/\\xd0\\xbf\\xd1\\x83\\xd1\\x82\\xd1\\x8c");
  CHECK(kt::server::log_safe("a\"b\\c\x7f") == "a\\x22b\\x5cc\\x7f");
  CHECK(kt::server::log_safe("/api/health") == "/api/health");
}

// A full disk, as the file size limit makes one: the write that fails answers 503 (not 500), and health says
// so until a restart.
TEST_CASE("a store that cannot write: 503 unavailable for the push and for health") {
  KT_SQLITE_ONLY();
  Running s({}, true);
  auto c = s.client();
  auto login = c.Post("/api/login", R"({"login":"admin","password":"correct horse"})", "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  const std::string token = json::parse(login->body)["token"];
  kt::Mutation m;
  m.client = "c1";
  m.seq = 1;
  m.time_ms = system_ms();
  m.hlc = kt::Hlc{m.time_ms, 1, "c1"};
  m.author = "u1";
  m.cmd = kt::CreateItem{"D1", "deal", "", {{"TITLE", kt::Value(std::string(200000, 'x'))}}};
  const json push{{"protocol", 1}, {"schema", 1}, {"mutations", json::array({json(m)})}};

  rlimit old{};
  ::getrlimit(RLIMIT_FSIZE, &old);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit tiny = old;
  tiny.rlim_cur = 4096;
  ::setrlimit(RLIMIT_FSIZE, &tiny);
  auto r = c.Post("/api/sync/push", {{"Authorization", "Bearer " + token}}, push.dump(), "application/json");
  auto h = c.Get("/api/health");
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(json::parse(r->body)["error"] == "unavailable");
  REQUIRE(h);
  CHECK(h->status == 503);
  CHECK(json::parse(h->body)["status"] == "unavailable");
}
