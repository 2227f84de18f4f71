// The application: wires the layers together. It owns the workspace, the session, the local storage and,
// when connected to a server, the sync replica and client; it runs the UI each frame and dispatches what
// the UI asks for. No ImGui backend or browser code lives here (main_web.cpp does that), and no domain rule
// either (the core does that).
//
// Two modes:
//   local     - the workspace lives in this browser only (/data/local): an append-only journal of every
//               mutation, replayed at start; demo data on first start.
//   connected - the workspace is the user's replica of a server (/data/u_<...>): the confirmed state in a
//               sharded snapshot store, pending mutations in a journal until the server acknowledges them.
// Switching between them writes /data/connection.json and reloads the page.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/refused.hpp"
#include "core/session.hpp"
#include "core/workspace.hpp"
#include "storage/journal.hpp"
#include "storage/snapshot_store.hpp"
#include "sync/client.hpp"
#include "sync/replica.hpp"
#include "sync/upload.hpp"
#include "ui/ui_state.hpp"

namespace kt {

namespace platform {
class FetchTransport;
}

struct Connection {
  std::string server;  // "" = this page's origin
  std::string login;
  std::string user;    // user id on the server
  std::string token;
  std::string dir;     // the user's folder on the persisted mount
  bool upload = false; // the local workspace was uploaded: say so after the first sync
};

class App {
 public:
  App();
  ~App();

  // Loads the local store (or seeds demo data into an empty one) and applies the URL's route.
  void start();
  // Draws one frame of UI and applies what it asked for. Call between ImGui::NewFrame and ImGui::Render.
  void frame();

  // The platform reports that writes up to `mark` are durable (ok) or failed to persist.
  void on_persisted(std::uint64_t mark, bool ok);
  // Changes made but not yet durable in this browser.
  std::uint64_t unsaved() const { return appended_ - durable_; }
  // The URL changed (back/forward or a typed link).
  void on_route_changed();
  // Something may need doing without input (a sync request is due).
  bool wants_tick() const;
  // The browser is back online: sync now rather than after the backoff.
  void sync_now();

  // State for tests and diagnostics: screen, open card with its values and timeline, journal counters.
  std::string debug_json() const;

  // The page is going away (beforeunload, pagehide): an open field editor's text is committed the way Enter
  // commits it, so that it reaches the journal before the page goes. Returns false when it cannot be (the
  // value does not validate: the editor stays open with its error and the page should ask).
  bool commit_open_editor();
  // Whether a card's field editor is open.
  bool editing() const { return edit_.open(); }

  // The page is hidden or going away: what was typed and not saved (comments not sent, an open field
  // editor's text) is written beside the store, so that a page the browser discards while it is in the
  // background (no unload on a phone) gets it back at its next start (load_drafts).
  void save_drafts();

  // Files written under the persisted mount since the last write go to the browser's storage now (when this
  // tab owns the store).
  void persist();

 private:
  void start_local(std::int64_t now);
  void start_connected(const Connection& c, std::int64_t now);
  void dispatch(Command cmd, std::int64_t now);
  void journal_and_persist(const Mutation& m);
  bool write_base(const Workspace& ws);
  void compact_if_due();
  void warm_search_when_idle();
  void save_confirmed();
  void announce_upload();
  void purge_expired(std::int64_t now);
  void begin_login(const ui::UiOutput::Login& req);
  void finish_connect(bool upload);
  void switch_to_server(bool uploaded);
  void start_upload();
  void track_upload();
  void load_logins();
  void give_login(const ui::UiOutput::Account& a);
  void logout();
  void restore_backup(const std::string& text);
  // Refused changes (core/refused.hpp): kept in the user's folder, shown by the UI, re-applied or discarded.
  void load_refused();
  void save_refused();
  void on_refused(const Mutation& m, const Status& why);
  void reapply_refused(const std::string& id, std::int64_t now);
  void discard_refused(const std::string& id);
  void sync_route(bool push);
  void refresh_title();
  void load_prefs();
  void save_prefs();
  void load_drafts();
  std::string drafts_path() const;
  ui::ConnectionInfo connection_info() const;

  Workspace ws_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<storage::Journal> journal_;
  // Connected mode.
  std::optional<Connection> connection_;
  std::unique_ptr<storage::SnapshotStore> snapshots_;
  std::unique_ptr<sync::Replica> replica_;
  std::unique_ptr<platform::FetchTransport> transport_;
  std::unique_ptr<sync::SyncClient> sync_;
  bool first_sync_done_ = false;
  RefusedList refused_;
  // Frames until the confirmed state is saved after a pull (0: nothing to save): the frame that shows what
  // arrived is drawn first, the save (parsing and rewriting a shard of the store) comes a frame later.
  int save_confirmed_in_ = 0;
  // Item writes in the connected store's shards since its base, and how many times it started over.
  std::size_t snap_since_base_ = 0;
  int snap_rebases_ = 0;
  std::int64_t sync_wake_ms_ = -1;  // when the page last asked to be woken for the sync client
  // A login in progress from the connect dialog.
  ui::LoginState login_;
  std::optional<Connection> login_result_;
  std::unique_ptr<platform::FetchTransport> login_transport_;
  std::unique_ptr<sync::WorkspaceUpload> upload_;  // "Отправить мои данные" in progress
  bool upload_applied_ = false;  // the dry run of an empty server was applied without asking
  // The server's logins for the user settings (administrators), and the last answer to giving one.
  std::shared_ptr<const std::map<std::string, std::string>> logins_;
  bool logins_loading_ = false;
  std::string account_error_, account_saved_;

  ui::ViewState view_;
  ui::ViewState last_view_;
  std::string last_route_;  // the address bar's route as last set
  ui::EditState edit_;
  std::uint64_t appended_ = 0;
  std::uint64_t durable_ = 0;
  std::uint64_t loaded_records_ = 0;
  double load_ms_ = 0;  // reading and applying the local store at start
  std::uint64_t since_base_ = 0;  // journal records not in the stored base
  int compactions_ = 0;
  std::uint64_t frames_ = 0;
  double compact_ms_ = 0;
  double compact_check_at_ = 0;  // monotonic_ms() before which a due compaction is not looked at again
  std::uint64_t warm_layout_ = ~0ull;  // the items the idle search warm-up was started for
  double warm_ms_ = -1;                // how long it took, from start to done (debug_json)
  bool persist_failed_ = false;
  std::string notice_;
  std::string last_title_;
  std::string user_ = "u1";  // the local workspace's user, until the session starts
};

}  // namespace kt
