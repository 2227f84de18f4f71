// The sync client: pushes pending mutations, pulls server state into the replica, long-polls for pokes,
// and retries with backoff. It talks through a Transport (emscripten_fetch in the browser, an HTTP client
// or an in-process server in tests) and never blocks: every request completes through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sync/replica.hpp"

namespace kt::sync {

struct HttpResponse {
  int status = 0;  // 0: no answer (offline, timeout, refused): the outcome is unknown
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends a request; `done` is called exactly once, later (or right away in tests).
  virtual void send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& token, std::function<void(HttpResponse)> done) = 0;
};

struct SyncStatus {
  enum class Kind { Synced, Syncing, Pending, Offline, Error, Unauthorized };
  Kind kind = Kind::Synced;
  size_t pending = 0;   // local changes not yet confirmed by the server
  std::string reason;   // for Error: what went wrong
};

class SyncClient {
 public:
  SyncClient(Replica& replica, Transport& transport, std::string token);

  void set_token(std::string token) { token_ = std::move(token); }
  // The cursor to persist with the confirmed state: while a snapshot is being paged the confirmed state is
  // still the old one, so this stays the cursor from before the snapshot (a reload then starts the
  // snapshot over instead of taking its remaining pages for changes).
  const std::string& cursor() const { return replica_.in_snapshot() ? before_snapshot_ : cursor_; }
  void set_cursor(std::string cursor) { cursor_ = std::move(cursor); }
  // Last sequence numbers the server acknowledged per client (persisted by the app with the cursor).
  const std::map<std::string, std::uint64_t>& acknowledged() const { return pushed_; }
  void set_acknowledged(std::map<std::string, std::uint64_t> acked) { pushed_ = std::move(acked); }

  // Call regularly (every frame is fine; it only starts requests when due) and on wake-ups.
  void tick(std::int64_t now_ms);
  // A local change was made: push soon.
  void local_change();
  // Pull now (after a poke, when the user asks, when the browser is back online): also ends a backoff.
  void pull_now();
  // When tick() next has something to do by itself (a retry after backoff, a poke, the periodic pull),
  // so that an app that draws only on demand can wake up for it; `now` when something is due already.
  std::int64_t next_due_ms(std::int64_t now) const;
  // Stop and forget what is in flight (logout).
  void stop() { stopped_ = true; }
  bool busy() const { return push_in_flight_ || pull_in_flight_; }
  bool poke_enabled = true;

  SyncStatus status() const;

  // Where pulls spend their time on this side (for the benchmarks and the debug state): pages handled,
  // bytes, ms parsing, ms applying to the replica, ms in on_progress (saving the confirmed state).
  struct PullStats {
    std::uint64_t pages = 0, bytes = 0;
    double parse_ms = 0, apply_ms = 0, save_ms = 0;
  };
  const PullStats& pull_stats() const { return stats_; }

  // Pending mutations the server rejected: the user is told. (A mutation that does not apply locally
  // after a rebase stays pending and is still sent; the server's answer decides.)
  std::function<void(const Mutation&, const Status&)> on_dropped;
  // The confirmed state, cursor or acknowledgements changed: persist them.
  std::function<void()> on_progress;
  // The time source for backoff (defaults to the tick's now).
  std::int64_t next_attempt_ms() const { return next_attempt_; }

 private:
  bool has_unsent() const;  // pending mutations the server has not acknowledged in a push answer
  // Sends what is due (pending mutations first, then a wanted pull) unless a push or pull is in flight.
  void start_requests(std::int64_t now);
  void push(std::int64_t now);
  void pull(std::int64_t now);
  void pull_from(const std::string& cursor, std::int64_t now);
  void pull_answered(HttpResponse r);
  void poke(std::int64_t now);
  void handle_push(const HttpResponse& r, std::int64_t now);
  void handle_pull(const HttpResponse& r, std::int64_t now);
  void failed(const HttpResponse& r, std::int64_t now);
  void rejected(const std::string& client, std::uint64_t seq, const Status& why);

  Replica& replica_;
  Transport& transport_;
  std::string token_;
  std::string cursor_;
  std::string before_snapshot_;  // cursor() while a snapshot is paged
  std::map<std::string, std::uint64_t> pushed_;
  bool push_in_flight_ = false, pull_in_flight_ = false, poke_in_flight_ = false;
  bool in_pull_handler_ = false;
  std::optional<HttpResponse> deferred_pull_;  // an answer that came while the previous one was applied
  bool want_push_ = true, want_pull_ = true;
  bool stopped_ = false;
  std::int64_t now_ = 0;
  std::int64_t next_attempt_ = 0;
  std::int64_t next_poke_ = 0;
  std::int64_t last_pull_ = 0;
  int backoff_ms_ = 0;
  PullStats stats_;
  SyncStatus::Kind problem_ = SyncStatus::Kind::Synced;
  std::string reason_;
};

}  // namespace kt::sync
