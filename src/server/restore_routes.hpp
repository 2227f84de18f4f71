// Restoring a backup into the server's workspace (issue 19; PROTOCOL.md, "Restore"): administrators
// upload the backup file in chunks (kept in a file of the data directory, mode 0600), check the plan
// (core/io/restore.hpp: what is created, merged, renamed, not carried) and apply it as one log record
// (sync/server_state.hpp, ServerState::restore). The same without HTTP: kartoteka-server --restore.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "sync/server_state.hpp"

namespace kt::io {
struct RestoreOptions;
class BackupStream;
}  // namespace kt::io

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace kt::server {

struct RestoreConfig {
  std::string dir;                        // where uploads are kept (created 0700; emptied at start)
  std::uint64_t max_bytes = 1ull << 30;   // largest backup accepted
  std::uint64_t chunk_bytes = 3u << 20;   // largest chunk per PUT (under the 4 MiB body limit)
  std::int64_t idle_ms = 3600000;         // an upload untouched this long is dropped
  std::function<std::int64_t()> now_ms;   // the clock of idleness and of the restore; system when empty
};

class RestoreService {
 public:
  RestoreService(sync::ServerState& state, RestoreConfig cfg);
  ~RestoreService();
  RestoreService(const RestoreService&) = delete;
  RestoreService& operator=(const RestoreService&) = delete;

  // The endpoints, for an authenticated user (each refuses non-administrators with 403).
  sync::Response create(const std::string& user);
  sync::Response put(const std::string& user, const std::string& id, const std::string& offset,
                     std::string_view bytes);
  sync::Response check(const std::string& user, const std::string& id, const nlohmann::json& body);
  sync::Response apply(const std::string& user, const std::string& id, const nlohmann::json& body);
  sync::Response drop(const std::string& user, const std::string& id);

 private:
  struct Upload;
  std::int64_t now() const;
  void sweep();  // drops idle uploads (mu_ held)
  void remove(const std::string& id);  // the file and the entry (mu_ held)
  // The upload `id` of `user`, marked busy (check, apply), or the answer why not.
  std::shared_ptr<Upload> take(const std::string& user, const std::string& id, sync::Response* why);
  void release(const std::shared_ptr<Upload>& u);
  // What check and apply begin with: an administrator, the body's choices, the upload `id` held busy and
  // its backup opened, one at a time (heavy_); `then` answers with them.
  sync::Response with_backup(
      const std::string& user, const std::string& id, const nlohmann::json& body,
      const std::function<sync::Response(const io::RestoreOptions&, Upload&, io::BackupStream&)>& then);

  sync::ServerState& state_;
  RestoreConfig cfg_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Upload>> uploads_;  // by id
  std::mutex heavy_;  // one check or apply at a time: each holds a workspace's worth of memory
};

using RestoreAuthedHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const std::string& user)>;
using RestoreHandlerWrap = std::function<std::function<void(const httplib::Request&, httplib::Response&)>(
    RestoreAuthedHandler)>;

// Adds the /api/restore/... routes. `authed` wraps a handler with the server's authentication; `service`
// is null without a data directory (authed answers 503 before any handler runs then).
void add_restore_routes(httplib::Server& http, RestoreService* service, const RestoreHandlerWrap& authed);

struct RestoreRequest {
  std::string file;
  bool merge = false;    // a workspace with items is refused without it
  bool dry_run = false;  // only the report
  std::map<std::string, std::string> users;  // backup user -> server user or "new" (--map-user)
};

// kartoteka-server --restore: as the endpoints do, for `admin` (the workspace's administrator), without
// HTTP. Prints the report (JSON) to `out` and a line for the operator to `err`; returns the exit code.
int restore_file(sync::ServerState& state, const std::string& admin, const RestoreRequest& r,
                 std::uint64_t max_bytes, const std::function<std::int64_t()>& now_ms, std::FILE* out,
                 std::FILE* err);

}  // namespace kt::server
