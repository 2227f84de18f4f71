// The server against a real running instance on a loopback port.
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/pg.hpp"
#include "server/server.hpp"
#include "server_support.hpp"

using nlohmann::json;
using namespace kt::test;

namespace {

// A server of a page and a WebAssembly file, without a data directory.
struct RunningServer : LoopbackServer {
  TempDir root{"kt-web"};

  RunningServer() {
    expect.read_timeout_s = 0;
    std::ofstream(root.path + "/index.html") << "<!doctype html><title>Картотека</title>";
    std::ofstream(root.path + "/kartoteka.wasm", std::ios::binary) << std::string("\0asm", 4);
    kt::server::Options o;
    o.port = 0;
    o.web_root = root.path;
    o.quiet = true;
    start(o);
  }
  ~RunningServer() { stop(); }  // before the directory goes
};

// Sends GET /api/health on a connection and reads the whole answer; its status, or 0 when the connection
// failed.
int health(Raw& connection) {
  return connection.request("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status;
}

}  // namespace

TEST_CASE("health answers with the service and protocol version") {
  RunningServer s;
  auto res = s.client().Get("/api/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type").find("application/json") == 0);
  json j = json::parse(res->body);
  CHECK(j["status"] == "ok");
  CHECK(j["protocol"] == 1);
}

TEST_CASE("unknown API endpoints get a JSON 404, not a page") {
  RunningServer s;
  auto res = s.client().Get("/api/nope");
  REQUIRE(res);
  CHECK(res->status == 404);
  json j = json::parse(res->body);
  CHECK(j["error"] == "not_found");
  auto post = s.client().Post("/api/nope", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 404);
  CHECK(json::parse(post->body)["error"] == "not_found");
}

TEST_CASE("the static page is served with the right types and revalidated") {
  RunningServer s;
  auto page = s.client().Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("Картотека") != std::string::npos);
  CHECK(page->get_header_value("Content-Type").find("text/html") == 0);
  CHECK(page->get_header_value("Cache-Control") == "no-cache");
  auto wasm = s.client().Get("/kartoteka.wasm");
  REQUIRE(wasm);
  CHECK(wasm->status == 200);
  CHECK(wasm->get_header_value("Content-Type") == "application/wasm");
  auto missing = s.client().Get("/missing.js");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

// httplib serves a connection on one worker thread until it closes: open keep-alive connections used to
// take the whole fixed pool, and the next connection waited until one of them idled out.
TEST_CASE("a new connection is served while 100 keep-alive connections stay open") {
  RunningServer s;
  std::vector<std::unique_ptr<Raw>> open;
  for (int i = 0; i < 100; ++i) {
    open.push_back(std::make_unique<Raw>(s.port, 60));
    REQUIRE(open.back()->fd >= 0);
    CHECK(health(*open.back()) == 200);
  }
  auto res = s.client().Get("/api/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  // Every one of them was still open (kept alive, not closed to make room) and answers again.
  int again = 0;
  for (auto& c : open) again += health(*c) == 200;
  CHECK(again == 100);
}

TEST_CASE("PostgreSQL connections are bounded: a connect timeout and keepalives, unless the address sets them") {
  using kt::server::pg_bounded_url;
  CHECK(pg_bounded_url("postgresql://kartoteka@127.0.0.1:5440/kartoteka") ==
        "postgresql://kartoteka@127.0.0.1:5440/kartoteka?connect_timeout=5&keepalives=1&keepalives_idle=10"
        "&keepalives_interval=3&keepalives_count=3");
  CHECK(pg_bounded_url("postgres://h/db?sslmode=disable&connect_timeout=20") ==
        "postgres://h/db?sslmode=disable&connect_timeout=20&keepalives=1&keepalives_idle=10&keepalives_interval=3"
        "&keepalives_count=3");
  CHECK(pg_bounded_url("host=/tmp dbname=kt keepalives_idle=60") ==
        "host=/tmp dbname=kt keepalives_idle=60 connect_timeout=5 keepalives=1 keepalives_interval=3 keepalives_count=3");
}
