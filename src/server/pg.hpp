// PostgreSQL for the server (issue 24): one connection as the server uses it (opened when first
// needed, opened again after it was lost), and the tables several servers share in one database. Only
// the server's own files include this (libpqxx stays out of the rest).
#pragma once

#include <pqxx/pqxx>

#include <memory>
#include <optional>
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
