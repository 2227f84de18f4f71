// Durability of the sync server: the log of every mutation it has processed, in processing order.
// The authoritative workspace is rebuilt at start by replaying the applied ones; per-client
// sequence numbers and rejections come from the same records. ServerState writes to it under its
// single writer, so the log order is the version order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/command.hpp"

namespace kt::sync {

// One mutation as the server processed it: applied at version `ver`, or rejected (ver 0, `code`
// set). Duplicates are never recorded.
struct LogRecord {
  Mutation mutation;      // as processed: the author is the pushing user
  std::uint64_t ver = 0;  // version it was applied at; 0 when rejected
  std::string code;       // rejection code; empty when applied
  std::string message;    // rejection message (already projected for the author)
  std::uint64_t pos = 0;  // position in the log (growing, from 1); set by load()
  // Set: a restore (ServerState::restore), the whole workspace that replaces the state at version `ver`
  // (core/snapshot_binary.hpp, encode_workspace with the version as its tag). `mutation` is then only its
  // marker: the server's client and sequence number, the administrator, the clock, and a command that
  // never applies (an older server refuses to start on such a log instead of replaying it wrongly).
  // A store keeps it with the record, in the same atomic append.
  std::shared_ptr<const std::string> restore = nullptr;
};

class LogStore {
 public:
  virtual ~LogStore() = default;
  // Calls `each` with every record after position `after` (0: all of them), in append order, with
  // its position set. Throws when the store is unreadable.
  virtual void load(std::uint64_t after, const std::function<void(LogRecord&&)>& each) = 0;
  // Appends the records of one push (or one server-side write) atomically: when it returns, all of
  // them are durable; when it throws, none is. Returns the position of the last one.
  virtual std::uint64_t append(const std::vector<LogRecord>& records) = 0;

  // The checkpoint: the server's whole state at one log position (ServerState encodes it and checks
  // it on reading), so that a start replays only the records after it. It only ever saves replay
  // time: the log stays complete, and a checkpoint that is missing, damaged or does not match the
  // log means a full replay. A store without one returns nothing and ignores saves.
  virtual std::optional<std::string> load_checkpoint() { return std::nullopt; }
  // Replaces the checkpoint durably (when it throws, the previous one is still there).
  virtual void save_checkpoint(const std::string& bytes) { (void)bytes; }

  // A store that several servers write (PostgreSQL, issue 24). Then a server keeps its memory a
  // follower of the log: it reads what the others appended before it answers, and writes only inside
  // begin_write() ... append() (or end_write()), which holds the workspace's write lock so that the log
  // stays totally ordered. A store of one server answers false and ignores the rest.
  virtual bool shared() const { return false; }
  // Waits for the workspace's write lock and opens the write: load() then reads, inside it, what
  // others appended; append() commits it and releases the lock. Throws when the store fails.
  virtual void begin_write() {}
  // Ends a write that appends nothing (releases the lock).
  virtual void end_write() {}
  // The position of the last record in the log, whoever appended it. Throws when the store fails.
  virtual std::uint64_t last_position() { return 0; }
  // Waits up to `timeout` for word that another server appended something: true when it came, false
  // when the time ran out. Throws when the store fails.
  virtual bool wait_for_appends(std::chrono::milliseconds timeout) {
    (void)timeout;
    return false;
  }
};

// A log kept in memory. Stores created over the same `shared` vector see each other's records (and
// over the same `checkpoint` the same checkpoint), so a test can "restart" a server by building a
// new ServerState over the same log. Without `checkpoint` a store keeps its checkpoint to itself.
std::unique_ptr<LogStore> memory_log_store(
    std::shared_ptr<std::vector<LogRecord>> shared = nullptr,
    std::shared_ptr<std::optional<std::string>> checkpoint = nullptr);

}  // namespace kt::sync
