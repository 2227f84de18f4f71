// The local journal: an append-only log of mutations in small segment files inside one directory (the IDBFS
// mount in the browser). One edit appends one record to the active segment; segments rotate at a size
// limit so that a browser persist copies only a small file. Nothing is ever rewritten in place except the
// truncation of a torn tail at load.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/status.hpp"

namespace kt::storage {

struct LoadReport {
  size_t segments = 0;
  size_t records = 0;
  size_t skipped = 0;        // intact records that did not decode as a mutation
  size_t dropped_bytes = 0;  // torn tails cut off
  std::vector<std::string> warnings;
};

class Journal {
 public:
  explicit Journal(std::string dir, size_t segment_limit = 64 * 1024);

  const std::string& dir() const { return dir_; }

  // Reads every segment in order and hands each mutation to `on_mutation`. A torn tail (an incomplete
  // last record) is cut off so that later appends follow a clean record. Creates the directory if needed.
  // Segments numbered up to `after` are already in a stored state (a compaction that was interrupted
  // before it deleted them): they are deleted, not read.
  LoadReport load(const std::function<void(Mutation&&)>& on_mutation, std::uint64_t after = 0);

  // Appends one mutation. Fails (writing nothing) when the file cannot be written.
  Status append(const Mutation& m);

  // Deletes every segment (in connected mode, once the server has acknowledged everything in them).
  void clear();

  // Compaction: the number of the segment appends go to now (0 = none yet); after seal(), the next append
  // starts a new segment, so that every segment up to last_segment() can be stored as a state and then
  // deleted with drop_through().
  std::uint64_t last_segment() const { return segments_.empty() ? 0 : segments_.back(); }
  void seal() { sealed_ = true; }
  void drop_through(std::uint64_t n);

  size_t segment_count() const { return segments_.size(); }
  std::uint64_t appended() const { return appended_; }

  // Segment file name for number n: "seg-000001.log".
  static std::string segment_name(std::uint64_t n);

 private:
  std::string path(std::uint64_t n) const;

  std::string dir_;
  size_t segment_limit_;
  std::vector<std::uint64_t> segments_;  // numbers of existing segments, ascending
  size_t active_size_ = 0;
  std::uint64_t appended_ = 0;
  std::uint64_t floor_ = 0;  // segments up to this number are stored elsewhere: never reused
  bool sealed_ = false;
};

}  // namespace kt::storage
