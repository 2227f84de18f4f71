// The server's SQLite database (one file in the data directory, WAL mode, synchronous=FULL so that
// an acknowledged push survives a power cut): the mutation log, accounts, tokens and a few
// settings. One connection, used under one mutex; every method throws std::runtime_error with
// SQLite's message on failure.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kt::server {

class Database;

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
};

class Database {
 public:
  // Opens (creating when absent) the database file and its tables, migrating an older layout. The
  // file, its -wal and -shm are made 0600.
  explicit Database(const std::string& path);
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
  sqlite3* db_ = nullptr;
  std::mutex mu_;
};

}  // namespace kt::server
