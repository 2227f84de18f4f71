#include "server/server.hpp"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace kt::server {

using nlohmann::json;

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr int kProtocol = 1;

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, json{{"error", code}, {"message", message}});
}

}  // namespace

struct Server::Impl {
  Options opts;
  httplib::Server http;
  int port = 0;

  void routes() {
    http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, json{{"status", "ok"}, {"service", "kartoteka"}, {"version", kVersion},
                               {"protocol", kProtocol}});
    });
    // Anything else under /api is an unknown endpoint, answered in JSON rather than with a static 404 page.
    http.Get(R"(/api/.*)", [](const httplib::Request& req, httplib::Response& res) {
      send_error(res, 404, "not_found", "no such endpoint: " + req.path);
    });
    http.Post(R"(/api/.*)", [](const httplib::Request& req, httplib::Response& res) {
      send_error(res, 404, "not_found", "no such endpoint: " + req.path);
    });

    if (!opts.web_root.empty()) {
      http.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
      http.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
      http.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
      http.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
      http.set_file_extension_and_mimetype_mapping("data", "application/octet-stream");
      if (!http.set_mount_point("/", opts.web_root))
        std::fprintf(stderr, "kartoteka-server: web root %s does not exist\n", opts.web_root.c_str());
      // The page and its code are revalidated on every load so that a new build is never mixed with an old
      // one; the service worker (when present) does the offline caching.
      http.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "no-cache");
      });
    }

    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (res.body.empty()) {
        if (req.path.rfind("/api/", 0) == 0)
          send_error(res, res.status, "http_" + std::to_string(res.status), "request failed");
        else
          res.set_content("Not found\n", "text/plain; charset=utf-8");
      }
    });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "internal error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      send_error(res, 500, "internal", what);
    });
    if (!opts.quiet) {
      http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        std::printf("%s %s %d %zu\n", req.method.c_str(), req.path.c_str(), res.status, res.body.size());
        std::fflush(stdout);
      });
    }
  }
};

Server::Server(Options opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->routes();
}

Server::~Server() = default;

int Server::bind() {
  if (impl_->opts.port == 0)
    impl_->port = impl_->http.bind_to_any_port(impl_->opts.host);
  else
    impl_->port = impl_->http.bind_to_port(impl_->opts.host, impl_->opts.port) ? impl_->opts.port : -1;
  return impl_->port;
}

bool Server::run_bound() {
  if (impl_->port <= 0) return false;
  std::printf("kartoteka-server: serving %s on http://%s:%d\n",
              impl_->opts.web_root.empty() ? "the API" : impl_->opts.web_root.c_str(),
              impl_->opts.host.c_str(), impl_->port);
  std::fflush(stdout);
  return impl_->http.listen_after_bind();
}

bool Server::run() {
  if (bind() <= 0) {
    std::fprintf(stderr, "kartoteka-server: cannot listen on %s:%d\n", impl_->opts.host.c_str(),
                 impl_->opts.port);
    return false;
  }
  return run_bound();
}

void Server::stop() { impl_->http.stop(); }

}  // namespace kt::server
