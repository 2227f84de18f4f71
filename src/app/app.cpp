#include "app/app.hpp"

#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/format.hpp"
#include "core/io/backup.hpp"
#include "core/json_bounded.hpp"
#include "core/layouts.hpp"
#include "core/rights.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "core/text.hpp"
#include "platform/files.hpp"
#include "platform/http.hpp"
#include "platform/tabs.hpp"
#include "platform/platform.hpp"
#include "ui/app_ui.hpp"
#include "ui/card.hpp"
#include "ui/create_dialog.hpp"
#include "ui/entity_list.hpp"
#include "ui/field_editors.hpp"
#include "ui/focus.hpp"
#include "ui/i18n.hpp"
#include "ui/list_prefs.hpp"
#include "ui/phases.hpp"
#include "ui/redraw.hpp"
#include "ui/refused_panel.hpp"
#include "ui/timeline_view.hpp"
#include "storage/files.hpp"
#include "storage/journal_codec.hpp"

namespace kt {

using nlohmann::json;

App::App() = default;
App::~App() = default;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Start: local or connected
// ---------------------------------------------------------------------------------------------------------

namespace {

const char* kConnectionFile = "/data/connection.json";
const char* kRestoredBase = "restored.json";  // under data_dir(): a restored backup, as earlier builds stored it
// Under data_dir(): the local workspace's state up to a journal segment (core/snapshot_binary.hpp). Start-up
// decodes it and replays only the later segments; it is rewritten (compaction) once enough records pile up.
const char* kBase = "base.bin";
constexpr std::uint64_t kCompactAtStart = 1000;  // journal records replayed at start that ask for a compaction
constexpr std::uint64_t kCompactWhileRunning = 5000;  // ... or appended since the last one
// A compaction holds the page's thread (~0.2 s for 10k deals here, ~0.8 s on a phone's CPU): it waits until
// the person has not touched a key, the pointer or the screen for this long. The journal keeps everything
// meanwhile.
constexpr double kCompactQuietMs = 2000;

std::optional<Connection> read_connection() {
  std::string text;
  if (!storage::read_file(kConnectionFile, &text)) return std::nullopt;
  json j = json::parse(text, nullptr, false);
  try {
    if (j.is_discarded() || !j.is_object() || j.value("user", "").empty() || j.value("dir", "").empty())
      return std::nullopt;
    return Connection{j.value("server", ""), j.value("login", ""), j.value("user", ""),
                      j.value("token", ""), j.value("dir", ""), j.value("upload", false)};
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged file: as if not connected (the user logs in again)
  }
}

bool write_connection(const std::optional<Connection>& c) {
  if (!c) return std::remove(kConnectionFile) == 0 || errno == ENOENT;
  json j{{"server", c->server}, {"login", c->login}, {"user", c->user},
         {"token", c->token}, {"dir", c->dir}, {"upload", c->upload}};
  return storage::write_file_atomic(kConnectionFile, j.dump());
}

// The user's folder: one per server and user, so that two accounts never share data.
std::string user_dir(const std::string& server, const std::string& user) {
  std::string key = server + "|" + user, safe;
  for (char ch : user)
    safe += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", storage::crc32(key));
  return "/data/u_" + safe + "_" + crc;
}

}  // namespace

void App::start() {
  load_prefs();
  const std::int64_t now = platform::now_ms();
  if (auto c = read_connection()) start_connected(*c, now);
  else start_local(now);

  // Files picked in the browser arrive stored under files_dir(); small text files are read for the UI.
  platform::on_file_picked([](const platform::Picked& p) {
    ui::PickedFile f{p.purpose, p.id, p.name, p.mime, p.size, {}};
    if (p.size <= 4 * 1024 * 1024) {
      std::ifstream in(platform::files_dir() + "/" + p.id, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      f.text = ss.str();
    }
    ui::deliver_file(std::move(f));
  });

  ui::parse_route(platform::current_route(), &view_, &ws_);
  last_view_ = view_;
  sync_route(false);
  load_drafts();
}

void App::journal_and_persist(const Mutation& m) {
  if (auto s = journal_->append(m); !s) {
    persist_failed_ = true;
    ui::toast(ui::error_text(s.code), true);
    std::fprintf(stderr, "journal: %s\n", s.message.c_str());
    return;
  }
  ++appended_;
  ++since_base_;
  persist();
}

// Stores the local workspace as it is now (base.bin) and deletes the journal segments it includes, so that
// the next start decodes one file instead of replaying every record. The file is written whole and renamed
// into place; until the rename the old base and all segments stay valid. Both reach IndexedDB in one
// transaction (glue.js writes every changed file of a frame together).
bool App::write_base(const Workspace& ws) {
  const std::uint64_t upto = journal_->last_segment();
  if (!storage::write_workspace(platform::data_dir() + "/" + kBase, ws, upto)) return false;
  journal_->seal();
  journal_->drop_through(upto);
  std::remove((platform::data_dir() + "/" + kRestoredBase).c_str());
  return true;
}

void App::compact_if_due() {
  if (connection_ || !platform::owns_store() || !platform::storage_available() || !journal_) return;
  if (since_base_ < (compactions_ == 0 ? kCompactAtStart : kCompactWhileRunning)) return;
  const double t0 = platform::monotonic_ms();
  if (t0 < compact_check_at_) return;  // a frame is asked for then
  if (const double quiet = t0 - platform::last_input_ms(); quiet < kCompactQuietMs) {
    compact_check_at_ = t0 + kCompactQuietMs - quiet;
    ui::request_redraw_at(ImGui::GetTime() + (kCompactQuietMs - quiet) / 1000.0 + 0.005);
    return;
  }
  if (!write_base(ws_)) {
    std::fprintf(stderr, "compaction: cannot write %s\n", kBase);
    since_base_ = 0;  // not again at once; the journal still holds everything
    return;
  }
  ++compactions_;
  since_base_ = 0;
  compact_ms_ = platform::monotonic_ms() - t0;
  persist();
}

// The lists' quick search folds the text of every item once; for 100k items that is ~150 ms, which the
// first search would otherwise make the user wait for. After the first frames, and again when items come
// or go, it is done between frames in slices of a few milliseconds (no frame is drawn for it).
void App::warm_search_when_idle() {
  if (ws_.layout_version() == warm_layout_) return;
  warm_layout_ = ws_.layout_version();
  const double started = platform::monotonic_ms();
  platform::run_when_idle([this, started] {
    const double t0 = platform::monotonic_ms();
    do {
      if (ui::warm_list_search(ws_, 256)) {
        warm_ms_ = platform::monotonic_ms() - started;
        return false;
      }
    } while (platform::monotonic_ms() - t0 < 4.0);
    return true;
  });
}

void App::persist() {
  if (platform::owns_store()) platform::persist_soon(appended_);
}

void App::start_local(std::int64_t now) {
  const std::string client = "c" + platform::random_id(10);
  const double t0 = platform::monotonic_ms();
  // The stored state (or, from earlier builds, a restored backup) is the base the journal's later edits
  // apply to.
  bool have_base = false;
  std::uint64_t base_segment = 0;
  Status base_status = Status::Ok();
  if (Workspace w; storage::read_workspace(platform::data_dir() + "/" + kBase, &w, &base_segment, &base_status)) {
    if (const Status& s = base_status; s) {
      ws_ = std::move(w);
      have_base = true;
    } else {
      notice_ = ui::tr("loaded.warning");
      std::fprintf(stderr, "%s\n", s.message.c_str());
    }
  } else if (std::string base; storage::read_file(platform::data_dir() + "/" + kRestoredBase, &base)) {
    json j = json::parse(base, nullptr, false);
    if (Workspace w; !j.is_discarded() && load_snapshot(j, &w)) {
      ws_ = std::move(w);
      have_base = true;
    } else {
      notice_ = ui::tr("loaded.warning");
    }
  }
  // A base from before item numbers: this workspace is its own server, so it numbers them itself (in
  // creation order; the journal's later creations number on from there).
  if (have_base && ws_.has_unnumbered()) ws_.number_unnumbered();
  session_ = std::make_unique<Session>(ws_, client, user_);
  if (have_base) session_->observe_clock(max_clock(ws_), now);
  journal_ = std::make_unique<storage::Journal>(platform::data_dir() + "/journal");
  size_t refused = 0;
  storage::LoadReport report = journal_->load([&](Mutation&& m) {
    if (!session_->replay(m, now)) ++refused;
  }, base_segment);
  load_ms_ = platform::monotonic_ms() - t0;
  loaded_records_ = report.records;
  since_base_ = report.records;
  if (report.skipped || report.dropped_bytes || refused) {
    notice_ = ui::tr("loaded.warning");
    for (const auto& w : report.warnings) std::fprintf(stderr, "journal: %s\n", w.c_str());
  }
  // Every mutation issued from now on goes to the journal, then to IndexedDB (right after the frame).
  session_->set_sink([this](const Mutation& m) { journal_and_persist(m); });
  if (report.records == 0 && !have_base && platform::owns_store()) seed_demo(*session_, now);
  purge_expired(now);
  // The user of the last session, if he still exists; else the first administrator.
  if (!ws_.schema().user(session_->user_id()) || !ws_.schema().user(session_->user_id())->active) {
    for (const auto& u : ws_.schema().users)
      if (u.admin && u.active) {
        session_->set_user(u.id);
        break;
      }
  }
}

void App::start_connected(const Connection& c, std::int64_t now) {
  connection_ = c;
  snapshots_ = std::make_unique<storage::SnapshotStore>(c.dir + "/snap");
  json meta;
  if (Status s = snapshots_->load(&ws_, &meta); !s) {
    // A damaged copy of server data is simply fetched again; the pending journal is what cannot be.
    notice_ = ui::tr("loaded.warning");
    std::fprintf(stderr, "snapshot: %s\n", s.message.c_str());
    ws_ = Workspace();
    meta = json::object();
  }
  replica_ = std::make_unique<sync::Replica>(ws_);
  const std::string client = "c" + platform::random_id(10);
  session_ = std::make_unique<Session>(ws_, client, c.user);
  journal_ = std::make_unique<storage::Journal>(c.dir + "/journal");
  std::map<std::string, std::uint64_t> acked;
  std::string cursor;
  std::size_t since_base = 0;
  try {
    for (const auto& [k, v] : meta.value("acked", json::object()).get<std::map<std::string, json>>())
      acked[k] = v.get<std::uint64_t>();
    cursor = meta.value("cursor", "");
    since_base = meta.value("sinceBase", std::size_t{0});
    // A copy from before item numbers: only the server knows them, so the next pull is a fresh snapshot.
    if (ws_.has_unnumbered()) cursor.clear();
  } catch (const json::exception&) {
    // Damaged bookkeeping: the server's data is pulled from the start, and the pending changes it has
    // already applied are recognised by their sequence numbers.
    acked.clear();
    cursor.clear();
  }
  // Pending mutations: journal records the server has not acknowledged, applied on the confirmed state.
  // One that no longer applies here stays pending all the same: the server must see every sequence number
  // (a hole would stop the queue), and it decides.
  journal_->load([&](Mutation&& m) {
    auto it = acked.find(m.client);
    if (it != acked.end() && m.seq <= it->second) return;
    replica_->before_local(m.cmd);
    session_->replay(m, now);
    replica_->restore_pending({m});
  });
  session_->set_before_apply([this](const Command& cmd) { replica_->before_local(cmd); });
  session_->set_sink([this](const Mutation& m) {
    replica_->add_pending(m);
    journal_and_persist(m);
    if (sync_) sync_->local_change();
  });

  transport_ = std::make_unique<platform::FetchTransport>(c.server);
  sync_ = std::make_unique<sync::SyncClient>(*replica_, *transport_, c.token);
  sync_->set_cursor(cursor);
  snap_since_base_ = since_base;
  sync_->set_acknowledged(acked);
  sync_->on_dropped = [this](const Mutation& m, const Status& s) { on_refused(m, s); };
  load_refused();
  sync_->on_progress = [this]() {
    if (save_confirmed_in_ == 0) save_confirmed_in_ = 2;
    ui::request_animation();
  };
  first_sync_done_ = !sync_->cursor().empty();
}

// Writes what changed in the confirmed state, the cursor and the acknowledgements; drops the journal once
// the server has everything in it.
void App::save_confirmed() {
  if (!snapshots_ || !replica_ || !platform::owns_store()) return;
  sync::Replica::Changes ch = replica_->take_changes();
  auto item_of = [this](const std::string& id) -> json {
    const std::vector<TimelineEntry>* tl = nullptr;
    const Item* it = replica_->confirmed_item(id, &tl);
    return it ? item_json(replica_->confirmed_schema(), *it, *tl, nullptr) : json(nullptr);
  };
  // Item writes the shards will hold after this save. Once they are a good part of the workspace, and the
  // workspace is exactly the confirmed state, the store starts over from it as a new base (binary, no shards).
  const bool binary_snapshot = ch.all && !ch.base_blocks.empty();
  std::size_t since = binary_snapshot ? ch.items.size() : ch.all ? ws_.item_count() : snap_since_base_ + ch.items.size();
  const bool rebase = !binary_snapshot && replica_->confirmed_is_current() &&
                      (ch.all || storage::SnapshotStore::rebase_due(since, ws_.item_count()));
  if (rebase) since = 0;
  json meta{{"cursor", sync_->cursor()}, {"acked", sync_->acknowledged()}, {"sinceBase", since}};
  Status s = Status::Ok();
  if (rebase) {
    s = snapshots_->rebase(ws_, schema_json(replica_->confirmed_schema(), nullptr), meta);
    if (s) ++snap_rebases_;
  } else if (binary_snapshot) {
    // A snapshot that came binary: its item blocks become the store's base file as they are (no JSON for
    // 100k items, no re-encoding); items that changed after it go to the shards.
    json schema = schema_json(replica_->confirmed_schema(), nullptr);
    s = snapshots_->save_base(ch.base_header, ch.base_blocks, schema, meta);
    std::string().swap(ch.base_blocks);
    if (s && !ch.items.empty()) s = snapshots_->save(nullptr, ch.items, item_of, meta);
  } else if (ch.all) {
    // A snapshot replaced everything while edits are pending on it: start the store over and write it shard
    // by shard (save() holds one shard's JSON at a time; a vector of every item's JSON for save_all() was
    // several times the workspace's size, over 1 GB at 100k deals). Without its files a reload simply
    // pulls a new snapshot.
    std::vector<std::string> ids;
    for (const auto& et : ws_.schema().entities)
      for (const auto& id : ws_.item_ids(et.id)) ids.push_back(id);
    json schema = schema_json(replica_->confirmed_schema(), nullptr);
    s = snapshots_->clear();
    if (s) s = snapshots_->save(&schema, ids, item_of, meta);
  } else if (!ch.items.empty() || ch.schema) {
    json schema = schema_json(replica_->confirmed_schema(), nullptr);
    s = snapshots_->save(ch.schema ? &schema : nullptr, ch.items, item_of, meta);
  } else {
    s = snapshots_->save_meta(meta);
  }
  if (s) snap_since_base_ = since;
  if (!s) std::fprintf(stderr, "snapshot: %s\n", s.message.c_str());
  if (replica_->pending().empty() && journal_->segment_count() > 0) journal_->clear();
  if (!first_sync_done_ && !sync_->cursor().empty() && !replica_->in_snapshot()) {
    first_sync_done_ = true;
    if (connection_ && connection_->upload) announce_upload();
    purge_expired(platform::now_ms());
  }
  persist();
}

void App::dispatch(Command cmd, std::int64_t now) {
  if (!platform::owns_store()) return;  // another tab owns the data; this one only shows a notice
  if (Status s = session_->dispatch(std::move(cmd), now); !s) ui::toast(ui::error_text(s.code), true);
}

// Items in the recycle bin for longer than 30 days go for good.
void App::purge_expired(std::int64_t now) {
  if (!platform::owns_store()) return;
  std::vector<std::string> expired;
  for (const auto& et : ws_.schema().entities)
    for (const auto& id : ws_.item_ids(et.id))
      if (const Item* it = ws_.item(id); it && it->deleted && now - it->deleted_ms >= kRecycleBinDays * 86400000LL)
        expired.push_back(id);
  for (const auto& id : expired) session_->dispatch(PurgeItem{id}, now, false);
}

bool App::wants_tick() const { return sync_ && !sync_->busy(); }

void App::sync_now() {
  if (sync_) sync_->pull_now();
}

ui::ConnectionInfo App::connection_info() const {
  ui::ConnectionInfo info;
  if (!connection_ || !sync_) return info;
  info.connected = true;
  info.server = connection_->server;
  info.login = connection_->login;
  sync::SyncStatus st = sync_->status();
  using K = sync::SyncStatus::Kind;
  using S = ui::ConnectionInfo::Sync;
  info.sync = st.kind == K::Synced ? S::Synced : st.kind == K::Syncing ? S::Syncing : st.kind == K::Pending ? S::Pending
              : st.kind == K::Offline ? S::Offline : st.kind == K::Unauthorized ? S::Unauthorized : S::Error;
  info.pending = st.pending;
  info.reason = st.reason;
  info.logins = logins_;
  info.account_error = account_error_;
  info.account_saved = account_saved_;
  return info;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Connecting, uploading, leaving
// ---------------------------------------------------------------------------------------------------------

void App::begin_login(const ui::UiOutput::Login& req) {
  std::string server = req.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  if (!server.empty() && server.rfind("http://", 0) != 0 && server.rfind("https://", 0) != 0) server = "https://" + server;
  login_ = ui::LoginState{};
  login_.busy = true;
  login_result_.reset();
  login_transport_ = std::make_unique<platform::FetchTransport>(server);
  json body{{"login", req.login}, {"password", req.password}};
  const std::string login = req.login;
  login_transport_->send("POST", "/api/login", body.dump(), "", [this, server, login](sync::HttpResponse r) {
    login_.busy = false;
    // The answer is read defensively: a member of another type counts as absent.
    const json j = json::parse(r.body, nullptr, false);
    auto member = [](const json& o, const char* key) -> const json* {
      return o.is_object() && o.contains(key) ? &o[key] : nullptr;
    };
    auto text = [&](const json& o, const char* key, const std::string& otherwise = {}) {
      const json* v = member(o, key);
      return v && v->is_string() ? v->get<std::string>() : otherwise;
    };
    const json* user = member(j, "user");
    const std::string id = user ? text(*user, "id") : std::string();
    const std::string token = text(j, "token");
    if (r.status == 200 && !id.empty() && !token.empty()) {
      login_.ok = true;
      login_.user_name = text(*user, "name", login);
      const json* admin = member(*user, "admin");
      login_.admin = admin && admin->is_boolean() && admin->get<bool>();
      login_.local_has_data = ws_.item_count() > 0;
      login_result_ = Connection{server, login, id, token, user_dir(server, id), false};
    } else if (r.status == 401) {
      login_.error = ui::tr("connect.bad_credentials");
    } else if (r.status == 429) {
      const json* wait = member(j, "retryAfter");
      const long long s = wait && wait->is_number_integer() ? std::clamp<long long>(wait->get<long long>(), 1, 86400) : 60;
      login_.error = fill_placeholders(ui::tr("connect.too_many_attempts"), {std::to_string(s)});
    } else if (r.status == 503) {
      login_.error = ui::tr("connect.busy_server");
    } else if (r.status == 0) {
      login_.error = ui::tr("connect.offline");
    } else {
      const std::string code = text(j, "error", "HTTP " + std::to_string(r.status));
      login_.error = std::string(ui::tr("connect.failed")) + " (" + code.substr(0, 64) + ")";
    }
  });
}

// After a login: "Использовать данные сервера" switches to the server's data at once; "Отправить мои данные"
// first brings the local workspace to the server (start_upload) and switches once the server holds it.
void App::finish_connect(bool upload) {
  if (!login_result_) return;
  if (upload)
    start_upload();
  else
    switch_to_server(false);
}

// The connection is written and the page reloads into connected mode, which pulls the server's workspace.
// The local workspace itself stays untouched in /data/local.
void App::switch_to_server(bool uploaded) {
  Connection c = *login_result_;
  c.upload = uploaded;
  storage::make_dirs(c.dir);
  write_connection(c);
  platform::reload_after_persist();
}

// The local workspace goes to the server whole, as its backup (sync/upload.hpp): configuration, users,
// items with their timelines, to-dos, products, documents and links. The server answers with a dry run;
// into an empty server it is applied at once, into one with data the user reviews it first.
void App::start_upload() {
  login_.upload = ui::LoginState::Upload{};
  upload_.reset();
  if (!login_.admin) {
    login_.upload.phase = ui::LoginState::Upload::Phase::Failed;
    login_.upload.error = ui::tr("upload.needs_admin");
    return;
  }
  const std::string me = session_->user_id();
  const User* u = ws_.schema().user(me);
  upload_ = std::make_unique<sync::WorkspaceUpload>(
      *login_transport_, login_result_->token, io::make_backup(ws_, u ? u->name : me, platform::now_ms()), me);
  upload_applied_ = false;
  upload_->start();
  track_upload();
}

namespace {

std::string upload_error_text(const std::string& code, const std::string& message) {
  const char* key = code == "offline"                 ? "connect.offline"
                    : code == "forbidden"             ? "upload.needs_admin"
                    : code == "plan_changed"          ? "upload.plan_changed"
                    : code == "outcome_unknown"       ? "upload.outcome_unknown"
                    : code == "too_large"             ? "upload.too_large"
                    : code.rfind("backup_", 0) == 0   ? "upload.bad_backup"
                                                      : nullptr;
  std::string text = key ? ui::tr(key) : ui::tr("upload.failed");
  if (!message.empty() && code != "offline") text += " (" + message + ")";
  return text;
}

}  // namespace

// Mirrors the upload's progress into the connect dialog's state, applies a dry run into an empty server, and
// switches to the server's data once the restore is applied.
void App::track_upload() {
  if (!upload_) return;
  using P = sync::WorkspaceUpload::Phase;
  using U = ui::LoginState::Upload::Phase;
  ui::LoginState::Upload& v = login_.upload;
  const P p = upload_->phase();
  const U was = v.phase;
  v.progress = upload_->progress();
  switch (p) {
    case P::Sending: v.phase = U::Sending; break;
    case P::Checking: v.phase = U::Checking; break;
    case P::Review: v.phase = U::Review; break;
    case P::Applying: v.phase = U::Applying; break;
    case P::Done: v.phase = U::Done; break;
    case P::Failed: v.phase = U::Failed; break;
    case P::Cancelled: v.phase = U::None; break;
  }
  if (v.phase == U::Review && was != U::Review) {
    v.report = std::make_shared<const nlohmann::json>(upload_->report());
    v.users = upload_->users();
    // Nothing on the server to merge with: the dry run has nothing to ask.
    if (v.report->value("empty", false) && !upload_applied_) {
      upload_applied_ = true;
      upload_->apply();
      v.phase = U::Applying;
    }
  }
  if (v.phase == U::Failed && was != U::Failed)
    v.error = upload_error_text(upload_->error_code(), upload_->error_message());
  if (v.phase == U::Done) {
    upload_.reset();
    switch_to_server(true);
  }
}

// Who can log in to the server (the administrator's user settings), asked for once per page.
void App::load_logins() {
  if (!connection_ || !transport_ || logins_loading_ || logins_) return;
  logins_loading_ = true;
  transport_->send("GET", "/api/accounts", "", connection_->token, [this](sync::HttpResponse r) {
    logins_loading_ = false;
    const json j = json::parse(r.body, nullptr, false);
    auto map = std::make_shared<std::map<std::string, std::string>>();
    if (r.status == 200 && j.is_object() && j.contains("accounts") && j["accounts"].is_array())
      for (const auto& a : j["accounts"])
        if (a.is_object() && a.contains("user") && a["user"].is_string() && a.contains("login") && a["login"].is_string())
          (*map)[a["user"].get<std::string>()] = a["login"].get<std::string>();
    logins_ = std::move(map);  // also after a failure: an empty list, not a request every frame
  });
}

// Gives a workspace user a login and password on the server; the answer's reason shows in the user form.
void App::give_login(const ui::UiOutput::Account& a) {
  if (!connection_ || !transport_) return;
  account_error_.clear();
  account_saved_.clear();
  const json body{{"user", a.user}, {"login", a.login}, {"password", a.password}};
  transport_->send("POST", "/api/accounts", body.dump(), connection_->token, [this, a](sync::HttpResponse r) {
    const json j = json::parse(r.body, nullptr, false);
    if (r.status == 200) {
      auto map = std::make_shared<std::map<std::string, std::string>>(logins_ ? *logins_ : std::map<std::string, std::string>{});
      (*map)[a.user] = a.login;
      logins_ = std::move(map);
      account_saved_ = a.user;
      return;
    }
    const std::string code = j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
    const std::string key = "account." + code;
    const char* text = code.empty() ? nullptr : ui::tr(key.c_str());
    account_error_ = text && key != text ? text
                     : r.status == 0     ? ui::tr("connect.offline")
                                         : std::string(ui::tr("connect.failed")) + " (" + (code.empty() ? "HTTP " + std::to_string(r.status) : code) + ")";
  });
}

// After the first sync of an uploaded workspace: say that it arrived.
void App::announce_upload() {
  connection_->upload = false;
  write_connection(connection_);
  char buf[160];
  std::snprintf(buf, sizeof buf, ui::tr("connect.uploaded"), static_cast<int>(ws_.item_count()));
  ui::toast(buf, false);
}

// Puts a backup in place of the local workspace: its content becomes the base the (emptied) journal starts
// from, and the page reloads into it. The backup was checked in the dry run; it is read again here so that
// nothing changes when it does not read.
void App::restore_backup(const std::string& text) {
  if (connection_ || !platform::owns_store()) return;
  Workspace w;
  io::RestoreReport report;
  if (Status s = io::read_backup(text, platform::now_ms(), &w, &report); !s) {
    ui::toast(s.message, true);
    return;
  }
  if (!write_base(w)) {
    ui::toast(ui::error_text("storage_failed"), true);
    return;
  }
  journal_->clear();
  platform::reload_after_persist();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Refused changes
// ---------------------------------------------------------------------------------------------------------

namespace {
const char* kRefusedFile = "refused.json";  // in the user's folder, beside the journal of pending changes
}  // namespace

void App::load_refused() {
  std::string text;
  if (!connection_ || !storage::read_file(connection_->dir + "/" + kRefusedFile, &text)) return;
  std::size_t skipped = 0;
  if (Status s = refused_.load(text, &skipped); !s || skipped)
    std::fprintf(stderr, "refused: %s (%zu entries skipped)\n", s ? "partly read" : s.message.c_str(), skipped);
}

void App::save_refused() {
  if (!connection_ || !platform::owns_store()) return;
  const std::string path = connection_->dir + "/" + kRefusedFile;
  if (refused_.empty()) std::remove(path.c_str());
  else if (!storage::write_file_atomic(path, refused_.to_json())) std::fprintf(stderr, "refused: cannot write %s\n", path.c_str());
  persist();
}

// The server refused a pending change (the replica has dropped it and shows the server's state again): it is
// kept for the user, with what the server's copy holds now, and he is told where to find it.
void App::on_refused(const Mutation& m, const Status& why) {
  std::fprintf(stderr, "sync: refused %s:%llu: %s %s\n", m.client.c_str(), static_cast<unsigned long long>(m.seq),
               why.code.c_str(), why.message.c_str());
  refused_.add(RefusedChange{m, why.code, why.message, platform::now_ms(), current_values(ws_, m.cmd)});
  save_refused();
  char link[160];
  std::snprintf(link, sizeof link, ui::tr("refused.badge"), static_cast<int>(refused_.size()));
  ui::toast_action(std::string(ui::tr("sync.dropped")) + ": " + ui::refusal_reason(why.code, why.message), true,
                   link, "refused");
}

// The same change again, as a new one (a new sequence number): it leaves the list once it applies here; if the
// server refuses it again, it comes back with the new reason.
void App::reapply_refused(const std::string& id, std::int64_t now) {
  if (!platform::owns_store()) return;
  const RefusedChange* c = refused_.find(id);
  if (!c) return;
  Command cmd = c->mutation.cmd;
  if (Status s = session_->dispatch(std::move(cmd), now); !s) {
    ui::toast(std::string(ui::tr("refused.not_applied")) + ": " + ui::error_text(s.code), true);
    return;
  }
  refused_.remove(id);
  save_refused();
  ui::toast(ui::tr("refused.reapplied"), false);
}

void App::discard_refused(const std::string& id) {
  if (!platform::owns_store() || !refused_.remove(id)) return;
  save_refused();
  ui::toast(ui::tr("refused.discarded"), false);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The page goes away with an editor open
// ---------------------------------------------------------------------------------------------------------

bool App::commit_open_editor() {
  if (!session_ || !edit_.open()) return true;
  ui::UiOutput out;
  const bool ok = ui::commit_editor(ws_, edit_, session_->user_id(), out);
  const std::int64_t now = platform::now_ms();
  for (auto& cmd : out.commands) dispatch(std::move(cmd), now);
  return ok;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Drafts: text typed and not saved, kept while the page is in the background
// ---------------------------------------------------------------------------------------------------------

namespace {
const char* kDraftsFile = "drafts.json";
constexpr size_t kMaxDraftsBytes = 1 << 20;  // a file larger than this is not the app's: it is ignored

// Only text is kept: a choice or a file is saved the moment it is picked.
bool text_editor(const ui::EditState& e) { return e.open() && (!e.buffer.empty() || !e.rows.empty()); }
}  // namespace

std::string App::drafts_path() const {
  return (connection_ ? connection_->dir : platform::data_dir()) + "/" + kDraftsFile;
}

void App::save_drafts() {
  if (!session_ || !platform::owns_store()) return;
  json j = json::object();
  for (auto& [item, text] : ui::comment_drafts()) j["comments"][item] = text;
  if (json forms = ui::form_drafts(); !forms.empty()) j["forms"] = std::move(forms);
  if (json create = ui::create_draft(ws_); !create.is_null()) j["create"] = std::move(create);
  if (text_editor(edit_))
    j["editor"] = {{"item", edit_.item}, {"field", edit_.field}, {"origin", edit_.origin},
                   {"buffer", edit_.buffer}, {"rows", edit_.rows}, {"currency", edit_.currency}};
  const std::string path = drafts_path();
  struct stat st {};
  if (j.empty()) {
    if (::stat(path.c_str(), &st) != 0 || std::remove(path.c_str()) != 0) return;
  } else if (!storage::write_file_atomic(path, j.dump())) {
    std::fprintf(stderr, "drafts: cannot write %s\n", path.c_str());
    return;
  }
  persist();
}

// The drafts of the last page, taken back once by the tab that owns the store: the file is removed (what is
// typed from now on is written again when the page is next hidden). Items gone since, fields no longer
// there or not editable as text, and a damaged file are skipped.
void App::load_drafts() {
  if (!session_ || !platform::owns_store()) return;  // a second tab: the drafts are the first one's
  const std::string path = drafts_path();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  std::string text;
  const bool read = st.st_size <= static_cast<off_t>(kMaxDraftsBytes) && storage::read_file(path, &text);
  std::remove(path.c_str());  // written with the next change (no write of its own at the start)
  if (!read) return;
  const json j = parse_json_bounded(text);
  if (!j.is_object()) return;
  if (auto c = j.find("comments"); c != j.end() && c->is_object()) {
    for (auto& [item, t] : c->items())
      if (t.is_string() && ws_.item(item)) ui::set_comment_draft(item, t.get<std::string>());
  }
  if (auto f = j.find("forms"); f != j.end()) ui::set_form_drafts(ws_, *f);
  if (auto c = j.find("create"); c != j.end()) ui::set_create_draft(ws_, view_, session_->user_id(), *c);
  if (auto e = j.find("editor"); e != j.end() && e->is_object() && !edit_.open()) {
    const Item* it = ws_.item(json_text(*e, "item"));
    const FieldDef* def = it ? ws_.schema().field(it->entity, json_text(*e, "field")) : nullptr;
    // Only on its card (the page comes back at the address it had): elsewhere it would wait unseen.
    if (!def || it->deleted || def->type == FieldType::File || ui::is_choice_type(def->type) ||
        view_.screen != ui::Screen::Card || view_.item != it->id)
      return;
    ui::EditState d;
    d.item = it->id;
    d.field = def->id;
    d.origin = json_text(*e, "origin");
    d.buffer = json_text(*e, "buffer");
    d.currency = json_text(*e, "currency");
    if (auto r = e->find("rows"); r != e->end() && r->is_array())
      for (const auto& row : *r)
        if (row.is_string()) d.rows.push_back(row.get<std::string>());
    d.focus_pending = true;
    if (text_editor(d)) edit_ = std::move(d);
  }
}

void App::logout() {
  if (!connection_) return;
  if (transport_) transport_->send("POST", "/api/logout", "{}", connection_->token, [](sync::HttpResponse) {});
  if (sync_) sync_->stop();
  storage::remove_tree(connection_->dir);
  write_connection(std::nullopt);
  platform::reload_after_persist();
}

void App::frame() {
  // After the first frames are on screen: compaction costs a moment once, never the first paint (and in a
  // pause of the person's input, see kCompactQuietMs).
  if (++frames_ > 2) {
    compact_if_due();
    warm_search_when_idle();
  }
  ui::phase::mark("app_idle_work");
  // A pull's news is drawn in the first frame after it; its save waits for the next (see the header).
  if (save_confirmed_in_ > 0 && --save_confirmed_in_ == 0) save_confirmed();
  if (save_confirmed_in_ > 0) ui::request_animation();
  ui::UiEnv env;
  env.user = session_->user_id();
  env.tz_minutes = platform::tz_offset_minutes();
  env.now_ms = platform::now_ms();
  env.can_undo = session_->can_undo();
  env.can_redo = session_->can_redo();
  if (!platform::storage_available()) {
    env.save = ui::SaveState::MemoryOnly;
    env.storage_error = platform::storage_error();
  } else if (persist_failed_) {
    env.save = ui::SaveState::Error;
    env.storage_error = platform::storage_error();
  } else {
    env.save = unsaved() > 0 ? ui::SaveState::Saving : ui::SaveState::Saved;
  }
  env.notice = notice_;
  env.new_id = [this](const std::string& prefix) { return session_->new_id(prefix); };
  env.connection = connection_info();
  track_upload();
  env.login = login_;
  env.other_tab = !platform::owns_store();
  env.refused = connection_ ? &refused_ : nullptr;

  const std::int64_t now = platform::now_ms();
  if (sync_ && platform::owns_store()) {
    sync_->tick(now);
    // The page draws only on demand: wake up for the next retry, poke or periodic pull.
    const std::int64_t due = sync_->next_due_ms(now);
    if (due >= 0 && due != sync_wake_ms_)
      ui::request_redraw_at(ImGui::GetTime() + static_cast<double>(due - now) / 1000.0 + 0.005);
    sync_wake_ms_ = due;
  }

  ui::UiOutput out;
  ui::phase::mark("app_env_sync");
  ui::draw_app(ws_, env, view_, edit_, out);

  for (auto& cmd : out.commands) dispatch(std::move(cmd), now);
  ui::phase::mark("app_dispatch");
  if (out.undo) {
    if (Status s = session_->undo(now); !s) ui::toast(ui::error_text(s.code), true);
    edit_.close();
  }
  if (out.redo) {
    if (Status s = session_->redo(now); !s) ui::toast(ui::error_text(s.code), true);
    edit_.close();
  }
  if (out.language) {
    ui::set_language(*out.language);
    save_prefs();
  }
  if (out.prefs_changed) save_prefs();
  if (out.switch_user && !connection_ && ws_.schema().user(*out.switch_user)) {
    session_->set_user(*out.switch_user);
    save_prefs();
  }
  if (out.pick_file) platform::pick_file(out.pick_file->first, out.pick_file->second);
  if (out.download) platform::download(out.download->name, out.download->mime, out.download->content);
  if (out.open_file) platform::open_stored_file(out.open_file->id, out.open_file->name, out.open_file->mime);
  if (out.open_url) platform::open_url(*out.open_url);
  if (out.share_link) platform::share_link(out.share_link->route, out.share_link->title, out.share_link->share);
  if (out.haptic) platform::haptic();
  if (out.login) begin_login(*out.login);
  if (out.cancel_login) {
    if (upload_) upload_->cancel();
    upload_.reset();
    login_ = ui::LoginState{};
    login_result_.reset();
  }
  if (upload_ && out.upload_apply) upload_->apply();
  if (upload_ && out.upload_users) upload_->set_users(std::move(*out.upload_users));
  if (out.upload_retry && login_result_) start_upload();
  if (out.connect_upload) finish_connect(*out.connect_upload);
  if (out.logout) logout();
  if (out.restore_backup) restore_backup(*out.restore_backup);
  if (out.take_over_tab) platform::take_over_store();
  if (out.retry_sync && sync_) sync_->pull_now();
  if (out.load_logins) load_logins();
  if (out.set_account) give_login(*out.set_account);
  if (out.refused_reapply) reapply_refused(*out.refused_reapply, now);
  if (out.refused_discard) discard_refused(*out.refused_discard);
  // The open card's route follows its number too (a pending creation's changes when the server numbers it).
  if (!(view_ == last_view_) || out.navigated || (view_.screen == ui::Screen::Card && ui::route_of(view_, &ws_) != last_route_))
    sync_route(out.navigated);
  // What this frame changed goes to the server now rather than with the next frame's tick.
  if (sync_ && platform::owns_store()) sync_->tick(now);
  refresh_title();
  ui::phase::mark("app_after");
}

void App::sync_route(bool push) {
  const std::string hash = ui::route_of(view_, &ws_);
  if (push) platform::push_route(hash);
  else platform::replace_route(hash);
  last_route_ = hash;
  last_view_ = view_;
  refresh_title();
}

// The page's title names what is shown, so it follows a rename of the open item and the language too.
void App::refresh_title() {
  std::string title = ui::tr("app.name");
  if (view_.screen == ui::Screen::Card) {
    if (const Item* it = ws_.item(view_.item)) title = ws_.display_name(*it) + " — " + title;
  } else if (view_.screen == ui::Screen::Settings) {
    title = std::string(ui::tr("settings.title")) + " — " + title;
  } else if (const EntityType* et = ws_.schema().entity(view_.entity)) {
    title = et->plural.get(ui::language()) + " — " + title;
  }
  if (title != last_title_) platform::set_document_title(last_title_ = title);
}

void App::on_route_changed() {
  ui::ViewState v = view_;
  if (!ui::parse_route(platform::current_route(), &v, &ws_)) return;
  if (v == view_) return;
  // What was typed into a card's field is kept, as when the page goes away; a value the field refuses keeps
  // the card on the screen, the editor open with its error, and its address back in the bar.
  if (!commit_open_editor()) {
    sync_route(true);
    return;
  }
  view_ = v;
  edit_.close();
  ui::focus_leave_screen();
  sync_route(false);
}

void App::on_persisted(std::uint64_t mark, bool ok) {
  if (ok) {
    if (mark > durable_) durable_ = mark;
    persist_failed_ = false;
  } else {
    persist_failed_ = platform::storage_available();
  }
}

// Preferences of this browser (the UI language, the user of the local workspace): view state, so a small
// file beside the journal.
void App::load_prefs() {
  Lang lang = platform::preferred_language() == "en" ? Lang::En : Lang::Ru;
  std::ifstream f(platform::data_dir() + "/prefs.json");
  if (f) {
    try {
      json j = json::parse(f);
      if (j.value("lang", "") == "en") lang = Lang::En;
      if (j.value("lang", "") == "ru") lang = Lang::Ru;
      user_ = j.value("user", user_);
      if (j.contains("lists")) ui::load_list_prefs(j["lists"]);
    } catch (const std::exception&) {
      // A damaged preferences file only costs the language and user choice.
    }
  }
  ui::set_language(lang);
}

void App::save_prefs() {
  std::ofstream f(platform::data_dir() + "/prefs.json", std::ios::trunc);
  f << json{{"lang", ui::language() == Lang::En ? "en" : "ru"},
            {"user", session_ ? session_->user_id() : user_},
            {"lists", ui::list_prefs_json()}}
           .dump();
  f.close();
  platform::persist_soon(appended_);
}

std::string App::debug_json() const {
  json j;
  j["screen"] = view_.screen == ui::Screen::Card ? "card" : view_.screen == ui::Screen::Settings ? "settings" : "list";
  j["entity"] = view_.entity;
  j["item"] = view_.item;
  j["lang"] = ui::language() == Lang::En ? "en" : "ru";
  j["user"] = session_ ? session_->user_id() : "";
  j["journal"] = {{"appended", appended_},
                  {"durable", durable_},
                  {"loaded", loaded_records_},
                  {"load_ms", load_ms_},
                  {"compactions", compactions_},
                  {"compact_ms", compact_ms_},
                  {"segments", journal_ ? journal_->segment_count() : 0}};
  j["search_warm_ms"] = warm_ms_;  // -1 until the idle warm-up of the quick search is done
  j["storage"] = {{"available", platform::storage_available()}, {"error", platform::storage_error()},
                  {"owner", platform::owns_store()}};
  if (connection_ && sync_) {
    sync::SyncStatus st = sync_->status();
    const char* kinds[] = {"synced", "syncing", "pending", "offline", "error", "unauthorized"};
    j["sync"] = {{"connected", true}, {"server", connection_->server}, {"login", connection_->login},
                 {"status", kinds[static_cast<int>(st.kind)]}, {"pending", st.pending}, {"reason", st.reason},
                 {"cursor", !sync_->cursor().empty()}};
    j["sync"]["save_pending"] = save_confirmed_in_ > 0;
    j["sync"]["refused"] = refused_.size();
    const auto& ps = sync_->pull_stats();
    j["sync"]["pulls"] = {{"pages", ps.pages}, {"bytes", ps.bytes}, {"parse_ms", ps.parse_ms},
                          {"apply_ms", ps.apply_ms}, {"save_ms", ps.save_ms}};
    j["sync"]["store"] = {{"since_base", snap_since_base_}, {"rebases", snap_rebases_},
                          {"has_base", snapshots_ && snapshots_->has_base()}};
  } else {
    j["sync"] = {{"connected", false}};
  }
  j["deals"] = ws_.item_ids("deal").size();
  j["items"] = ws_.item_count();
  j["malloc_in_use"] = mallinfo().uordblks;  // bytes of the WebAssembly heap now allocated (bench heap100k)
  j["can_undo"] = session_ && session_->can_undo();
  j["can_redo"] = session_ && session_->can_redo();
  j["editing"] = edit_.open() ? json{{"item", edit_.item}, {"field", edit_.field}, {"error", edit_.error}}
                              : json(nullptr);
  if (const Item* it = view_.screen == ui::Screen::Card ? ws_.item(view_.item) : nullptr) {
    json card;
    card["id"] = it->id;
    card["entity"] = it->entity;
    card["title"] = ws_.display_name(*it);
    // What this user may see of the item: fields he may not see are absent, as on the server.
    const std::string& user = session_->user_id();
    json fields = json::object();
    for (const auto& [fid, cell] : it->fields) {
      const FieldDef* def = ws_.schema().field(it->entity, fid);
      if (!def || !can_see_field(ws_.schema(), user, *def)) continue;
      fields[fid] = {{"value", cell.value}, {"text", format_value(ws_, *def, cell.value, ui::language())}};
    }
    card["fields"] = std::move(fields);
    card["can_edit"] = can_act(ws_.schema(), user, *it, Action::Edit);
    card["pipeline"] = it->pipeline;
    const std::string family = layout_family(ws_.schema(), *it);
    ResolvedLayout resolved = resolve_layout(ws_.schema(), user, family);
    card["family"] = family;
    card["scope"] = resolved.scope;
    json sections = json::array();
    for (const auto& sec : resolved.layout->sections) {
      json els = json::array();
      for (const auto& e : sec.elements) els.push_back(e.field);
      sections.push_back({{"id", sec.id}, {"title", sec.title.get(ui::language())}, {"fields", els}});
    }
    card["sections"] = std::move(sections);
    json tabs = json::array();
    for (const auto& t : tabs_of(*resolved.layout, it->entity)) tabs.push_back({{"id", t.id}, {"hidden", t.hidden}});
    card["tabs"] = std::move(tabs);
    card["tab"] = view_.tab;
    card["entity"] = it->entity;
    json todos = json::array();
    for (const auto& a : it->activities)
      todos.push_back({{"id", a.id}, {"subject", a.subject}, {"deadline", a.deadline_ms}, {"completed", a.completed},
                       {"responsible", a.responsible}, {"reminders", a.reminders}, {"location", a.location}});
    card["todos"] = std::move(todos);
    card["products"] = it->products.size();
    json docs = json::array();
    for (const auto& d : it->documents) docs.push_back({{"id", d.id}, {"number", d.number}, {"title", d.title}});
    card["documents"] = std::move(docs);
    json tl = json::array();
    for (const TimelineEntry* ep : ui::visible_timeline(ws_, *it, user)) {
      const TimelineEntry& e = *ep;
      tl.push_back({{"id", e.id},
                    {"kind", timeline_kind_name(e.kind)},
                    {"field", e.field},
                    {"old", e.old_value},
                    {"new", e.new_value},
                    {"author", e.author},
                    {"time", e.time_ms},
                    {"title", ui::timeline_title(ws_, *it, e)},
                    {"detail", ui::timeline_detail(ws_, *it, e)}});
    }
    card["timeline"] = std::move(tl);
    j["card"] = std::move(card);
  }
  return j.dump();
}

}  // namespace kt
