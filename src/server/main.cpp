// kartoteka-server: flags and environment -> Options -> Server. Nothing else lives here.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "server/server.hpp"

namespace {

kt::server::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

void usage() {
  std::puts(
      "usage: kartoteka-server [--host H] [--port N] [--web-root DIR] [--quiet]\n"
      "  --host      address to listen on (env KT_HOST, default 127.0.0.1)\n"
      "  --port      port, 0 for any free port (env KT_PORT, default 8080)\n"
      "  --web-root  folder of the built web app to serve (env KT_WEB_ROOT)\n"
      "  --quiet     no request log");
}

}  // namespace

int main(int argc, char** argv) {
  kt::server::Options opts;
  if (const char* v = std::getenv("KT_HOST")) opts.host = v;
  if (const char* v = std::getenv("KT_PORT")) opts.port = std::atoi(v);
  if (const char* v = std::getenv("KT_WEB_ROOT")) opts.web_root = v;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kartoteka-server: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--host") opts.host = next();
    else if (a == "--port") opts.port = std::atoi(next().c_str());
    else if (a == "--web-root") opts.web_root = next();
    else if (a == "--quiet") opts.quiet = true;
    else if (a == "--help" || a == "-h") return usage(), 0;
    else {
      std::fprintf(stderr, "kartoteka-server: unknown argument %s\n", a.c_str());
      usage();
      return 2;
    }
  }
  if (opts.port < 0 || opts.port > 65535) {
    std::fprintf(stderr, "kartoteka-server: bad port %d\n", opts.port);
    return 2;
  }
  kt::server::Server server(opts);
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  return server.run() ? 0 : 1;
}
