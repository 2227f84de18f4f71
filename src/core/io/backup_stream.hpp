// Reading a large backup (core/io/backup.hpp) without building it as a JSON document first. read_backup
// parses the whole file into an nlohmann DOM, prints the workspace part again to check its checksum and
// then builds the workspace: for 100k items (a 143 MB file) that took ~2 GB. This reader checks the same
// things with the same error codes, in a few passes over the text with core/json_reader.hpp: the nesting
// depth (bounded before anything recursive runs), the envelope (format, version, checksum over the
// workspace's bytes as the file holds them), the schema (a small DOM), and then the items one at a time,
// each handed to the caller, who may keep it, rename it or drop it. The text must outlive the reader.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/io/backup.hpp"
#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::io {

// Deeper JSON is refused (backup_too_deep) before any parsing: a backup nests about 8 levels.
inline constexpr int kBackupMaxDepth = 64;

class BackupStream {
 public:
  // Checks the envelope and reads the configuration. Errors as read_backup (backup_empty,
  // backup_not_json, backup_foreign, backup_newer, backup_damaged, backup_invalid) and backup_too_deep.
  // Clocks of values later than now_ms are moved back to now_ms as items are read (read_backup does so).
  Status open(std::string_view text, std::int64_t now_ms);

  const Schema& schema() const { return schema_; }
  std::int64_t created_ms() const { return created_ms_; }
  const std::string& created_by() const { return created_by_; }

  // The ids and entity types of the items in the file's order (without reading the rest of them).
  Status item_ids(std::vector<std::pair<std::string, std::string>>* out) const;
  // Reads every item in the file's order, checked as read_backup checks them (it reads, its entity type
  // exists, it appears once, it stands in a pipeline of its entity type), and hands it to `each`. Stops at
  // the first item that fails (backup_invalid) or that `each` refuses, and returns that status. With
  // `report`, counts everything as describe() does.
  using ItemSink = std::function<Status(Item&& item, std::vector<TimelineEntry>&& timeline)>;
  Status items(const ItemSink& each, RestoreReport* report = nullptr) const;

 private:
  Status item(std::string_view text, std::unordered_set<std::string>& seen, const ItemSink& each,
              RestoreReport* report) const;

  std::string_view items_;  // the text of the workspace's "items" array
  Schema schema_;
  std::int64_t now_ms_ = 0;
  std::int64_t created_ms_ = 0;
  std::string created_by_;
};

// read_backup through BackupStream: the same workspace and report, or the same error, in a fraction of the
// memory.
Status read_backup_stream(std::string_view text, std::int64_t now_ms, Workspace* out, RestoreReport* report);

// The deepest nesting of arrays and objects in a JSON text, counted without parsing it (strings skipped);
// stops counting once past `limit`.
int json_depth(std::string_view text, int limit);

}  // namespace kt::io
