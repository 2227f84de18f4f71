// Bringing a local workspace to a team server ("Отправить мои данные", issue 19): the workspace's backup
// goes up in chunks (the server takes at most 4 MiB per request), the server answers with a dry run of what
// the restore will create, merge, rename or cannot carry, and only on the user's word is it applied, in one
// transaction on the server (PROTOCOL.md, "Restore"). Nothing changes on the server before that word; a
// failure at any step leaves it as it was and says why.
//
// Platform-free like the sync client: it talks through a Transport and never blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "sync/client.hpp"

namespace kt::sync {

class WorkspaceUpload {
 public:
  enum class Phase {
    Sending,   // the backup is going up (progress())
    Checking,  // the server prepares its dry run
    Review,    // the dry run is in report(): the user confirms or cancels (or changes the user mapping)
    Applying,  // the restore is being applied
    Done,      // applied: the server's workspace now holds the local one
    Failed,    // error() says why; nothing was applied
    Cancelled,
  };

  // `backup`: io::make_backup of the local workspace; `me`: the local user who is the logged-in
  // administrator (the server keeps his account and maps that local user to him).
  WorkspaceUpload(Transport& transport, std::string token, std::string backup, std::string me);
  ~WorkspaceUpload();
  WorkspaceUpload(const WorkspaceUpload&) = delete;
  WorkspaceUpload& operator=(const WorkspaceUpload&) = delete;

  void start();
  // Asks for a new dry run with local users mapped to server users ({"u2": "u5" | "new"}).
  void set_users(nlohmann::json users);
  // Applies the plan of the last dry run (in Review only).
  void apply();
  // Drops the upload on the server (the dry run changed nothing there).
  void cancel();

  Phase phase() const { return phase_; }
  double progress() const;  // 0..1 of the backup sent
  // The last dry run (restore-api: empty, users, serverUsers, create, merge, rename, dropped, backup).
  const nlohmann::json& report() const { return report_; }
  const nlohmann::json& users() const { return users_; }
  // Why it failed: a server error code ("forbidden", "backup_damaged", "plan_changed", "offline", ...) and its
  // message.
  const std::string& error_code() const { return error_code_; }
  const std::string& error_message() const { return error_message_; }

 private:
  void send_chunk();
  void check();
  void fail(const HttpResponse& r, const std::string& during);
  // Calls `then` with the answer unless this upload was cancelled or destroyed meanwhile.
  std::function<void(HttpResponse)> guard(std::function<void(HttpResponse)> then);

  Transport& transport_;
  std::string token_, backup_, me_;
  std::string id_;
  std::size_t sent_ = 0, chunk_ = 3u << 20;
  int retries_ = 0;
  nlohmann::json users_ = nlohmann::json::object();
  nlohmann::json report_;
  std::string plan_;
  Phase phase_ = Phase::Sending;
  std::string error_code_, error_message_;
  // Shared with the callbacks in flight: false once this object is gone.
  std::shared_ptr<bool> alive_;
  std::uint64_t generation_ = 0;  // answers of an older request (before a new check) are dropped
};

}  // namespace kt::sync
