// The Kartoteka HTTP endpoint: serves the static web app and the JSON API on one origin.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace kt::server {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0 picks a free port
  std::string web_root;     // folder with index.html and the WebAssembly build; empty = API only
  bool quiet = false;       // no request log lines
};

class Server {
 public:
  explicit Server(Options opts);
  ~Server();

  // Binds and serves until stop() is called. Returns false (with a log line) when the port cannot be bound.
  bool run();
  // Binds, then returns the bound port; serve with run_bound().
  int bind();
  bool run_bound();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kt::server
