// The server against a real running instance on a loopback port.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
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

// A bare HTTP/1.1 connection that stays open between requests (keep-alive), as a browser's fetch keeps it.
struct RawConnection {
  int fd = -1;
  explicit RawConnection(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    // Only a guard against hanging the test run for ever, not a timing assertion.
    timeval guard{60, 0};
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
  ~RawConnection() {
    if (fd >= 0) ::close(fd);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends GET /api/health and reads the whole answer; its status, or 0 when the connection failed.
  int health() {
    if (fd < 0) return 0;
    const std::string req = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return 0;
    std::string in;
    char buf[4096];
    for (;;) {
      const auto end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto cl = in.find("Content-Length: ");
        if (cl != std::string::npos && cl < end &&
            in.size() >= end + 4 + std::stoul(in.substr(cl + 16)))
          return std::atoi(in.c_str() + 9);  // "HTTP/1.1 200"
      }
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return 0;
      in.append(buf, static_cast<size_t>(n));
    }
  }
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

// httplib serves a connection on one worker thread until it closes: open keep-alive connections used to
// take the whole fixed pool, and the next connection waited until one of them idled out.
TEST_CASE("a new connection is served while 100 keep-alive connections stay open") {
  RunningServer s;
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 100; ++i) {
    open.push_back(std::make_unique<RawConnection>(s.port));
    REQUIRE(open.back()->fd >= 0);
    CHECK(open.back()->health() == 200);
  }
  auto res = s.client().Get("/api/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  // Every one of them was still open (kept alive, not closed to make room) and answers again.
  int again = 0;
  for (auto& c : open) again += c->health() == 200;
  CHECK(again == 100);
}
