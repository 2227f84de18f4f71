// kartoteka-server: flags and environment -> Options -> Server. Nothing else lives here.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "server/restore_routes.hpp"
#include "server/server.hpp"

namespace {

void usage() {
  std::puts(
      "usage: kartoteka-server [--host H] [--port N] [--web-root DIR] [--data-dir DIR]\n"
      "                        [--admin-login L --admin-password P] [--threads N] [--quiet]\n"
      "                        [--allowed-host NAME]... [--max-connections-per-address N]\n"
      "                        [--token-idle-days N] [--hash-slots N]\n"
      "  --host            address to listen on (env KT_HOST, default 127.0.0.1)\n"
      "  --port            port, 0 for any free port (env KT_PORT, default 8080)\n"
      "  --web-root        folder of the built web app to serve (env KT_WEB_ROOT)\n"
      "  --data-dir        folder of the workspace database, created when absent (env "
      "KT_DATA_DIR);\n"
      "                    without it only the page and /api/health are served\n"
      "  --database URL    the workspace in PostgreSQL instead (env KT_DATABASE), e.g.\n"
      "                    postgresql://kartoteka@127.0.0.1:5432/kartoteka: several servers may share\n"
      "                    it (behind a load balancer); --data-dir then only keeps restore uploads\n"
      "  --admin-login     the first administrator's login (env KT_ADMIN_LOGIN), and\n"
      "  --admin-password  password, at least 8 characters (env KT_ADMIN_PASSWORD; the environment "
      "keeps\n"
      "                    it out of the process list). Needed once, while the data directory has "
      "no\n"
      "                    account; ignored afterwards\n"
      "  --threads         most worker threads, started as needed; each open connection\n"
      "                    and each long poll holds one (env KT_THREADS, default 512)\n"
      "  --allowed-host    a Host name requests may carry, with or without :port; repeat for more\n"
      "                    (env KT_ALLOWED_HOSTS, comma-separated). Default: localhost, 127.0.0.1\n"
      "                    and [::1] when --host is a loopback address, any name otherwise\n"
      "  --max-connections-per-address  open connections one client address may hold (env\n"
      "                    KT_MAX_CONNECTIONS_PER_ADDRESS, default 256); more get 503\n"
      "  --token-idle-days a login token unused this many days expires (env KT_TOKEN_IDLE_DAYS,\n"
      "                    default 30, 1 to 3650)\n"
      "  --hash-slots      password checks at once, 64 MiB each (env KT_HASH_SLOTS; default\n"
      "                    one per core, at most 16); more logins wait, then get 503\n"
      "  --quiet           no request log\n"
      "  --restore FILE    restore a backup the app wrote into the workspace of --data-dir, as its\n"
      "                    administrator, without serving; prints the report (JSON). Refuses a\n"
      "                    workspace with items unless --merge; --dry-run only prints the report;\n"
      "                    --map-user LOCAL=SERVER (or LOCAL=new), repeatable, maps the backup's people\n"
      "  --restore-max-mb  the largest backup accepted, by --restore and the restore endpoints\n"
      "                    (default 1024)");
}

}  // namespace

int main(int argc, char** argv) {
  kt::server::Options opts;
  kt::server::RestoreRequest restore;
  bool restoring = false;
  if (const char* v = std::getenv("KT_HOST")) opts.host = v;
  if (const char* v = std::getenv("KT_PORT")) opts.port = std::atoi(v);
  if (const char* v = std::getenv("KT_WEB_ROOT")) opts.web_root = v;
  if (const char* v = std::getenv("KT_DATA_DIR")) opts.data_dir = v;
  if (const char* v = std::getenv("KT_DATABASE")) opts.database = v;
  if (const char* v = std::getenv("KT_ADMIN_LOGIN")) opts.admin_login = v;
  if (const char* v = std::getenv("KT_ADMIN_PASSWORD")) opts.admin_password = v;
  if (const char* v = std::getenv("KT_THREADS")) opts.threads = std::atoi(v);
  auto add_hosts = [&](const std::string& list) {
    size_t at = 0;
    while (at <= list.size()) {
      size_t comma = list.find(',', at);
      if (comma == std::string::npos) comma = list.size();
      if (comma > at) opts.limits.allowed_hosts.push_back(list.substr(at, comma - at));
      at = comma + 1;
    }
  };
  if (const char* v = std::getenv("KT_ALLOWED_HOSTS")) add_hosts(v);
  long per_address = static_cast<long>(opts.limits.max_per_address);
  if (const char* v = std::getenv("KT_MAX_CONNECTIONS_PER_ADDRESS")) per_address = std::atol(v);
  long long idle_days = 30;
  if (const char* v = std::getenv("KT_TOKEN_IDLE_DAYS")) idle_days = std::atoll(v);
  if (const char* v = std::getenv("KT_HASH_SLOTS")) opts.hash_slots = std::atoi(v);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kartoteka-server: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--host")
      opts.host = next();
    else if (a == "--port")
      opts.port = std::atoi(next().c_str());
    else if (a == "--web-root")
      opts.web_root = next();
    else if (a == "--data-dir")
      opts.data_dir = next();
    else if (a == "--database")
      opts.database = next();
    else if (a == "--admin-login")
      opts.admin_login = next();
    else if (a == "--admin-password")
      opts.admin_password = next();
    else if (a == "--threads")
      opts.threads = std::atoi(next().c_str());
    else if (a == "--allowed-host")
      add_hosts(next());
    else if (a == "--max-connections-per-address")
      per_address = std::atol(next().c_str());
    else if (a == "--token-idle-days")
      idle_days = std::atoll(next().c_str());
    else if (a == "--hash-slots")
      opts.hash_slots = std::atoi(next().c_str());
    else if (a == "--quiet")
      opts.quiet = true;
    else if (a == "--restore")
      restore.file = next(), restoring = true;
    else if (a == "--merge")
      restore.merge = true;
    else if (a == "--restore-max-mb")
      opts.restore_max_bytes = std::strtoull(next().c_str(), nullptr, 10) << 20;
    else if (a == "--dry-run")
      restore.dry_run = true;
    else if (a == "--map-user") {
      const std::string v = next();
      const auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
        std::fprintf(stderr, "kartoteka-server: --map-user takes LOCAL=SERVER or LOCAL=new\n");
        return 2;
      }
      restore.users[v.substr(0, eq)] = v.substr(eq + 1);
    }
    else if (a == "--help" || a == "-h")
      return usage(), 0;
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
  if (per_address < 1 || per_address > 100000) {
    std::fprintf(stderr, "kartoteka-server: --max-connections-per-address must be 1 to 100000\n");
    return 2;
  }
  opts.limits.max_per_address = static_cast<size_t>(per_address);
  if (opts.restore_max_bytes == 0) {
    std::fprintf(stderr, "kartoteka-server: --restore-max-mb must be at least 1\n");
    return 2;
  }
  if (opts.threads < 4 || opts.threads > 1024) {
    std::fprintf(stderr, "kartoteka-server: --threads must be 4 to 1024\n");
    return 2;
  }
  if (idle_days < 1 || idle_days > 3650) {
    std::fprintf(stderr, "kartoteka-server: --token-idle-days must be 1 to 3650\n");
    return 2;
  }
  opts.token_idle_ms = idle_days * 24 * 3600 * 1000;
  if (opts.hash_slots < 0 || opts.hash_slots > 256) {
    std::fprintf(stderr, "kartoteka-server: --hash-slots must be 0 (one per core) to 256\n");
    return 2;
  }
  if (restoring) {
    try {
      opts.quiet = true;
      kt::server::Server server(opts);
      return server.restore_file(restore);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "kartoteka-server: %s\n", e.what());
      return 1;
    }
  }
  if (restore.merge || restore.dry_run || !restore.users.empty()) {
    std::fprintf(stderr, "kartoteka-server: --merge, --dry-run and --map-user go with --restore\n");
    return 2;
  }
  // SIGINT and SIGTERM are taken by one thread with sigwait, which may stop the server safely (a
  // signal handler may not). Blocked before any thread starts, so that every thread inherits the
  // mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    kt::server::Server server(opts);
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig != 0) server.stop();
    });
    const bool ok = server.run();
    // Ended by a signal: the waiter has stopped the server. Ended otherwise: wake the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kartoteka-server: %s\n", e.what());
    return 1;
  }
}
