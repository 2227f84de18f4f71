// The sync server without HTTP or SQLite: the authoritative workspace, the single writer that
// numbers mutations, the change index pulls walk, and the projection of every answer for the asking
// user. The HTTP layer (src/server) parses requests, authenticates, calls these methods and
// serialises the Response; tests drive several simulated clients against it in-process.
// src/server/PROTOCOL.md is the contract.
//
// Thread safety: every public method may be called from any thread. Pushes and other writes are
// serialised by one writer lock, and versions are allocated inside it (no gaps, never out of
// order); pulls share a reader lock.
//
// Nothing is answered from a change before it is in the log (a restart would hand its version to
// another change). A push of item changes only applies them under the exclusive lock and then
// releases it while its records are written and synced (the "durability window"); pulls meanwhile
// answer from the state before the push: up to `readable_` (below every index position the push
// moved an item away from), with the acknowledgements already logged. Configuration and access
// changes, snapshots and item reads wait for the window to close instead.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/hlc.hpp"
#include "core/snapshot_binary.hpp"
#include "core/workspace.hpp"
#include "sync/cursor.hpp"
#include "sync/log_store.hpp"

namespace kt::sync {

constexpr int kProtocol = 1;
// Client ids starting with this are the server's own (bootstrap, REST writes); pushes may not use
// them.
constexpr const char* kServerClient = "~server";

// An answer: HTTP status and JSON body. Errors are {"error": code, "message": text, ...more}.
struct Response {
  Response() = default;
  Response(int s, nlohmann::json b) : status(s), body(std::move(b)) {}
  int status = 200;
  nlohmann::json body;
  // When set, the answer is this binary body instead (a pull page asked for with "format": "binary":
  // core/snapshot_binary.hpp, binary_pull_page).
  std::string bytes;
};

Response error_response(int status, std::string code, std::string message);

struct ServerOptions {
  std::function<std::int64_t()> now_ms;    // wall clock in ms; the system clock when empty
  std::size_t max_mutations = 500;         // per push (413 above)
  std::int64_t max_clock_skew_ms = 60000;  // a mutation clock further ahead than this is rejected
  std::size_t max_limit = 2000;            // pull page size: default and maximum
  // Pokes of one user waiting at once (503 busy beyond): one user cannot hold every waiting slot.
  std::size_t max_pokes_per_user = 4;
  // A checkpoint is written (in the background) once the log has this many records after the last
  // one; 0: only when checkpoint() is called.
  std::uint64_t checkpoint_every = 100000;
  // Where notes for the operator go (a checkpoint not used at start, one that failed to save);
  // dropped when empty.
  std::function<void(const std::string&)> log;
  // A shared store (issue 24): the constructor returns at once and the state is loaded from the checkpoint
  // and the log in the background, with everything answered 503 ("catching up") until it is; a server
  // then serves its health from the start. Ignored for a store of one server.
  bool load_in_background = false;
  // Tests: run by the background load before it reads anything.
  std::function<void()> before_background_load;
};

// How the state was rebuilt at start.
struct StartInfo {
  std::uint64_t checkpoint = 0;  // log position of the checkpoint it started from; 0: a full replay
  std::uint64_t replayed = 0;    // log records replayed (after the checkpoint)
  std::string fallback;          // why a checkpoint there was not used (then a full replay)
};

class ServerState {
 public:
  // Rebuilds the authoritative state: from the store's checkpoint plus the log records after it, or
  // (no checkpoint, or one that is damaged, of another format or does not match the log) by
  // replaying the whole log. Throws std::runtime_error when the log does not replay (a record the
  // core refuses, versions out of order): the server must not start on it.
  ServerState(std::unique_ptr<LogStore> store, std::string hmac_secret, ServerOptions opts = {});
  ~ServerState();
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;

  // POST /api/sync/push for `user` (the token's user). 200 with per-mutation results; 400, 403,
  // 409, 413, 426 change nothing.
  Response push(const std::string& user, const nlohmann::json& request);
  // POST /api/sync/pull for `user`.
  Response pull(const std::string& user, const nlohmann::json& request);
  // GET /api/sync/poke: {"changed": true} as soon as something was applied after the cursor that a
  // pull with it would bring `user` (an item he may read, or one he may have held and lost; a
  // configuration or access change; a mutation of one of his clients processed), at once for a
  // missing, foreign or unsettled cursor; {"changed": false} after `timeout`. Changes of items hidden
  // from him do not answer it. 503 busy when he already has max_pokes_per_user waiting.
  Response poke(const std::string& user, const std::string& cursor,
                std::chrono::milliseconds timeout);
  // How many pokes of `user` are waiting now (tests).
  std::size_t waiting_pokes(const std::string& user) const;

  // GET /api/items/{id}: the projected item; 404 unknown_item when absent or not readable by
  // `user`.
  Response get_item(const std::string& user, const std::string& id);
  // POST /api/items/{id}/fields: `values` is {"FIELD": value, ...}. Every field is checked first;
  // then one mutation per field is applied (one stage move carrying the other fields when STAGE_ID
  // is among them), authored by `user` under the server's client id. 403 without the edit right,
  // 422 with the first failing field's code and `field`; on any error nothing is applied. Answers
  // the projected item.
  Response write_fields(const std::string& user, const std::string& id,
                        const nlohmann::json& values);

  // Creates the workspace's first user, an administrator, when it has no users yet (a user.put
  // mutation of the server's client, logged like any other). Returns false, changing nothing, when
  // users exist.
  bool bootstrap_admin(const std::string& id, const std::string& name);
  // The workspace user, if there is one with that id.
  std::optional<User> user(const std::string& id) const;
  // An active administrator of the workspace, if any.
  std::optional<std::string> first_admin() const;
  bool is_admin(const std::string& user) const;

  // Replaces the whole workspace, as one log record authored by `admin` (an active administrator): a
  // backup restored into it (core/io/restore.hpp plans the new workspace). `build` runs under the writer
  // lock (pushes and other writes wait; pulls go on from the state before) with the current workspace and
  // version, and makes the new one, or answers why not: any status but 200 is returned as it is. The new
  // workspace must keep `admin` an active administrator (else 422 restore_locks_out). Its record is
  // appended in one LogStore::append before anything changes in memory: a store that fails leaves the
  // state as it was (500 storage_failed). Then every timeline entry not yet confirmed gets the restore's
  // version, the server clock moves past every clock in the workspace (so later writes win), and the
  // access epoch grows: every client's next pull is a fresh snapshot; clients' sequence numbers stay.
  // Replayed at start from the record, and kept by checkpoints like any state. 200 {"version": V}.
  using RestoreBuild =
      std::function<Response(const Workspace& current, std::uint64_t version, Workspace* result)>;
  Response restore(const std::string& admin, const RestoreBuild& build);

  // Saves the whole state with the log position it includes as the store's checkpoint, unless the
  // last one is already at the end of the log. Pushes wait while the state is encoded (pulls go on);
  // the write itself holds no lock. Returns whether one was written; throws when the store fails.
  bool checkpoint();
  const StartInfo& start_info() const { return start_info_; }

  // The number of the last applied mutation (0 for an empty workspace).
  std::uint64_t version() const { return published_.load(); }
  // Grows whenever something changes who may see what; cursors of an older epoch get a reset.
  std::uint64_t access_epoch() const;
  // Waits until version() > after (true) or the timeout passes or shutdown() is called (false).
  bool wait_for_change(std::uint64_t after, std::chrono::milliseconds timeout);
  // Wakes every waiter; later waits return at once. For a server that is stopping.
  void shutdown();
  // False once the log could not be written (a full disk): every write answers 503 unavailable until a
  // restart, and /api/health says so. Over a shared store (several servers, issue 24) also false while
  // the server catches up with the log after losing the store, or rebuilds its memory from the
  // checkpoint and the log after a write that may not have been committed: it answers 503 meanwhile
  // and recovers by itself.
  bool healthy() const;
  // "ok", "catching up" (a shared store's server that is not in step with the log yet) or
  // "unavailable" (the log failed: until a restart).
  std::string health() const;
  // A shared store: reads the records other servers appended and applies them now (the follower does
  // so on its own within moments of their commit); false when the store failed. True at once otherwise.
  bool catch_up();
  // A shared store: before an answer that reads the state outside pull/push (accounts, logins), applies
  // every write acknowledged anywhere so far; false when the store failed (answer 503). True at once otherwise.
  bool refresh();
  // Waits until the server answers (a background load done, caught up); false after `timeout`.
  bool wait_ready(std::chrono::milliseconds timeout) const;

  // The authoritative workspace. Reading it while another thread pushes is a data race: use read()
  // then.
  const Workspace& workspace() const { return ws_; }
  // Runs f(const Workspace&) under the reader lock and returns its result.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(mu_);
    wait_window_closed(lock);
    return f(ws_);
  }

 private:
  struct ItemMeta {
    std::uint64_t ver = 0;      // version of the last change (its key in index_)
    std::uint64_t created = 0;  // version of the creation
    std::uint64_t assigned =
        0;  // version of the last change of the responsible person (creation counts)
    // ASSIGNED_BY_ID over time, from the creation on: (version, user id or "").
    std::vector<std::pair<std::uint64_t, std::string>> owners;
    // What changed when, so that a client that holds the item gets only that (pull, "partialItems"): per
    // cell, in the item's field order, its fingerprint (core/snapshot_binary.hpp cell_print; 0 for a field
    // the item has lost) and the version that last changed it; the same for the to-dos, products and
    // documents together. Not kept in checkpoints: after a start from one, `marked` is false and the item
    // goes whole until its next change, which marks all its cells with that version.
    struct CellMark {
      std::uint32_t field;  // field_names_ index
      std::uint64_t print;
      std::uint64_t ver;
    };
    std::vector<CellMark> cells;
    std::uint64_t lists_print = 0;
    std::uint64_t lists_ver = 0;
    bool marked = false;
  };
  struct ClientInfo {
    std::string user;  // whose app instance it is (the first pusher); "" for the server's client
    std::uint64_t last = 0;  // last processed seq
    std::uint64_t logged = 0;  // last processed seq that is in the log (what pulls acknowledge)
    std::map<std::uint64_t, std::pair<std::string, std::string>>
        rejected;  // seq -> (code, message)
  };
  struct Outcome {
    Status status;
    std::uint64_t ver = 0;
  };

  std::int64_t now() const;
  // Applies m (author already set) under the writer lock; on success allocates the next version,
  // stamps the new timeline entries, and updates the change index, schema version and access epoch.
  Outcome apply_locked(const Mutation& m);
  void mark_changed(const std::string& item, std::uint64_t ver);
  // Updates meta's cell and list marks to the item as it is after the change of version `ver`.
  void mark_cells(ItemMeta& meta, const Item& item, std::uint64_t ver);
  std::uint32_t field_key(const std::string& field);
  // Writes what changed in the item after version `from` (its marks say which cells and lists) to a pull
  // page's block.
  void add_item_changes(ItemBlockWriter& block, const Item& item, const ItemMeta& meta, std::uint64_t from) const;
  void note_processed(const LogRecord& r);
  // Applies commands as mutations of the server's client authored by `author` (bootstrap, REST
  // writes) and logs them; stops at the first failure and returns it.
  Status apply_server_mutations(const std::string& author, std::vector<Command> cmds);
  void append_or_break(const std::vector<LogRecord>& records);

  // Shared stores (issue 24). A write: the store's write lock, then the records others appended since
  // this server's position applied; false (the store failed: catching up) when that is not possible.
  // With write_mu_ held; the SharedWrite guard ends the store's write unless an append did.
  bool begin_shared_write();
  struct SharedWrite {
    ServerState& s;
    bool ok;
    explicit SharedWrite(ServerState& st);
    ~SharedWrite();
  };
  // Reads the records after log_pos_ and applies them (with write_mu_ held); false on failure.
  bool catch_up_locked();
  // Applies one record of the log, as a replay does (exclusive lock held).
  void apply_record(LogRecord& r);
  // The state from the checkpoint and the log (the constructor, and a rebuild), exclusive lock held.
  void load_state_locked();
  // Before a read: applies what others appended, so that the answer has every acknowledged write.
  // Nothing, or the 503 to answer.
  std::optional<Response> ensure_fresh();
  void enter_catching_up(const std::string& why);
  void follow_loop();
  // Whether everything is refused now (under mu_): the store failed, or the server is catching up.
  bool refusing() const { return broken_ || catching_up_.load(); }
  Response unavailable_now() const;
  void note_store_failure(const std::exception& e);
  // Notes where the log ends after an append (under write_mu_) and wakes the checkpoint writer when
  // enough records came since the last checkpoint.
  void note_appended(std::uint64_t pos, const std::vector<LogRecord>& records);

  // Restores (server_restore.cpp): puts a restored workspace in place at version `ver` (live and in
  // replay), under the exclusive lock.
  void apply_restore_locked(Workspace ws, std::uint64_t ver, const Mutation& marker);
  // Documents of a checkpoint or a restored backup written before documents said what they show
  // (core/documents.hpp document_uses_now): told now, so that they are projected like the others.
  void fill_document_uses_locked();
  // Asks the background writer for a checkpoint (a restore makes the log before it worthless to replay).
  void request_checkpoint();

  // Checkpoints (server_checkpoint.cpp). The state at log position log_pos_, under write_mu_ and a
  // shared lock (no durability window open).
  std::string encode_checkpoint() const;
  // Replaces the (fresh) state with a checkpoint's; false with `why` when it does not read.
  bool restore_checkpoint(std::string_view bytes, std::string* why);
  // Applies the log records after position `after` (under the exclusive lock at start).
  void replay(std::uint64_t after);
  // Back to the state of an empty log (after a checkpoint that turned out unusable).
  void reset_state();
  void checkpoint_loop();
  // After the log has everything processed: makes it what pulls see, and wakes waiters. Under the
  // exclusive lock.
  void publish();
  // Waits, with `lock` (shared, on mu_) held on entry and return, until no durability window is open.
  void wait_window_closed(std::shared_lock<std::shared_mutex>& lock) const;

  // Whether anything a pull with cursor `c` would bring `user` changed in the index after version
  // `*seen` (poke): on false, `*seen` moves to the logged version looked up to.
  bool changed_for(const std::string& user, const Cursor& c, std::uint64_t* seen) const;

  bool active_user(const std::string& user) const;
  bool readable(const std::string& user, const Item& item) const;
  // Whether `user` may have received the item at some point after `base` (or held it at `base`),
  // judged by its responsible people since then: such an item, now unreadable, is reported as
  // removed.
  bool was_readable_since(const std::string& user, const Item& item, const ItemMeta& meta,
                          std::uint64_t base) const;
  // Drops field ids hidden from `user` out of a rejection, so that a result never names one; but for
  // `named`, the field the refused command itself names (his own words: leaving it keeps a hidden field's
  // answer the same as a missing field's).
  void redact(const std::string& user, Status* s, const std::string& named = {}) const;
  nlohmann::json client_ids(const std::string& user, const nlohmann::json& only) const;

  std::unique_ptr<LogStore> store_;
  CursorCodec codec_;
  ServerOptions opts_;

  mutable std::shared_mutex mu_;  // writer: exclusive; readers: shared
  Workspace ws_;
  std::uint64_t version_ = 0;  // last allocated version (under mu_)
  std::uint64_t logged_ = 0;   // last version in the log (under mu_)
  // Pulls walk the change index up to here: logged_, or during a durability window less (under mu_).
  std::uint64_t readable_ = 0;
  bool window_ = false;          // a push's records are being written (under mu_)
  bool global_change_ = false;   // the push being applied changed configuration or access
  std::uint64_t moved_from_ = 0; // lowest index version an item was moved away from by that push
  std::mutex write_mu_;          // serialises writers, also through their durability window
  std::uint64_t epoch_ = 1;
  std::uint64_t schema_ver_ = 0;  // version of the last configuration change
  std::unordered_map<std::string, ItemMeta> meta_;
  std::vector<std::string> field_names_;  // the field ids of cell marks, by key
  std::unordered_map<std::string, std::uint32_t> field_keys_;
  std::set<std::pair<std::uint64_t, std::string>> index_;  // (version of last change, item id)
  std::unordered_map<std::string, ClientInfo> clients_;
  std::unordered_map<std::string, std::vector<std::string>> clients_of_user_;
  std::vector<std::string> unlogged_clients_;  // clients processed since the last publish()
  HlcClock clock_{kServerClient};
  bool broken_ = false;  // the store failed: memory is ahead of the log, so refuse everything

  std::atomic<std::uint64_t> published_{0};
  std::atomic<bool> window_open_{false};
  mutable std::mutex wait_mu_;
  mutable std::condition_variable wait_cv_;
  bool stopping_ = false;
  // Under wait_mu_: per user, how many of his pokes wait, and a count that grows whenever mutations of
  // his clients are logged (their acknowledgement is news for his other clients' pokes).
  std::unordered_map<std::string, std::size_t> pokes_of_user_;
  std::unordered_map<std::string, std::uint64_t> acks_of_user_;

  // The log's end (under write_mu_): its last record's position, client and sequence number (a
  // checkpoint names them, and is used only when the log has that record there).
  std::uint64_t log_pos_ = 0;
  std::string log_last_client_;
  std::uint64_t log_last_seq_ = 0;
  std::atomic<std::uint64_t> checkpoint_pos_{0};  // log position of the newest checkpoint
  StartInfo start_info_;
  std::mutex save_mu_;  // one checkpoint save at a time
  // The background checkpoint writer, started when first needed.
  std::mutex cp_mu_;
  std::condition_variable cp_cv_;
  bool cp_wanted_ = false;  // asked for and not yet written
  bool cp_stop_ = false;
  std::thread checkpointer_;

  // Shared store: the follower, which keeps memory in step with what other servers append.
  const bool shared_ = false;
  std::atomic<bool> catching_up_{false};
  std::atomic<std::uint64_t> applied_pos_{0};  // log_pos_ as of the last publish()
  std::mutex follow_mu_;
  std::condition_variable follow_cv_;
  bool follow_stop_ = false;
  std::thread follower_;
};

}  // namespace kt::sync
