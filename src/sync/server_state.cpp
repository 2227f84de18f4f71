// Index: [Helpers] [Start: replaying the log] [Applying] [Push] [Pull] [Poke and waiting]
//        [REST helpers] [Users and bootstrap] [Projection helpers]
#include "sync/server_state.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "core/documents.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"

namespace kt::sync {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

// Entries of the change index looked at per pull page at most (beyond the page size, unreadable
// items of a large change can make a page scan far); a page ends at the next version boundary after
// it.
constexpr std::size_t kScanCap = 50000;
constexpr std::size_t kBinaryPageFactor = 5;

Response unavailable() {
  return error_response(503, "unavailable", "the server's storage failed; it must be restarted");
}

// The protocol and schema versions of a request: nothing when they are supported, else the 426
// answer.
std::optional<Response> check_versions(const json& request) {
  const json* protocol = request.contains("protocol") ? &request["protocol"] : nullptr;
  if (!protocol || !protocol->is_number_integer() || protocol->get<std::int64_t>() != kProtocol) {
    Response r = error_response(426, "version_not_supported", "this server speaks sync protocol 1");
    r.body["minClient"] = kProtocol;
    r.body["protocol"] = kProtocol;
    r.body["schema"] = kSnapshotFormat;
    return r;
  }
  if (request.contains("schema")) {
    const json& s = request["schema"];
    if (!s.is_number_integer())
      return error_response(400, "malformed_json", "schema: expected a number");
    if (s.get<std::int64_t>() > kSnapshotFormat) {
      Response r = error_response(426, "version_not_supported",
                                  "the client's schema format is newer than this server's");
      r.body["minClient"] = kProtocol;
      r.body["protocol"] = kProtocol;
      r.body["schema"] = kSnapshotFormat;
      return r;
    }
  }
  return std::nullopt;
}

bool id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Replaces every whole-word occurrence of `word` in `text`.
void replace_word(std::string& text, const std::string& word, const std::string& with) {
  if (word.empty()) return;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at)) {
    const bool start_ok = at == 0 || !id_char(text[at - 1]);
    const bool end_ok = at + word.size() >= text.size() || !id_char(text[at + word.size()]);
    if (start_ok && end_ok) {
      text.replace(at, word.size(), with);
      at += with.size();
    } else {
      at += word.size();
    }
  }
}

// One mutation of a push, read from its JSON. An envelope that does not read makes the whole push a
// 400; a command that does not read is rejected on its own (so that it cannot block the client's
// queue).
struct Incoming {
  Mutation m;                 // m.hlc without its node, which is interned only when m is applied
  std::string node;           // the clock's node
  std::string command_error;  // non-empty: the command did not read
};

std::string read_mutation(const json& j, const std::string& user, Incoming* out) {
  if (!j.is_object()) return "is not an object";
  const json* c = j.contains("c") ? &j["c"] : nullptr;
  if (!c || !c->is_string() || c->get_ref<const std::string&>().empty())
    return "c: expected a client id";
  const std::string& client = c->get_ref<const std::string&>();
  if (client.size() > 200) return "c: the client id is too long";
  if (client[0] == '~') return "c: client ids starting with ~ are reserved";
  const json* s = j.contains("s") ? &j["s"] : nullptr;
  if (!s || !s->is_number_unsigned() || s->get<std::uint64_t>() == 0)
    return "s: expected a sequence number from 1";
  const json* h = j.contains("h") ? &j["h"] : nullptr;
  Hlc hlc;
  std::string_view node;
  if (!h || !h->is_string() ||
      !Hlc::split(h->get_ref<const std::string&>(), &hlc.wall, &hlc.counter, &node))
    return "h: expected a clock (its node at most " + std::to_string(kMaxNodeLength) + " bytes)";
  const json* t = j.contains("t") ? &j["t"] : nullptr;
  if (t && !t->is_number_integer()) return "t: expected a time in ms";
  const json* cmd = j.contains("cmd") ? &j["cmd"] : nullptr;
  if (!cmd || !cmd->is_object() || !cmd->contains("op") || !(*cmd)["op"].is_string())
    return "cmd: expected a command with an op";
  out->m.client = client;
  out->m.seq = s->get<std::uint64_t>();
  out->m.hlc = std::move(hlc);
  out->node = node;
  out->m.author = user;  // whatever the client wrote: the token decides who acts
  out->m.time_ms = t ? t->get<std::int64_t>() : 0;
  try {
    out->m.cmd = cmd->get<Command>();
  } catch (const std::exception& e) {
    out->command_error = std::string("the command does not read: ") + e.what();
  }
  return {};
}

// The field a command names as its subject, if any (a rejection may repeat it: the author wrote it).
std::string named_field(const Command& c) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, SetField> || std::is_same_v<T, DeleteField> ||
                      std::is_same_v<T, SetRequired>)
          return x.field;
        else if constexpr (std::is_same_v<T, PutField>)
          return x.def.id;
        else
          return {};
      },
      c);
}

json rejection_json(const std::string& client, std::uint64_t seq, const Status& s) {
  json r{{"client", client},
         {"seq", seq},
         {"status", "rejected"},
         {"code", s.code},
         {"message", s.message}};
  if (!s.field.empty()) r["field"] = s.field;
  if (!s.missing.empty()) r["missing"] = s.missing;
  return r;
}

}  // namespace

Response error_response(int status, std::string code, std::string message) {
  return Response{status, json{{"error", std::move(code)}, {"message", std::move(message)}}};
}

std::int64_t ServerState::now() const {
  if (opts_.now_ms) return opts_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Start: replaying the log
// ---------------------------------------------------------------------------------------------------------

ServerState::ServerState(std::unique_ptr<LogStore> store, std::string hmac_secret,
                         ServerOptions opts)
    : store_(std::move(store)), codec_(hmac_secret), opts_(std::move(opts)), shared_(store_->shared()) {
  if (opts_.max_limit == 0) opts_.max_limit = 1;
  ws_.track_new_entries(true);
  std::unique_lock lock(mu_);
  if (shared_ && opts_.load_in_background) {
    // The follower loads it, as it rebuilds memory after a write it could not confirm.
    broken_ = true;
    catching_up_.store(true);
    publish();
    follower_ = std::thread([this] { follow_loop(); });
    return;
  }
  load_state_locked();
  publish();
  if (shared_) follower_ = std::thread([this] { follow_loop(); });
}

bool ServerState::wait_ready(std::chrono::milliseconds timeout) const {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!healthy()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void ServerState::load_state_locked() {
  start_info_ = StartInfo{};
  // The checkpoint only saves time: whatever is wrong with it, the whole log is replayed instead.
  std::string why;
  try {
    if (std::optional<std::string> cp = store_->load_checkpoint()) {
      if (restore_checkpoint(*cp, &why)) {
        start_info_.checkpoint = log_pos_;
        replay(log_pos_);
      }
    }
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (!why.empty()) {
    start_info_ = StartInfo{};
    start_info_.fallback = why;
    reset_state();
    if (opts_.log) opts_.log("the checkpoint is not used (" + why + "): replaying the whole log");
  }
  if (start_info_.checkpoint == 0) replay(0);
  fill_document_uses_locked();
  checkpoint_pos_.store(start_info_.checkpoint);
}

void ServerState::replay(std::uint64_t after) {
  // From a checkpoint, the log must hold the checkpoint's last record where the checkpoint says:
  // else it belongs to another log (or this one lost records).
  bool checked = after == 0;
  store_->load(after == 0 ? 0 : after - 1, [&](LogRecord&& r) {
    if (!checked) {
      if (r.pos != after || r.mutation.client != log_last_client_ ||
          r.mutation.seq != log_last_seq_)
        throw std::runtime_error("it does not match the log at position " + std::to_string(after));
      checked = true;
      return;
    }
    apply_record(r);
    ++start_info_.replayed;
  });
  if (!checked)
    throw std::runtime_error("the log ends before its position " + std::to_string(after));
}

void ServerState::apply_record(LogRecord& r) {
    if (r.ver > 0) {
      if (r.ver != version_ + 1)
        throw std::runtime_error("the log is out of order: version " + std::to_string(r.ver) +
                                 " after " + std::to_string(version_));
    }
    if (r.restore) {
      Workspace ws;
      std::uint64_t tag = 0;
      if (Status s = decode_workspace(*r.restore, &ws, &tag); !s || tag != r.ver || r.ver == 0)
        throw std::runtime_error("the restore at version " + std::to_string(r.ver) + " does not read" +
                                 (s ? std::string() : ": " + s.message));
      apply_restore_locked(std::move(ws), r.ver, r.mutation);
    } else if (r.ver > 0) {
      // A document stored before documents said what they show: the workspace is as it was then, so
      // rendering its template again tells exactly.
      if (auto* doc = std::get_if<GenerateDocument>(&r.mutation.cmd); doc && doc->document.uses.empty())
        doc->document.uses = document_uses_now(ws_, r.mutation.author, doc->item, doc->document);
      Outcome o = apply_locked(r.mutation);
      if (!o.status)
        throw std::runtime_error("the log does not replay: version " + std::to_string(r.ver) +
                                 " (" + r.mutation.client + ":" + std::to_string(r.mutation.seq) +
                                 ") is refused: " + o.status.code + ": " + o.status.message);
    }
    note_processed(r);
    log_pos_ = r.pos;
    log_last_client_ = r.mutation.client;
    log_last_seq_ = r.mutation.seq;
}

ServerState::~ServerState() {
  {
    std::lock_guard l(follow_mu_);
    follow_stop_ = true;
  }
  follow_cv_.notify_all();
  if (follower_.joinable()) follower_.join();
  shutdown();
  {
    std::lock_guard l(cp_mu_);
    cp_stop_ = true;
  }
  cp_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void ServerState::note_processed(const LogRecord& r) {
  const Mutation& m = r.mutation;
  auto [it, fresh] = clients_.try_emplace(m.client);
  ClientInfo& info = it->second;
  if (fresh && m.client[0] != '~') {
    info.user = m.author;
    clients_of_user_[m.author].push_back(m.client);
  }
  info.last = std::max(info.last, m.seq);
  unlogged_clients_.push_back(m.client);
  if (r.ver == 0) info.rejected[m.seq] = {r.code, r.message};
}

void ServerState::append_or_break(const std::vector<LogRecord>& records) {
  if (records.empty()) return;
  try {
    note_appended(store_->append(records), records);
  } catch (...) {
    // Memory already holds what the log does not: answering anything now could hand out versions
    // that a restart would reuse for other changes. Refuse everything until restarted (the log is
    // consistent).
    broken_ = true;
    throw;
  }
}

void ServerState::note_store_failure(const std::exception& e) {
  if (shared_) {
    // Whether the commit happened is unknown: the follower rebuilds memory from what the log holds.
    enter_catching_up(std::string("a write may not have been committed: ") + e.what());
    return;
  }
  if (opts_.log) opts_.log(std::string("the log could not be written, refusing everything until restarted: ") + e.what());
}

bool ServerState::healthy() const {
  std::shared_lock lock(mu_);
  return !refusing();
}

std::string ServerState::health() const {
  std::shared_lock lock(mu_);
  if (broken_ && !shared_) return "unavailable";
  return refusing() ? "catching up" : "ok";
}

Response ServerState::unavailable_now() const {
  if (!shared_) return unavailable();
  return error_response(503, "unavailable",
                        "this server is catching up with the shared log; try again in a moment");
}

void ServerState::publish() {
  std::vector<const std::string*> acked;  // users whose clients' mutations are now logged
  for (const auto& c : unlogged_clients_) {
    ClientInfo& info = clients_.at(c);
    info.logged = info.last;
    if (!info.user.empty() && (acked.empty() || *acked.back() != info.user)) acked.push_back(&info.user);
  }
  logged_ = readable_ = version_;
  applied_pos_.store(log_pos_);
  window_ = false;
  {
    std::lock_guard lock(wait_mu_);
    for (const std::string* u : acked) ++acks_of_user_[*u];
    published_.store(version_);
    window_open_.store(false);
  }
  unlogged_clients_.clear();
  wait_cv_.notify_all();
}

void ServerState::wait_window_closed(std::shared_lock<std::shared_mutex>& lock) const {
  while (window_) {
    lock.unlock();
    {
      std::unique_lock w(wait_mu_);
      wait_cv_.wait(w, [&] { return !window_open_.load(); });
    }
    lock.lock();
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Shared store: several servers over one log
// ---------------------------------------------------------------------------------------------------------
//
// Every server keeps the whole state in memory, as one alone does, and the log decides the order: a write
// takes the store's lock, applies the records others appended since this server's position (its memory
// is then the log's state), validates and applies its own, appends and commits. Between writes the
// follower applies what others append (woken by the store, or looking every second). A read first asks
// the store where the log ends and catches up to there, so that it answers every acknowledged write,
// wherever it was acknowledged. When the store fails, the server refuses everything (503, "catching up")
// until it is back in step: a failed read leaves memory consistent and behind, a failed commit may leave
// it ahead of the log, and then the follower rebuilds it from the checkpoint and the log.

namespace {
// How often the follower looks at the log when nobody tells it of news, and how long it waits between
// tries while the store is away.
constexpr auto kFollowEvery = std::chrono::milliseconds(1000);
constexpr auto kFollowSlice = std::chrono::milliseconds(100);
constexpr auto kRetryEvery = std::chrono::milliseconds(250);
}  // namespace

ServerState::SharedWrite::SharedWrite(ServerState& st) : s(st), ok(st.begin_shared_write()) {}

ServerState::SharedWrite::~SharedWrite() {
  if (s.shared_) s.store_->end_write();  // nothing after an append, which ended it
}

bool ServerState::begin_shared_write() {
  if (!shared_) return true;
  {
    std::shared_lock lock(mu_);
    if (refusing()) return false;
  }
  try {
    store_->begin_write();
  } catch (const std::exception& e) {
    enter_catching_up(e.what());
    return false;
  }
  return catch_up_locked();
}

bool ServerState::catch_up() {
  if (!shared_) return true;
  std::lock_guard writer(write_mu_);
  return catch_up_locked();
}

bool ServerState::catch_up_locked() {
  {
    std::shared_lock lock(mu_);
    if (broken_) return false;  // memory may be ahead of the log: only a rebuild mends it
  }
  std::vector<LogRecord> records;
  const std::uint64_t after = log_pos_;
  bool checked = after == 0;
  try {
    // From the record at this server's position, which must be the one it applied there.
    store_->load(after == 0 ? 0 : after - 1, [&](LogRecord&& r) {
      if (!checked) {
        if (r.pos != after || r.mutation.client != log_last_client_ || r.mutation.seq != log_last_seq_)
          throw std::runtime_error("the log does not hold this server's last record at position " +
                                   std::to_string(after));
        checked = true;
        return;
      }
      records.push_back(std::move(r));
    });
    if (!checked) throw std::runtime_error("the log ends before this server's position " + std::to_string(after));
  } catch (const std::exception& e) {
    enter_catching_up(e.what());
    return false;
  }
  if (records.empty()) return true;
  std::unique_lock lock(mu_);
  try {
    for (auto& r : records) apply_record(r);
  } catch (const std::exception& e) {
    broken_ = true;  // part of it applied: rebuilt by the follower
    lock.unlock();
    enter_catching_up(e.what());
    return false;
  }
  publish();
  return true;
}

std::optional<Response> ServerState::ensure_fresh() {
  if (!shared_) return std::nullopt;
  if (catching_up_.load()) return unavailable_now();
  std::uint64_t end = 0;
  try {
    end = store_->last_position();
  } catch (const std::exception& e) {
    enter_catching_up(e.what());
    return unavailable_now();
  }
  if (end > applied_pos_.load()) {
    // Pulls that came together wait here for one of them (or the follower) to read the news: the others
    // find it applied and read nothing.
    std::lock_guard writer(write_mu_);
    if (end > applied_pos_.load() && !catch_up_locked()) return unavailable_now();
  }
  return std::nullopt;
}

bool ServerState::refresh() {
  return !ensure_fresh().has_value();
}

void ServerState::enter_catching_up(const std::string& why) {
  if (!catching_up_.exchange(true) && opts_.log)
    opts_.log("the shared log is out of reach, answering 503 until caught up: " + why);
  follow_cv_.notify_all();
}

void ServerState::follow_loop() {
  auto last_look = std::chrono::steady_clock::now();
  bool first = true;  // a background load starts at once
  if (opts_.before_background_load && catching_up_.load()) opts_.before_background_load();
  for (;;) {
    const bool trouble = catching_up_.load();
    if (trouble && !std::exchange(first, false)) {
      std::unique_lock l(follow_mu_);
      follow_cv_.wait_for(l, kRetryEvery, [&] { return follow_stop_; });
    }
    {
      std::lock_guard l(follow_mu_);
      if (follow_stop_) return;
    }
    bool news = trouble;
    if (!trouble) {
      try {
        news = store_->wait_for_appends(kFollowSlice);
      } catch (const std::exception& e) {
        enter_catching_up(e.what());
        continue;
      }
      if (std::chrono::steady_clock::now() - last_look >= kFollowEvery) news = true;
    }
    if (!news) continue;
    last_look = std::chrono::steady_clock::now();
    bool rebuild = false;
    {
      std::shared_lock lock(mu_);
      rebuild = broken_;
    }
    if (rebuild) {
      std::lock_guard writer(write_mu_);
      std::unique_lock lock(mu_);
      try {
        reset_state();
        load_state_locked();
        broken_ = false;
        publish();
        if (opts_.log) opts_.log("rebuilt from the shared log at version " + std::to_string(version_));
      } catch (const std::exception& e) {
        if (opts_.log && !catching_up_.load()) opts_.log(std::string("cannot rebuild yet: ") + e.what());
        catching_up_.store(true);
        continue;
      }
    } else if (!catch_up()) {
      continue;
    }
    if (trouble) {
      // In step again only once the store answers every kind of question (a pull asks where it ends).
      try {
        store_->last_position();
      } catch (const std::exception&) {
        continue;
      }
      catching_up_.store(false);
      if (opts_.log) opts_.log("caught up with the shared log at version " + std::to_string(published_.load()));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Applying
// ---------------------------------------------------------------------------------------------------------

ServerState::Outcome ServerState::apply_locked(const Mutation& m) {
  // Besides the items whose timelines grow, a few config commands rewrite cells of many items; and
  // some change who may see what.
  std::vector<std::string> touched;
  bool access = false;
  const bool config = changes_config(m.cmd);
  // Items a command changes without a new timeline entry (a pin, product rows, a conversion's links).
  if (is_item_command(m.cmd)) touched = ws_.affected_items(m.cmd);
  auto items_with_cell = [this](const std::string& entity, const std::string& field) {
    std::vector<std::string> out;
    for (const auto& id : ws_.item_ids(entity))
      if (const Item* it = ws_.item(id); it && it->cell(field)) out.push_back(id);
    return out;
  };
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, PutUser> || std::is_same_v<T, PutRole> ||
                      std::is_same_v<T, PutDepartment> || std::is_same_v<T, PutView>) {
          access = true;
        } else if constexpr (std::is_same_v<T, PutField>) {
          if (const FieldDef* f = ws_.schema().field(c.def.entity, c.def.id)) {
            access = f->visible_to != c.def.visible_to;
            if (f->type == FieldType::List) touched = items_with_cell(c.def.entity, c.def.id);
          }
        } else if constexpr (std::is_same_v<T, DeleteField>) {
          // The field's history goes out of every projection too: clients rebuild rather than
          // patch.
          access = true;
          touched = items_with_cell(c.entity, c.field);
        }
      },
      m.cmd);

  Status s = ws_.apply(m);
  std::vector<TimelineEntry*> entries = ws_.take_new_entries();
  if (!s) return {std::move(s), 0};
  if (config || access || !is_item_command(m.cmd)) global_change_ = true;
  const std::uint64_t ver = ++version_;
  for (TimelineEntry* e : entries) {
    e->ver = ver;
    touched.push_back(e->item);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (const auto& id : touched)
    if (ws_.item(id)) mark_changed(id, ver);
  if (config) schema_ver_ = ver;
  if (access) ++epoch_;
  clock_.observe(m.hlc, now());
  return {std::move(s), ver};
}

void ServerState::mark_changed(const std::string& id, std::uint64_t ver) {
  ItemMeta& meta = meta_[id];
  if (meta.ver) {
    index_.erase({meta.ver, id});
    moved_from_ = std::min(moved_from_, meta.ver);
  }
  meta.ver = ver;
  index_.insert({ver, id});
  if (!meta.created) meta.created = ver;
  const Item& item = *ws_.item(id);
  mark_cells(meta, item, ver);
  const std::string& owner = item.get("ASSIGNED_BY_ID").str_or_empty();
  if (meta.owners.empty() || meta.owners.back().second != owner) {
    meta.owners.emplace_back(ver, owner);
    meta.assigned = ver;
  }
}

std::uint32_t ServerState::field_key(const std::string& field) {
  auto [it, added] = field_keys_.try_emplace(field, static_cast<std::uint32_t>(field_names_.size()));
  if (added) field_names_.push_back(field);
  return it->second;
}

void ServerState::add_item_changes(ItemBlockWriter& block, const Item& item, const ItemMeta& meta,
                                   std::uint64_t from) const {
  std::vector<std::string_view> changed;  // in field id order, as the marks are
  std::vector<std::string> erased;
  for (const auto& m : meta.cells) {
    if (m.ver <= from) continue;
    if (m.print) changed.push_back(field_names_[m.field]);
    else erased.push_back(field_names_[m.field]);
  }
  block.add_changes(
      item, ws_.timeline(item.id), from,
      [&](const std::string& fid) { return std::binary_search(changed.begin(), changed.end(), std::string_view(fid)); },
      erased, meta.lists_ver > from);
}

void ServerState::mark_cells(ItemMeta& meta, const Item& item, std::uint64_t ver) {
  // Both in field id order: one pass, comparing fingerprints where both have the field.
  std::vector<ItemMeta::CellMark> out;
  out.reserve(std::max(item.fields.size(), meta.cells.size()));
  size_t j = 0;
  // The marks of fields before `fid` (all that are left: nullptr), which the item no longer has.
  auto lost_before = [&](const std::string* fid) {
    for (; j < meta.cells.size() && (!fid || field_names_[meta.cells[j].field] < *fid); ++j) {
      ItemMeta::CellMark m = meta.cells[j];
      if (m.print) m = {m.field, 0, ver};
      out.push_back(m);
    }
  };
  for (const auto& [fid, cell] : item.fields) {
    lost_before(&fid);
    const std::uint64_t print = cell_print(cell);
    if (j < meta.cells.size() && field_names_[meta.cells[j].field] == fid) {
      const ItemMeta::CellMark& m = meta.cells[j++];
      out.push_back(meta.marked && m.print == print ? m : ItemMeta::CellMark{m.field, print, ver});
    } else {
      out.push_back({field_key(fid), print, ver});
    }
  }
  lost_before(nullptr);
  meta.cells = std::move(out);
  const std::uint64_t lp = lists_print(item);
  if (!meta.marked || lp != meta.lists_print) {
    meta.lists_print = lp;
    meta.lists_ver = ver;
  }
  meta.marked = true;
}

Status ServerState::apply_server_mutations(const std::string& author, std::vector<Command> cmds) {
  std::vector<LogRecord> records;
  Status result;
  for (auto& cmd : cmds) {
    Mutation m;
    m.client = kServerClient;
    m.seq = clients_[kServerClient].last + 1;
    m.time_ms = now();
    m.hlc = clock_.tick(m.time_ms);
    m.author = author;
    m.cmd = std::move(cmd);
    Outcome o = apply_locked(m);
    if (!o.status) {
      result = std::move(o.status);
      break;
    }
    records.push_back(LogRecord{std::move(m), o.ver, {}, {}});
    note_processed(records.back());
  }
  try {
    append_or_break(records);
  } catch (const std::exception& e) {
    note_store_failure(e);
    return Status::Fail("unavailable", "the server's storage failed; it must be restarted");
  }
  publish();
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Push
// ---------------------------------------------------------------------------------------------------------

Response ServerState::push(const std::string& user, const json& request) {
  if (!request.is_object())
    return error_response(400, "malformed_json", "the push must be a JSON object");
  if (auto r = check_versions(request)) return *r;
  if (!request.contains("mutations") || !request["mutations"].is_array())
    return error_response(400, "malformed_json", "mutations: expected an array");
  const json& list = request["mutations"];
  if (list.size() > opts_.max_mutations)
    return error_response(413, "too_large",
                          "at most " + std::to_string(opts_.max_mutations) + " mutations per push");
  std::vector<Incoming> incoming(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (auto why = read_mutation(list[i], user, &incoming[i]); !why.empty())
      return error_response(400, "malformed_json", "mutations[" + std::to_string(i) + "]." + why);

  // Out of step with the shared log: at once, not after a wait behind a write that waits for the database.
  if (shared_ && catching_up_.load()) return unavailable_now();
  std::lock_guard writer(write_mu_);
  SharedWrite shared(*this);
  if (!shared.ok) return unavailable_now();
  std::unique_lock lock(mu_);
  if (refusing()) return unavailable_now();
  if (!active_user(user))
    return error_response(403, "forbidden", "you are not an active user of this workspace");
  global_change_ = false;
  moved_from_ = std::numeric_limits<std::uint64_t>::max();

  // Everything that refuses the whole push is checked before anything is applied.
  std::unordered_map<std::string, std::uint64_t> last;
  for (const auto& in : incoming) {
    const Mutation& m = in.m;
    auto known = clients_.find(m.client);
    if (known != clients_.end() && known->second.user != user)
      return error_response(
          403, "forbidden",
          "client " + m.client + " belongs to another user: a new login needs a new client id");
    auto [l, fresh] = last.try_emplace(m.client, known == clients_.end() ? 0 : known->second.last);
    if (m.seq > l->second + 1) {
      Response r = error_response(409, "mutation_gap",
                                  "client " + m.client + " skipped from " +
                                      std::to_string(l->second) + " to " + std::to_string(m.seq));
      r.body["client"] = m.client;
      r.body["expected"] = l->second + 1;
      return r;
    }
    l->second = std::max(l->second, m.seq);
  }

  std::vector<std::string> pushed;
  for (const auto& in : incoming) pushed.push_back(in.m.client);
  const std::int64_t now_ms = now();
  std::vector<LogRecord> records;
  json results = json::array();
  json last_ids = json::object();
  for (auto& in : incoming) {
    Mutation& m = in.m;
    auto known = clients_.find(m.client);
    if (known != clients_.end() && m.seq <= known->second.last) {
      json r{{"client", m.client}, {"seq", m.seq}, {"status", "duplicate"}};
      if (auto rej = known->second.rejected.find(m.seq); rej != known->second.rejected.end()) {
        r["code"] = rej->second.first;
        r["message"] = rej->second.second;
      }
      results.push_back(std::move(r));
      continue;
    }
    Outcome o;
    if (!in.command_error.empty()) {
      o.status = Status::Fail("invalid_command", in.command_error);
    } else if (m.hlc.wall > now_ms + opts_.max_clock_skew_ms) {
      o.status = Status::Fail(
          "clock_skew", "the mutation's clock is " + std::to_string((m.hlc.wall - now_ms) / 1000) +
                            " s ahead of the server's; check the device's time");
    } else if (const std::string id = command_item(m.cmd);
               !id.empty() && !std::holds_alternative<CreateItem>(m.cmd) && ws_.item(id) &&
               !readable(user, *ws_.item(id))) {
      o.status = Status::Fail("unknown_item", "no such item: " + id);  // no existence leak
      // (A creation with a taken id is refused by the core as item_exists, whether or not the user may
      // read the item that has it: the same answer, which says nothing of that item.)
    } else if (!NodeId::make(in.node, &m.hlc.node)) {
      o.status = Status::Fail("invalid_clock", "the server cannot take more clock node names");
    } else {
      // A document's page, number and title are the server's: rendered again from the template and the
      // workspace as the author sees them, whatever the client sent.
      if (auto* doc = std::get_if<GenerateDocument>(&m.cmd)) o.status = regenerate_document(ws_, user, doc);
      if (o.status) o = apply_locked(m);
    }
    if (o.status) {
      results.push_back(
          {{"client", m.client}, {"seq", m.seq}, {"status", "applied"}, {"ver", o.ver}});
    } else {
      redact(user, &o.status, named_field(m.cmd));
      results.push_back(rejection_json(m.client, m.seq, o.status));
      // Logged without its clock's node, which nothing reads for a rejected mutation: replaying the log
      // then interns only the nodes of applied ones.
      m.hlc.node = NodeId();
    }
    records.push_back(LogRecord{std::move(m), o.ver, o.status.code, o.status.message});
    note_processed(records.back());
  }
  for (const auto& client : pushed) last_ids[client] = clients_.at(client).last;
  Response answer{200,
                  json{{"lastMutationIds", std::move(last_ids)}, {"results", std::move(results)}}};
  if (global_change_ || records.empty()) {
    // Configuration and access changes affect every answer: nothing is read until they are logged.
    try {
      append_or_break(records);
    } catch (const std::exception& e) {
      note_store_failure(e);
      return unavailable_now();
    }
    publish();
    return answer;
  }
  // Only items changed: pulls go on during the write, from the logged state. Every item the push
  // changed has left its index position for a new version above logged_; below the lowest such
  // position the index is as logged (and stays so after a restart that loses this push).
  readable_ = std::min(logged_, moved_from_ - 1);
  window_ = true;
  window_open_.store(true);
  lock.unlock();
  try {
    note_appended(store_->append(records), records);
  } catch (const std::exception& e) {
    lock.lock();
    broken_ = true;  // as append_or_break: memory is ahead of the log
    window_ = false;
    {
      std::lock_guard w(wait_mu_);
      window_open_.store(false);
    }
    wait_cv_.notify_all();
    note_store_failure(e);
    // The pusher gets what every later request gets (PROTOCOL.md), not an internal error: nothing of the
    // push is acknowledged, and the client keeps it for a retry after the restart.
    return unavailable_now();
  }
  lock.lock();
  publish();
  return answer;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Pull
// ---------------------------------------------------------------------------------------------------------

Response ServerState::pull(const std::string& user, const json& request) {
  if (!request.is_object())
    return error_response(400, "malformed_json", "the pull must be a JSON object");
  if (auto r = check_versions(request)) return *r;
  std::string cursor_text;
  if (request.contains("cursor") && !request["cursor"].is_null()) {
    if (!request["cursor"].is_string())
      return error_response(400, "malformed_json", "cursor: expected a string");
    cursor_text = request["cursor"].get<std::string>();
  }
  std::size_t limit = opts_.max_limit;
  std::uint64_t asked = 0;  // the limit asked for (binary pages may be larger: see below)
  if (request.contains("limit") && !request["limit"].is_null()) {
    const json& l = request["limit"];
    if (!l.is_number_unsigned() || l.get<std::uint64_t>() == 0)
      return error_response(400, "malformed_json", "limit: expected a positive number");
    asked = l.get<std::uint64_t>();
    limit = static_cast<std::size_t>(std::min<std::uint64_t>(asked, opts_.max_limit));
  }
  // "binary": the items of a page come as an item block (PROTOCOL.md); "json" (the default): in JSON.
  bool binary = false;
  if (request.contains("format") && !request["format"].is_null()) {
    const json& f = request["format"];
    if (!f.is_string() || (f != "json" && f != "binary"))
      return error_response(400, "malformed_json", "format: expected \"json\" or \"binary\"");
    binary = f == "binary";
  }
  // Binary pages of format 2 carry item numbers; a client from before them does not ask and reads format 1.
  std::uint32_t page_format = kBinaryPullPageUnnumbered;
  if (request.contains("pageFormat") && !request["pageFormat"].is_null()) {
    const json& f = request["pageFormat"];
    if (!f.is_number_unsigned() || (f != kBinaryPullPageUnnumbered && f != kBinaryPullPageVersion))
      return error_response(400, "malformed_json", "pageFormat: expected 1 or 2");
    page_format = f.get<std::uint32_t>();
  }
  // Changes (pages after a snapshot) come binary only to a client that says it reads the partial
  // timelines such a page names ("partialTimelines": true), and as the changes of the items it holds only
  // to one that says it reads those ("partialItems": true); to an older one, as JSON or whole items.
  bool partial_timelines = false, partial_items = false;
  for (auto [name, flag] : {std::pair{"partialTimelines", &partial_timelines}, std::pair{"partialItems", &partial_items}}) {
    if (!request.contains(name) || request[name].is_null()) continue;
    if (!request[name].is_boolean())
      return error_response(400, "malformed_json", std::string(name) + ": expected true or false");
    *flag = request[name].get<bool>();
  }
  const bool binary_changes = partial_timelines || partial_items;
  json only;  // optional: the client ids whose lastMutationIds the client wants
  if (request.contains("clients") && !request["clients"].is_null()) {
    only = request["clients"];
    if (!only.is_array() ||
        !std::all_of(only.begin(), only.end(), [](const json& c) { return c.is_string(); }))
      return error_response(400, "malformed_json", "clients: expected an array of client ids");
  }

  std::optional<Cursor> given = cursor_text.empty() ? std::nullopt : codec_.decode(cursor_text);
  if (auto refused = ensure_fresh()) return *refused;
  std::shared_lock lock(mu_);
  auto is_valid = [&] {
    return given && given->user == user && given->epoch == epoch_ && given->base <= logged_ &&
           given->snapshot <= logged_ && given->pos_ver <= logged_ && given->schema <= logged_;
  };
  bool valid = is_valid();
  // A snapshot (new or being paged) is taken at one logged version: not while a push is being
  // written, whose items have left their positions in it.
  if (window_ && (!valid || given->snapshot > 0)) {
    wait_window_closed(lock);
    valid = is_valid();
  }
  if (refusing()) return unavailable_now();
  if (!active_user(user))
    return error_response(403, "forbidden", "you are not an active user of this workspace");
  // Outside a durability window readable_ == logged_ == version_.
  const std::uint64_t top = readable_;
  Cursor c;
  const bool reset = !valid;
  if (valid) {
    c = *given;
  } else {
    // A fresh snapshot of everything the user may read, taken at the current version and paged.
    c.user = user;
    c.epoch = epoch_;
    c.snapshot = logged_;
  }

  json body{{"reset", reset}};
  if (reset || schema_ver_ > c.schema) {
    body["schema"] = schema_json(ws_.schema(), &user);
    c.schema = logged_;
  }

  // Walk the change index after the cursor's position. Within a snapshot only entries unchanged
  // since the snapshot's version belong to it (they are still in that state); the rest follow in
  // the next pull.
  const bool snap = c.snapshot > 0;
  const bool blocks = binary && (snap || binary_changes);
  // A binary page costs a fraction of a JSON one per item on both sides: up to five times the JSON page
  // size (fewer round trips, page saves and frames in a bootstrap or a catch-up).
  if (blocks && asked > limit)
    limit = static_cast<std::size_t>(std::min<std::uint64_t>(asked, kBinaryPageFactor * opts_.max_limit));
  ItemBlockWriter block(
      ws_.schema(), &user,
      [this, &user](const std::string& id) {
        const Item* it = ws_.item(id);
        return it && readable(user, *it);
      },
      [this](const std::string& id) {
        const Item* it = ws_.item(id);
        return it ? it->entity : std::string();
      });
  if (page_format == kBinaryPullPageUnnumbered) block.without_numbers();
  json items = json::array();
  json partial = json::array();  // binary: the whole items whose timeline holds the entries after `partial_from`
  // The cursor's base (which moves below once the pass is complete), when the page holds partial timelines
  // or items' changes.
  std::uint64_t partial_from = 0;
  json removed = json::array();
  auto it = c.pos_id.empty() ? index_.lower_bound({c.pos_ver + 1, std::string()})
                             : index_.upper_bound({c.pos_ver, c.pos_id});
  auto in_range = [&](auto i) {
    return i != index_.end() && i->first <= (snap ? c.snapshot : top);
  };
  std::size_t sent = 0, scanned = 0;
  std::uint64_t group = c.pos_ver;  // version of the entries being looked at
  bool stopped = false;
  for (; in_range(it); ++it) {
    const auto& [ver, id] = *it;
    if (ver != group) {
      // Every entry of the earlier versions has been looked at: a safe place to stop.
      c.pos_ver = group;
      c.pos_id.clear();
      group = ver;
      if (sent >= limit || scanned >= kScanCap) {
        stopped = true;
        break;
      }
    }
    ++scanned;
    const Item& item = *ws_.item(id);
    const ItemMeta& meta = meta_.at(id);
    bool delivered = false;
    if (readable(user, item)) {
      // A client that may never have held the item (new, or newly assigned) gets its whole
      // timeline.
      const bool whole = snap || c.whole || meta.created > c.base || meta.assigned > c.base;
      const std::uint64_t from = whole ? 0 : c.base;  // the timeline's entries after this version (0: all)
      if (!blocks) {
        items.push_back(item_json(ws_, item, &user, from));
      } else if (from && partial_items && meta.marked) {
        add_item_changes(block, item, meta, from);
        partial_from = from;
      } else {
        block.add(item, ws_.timeline(id), from);
        if (from) {
          partial.push_back(id);
          partial_from = from;
        }
      }
      delivered = true;
    } else if (!snap && meta.assigned > c.base && was_readable_since(user, item, meta, c.base)) {
      removed.push_back(id);
      delivered = true;
    }
    if (delivered) {
      // Positions inside a version are ids this user has received, so a cursor never names a hidden
      // item.
      c.pos_ver = ver;
      c.pos_id = id;
      if (++sent >= limit) {
        ++it;
        stopped = in_range(it);
        break;
      }
    }
  }
  bool more = stopped;
  if (!stopped && !snap && top < logged_) {
    // A durability window cut the pass at `top`: the items the push moved have not been delivered,
    // and their changes between the base and `top` neither, so the base stays and the position
    // records the pass so far (an unsettled cursor: a poke answers at once, and the next pull goes
    // on from here). The position never moves back (an earlier window may have had a higher top).
    if (c.pos_ver < top) {
      c.pos_ver = top;
      c.pos_id.clear();
    } else if (c.pos_ver == top) {
      c.pos_id.clear();
    }
  } else if (!stopped) {
    if (snap) {
      // The snapshot is complete at its version; whatever changed since comes with the next pull.
      more = logged_ > c.snapshot;
      body["snapshotDone"] = true;
      c.base = c.snapshot;
      c.snapshot = 0;
      c.whole = true;
    } else {
      c.base = top;
      c.whole = false;
    }
    c.pos_ver = c.base;
    c.pos_id.clear();
  }

  body["cursor"] = codec_.encode(c);
  body["more"] = more;
  body["removed"] = std::move(removed);
  body["lastMutationIds"] = client_ids(user, only);
  if (blocks) {
    if (!partial.empty()) body["partialTimelines"] = std::move(partial);
    if (partial_from) body["timelineFrom"] = partial_from;
    Response r{200, json()};
    r.bytes = binary_pull_page(body.dump(), block.finish(), page_format);
    return r;
  }
  body["items"] = std::move(items);
  return Response{200, std::move(body)};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Poke and waiting
// ---------------------------------------------------------------------------------------------------------

Response ServerState::poke(const std::string& user, const std::string& cursor_text,
                           std::chrono::milliseconds timeout) {
  const Response changed{200, json{{"changed", true}}};
  const Response unchanged{200, json{{"changed", false}}};
  std::optional<Cursor> c = codec_.decode(cursor_text);
  if (!c || c->user != user || !c->settled()) return changed;
  {
    std::shared_lock lock(mu_);
    if (c->epoch != epoch_ || c->base > logged_) return changed;
  }
  std::unique_lock w(wait_mu_);
  // Each waiting poke holds a thread of the server: one user's may not take them all.
  std::size_t& mine = pokes_of_user_[user];
  if (mine >= opts_.max_pokes_per_user) {
    if (mine == 0) pokes_of_user_.erase(user);
    return error_response(503, "busy", "too many of your clients are waiting; poke again in a few seconds");
  }
  ++mine;
  struct Release {
    std::unordered_map<std::string, std::size_t>& pokes;
    const std::string& user;
    ~Release() {  // with wait_mu_ held
      auto it = pokes.find(user);
      if (--it->second == 0) pokes.erase(it);
    }
  } release{pokes_of_user_, user};

  // Every change wakes every waiter, but only one that a pull would bring this user answers his poke:
  // changes of items hidden from him say nothing, not even when they happen.
  auto acks = [&] {
    auto it = acks_of_user_.find(user);
    return it == acks_of_user_.end() ? 0 : it->second;
  };
  const std::uint64_t acks_before = acks();
  std::uint64_t seen = c->base;  // the index is looked at up to here
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const bool woken = wait_cv_.wait_until(w, deadline, [&] {
      return stopping_ || published_.load() > seen || acks() != acks_before;
    });
    if (!woken || stopping_) return unchanged;
    if (acks() != acks_before) return changed;
    // Looking at the state takes the reader lock, which publish() holds exclusively while it takes
    // wait_mu_: not with wait_mu_ held.
    w.unlock();
    bool news = true;  // whatever fails here, the client pulls
    try {
      news = changed_for(user, *c, &seen);
    } catch (...) {
    }
    w.lock();
    if (news) return changed;
  }
}

std::size_t ServerState::waiting_pokes(const std::string& user) const {
  std::lock_guard lock(wait_mu_);
  auto it = pokes_of_user_.find(user);
  return it == pokes_of_user_.end() ? 0 : it->second;
}

bool ServerState::changed_for(const std::string& user, const Cursor& c, std::uint64_t* seen) const {
  std::shared_lock lock(mu_);
  // A new epoch or configuration changes every answer; an inactive user's pull answers 403.
  if (c.epoch != epoch_ || schema_ver_ > c.base || !active_user(user)) return true;
  // As a pull walks the index: the items changed after the last look, up to what is logged. During a
  // durability window the push's items have left their places for versions above logged_: they are
  // looked at when it is published.
  const std::uint64_t top = logged_;
  std::size_t scanned = 0;
  for (auto it = index_.lower_bound({*seen + 1, std::string()}); it != index_.end() && it->first <= top; ++it) {
    if (++scanned > kScanCap) return true;
    const Item& item = *ws_.item(it->second);
    const ItemMeta& meta = meta_.at(it->second);
    if (readable(user, item)) return true;
    if (meta.assigned > c.base && was_readable_since(user, item, meta, c.base)) return true;
  }
  *seen = std::max(*seen, top);
  return false;
}

bool ServerState::wait_for_change(std::uint64_t after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(wait_mu_);
  wait_cv_.wait_for(lock, timeout, [&] { return stopping_ || published_.load() > after; });
  return published_.load() > after;
}

void ServerState::shutdown() {
  {
    std::lock_guard lock(wait_mu_);
    stopping_ = true;
  }
  wait_cv_.notify_all();
}

std::uint64_t ServerState::access_epoch() const {
  std::shared_lock lock(mu_);
  return epoch_;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] REST helpers
// ---------------------------------------------------------------------------------------------------------

Response ServerState::get_item(const std::string& user, const std::string& id) {
  if (auto refused = ensure_fresh()) return *refused;
  std::shared_lock lock(mu_);
  wait_window_closed(lock);
  if (refusing()) return unavailable_now();
  if (!active_user(user))
    return error_response(403, "forbidden", "you are not an active user of this workspace");
  const Item* item = ws_.item(id);
  if (!item || !readable(user, *item))
    return error_response(404, "unknown_item", "no such item: " + id);
  return Response{200, item_json(ws_, *item, &user)};
}

Response ServerState::write_fields(const std::string& user, const std::string& id,
                                   const json& values) {
  if (!values.is_object() || values.empty())
    return error_response(400, "malformed_json", "expected an object of field ids and values");
  std::lock_guard writer(write_mu_);
  SharedWrite shared(*this);
  if (!shared.ok) return unavailable_now();
  std::unique_lock lock(mu_);
  if (refusing()) return unavailable_now();
  if (!active_user(user))
    return error_response(403, "forbidden", "you are not an active user of this workspace");
  const Schema& schema = ws_.schema();
  const Item* item = ws_.item(id);
  if (!item || !readable(user, *item))
    return error_response(404, "unknown_item", "no such item: " + id);
  if (!can_act(schema, user, *item, Action::Edit))
    return error_response(403, "forbidden", "you may not edit this item");
  // Refusals found here name only what the request itself named; the core's are redacted below.
  auto refuse = [&](Status s, const std::string& field) {
    if (s.field.empty()) s.field = field;
    Response r = error_response(422, s.code, s.message);
    if (!s.field.empty()) r.body["field"] = s.field;
    if (!s.missing.empty()) r.body["missing"] = s.missing;
    return r;
  };
  if (item->deleted) return refuse(Status::Fail("item_deleted", "item " + id + " is deleted"), {});

  // Check every field against the item as it is, the way the core will, so that nothing is applied
  // when any of them fails.
  const std::string stage_now = item->get("STAGE_ID").str_or_empty();
  FieldValues fills;
  std::optional<std::string> stage;
  for (const auto& [fid, jv] : values.items()) {
    Value v;
    try {
      v = jv.get<Value>();
    } catch (const std::exception&) {
      return refuse(Status::Fail("invalid_value", "field " + fid + ": the value does not read"),
                    fid);
    }
    const FieldDef* f = schema.field(item->entity, fid);
    if (!f || !can_see_field(schema, user, *f))
      return refuse(Status::Fail("unknown_field", "no such field: " + fid), fid);
    if (f->type == FieldType::Stage) {
      if (auto s = ws_.validate_value(*f, *item, v); !s || !v.is_string()) {
        return refuse(s ? Status::Fail("unknown_stage", "no such stage") : s, fid);
      }
      stage = v.as_string();
      continue;
    }
    if (auto s = ws_.validate_value(*f, *item, v); !s) return refuse(s, fid);
    if (!stage && v.empty() && required_for(schema, user, *f, item->pipeline, stage_now))
      return refuse(Status::Fail("required", "field " + fid + " is required", fid), fid);
    fills.emplace_back(fid, std::move(v));
  }
  std::vector<Command> cmds;
  if (stage) {
    // One mutation: the stage move checks required fields with the other values as its fills.
    for (const auto& [fid, v] : fills)
      if (v.empty() &&
          required_for(schema, user, *schema.field(item->entity, fid), item->pipeline, *stage))
        return refuse(Status::Fail("required", "field " + fid + " is required", fid), fid);
    cmds.push_back(MoveStage{id, *stage, fills});
  } else {
    // The responsible person last: changing it can take away the right to edit the rest.
    std::stable_partition(fills.begin(), fills.end(),
                          [](const auto& p) { return p.first != "ASSIGNED_BY_ID"; });
    for (auto& [fid, v] : fills)
      if (!(item->get(fid) == v)) cmds.push_back(SetField{id, fid, v, item->get(fid)});
  }
  if (Status s = apply_server_mutations(user, std::move(cmds)); !s) {
    if (s.code == "unavailable") return unavailable_now();
    redact(user, &s);
    return refuse(std::move(s), {});
  }
  const Item* after = ws_.item(id);
  if (!readable(user, *after)) return Response{200, json{{"id", id}, {"removed", true}}};
  return Response{200, item_json(ws_, *after, &user)};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Users and bootstrap
// ---------------------------------------------------------------------------------------------------------

bool ServerState::bootstrap_admin(const std::string& id, const std::string& name) {
  std::lock_guard writer(write_mu_);
  SharedWrite shared(*this);
  if (!shared.ok) throw std::runtime_error("cannot create the first administrator: the shared log is out of reach");
  std::unique_lock lock(mu_);
  if (broken_ || !ws_.schema().users.empty()) return false;
  User u;
  u.id = id;
  u.name = name;
  u.admin = true;
  Status s = apply_server_mutations(id, {PutUser{u}});
  if (!s) throw std::runtime_error("cannot create the first administrator: " + s.message);
  return true;
}

std::optional<User> ServerState::user(const std::string& id) const {
  std::shared_lock lock(mu_);
  if (const User* u = ws_.schema().user(id)) return *u;
  return std::nullopt;
}

std::optional<std::string> ServerState::first_admin() const {
  std::shared_lock lock(mu_);
  for (const auto& u : ws_.schema().users)
    if (u.admin && u.active) return u.id;
  return std::nullopt;
}

bool ServerState::is_admin(const std::string& user) const {
  std::shared_lock lock(mu_);
  return active_user(user) && kt::is_admin(ws_.schema(), user);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Projection helpers
// ---------------------------------------------------------------------------------------------------------

bool ServerState::active_user(const std::string& user) const {
  const User* u = ws_.schema().user(user);
  return u && u->active;
}

bool ServerState::readable(const std::string& user, const Item& item) const {
  return can_act(ws_.schema(), user, item, Action::Read);
}

bool ServerState::was_readable_since(const std::string& user, const Item& item,
                                     const ItemMeta& meta, std::uint64_t base) const {
  // Rights are those of the cursor's epoch, so only the responsible person can have changed what
  // the user could read: try the one at `base` (if the item existed) and every later one.
  Item probe;
  probe.id = item.id;
  probe.entity = item.entity;
  probe.pipeline = item.pipeline;
  probe.created_by = item.created_by;
  auto first = std::upper_bound(meta.owners.begin(), meta.owners.end(), base,
                                [](std::uint64_t b, const auto& o) { return b < o.first; });
  if (first != meta.owners.begin()) --first;
  for (auto o = first; o != meta.owners.end(); ++o) {
    probe.cell_for_write("ASSIGNED_BY_ID") =
        Cell{o->second.empty() ? Value() : Value(o->second), {}};
    if (can_act(ws_.schema(), user, probe, Action::Read)) return true;
  }
  return false;
}

void ServerState::redact(const std::string& user, Status* s, const std::string& named) const {
  const Schema& schema = ws_.schema();
  for (const auto& f : schema.fields) {
    if (f.id == named || can_see_field(schema, user, f)) continue;
    replace_word(s->message, f.id, "(hidden field)");
    if (s->field == f.id) s->field.clear();
    s->missing.erase(std::remove(s->missing.begin(), s->missing.end(), f.id), s->missing.end());
  }
}

json ServerState::client_ids(const std::string& user, const json& only) const {
  json out = json::object();
  auto mine = clients_of_user_.find(user);
  if (mine == clients_of_user_.end()) return out;
  for (const auto& c : mine->second) {
    if (only.is_array() && std::find(only.begin(), only.end(), c) == only.end()) continue;
    out[c] = clients_.at(c).logged;
  }
  return out;
}

}  // namespace kt::sync
