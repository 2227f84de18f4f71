// The server's SQLite database (one file in the data directory, WAL mode, synchronous=FULL so that
// an acknowledged push survives a power cut): the mutation log, accounts, tokens and a few
// settings. One connection, used under one mutex; every method throws std::runtime_error with
// SQLite's message on failure.
//
// Or the same tables in PostgreSQL (Database::postgres, issue 24: several servers over one database):
// statements are written once, with `?` parameters and SQL both engines read; in PostgreSQL they run
// as parameterised queries on one connection (re-opened after it is lost), and `Transaction` is a
// PostgreSQL transaction. Accounts and tokens use it unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace kt::server {

class Database;
struct PgSession;
struct PgResult;

// A prepared statement. Bind parameters from 1; step() returns true while there is a row.
class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& text);
  Statement& bind(int i, std::int64_t n);
  Statement& bind_null(int i);
  // Binary data, not copied: `bytes` must stay unchanged until the statement is reset or run again.
  Statement& bind_blob(int i, std::string_view bytes);
  bool step();
  void run() {
    while (step()) {
    }
  }
  // Ready to run again with new bindings.
  void reset();
  bool is_null(int col) const;
  std::string text(int col) const;
  std::int64_t integer(int col) const;
  std::string blob(int col) const;
  int changes() const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  // PostgreSQL: the query with $n parameters, the values bound (null: SQL NULL), and once run, the
  // result and the row being read.
  std::string pg_sql_;
  std::vector<std::optional<std::string>> pg_params_;
  std::unique_ptr<PgResult> pg_result_;
  long pg_row_ = -1;
};

class Database {
 public:
  // Opens (creating when absent) the database file and its tables, migrating an older layout. The
  // file, its -wal and -shm are made 0600.
  explicit Database(const std::string& path);
  // The tables in the PostgreSQL database at `url` (a libpq connection string or URI), created when
  // absent. Throws when it cannot be reached.
  static std::shared_ptr<Database> postgres(const std::string& url);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const char* sql);
  // The lock every user of the connection holds around its statements.
  std::mutex& mutex() { return mu_; }
  sqlite3* handle() { return db_; }
  [[noreturn]] void fail(const std::string& what) const;

  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);
  // The setting's value; when it has none, `value` becomes it, unless another server sharing the
  // database set one first (then that one).
  std::string setting_or_set(const std::string& key, const std::string& value);
  bool is_postgres() const { return pg_ != nullptr; }
  PgSession& pg() { return *pg_; }

  // BEGIN IMMEDIATE ... COMMIT, rolled back when the scope is left by an exception.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

   private:
    Database& db_;
    bool done_ = false;
  };

 private:
  friend class Statement;
  Database() = default;
  sqlite3* db_ = nullptr;
  std::unique_ptr<PgSession> pg_;
  std::mutex mu_;
};

}  // namespace kt::server
