// Checkpoints of the sync server: its whole state at one log position, so that a start loads it and
// replays only the log after it (a 100k workspace is ~500k mutations: minutes of replay, against a
// second or two for the checkpoint).
//
// Layout (varints, length-prefixed strings; not a wire format, only this build reads it back):
//   "KTSC" version | log position, client and seq of the record there | version, access epoch,
//   schema version | server clock | clients (id, user, last seq, rejections) | clients per user, in
//   the order they appeared | item meta (versions, owners over time) | the workspace
//   (core/snapshot_binary) | checksum of everything before it (8 bytes).
// Reading checks every length, the checksum and that the log holds the named record at the named
// position; anything wrong means a full replay (ServerState's constructor), never a wrong state.
#include <cstring>

#include "core/snapshot_binary.hpp"
#include "sync/server_state.hpp"

namespace kt::sync {

namespace {

constexpr char kMagic[4] = {'K', 'T', 'S', 'C'};
// 2: item numbers. A checkpoint of format 1 is refused (a full replay numbers the items in log order, as
// every other instance over the same log does).
constexpr std::uint64_t kCheckpointFormat = 2;

// A 64-bit hash over 8-byte words (and the tail byte by byte): catches a damaged file, which the
// length checks alone may not (a flipped bit inside a string).
std::uint64_t checksum(std::string_view b) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ b.size();
  size_t i = 0;
  for (; i + 8 <= b.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, b.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < b.size(); ++i) h = (h ^ static_cast<std::uint8_t>(b[i])) * 0x100000001b3ull;
  return h ^ (h >> 32);
}

struct Out {
  std::string s;
  void uv(std::uint64_t v) {
    while (v >= 0x80) {
      s.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    s.push_back(static_cast<char>(v));
  }
  void str(std::string_view v) {
    uv(v.size());
    s.append(v.data(), v.size());
  }
};

// Every read checks what is left; the first failure sticks.
struct In {
  const char* p;
  const char* end;
  bool ok = true;
  std::uint64_t uv() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) return fail();
      const auto b = static_cast<std::uint8_t>(*p++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail();
  }
  std::string_view view() {
    const std::uint64_t n = uv();
    if (!ok || n > static_cast<std::uint64_t>(end - p)) return fail(), std::string_view();
    std::string_view v(p, n);
    p += n;
    return v;
  }
  std::string str() { return std::string(view()); }
  // A count of things that take a byte each at least.
  std::uint64_t count() {
    const std::uint64_t n = uv();
    return n > static_cast<std::uint64_t>(end - p) ? fail() : n;
  }
  std::uint64_t fail() {
    ok = false;
    p = end;
    return 0;
  }
};

}  // namespace

std::string ServerState::encode_checkpoint() const {
  Out o;
  o.s.append(kMagic, 4);
  o.uv(kCheckpointFormat);
  o.uv(log_pos_);
  o.str(log_last_client_);
  o.uv(log_last_seq_);
  o.uv(version_);
  o.uv(epoch_);
  o.uv(schema_ver_);
  const Hlc clock = clock_.last();
  o.uv(static_cast<std::uint64_t>(clock.wall));
  o.uv(clock.counter);
  o.uv(clients_.size());
  for (const auto& [id, c] : clients_) {
    o.str(id);
    o.str(c.user);
    o.uv(c.last);
    o.uv(c.rejected.size());
    for (const auto& [seq, why] : c.rejected) {
      o.uv(seq);
      o.str(why.first);
      o.str(why.second);
    }
  }
  o.uv(clients_of_user_.size());
  for (const auto& [user, ids] : clients_of_user_) {
    o.str(user);
    o.uv(ids.size());
    for (const auto& id : ids) o.str(id);
  }
  o.uv(meta_.size());
  for (const auto& [id, m] : meta_) {
    o.str(id);
    o.uv(m.ver);
    o.uv(m.created);
    o.uv(m.assigned);
    o.uv(m.owners.size());
    for (const auto& [ver, owner] : m.owners) {
      o.uv(ver);
      o.str(owner);
    }
  }
  o.str(encode_workspace(ws_, log_pos_));
  const std::uint64_t sum = checksum(o.s);
  o.s.append(reinterpret_cast<const char*>(&sum), 8);
  return std::move(o.s);
}

bool ServerState::restore_checkpoint(std::string_view bytes, std::string* why) {
  if (bytes.size() < 12 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    *why = "not a checkpoint file";
    return false;
  }
  std::uint64_t sum;
  std::memcpy(&sum, bytes.data() + bytes.size() - 8, 8);
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (checksum(body) != sum) {
    *why = "its checksum does not match: damaged";
    return false;
  }
  In in{body.data() + 4, body.data() + body.size()};
  if (const std::uint64_t format = in.uv(); format != kCheckpointFormat) {
    *why = "format " + std::to_string(format) + " is not this build's";
    return false;
  }
  const std::uint64_t pos = in.uv();
  std::string last_client = in.str();
  const std::uint64_t last_seq = in.uv();
  const std::uint64_t version = in.uv(), epoch = in.uv(), schema_ver = in.uv();
  const auto wall = static_cast<std::int64_t>(in.uv());
  const auto counter = static_cast<std::uint32_t>(in.uv());

  std::unordered_map<std::string, ClientInfo> clients;
  for (std::uint64_t n = in.count(), i = 0; i < n && in.ok; ++i) {
    std::string id = in.str();
    ClientInfo c;
    c.user = in.str();
    c.last = c.logged = in.uv();  // a checkpoint is taken with everything logged
    for (std::uint64_t k = in.count(), j = 0; j < k && in.ok; ++j) {
      const std::uint64_t seq = in.uv();
      std::string code = in.str();
      c.rejected[seq] = {std::move(code), in.str()};
    }
    if (id.empty() || !clients.emplace(std::move(id), std::move(c)).second) in.fail();
  }
  std::unordered_map<std::string, std::vector<std::string>> of_user;
  for (std::uint64_t n = in.count(), i = 0; i < n && in.ok; ++i) {
    std::string user = in.str();
    std::vector<std::string> ids(in.count());
    for (auto& id : ids) {
      id = in.str();
      if (!clients.count(id)) in.fail();
    }
    of_user[std::move(user)] = std::move(ids);
  }
  std::unordered_map<std::string, ItemMeta> meta;
  std::set<std::pair<std::uint64_t, std::string>> index;
  for (std::uint64_t n = in.count(), i = 0; i < n && in.ok; ++i) {
    std::string id = in.str();
    ItemMeta m;
    m.ver = in.uv();
    m.created = in.uv();
    m.assigned = in.uv();
    m.owners.resize(in.count());
    for (auto& [ver, owner] : m.owners) {
      ver = in.uv();
      owner = in.str();
    }
    if (m.ver > version || !index.emplace(m.ver, id).second) in.fail();
    meta.emplace(std::move(id), std::move(m));
  }
  const std::string_view ws_bytes = in.view();
  if (!in.ok || in.p != in.end || pos == 0 || last_client.empty()) {
    *why = "truncated or damaged";
    return false;
  }
  Workspace ws;
  std::uint64_t tag = 0;
  if (Status s = decode_workspace(ws_bytes, &ws, &tag); !s) {
    *why = "its workspace does not read: " + s.message;
    return false;
  }
  if (tag != pos) {
    *why = "its workspace is of another log position";
    return false;
  }
  ws.unpack_all();  // the decoder keeps timelines packed for lazy use; the server's readers are threads

  ws_ = std::move(ws);
  ws_.track_new_entries(true);
  version_ = logged_ = readable_ = version;
  epoch_ = epoch;
  schema_ver_ = schema_ver;
  clock_ = HlcClock(kServerClient);
  clock_.observe(Hlc{wall, counter, kServerClient}, now());
  clients_ = std::move(clients);
  clients_of_user_ = std::move(of_user);
  meta_ = std::move(meta);
  index_ = std::move(index);
  unlogged_clients_.clear();
  log_pos_ = pos;
  log_last_client_ = std::move(last_client);
  log_last_seq_ = last_seq;
  return true;
}

void ServerState::reset_state() {
  ws_ = Workspace();
  ws_.track_new_entries(true);
  version_ = logged_ = readable_ = 0;
  epoch_ = 1;
  schema_ver_ = 0;
  clock_ = HlcClock(kServerClient);
  clients_.clear();
  clients_of_user_.clear();
  meta_.clear();
  index_.clear();
  unlogged_clients_.clear();
  global_change_ = false;
  moved_from_ = 0;
  log_pos_ = 0;
  log_last_client_.clear();
  log_last_seq_ = 0;
}

void ServerState::note_appended(std::uint64_t pos, const std::vector<LogRecord>& records) {
  log_pos_ = pos;
  log_last_client_ = records.back().mutation.client;
  log_last_seq_ = records.back().mutation.seq;
  if (opts_.checkpoint_every == 0 || pos - checkpoint_pos_.load() < opts_.checkpoint_every) return;
  std::lock_guard l(cp_mu_);
  // One at a time: the records appended while one is written count towards the next.
  if (cp_stop_ || cp_wanted_) return;
  cp_wanted_ = true;
  if (!checkpointer_.joinable()) checkpointer_ = std::thread([this] { checkpoint_loop(); });
  cp_cv_.notify_all();
}

void ServerState::checkpoint_loop() {
  std::unique_lock l(cp_mu_);
  for (;;) {
    cp_cv_.wait(l, [&] { return cp_wanted_ || cp_stop_; });
    if (cp_stop_) return;
    l.unlock();
    try {
      checkpoint();
    } catch (const std::exception& e) {
      if (opts_.log) opts_.log(std::string("the checkpoint was not saved: ") + e.what());
    }
    l.lock();
    cp_wanted_ = false;
  }
}

bool ServerState::checkpoint() {
  std::string bytes;
  std::uint64_t pos = 0;
  {
    // The writer lock keeps pushes out (and with them any durability window); pulls go on.
    std::lock_guard writer(write_mu_);
    std::shared_lock lock(mu_);
    if (broken_ || log_pos_ == 0 || log_pos_ == checkpoint_pos_.load()) return false;
    bytes = encode_checkpoint();
    pos = log_pos_;
  }
  std::lock_guard save(save_mu_);
  if (pos <= checkpoint_pos_.load()) return false;  // a newer one was saved meanwhile
  store_->save_checkpoint(bytes);
  checkpoint_pos_.store(pos);
  return true;
}

}  // namespace kt::sync
