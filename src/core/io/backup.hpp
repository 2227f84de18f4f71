// Backups: the whole workspace (configuration, items, their values with clocks, timelines with comments and
// history, to-dos and product rows) as one JSON document with a format marker, a version and a checksum.
// Reading one is a dry run: the backup becomes a complete workspace in memory and a report of what it
// holds; the caller decides whether to put it in place. A file that is not a backup, is from a newer version,
// or was damaged or edited is refused with a reason, and nothing is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::io {

inline constexpr const char* kBackupFormat = "kartoteka-backup";
inline constexpr int kBackupVersion = 1;

// {"format": "kartoteka-backup", "version": 1, "created": ms, "createdBy": name, "counts": {...},
//  "checksum": "fnv1a64:<hex of the workspace's JSON text>", "workspace": <snapshot_json of everything>}
// The caller checks that the user may take everything (administrators).
std::string make_backup(const Workspace& ws, const std::string& created_by, std::int64_t now_ms);

struct RestoreReport {
  struct Kind {
    std::string entity;
    Labels name;         // plural
    size_t items = 0;    // including those in the recycle bin
    size_t deleted = 0;  // in the recycle bin
  };
  std::vector<Kind> kinds;  // every entity type, in the schema's order
  size_t items = 0, users = 0, departments = 0, roles = 0, pipelines = 0, entity_types = 0, custom_fields = 0,
         layouts = 0, views = 0, timeline_entries = 0, comments = 0, todos = 0, product_rows = 0;
  std::int64_t created_ms = 0;
  std::string created_by;
};

// Checks and reads a backup into `out` (a fresh workspace) and describes it in `report`. Clocks of values
// later than now_ms (a backup from a machine whose clock ran ahead) are moved back to now, so that edits
// made after the restore win. Error codes: backup_empty, backup_not_json, backup_foreign (also for JSON
// nested deeper than kMaxJsonDepth), backup_newer, backup_damaged, backup_invalid. On failure `out` and
// `report` are untouched.
Status read_backup(std::string_view text, std::int64_t now_ms, Workspace* out, RestoreReport* report);

// The checksum written into a backup for its "workspace" part.
std::string backup_checksum(const nlohmann::json& workspace);
// The same of the workspace's text as written (the streaming reader checks the bytes as they are).
std::string backup_checksum_of_text(std::string_view text);

// What a workspace holds, in the same terms (for "the current workspace will be replaced").
RestoreReport describe(const Workspace& ws);

}  // namespace kt::io
