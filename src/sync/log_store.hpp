// Durability of the sync server: the log of every mutation it has processed, in processing order.
// The authoritative workspace is rebuilt at start by replaying the applied ones; per-client
// sequence numbers and rejections come from the same records. ServerState writes to it under its
// single writer, so the log order is the version order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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
};

class LogStore {
 public:
  virtual ~LogStore() = default;
  // Calls `each` with every record appended so far, in append order. Throws when the store is
  // unreadable.
  virtual void load(const std::function<void(LogRecord&&)>& each) = 0;
  // Appends the records of one push (or one server-side write) atomically: when it returns, all of
  // them are durable; when it throws, none is.
  virtual void append(const std::vector<LogRecord>& records) = 0;
};

// A log kept in memory. Stores created over the same `shared` vector see each other's records, so a
// test can "restart" a server by building a new ServerState over the same log.
std::unique_ptr<LogStore> memory_log_store(
    std::shared_ptr<std::vector<LogRecord>> shared = nullptr);

}  // namespace kt::sync
