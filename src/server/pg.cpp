#include "server/pg.hpp"

#include <stdexcept>

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

}  // namespace

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
    // Bounded: a statement stuck behind a lock someone forgot must not hold a server for ever.
    pqxx::nontransaction n(*c);
    n.exec("SET statement_timeout = '60s'; SET idle_in_transaction_session_timeout = '60s'");
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
  try {
    // Without parameters, as a simple query (which may hold several statements).
    if (tx) return params.empty() ? tx->exec(sql) : tx->exec_params(sql, pqxx::prepare::make_dynamic_params(values));
    pqxx::nontransaction n(connection());
    return params.empty() ? n.exec(sql) : n.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
  } catch (const pqxx::broken_connection& e) {
    forget();
    throw std::runtime_error(std::string("PostgreSQL: the connection was lost: ") + e.what());
  } catch (const pqxx::sql_error& e) {
    throw std::runtime_error(std::string("PostgreSQL: ") + e.what());
  } catch (const pqxx::failure& e) {
    forget();
    throw std::runtime_error(std::string("PostgreSQL: ") + e.what());
  }
}

}  // namespace kt::server
