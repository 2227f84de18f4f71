// The server against a real running instance on a loopback port.
#include <doctest/doctest.h>
#include <httplib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/server.hpp"

using nlohmann::json;

namespace {

struct RunningServer {
  std::string root;
  std::unique_ptr<kt::server::Server> server;
  std::thread thread;
  int port = 0;

  RunningServer() {
    char tmpl[] = "/tmp/kt-web-XXXXXX";
    root = ::mkdtemp(tmpl);
    std::ofstream(root + "/index.html") << "<!doctype html><title>Картотека</title>";
    std::ofstream(root + "/kartoteka.wasm", std::ios::binary) << std::string("\0asm", 4);
    kt::server::Options o;
    o.port = 0;
    o.web_root = root;
    o.quiet = true;
    server = std::make_unique<kt::server::Server>(o);
    port = server->bind();
    REQUIRE(port > 0);
    thread = std::thread([this] { server->run_bound(); });
  }
  ~RunningServer() {
    server->stop();
    thread.join();
    std::system(("rm -rf '" + root + "'").c_str());
  }
  httplib::Client client() const { return httplib::Client("127.0.0.1", port); }
};

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
