#include "server/database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include "server/pg.hpp"

namespace kt::server {

namespace {

// The layout, version 2 (kVersion). A database of an older version gets the missing tables here and
// then the changes of each later version (kMigrations).
constexpr int kVersion = 2;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mutations(
  n INTEGER PRIMARY KEY,     -- processing order
  client TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ver INTEGER,               -- version it was applied at; NULL when rejected
  body TEXT NOT NULL,        -- the mutation as processed (JSON, author set by the server)
  code TEXT,                 -- rejection code
  message TEXT,
  UNIQUE(client, seq));
CREATE UNIQUE INDEX IF NOT EXISTS mutations_ver ON mutations(ver) WHERE ver IS NOT NULL;
-- Restores (sync/log_store.hpp LogRecord::restore): the workspace that replaces the state at the
-- mutation row n (its marker), written in the same transaction. Added without a new user_version: an
-- older server never reads it, and stops at the marker, which it cannot replay.
CREATE TABLE IF NOT EXISTS restores(
  n INTEGER PRIMARY KEY,     -- the mutations row it belongs to
  snapshot BLOB NOT NULL);   -- core/snapshot_binary.hpp encode_workspace, tagged with the version
CREATE TABLE IF NOT EXISTS accounts(
  user TEXT PRIMARY KEY,     -- workspace user id
  login TEXT NOT NULL UNIQUE COLLATE NOCASE,
  pwhash TEXT NOT NULL,      -- libsodium crypto_pwhash_str (Argon2id)
  updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  hash TEXT PRIMARY KEY,     -- BLAKE2b of the token; the token itself is never stored
  user TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,  -- version 1 kept revoked rows; now they are deleted
  used INTEGER NOT NULL DEFAULT 0);    -- last use (ms), roughly: the token expires when idle too long
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user);
)sql";

// kMigrations[v - 1] turns version v into v + 1.
constexpr const char* kMigrations[] = {
    "ALTER TABLE tokens ADD COLUMN used INTEGER NOT NULL DEFAULT 0;"
    "UPDATE tokens SET used = created;",
};
static_assert(std::size(kMigrations) == kVersion - 1);

// The database, its -wal and -shm (SQLite gives them the database file's mode) hold password and
// token hashes, the cursor secret and restricted values: readable by the server's user only,
// whatever the umask, and tightened when an older server left them readable.
void make_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int e = errno;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot make " + path + " private: " + std::strerror(e));
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string side = path + suffix;
    if (::chmod(side.c_str(), 0600) != 0 && errno != ENOENT)
      throw std::runtime_error("cannot make " + side + " private: " + std::strerror(errno));
  }
}

}  // namespace

Database::Database(const std::string& path) {
  make_private(path);
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + path + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  int version = 0;
  {
    Statement v(*this, "PRAGMA user_version");
    v.step();
    version = static_cast<int>(v.integer(0));
  }
  if (version > kVersion)
    throw std::runtime_error(path + " was written by a newer kartoteka-server");
  Transaction tx(*this);
  // A new database gets the current layout at once; an old one keeps its tables and migrates.
  exec(kSchema);
  for (int v = version == 0 ? kVersion : version; v < kVersion; ++v) exec(kMigrations[v - 1]);
  exec(("PRAGMA user_version = " + std::to_string(kVersion)).c_str());
  tx.commit();
}

std::shared_ptr<Database> Database::postgres(const std::string& url) {
  std::shared_ptr<Database> db(new Database());
  db->pg_ = std::make_unique<PgSession>(url);
  try {
    pg_create_tables(db->pg_->connection());
  } catch (const pqxx::failure& e) {
    throw std::runtime_error(std::string("PostgreSQL: cannot create the tables: ") + e.what());
  }
  return db;
}

Database::~Database() {
  if (db_) sqlite3_close(db_);
}

void Database::fail(const std::string& what) const {
  throw std::runtime_error(what + ": " + (db_ ? sqlite3_errmsg(db_) : "no SQLite connection"));
}

void Database::exec(const char* sql) {
  if (pg_) {
    pg_->exec(sql, {});
    return;
  }
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error(std::string("SQLite: ") + why);
  }
}

std::optional<std::string> Database::setting(const std::string& key) {
  Statement s(*this, "SELECT value FROM settings WHERE key = ?");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void Database::set_setting(const std::string& key, const std::string& value) {
  Statement s(*this,
              "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value "
              "= excluded.value");
  s.bind(1, key).bind(2, value).run();
}

std::string Database::setting_or_set(const std::string& key, const std::string& value) {
  Statement s(*this, "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING");
  s.bind(1, key).bind(2, value).run();
  return setting(key).value_or(value);
}

Database::Transaction::Transaction(Database& db) : db_(db) {
  if (db_.pg_) {
    PgSession& s = *db_.pg_;
    pg_run(s, "begin", kPgAnswerBound, [&] { return s.tx = std::make_unique<pqxx::work>(s.connection()), 0; });
    return;
  }
  db_.exec("BEGIN IMMEDIATE");
}

Database::Transaction::~Transaction() {
  if (db_.pg_) {
    if (!done_) db_.pg_->tx.reset();  // aborts it (a lost connection has nothing to abort)
    return;
  }
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Database::Transaction::commit() {
  if (db_.pg_) {
    PgSession& s = *db_.pg_;
    try {
      pg_run(s, "commit", kPgAnswerBound, [&] { return s.tx ? (s.tx->commit(), 0) : 0; });
    } catch (...) {
      s.forget();  // whether it committed is not known: a new connection for what comes next
      throw;
    }
    s.tx.reset();
    done_ = true;
    return;
  }
  db_.exec("COMMIT");
  done_ = true;
}

Statement::Statement(Database& db, const char* sql) : db_(db) {
  if (db.pg_) {
    // ? becomes $1, $2, ... (the statements have no ? inside a string literal).
    int n = 0;
    for (const char* p = sql; *p; ++p) {
      if (*p == '?')
        pg_sql_ += "$" + std::to_string(++n);
      else
        pg_sql_ += *p;
    }
    pg_params_.resize(static_cast<size_t>(n));
    return;
  }
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK)
    db.fail("SQLite prepare");
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, const std::string& text) {
  if (db_.pg_) {
    pg_params_.at(static_cast<size_t>(i - 1)) = text;
    return *this;
  }
  if (sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    db_.fail("SQLite bind");
  return *this;
}

Statement& Statement::bind(int i, std::int64_t n) {
  if (db_.pg_) {
    pg_params_.at(static_cast<size_t>(i - 1)) = std::to_string(n);
    return *this;
  }
  if (sqlite3_bind_int64(stmt_, i, n) != SQLITE_OK) db_.fail("SQLite bind");
  return *this;
}

Statement& Statement::bind_null(int i) {
  if (db_.pg_) {
    pg_params_.at(static_cast<size_t>(i - 1)).reset();
    return *this;
  }
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) db_.fail("SQLite bind");
  return *this;
}

Statement& Statement::bind_blob(int i, std::string_view bytes) {
  if (db_.pg_) {
    // bytea's text form: \x and hex.
    static const char* hex = "0123456789abcdef";
    std::string v = "\\x";
    v.reserve(2 + bytes.size() * 2);
    for (unsigned char c : bytes) {
      v.push_back(hex[c >> 4]);
      v.push_back(hex[c & 15]);
    }
    pg_params_.at(static_cast<size_t>(i - 1)) = std::move(v);
    return *this;
  }
  if (sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_STATIC) != SQLITE_OK)
    db_.fail("SQLite bind");
  return *this;
}

bool Statement::step() {
  if (db_.pg_) {
    if (!pg_result_) {
      pg_result_ = std::make_unique<PgResult>(PgResult{db_.pg_->exec(pg_sql_, pg_params_)});
      pg_row_ = -1;
    }
    return ++pg_row_ < static_cast<long>(pg_result_->r.size());
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("SQLite step");
}

void Statement::reset() {
  if (db_.pg_) {
    pg_result_.reset();
    for (auto& p : pg_params_) p.reset();
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const {
  if (db_.pg_) return pg_result_->r[pg_row_][col].is_null();
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::string Statement::text(int col) const {
  if (db_.pg_) {
    const pqxx::field f = pg_result_->r[pg_row_][col];
    return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
  }
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::string Statement::blob(int col) const {
  if (db_.pg_) {
    const pqxx::field f = pg_result_->r[pg_row_][col];
    return f.is_null() ? std::string() : pqxx::binarystring(f).str();
  }
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::int64_t Statement::integer(int col) const {
  if (db_.pg_) {
    const pqxx::field f = pg_result_->r[pg_row_][col];
    return f.is_null() ? 0 : f.as<std::int64_t>();
  }
  return sqlite3_column_int64(stmt_, col);
}

int Statement::changes() const {
  if (db_.pg_) return pg_result_ ? static_cast<int>(pg_result_->r.affected_rows()) : 0;
  return sqlite3_changes(db_.handle());
}

}  // namespace kt::server
