// The Kartoteka HTTP endpoint: serves the static web app and the JSON API on one origin. The API
// follows src/server/PROTOCOL.md; handlers are thin (parse -> sync::ServerState or Accounts ->
// serialise).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "server/front_door.hpp"

namespace kt::server {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;       // 0 picks a free port
  std::string web_root;  // folder with index.html and the WebAssembly build; empty = API only
  bool quiet = false;    // no request log lines

  // Where the workspace lives (SQLite database `kartoteka.db`, created when absent). Empty: no sync
  // API; the server then serves the static page and /api/health, and the other endpoints answer
  // 503.
  std::string data_dir;
  // A PostgreSQL database (a libpq URI, postgresql://...) holding the workspace instead: its log,
  // checkpoint, accounts, tokens and settings, shared by every server started on it (issue 24: several
  // servers behind a load balancer). `data_dir` then holds only uploads of restores, and may be empty.
  std::string database;
  // The first administrator, created when the data directory has no account yet (a workspace user
  // with this name, an administrator, and this login). Ignored once an account exists. Starting on
  // a data directory without accounts and without these fails: there is no built-in password.
  std::string admin_login;
  std::string admin_password;

  // Most worker threads: started as connections need them (an open connection, idle keep-alive or
  // a waiting long poll, holds one); long polls may take all but 4.
  int threads = 512;
  // What one client may hold and how long it may take (front_door.hpp): deadlines, sizes, connections per
  // address. `allowed_hosts` empty: the loopback names when bound to a loopback address, else any Host.
  FrontLimits limits;
  int poke_timeout_ms = 25000;         // how long /api/sync/poke waits for a change
  bool fast_password_hashing = false;  // minimum Argon2id cost: tests only
  // A checkpoint of the state (kartoteka.checkpoint next to the database, so that a start replays
  // only the log after it) is written at a clean stop, after a start that replayed much, and in the
  // background after this many log records; 0: only at start and stop; negative: the default.
  long long checkpoint_every = -1;
  std::function<std::int64_t()> now_ms;  // the sync clock, also of token expiry and login waits;
                                         // the system clock when empty (tests set it)

  // Logins (PROTOCOL.md, POST /api/login). Argon2id hashes running at once (64 MiB each); 0: one
  // per core, at most 16. A login that finds no free slot within hash_wait_ms answers 503 busy.
  int hash_slots = 0;
  int hash_wait_ms = 2000;
  // Password guessing: wrong passwords of one login, and from one client address (any logins),
  // that pass freely within the window; each further one makes the next attempt wait, twice as
  // long each time from the first delay up to the cap (429 too_many_attempts with Retry-After).
  int login_free_failures = 5;
  int address_free_failures = 20;
  long long login_window_ms = 3600LL * 1000;  // failures are forgotten this long after the last
  long long login_first_delay_ms = 1000;
  long long login_max_delay_ms = 15LL * 60 * 1000;
  std::size_t login_max_keys = 100000;  // logins and addresses tracked (memory bound)
  // A token unused this long expires (each use renews it).
  long long token_idle_ms = 30LL * 24 * 3600 * 1000;
  std::function<void()> while_hashing;  // tests: run by a login while it holds a hashing slot
  // Restores (PROTOCOL.md, "Restore"): the largest backup accepted, and how long an upload nobody
  // touches is kept (by the clock above).
  std::uint64_t restore_max_bytes = 1ull << 30;
  std::int64_t restore_idle_ms = 3600000;
};

struct RestoreRequest;

class Server {
 public:
  // Opens the data directory (locking it against a second server), replays the workspace and
  // creates the first administrator when needed. Throws std::runtime_error with a message for the
  // operator when that is impossible (unwritable directory, a directory in use, a log that does not
  // replay, no admin).
  explicit Server(Options opts);
  ~Server();

  // Binds and serves until stop() is called. Returns false (with a log line) when the port cannot
  // be bound.
  bool run();
  // Binds, then returns the bound port; serve with run_bound().
  int bind();
  bool run_bound();
  void stop();
  // kartoteka-server --restore: restores a backup file into the workspace as its first administrator,
  // without serving; prints the report (JSON) to `out`. Returns the process's exit code.
  int restore_file(const RestoreRequest& r, std::FILE* out = stdout);
  // The log position of the checkpoint the workspace was loaded from at start; 0 after a full replay
  // (or without a data directory).
  std::uint64_t started_from_checkpoint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kt::server
