// Restoring a backup (core/io/backup.hpp) into a workspace that may already hold data: the server's, when a
// browser brings its local work to a team server (issue 19), or kartoteka-server --restore.
//
// The plan, worked out from the two workspaces and the administrator's choice of people:
//   - Into a workspace without items ("empty": a new server with only its administrator) the result equals
//     the backup: its configuration wins wherever both define something, and only user ids change as the
//     choice says. The uploading administrator keeps his server user (and with it his login and his
//     administrator rights); the backup's user mapped to him gives him its name, department and roles.
//   - Into a workspace with items: a merge. The server's definitions win; the backup's are added where the
//     server has none; options of a list field and stages of a pipeline are united. A backup item whose id
//     the server has is renamed (a new free id, every reference rewritten), never merged with it; so are
//     a smart process type the server has with another name, and a custom field the server has with
//     another type. Whatever the backup holds that is not carried as it is, is listed: nothing is dropped
//     without a line in the report.
//   - People: each backup user is mapped to a server user or created (keeping its id when the server does
//     not have it). Unless said otherwise, the uploading administrator's own local user is mapped to him,
//     and a user whose name a server user has is mapped to that user (the report shows the suggestion).
// The result is a complete workspace; the caller puts it in place in one step (sync/server_state.hpp,
// ServerState::restore). Items of the backup come with their timelines unconfirmed (ver 0): the server
// gives them the version of the restore.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/io/backup.hpp"
#include "core/io/backup_stream.hpp"
#include "core/rename.hpp"
#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::io {

struct RestoreOptions {
  std::map<std::string, std::string> users;  // backup user id -> server user id, or "new"
  std::string me;     // the backup user who is the uploading administrator ("" = not said)
  std::string admin;  // the uploading administrator's server user ("" = none: the command line)
};

struct RestorePlan {
  bool empty = false;    // the target held no items: the backup's configuration wins
  RestoreReport backup;  // what the backup holds
  struct UserLine {
    std::string local, name;
    std::string action;     // "map" or "create"
    std::string to;         // the server user it becomes (a new id when created under another id)
    std::string suggested;  // a server user with the same name ("" = none)
  };
  std::vector<UserLine> users;
  struct Created {
    std::string kind;  // "item", "field", "entityType", "pipeline", "user", "role", "department",
                       // "template", "numerator", "layout", "view"
    size_t count = 0;
    std::vector<std::string> examples;  // a few: "D5 «Поставка»"
  };
  std::vector<Created> create;
  // Why something is renamed, merged or left out: a code and its values, so that the page can say it in the
  // user's language (upload.why.<code>), and the same in English (text(): the command line, the report).
  struct Reason {
    std::string code;
    std::vector<std::string> args;
    std::string text() const;
  };
  struct Renamed {
    std::string kind, from, to;  // kind: "item", "user", "entityType", "field", "stage"
    Reason why;
  };
  std::vector<Renamed> rename;
  struct Note {
    std::string kind, id;
    Reason why;  // merge: how it is merged; dropped: why it is not carried
  };
  std::vector<Note> merge, dropped;
  IdRenames renames;  // what the backup's ids became
};

// Whether a workspace holds items (deleted ones included): a restore into one merges.
bool has_items(const Workspace& ws);

// Plans restoring `backup` into `target` and, with `result`, builds the resulting workspace. Reads every
// item of the backup either way (a bad item deep in the file fails the plan, backup_invalid). Errors:
// invalid_mapping (a user choice names a user neither side has), merge_conflict (the united configuration
// does not hold together, e.g. stage ids), and the backup's own.
Status plan_restore(const Workspace& target, const BackupStream& backup, const RestoreOptions& o, RestorePlan* plan,
                    Workspace* result);
// The same from a workspace in memory.
Status plan_restore(const Workspace& target, const Workspace& backup, const RestoreOptions& o, RestorePlan* plan,
                    Workspace* result);

// The report as the server answers it (src/server/PROTOCOL.md, "Restore"): {"empty", "backup", "users",
// "serverUsers", "create", "merge", "rename", "dropped", "totals", "truncated"}; lists capped at `cap`
// entries each (counts and totals always complete). No "plan": the server adds its id.
nlohmann::json restore_report_json(const RestorePlan& p, const Workspace& target, size_t cap = 300);
// The backup's counts as JSON ({"items", "kinds": [{"entity", "name", "items", "deleted"}], "users", ...}).
nlohmann::json report_counts_json(const RestoreReport& r);

}  // namespace kt::io
