// PostgreSQL for the server (issue 24): one connection as the server uses it (opened when first
// needed, opened again after it was lost), and the tables several servers share in one database. Only
// the server's own files include this (libpqxx stays out of the rest).
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kt::server {

// The tables of the workspace in PostgreSQL: the log, restores, the checkpoint, settings, accounts
// and tokens (the SQLite layout of database.cpp, in PostgreSQL's types). Created when absent, under an
// advisory lock: several servers may start on a new database at once.
void pg_create_tables(pqxx::connection& c);

// The advisory lock of the workspace's writes, as SQL arguments (class, object): the object is the
// schema's name hashed, so that workspaces in other schemas of one database (tests) do not wait for
// each other.
constexpr const char* kPgWriteLock = "4242, hashtext(current_schema())";
// The channel a write notifies once committed; every server listens on it.
constexpr const char* kPgChannel = "kt_log";

struct PgSession {
  explicit PgSession(std::string u) : url(std::move(u)) {}
  std::string url;
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::work> tx;  // the open transaction (Database::Transaction), if any

  // The connection, opened when there is none. Throws std::runtime_error when it cannot be.
  pqxx::connection& connection();
  // Runs `sql` with the parameters (nothing: NULL) in the open transaction, or on its own. A lost
  // connection is forgotten (the next call opens a new one); every failure throws std::runtime_error.
  pqxx::result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);
  void forget();
};

// How long a call waits for PostgreSQL's answer before it gives the connection up: a PostgreSQL that stops
// answering without closing its connections (a frozen process or machine, a network that drops packets but
// whose kernel still acknowledges them) would otherwise hold every request waiting on it, and with them the
// server. The server's own statement_timeout (pg_connect) is shorter, so that a statement merely stuck behind
// a lock ends as an error on a connection that stays. A pull's question "where does the log end" is small
// and asked often: it gets the short bound.
constexpr std::chrono::milliseconds kPgAnswerBound{15000};
constexpr std::chrono::milliseconds kPgQuickBound{5000};

// While it lives, a bound on waiting on `socket`: at the deadline the socket is shut down (not closed: its
// owner closes it), so that a call blocked on it fails as a lost connection. One thread watches every
// deadline of the process. `late` is set on destruction when the deadline fired.
class PgDeadline {
 public:
  PgDeadline(int socket, std::chrono::milliseconds bound, bool* late);
  ~PgDeadline();
  PgDeadline(const PgDeadline&) = delete;
  PgDeadline& operator=(const PgDeadline&) = delete;

 private:
  std::uint64_t id_;
  bool* late_;
};

// Throws the std::runtime_error of a failure of libpqxx in pg_run: `what` was being done, `lost` when the
// connection broke, `late` when that was the deadline of `bound`.
[[noreturn]] void pg_fail(const char* what, const std::exception& e, bool lost, bool late, std::chrono::milliseconds bound);

// Runs `f` (which talks to PostgreSQL through `s`) under a deadline of `bound`; every failure of libpqxx
// becomes the std::runtime_error callers expect, naming `what`, and a lost connection is forgotten (the
// next call opens a new one). After an SQL error the connection stays, and so does its transaction (aborted
// in PostgreSQL: its owner ends it).
template <class F>
auto pg_run(PgSession& s, const char* what, std::chrono::milliseconds bound, F&& f) -> decltype(f()) {
  bool late = false;
  try {
    PgDeadline deadline(s.connection().sock(), bound, &late);  // gone before a handler below runs
    return f();
  } catch (const pqxx::broken_connection& e) {
    s.forget();
    pg_fail(what, e, true, late, bound);
  } catch (const pqxx::sql_error& e) {
    pg_fail(what, e, false, false, bound);
  } catch (const pqxx::failure& e) {
    s.forget();
    pg_fail(what, e, false, false, bound);
  }
}

struct PgResult {
  pqxx::result r;
};

// Opens a connection to `url` (pg_bounded_url), with the server's settings; throws std::runtime_error.
std::unique_ptr<pqxx::connection> pg_connect(const std::string& url);

// `url` (a postgresql:// URI or "key=value ..." text) with bounds on waiting for the database, for those it
// does not set itself: connect_timeout (a connection attempt), and TCP keepalives that notice a peer gone
// silent (a machine or a network that stops answering leaves a query waiting for ever otherwise; a
// restarted PostgreSQL closes its connections and needs none of this).
std::string pg_bounded_url(const std::string& url);

}  // namespace kt::server
