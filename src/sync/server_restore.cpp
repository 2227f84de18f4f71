// Restores on the sync server: a whole workspace (a backup restored into the server, issue 19) put in
// place in one log record. The record carries the new workspace in core/snapshot_binary's form, so that
// a start replays it exactly; it is appended before memory changes, so that a store that fails leaves the
// state as it was. See ServerState::restore in server_state.hpp.
#include <stdexcept>

#include "core/documents.hpp"
#include "core/rights.hpp"
#include "core/snapshot_binary.hpp"
#include "sync/server_state.hpp"

namespace kt::sync {

Response ServerState::restore(const std::string& admin, const RestoreBuild& build) {
  // The writer lock keeps every other write out from the build to the end (and with them any durability
  // window); pulls go on from the state before, which stays what they see until the record is logged.
  std::lock_guard writer(write_mu_);
  SharedWrite shared(*this);
  if (!shared.ok) return unavailable_now();
  Workspace ws;
  std::uint64_t ver = 0;
  {
    std::shared_lock lock(mu_);
    if (refusing()) return unavailable_now();
    if (!active_user(admin) || !kt::is_admin(ws_.schema(), admin))
      return error_response(403, "forbidden", "only administrators restore a workspace");
    Response r = build(ws_, version_, &ws);
    if (r.status != 200) return r;
    ver = version_ + 1;
  }
  const User* u = ws.schema().user(admin);
  if (!u || !u->active || !u->admin)
    return error_response(422, "restore_locks_out",
                          "the restored workspace would not keep " + admin + " an active administrator");
  ws.unpack_all();
  ws.confirm_unconfirmed(ver);

  // The marker of the record: a command no replay applies (an older server stops on it). The clock has
  // seen every clock of the new workspace first, so that the server's own later writes order after them.
  const std::int64_t now_ms = now();
  clock_.observe(max_clock(ws), now_ms);
  auto server = clients_.find(kServerClient);
  LogRecord rec;
  rec.mutation.client = kServerClient;
  rec.mutation.seq = (server == clients_.end() ? 0 : server->second.last) + 1;
  rec.mutation.time_ms = now_ms;
  rec.mutation.hlc = clock_.tick(now_ms);
  rec.mutation.author = admin;
  rec.mutation.cmd = CreateItem{"~restore", "~restore", "", {}};
  rec.ver = ver;
  rec.restore = std::make_shared<const std::string>(encode_workspace(ws, ver));
  const std::vector<LogRecord> records{rec};
  std::uint64_t pos = 0;
  try {
    pos = store_->append(records);
  } catch (const std::exception& e) {
    // Nothing is in memory yet: the state is still the one the log holds.
    return error_response(500, "storage_failed", std::string("the restore was not written: ") + e.what() +
                                                     "; nothing changed");
  }
  {
    std::unique_lock lock(mu_);
    note_appended(pos, records);
    try {
      apply_restore_locked(std::move(ws), ver, rec.mutation);
    } catch (...) {
      broken_ = true;  // the log holds the restore and memory does not: a restart replays it
      throw;
    }
    note_processed(records.back());
    publish();
  }
  request_checkpoint();
  return Response{200, nlohmann::json{{"version", ver}}};
}

void ServerState::fill_document_uses_locked() {
  const size_t n = ws_.fill_document_uses([this](const Item& item, const Document& d) {
    return document_uses_now(ws_, d.created_by, item.id, d);
  });
  if (n && opts_.log) opts_.log(std::to_string(n) + " older document(s) now say what they show");
}

void ServerState::apply_restore_locked(Workspace ws, std::uint64_t ver, const Mutation& marker) {
  ws.unpack_all();  // the server's readers are threads: nothing may decode lazily
  // A restore logged before item numbers holds items without them: numbered the same way on every replay.
  ws.number_unnumbered();
  ws_ = std::move(ws);
  fill_document_uses_locked();
  ws_.track_new_entries(true);
  ws_.take_new_entries();
  version_ = ver;
  // Every item is new at this version: the change index starts over (every cursor is of an older epoch,
  // so none walks the old one).
  meta_.clear();
  index_.clear();
  for (const auto& et : ws_.schema().entities)
    for (const auto& id : ws_.item_ids(et.id)) mark_changed(id, ver);
  schema_ver_ = ver;
  ++epoch_;
  const std::int64_t now_ms = now();
  clock_.observe(max_clock(ws_), now_ms);
  clock_.observe(marker.hlc, now_ms);
}

void ServerState::request_checkpoint() {
  if (opts_.checkpoint_every == 0) return;
  std::lock_guard l(cp_mu_);
  if (cp_stop_ || cp_wanted_) return;
  cp_wanted_ = true;
  if (!checkpointer_.joinable()) checkpointer_ = std::thread([this] { checkpoint_loop(); });
  cp_cv_.notify_all();
}

}  // namespace kt::sync
