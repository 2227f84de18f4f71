#include "server/pg.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace kt::server {

namespace {

// The layout in PostgreSQL, version 1 (settings key "pg_layout"). Logins are unique and looked up
// regardless of case (SQLite's COLLATE NOCASE): accounts.cpp compares lower(login).
constexpr int kPgLayout = 1;
constexpr const char* kPgSchema = R"sql(
CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mutations(
  n BIGINT PRIMARY KEY,        -- processing order: from 1, no gaps (assigned under the write lock)
  client TEXT NOT NULL,
  seq BIGINT NOT NULL,
  ver BIGINT,                  -- version it was applied at; NULL when rejected
  body TEXT NOT NULL,          -- the mutation as processed (JSON, author set by the server)
  code TEXT,
  message TEXT,
  UNIQUE(client, seq));
CREATE UNIQUE INDEX IF NOT EXISTS mutations_ver ON mutations(ver) WHERE ver IS NOT NULL;
CREATE TABLE IF NOT EXISTS restores(n BIGINT PRIMARY KEY, snapshot BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints(id INT PRIMARY KEY CHECK (id = 1), bytes BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS accounts(
  "user" TEXT PRIMARY KEY,
  login TEXT NOT NULL,
  pwhash TEXT NOT NULL,
  updated BIGINT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_login ON accounts(lower(login));
CREATE TABLE IF NOT EXISTS tokens(
  hash TEXT PRIMARY KEY,
  "user" TEXT NOT NULL,
  created BIGINT NOT NULL,
  revoked INT NOT NULL DEFAULT 0,
  used BIGINT NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens("user");
)sql";

// The deadlines of PgDeadline and the thread that enforces them (made once, never destroyed: it may be
// needed until the process ends).
class Watch {
 public:
  static Watch& get() {
    static Watch* w = new Watch();
    return *w;
  }
  std::uint64_t add(int socket, std::chrono::steady_clock::time_point at) {
    std::lock_guard lock(mu_);
    const std::uint64_t id = ++last_id_;
    entries_[id] = Entry{socket, at, false};
    cv_.notify_one();
    return id;
  }
  // Forgets a deadline; whether it had fired.
  bool remove(std::uint64_t id) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    const bool fired = it->second.fired;
    entries_.erase(it);
    return fired;
  }

 private:
  struct Entry {
    int socket;
    std::chrono::steady_clock::time_point at;
    bool fired;
  };
  Watch() { std::thread([this] { run(); }).detach(); }
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      auto next = std::chrono::steady_clock::time_point::max();
      const auto now = std::chrono::steady_clock::now();
      for (auto& [id, e] : entries_) {
        if (e.fired) continue;
        if (e.at <= now) {
          // The socket stays open until its owner, which removes this entry first, closes it.
          ::shutdown(e.socket, SHUT_RDWR);
          e.fired = true;
        } else {
          next = std::min(next, e.at);
        }
      }
      if (next == std::chrono::steady_clock::time_point::max()) cv_.wait(lock);
      else cv_.wait_until(lock, next);
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t last_id_ = 0;
};

}  // namespace

PgDeadline::PgDeadline(int socket, std::chrono::milliseconds bound, bool* late)
    : id_(Watch::get().add(socket, std::chrono::steady_clock::now() + bound)), late_(late) {}

PgDeadline::~PgDeadline() {
  if (Watch::get().remove(id_) && late_) *late_ = true;
}

void pg_fail(const char* what, const std::exception& e, bool lost, bool late, std::chrono::milliseconds bound) {
  std::string m = "PostgreSQL";
  if (late) {
    m.append(" did not answer within ").append(std::to_string(bound.count() / 1000)).append(" s (").append(what).append(")");
    throw std::runtime_error(m);
  }
  m.append(lost ? ": the connection was lost (" : " (").append(what).append("): ").append(e.what());
  throw std::runtime_error(m);
}

std::string pg_bounded_url(const std::string& url) {
  static const std::pair<const char*, const char*> kBounds[] = {
      {"connect_timeout", "5"}, {"keepalives", "1"}, {"keepalives_idle", "10"},
      {"keepalives_interval", "3"}, {"keepalives_count", "3"}};
  const bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  std::string out = url;
  for (const auto& [key, value] : kBounds) {
    if (url.find(std::string(key) + "=") != std::string::npos) continue;  // the administrator's own
    if (uri) out += std::string(out.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
    else out += std::string(out.empty() ? "" : " ") + key + "=" + value;
  }
  return out;
}

std::unique_ptr<pqxx::connection> pg_connect(const std::string& url) {
  try {
    auto c = std::make_unique<pqxx::connection>(pg_bounded_url(url));
    // Bounded: a statement stuck behind a lock someone forgot must not hold a server for ever (under
    // kPgAnswerBound, so that PostgreSQL ends it first when it can); nor may a transaction left open by a
    // server that stopped in its middle hold the write lock long.
    PgDeadline deadline(c->sock(), kPgAnswerBound, nullptr);
    pqxx::nontransaction n(*c);
    n.exec("SET statement_timeout = '12s'; SET idle_in_transaction_session_timeout = '20s'");
    return c;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("PostgreSQL: cannot connect: ") + e.what());
  }
}

void pg_create_tables(pqxx::connection& c) {
  pqxx::work tx(c);
  tx.exec(std::string("SELECT pg_advisory_xact_lock(") + kPgWriteLock + ")");
  tx.exec(kPgSchema);
  pqxx::result v = tx.exec("SELECT value FROM settings WHERE key = 'pg_layout'");
  if (!v.empty() && v[0][0].as<int>() > kPgLayout)
    throw std::runtime_error("the database was written by a newer kartoteka-server");
  tx.exec("INSERT INTO settings(key, value) VALUES('pg_layout', '" + std::to_string(kPgLayout) +
          "') ON CONFLICT(key) DO NOTHING");
  tx.commit();
}

pqxx::connection& PgSession::connection() {
  if (conn && !conn->is_open()) forget();
  if (!conn) conn = pg_connect(url);
  return *conn;
}

void PgSession::forget() {
  tx.reset();
  conn.reset();
}

pqxx::result PgSession::exec(const std::string& sql,
                             const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return pg_run(*this, "statement", kPgAnswerBound, [&] {
    // Without parameters, as a simple query (which may hold several statements).
    if (tx) return params.empty() ? tx->exec(sql) : tx->exec_params(sql, pqxx::prepare::make_dynamic_params(values));
    pqxx::nontransaction n(connection());
    return params.empty() ? n.exec(sql) : n.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
  });
}

}  // namespace kt::server
