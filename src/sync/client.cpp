#include "sync/client.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"

namespace kt::sync {

using nlohmann::json;

namespace {
constexpr size_t kBatch = 100;
constexpr std::int64_t kPullEvery = 30000;  // a pull now and then even without pokes
constexpr int kMaxBackoff = 30000;
double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
// Members of an answer, read without throwing: the server, or whatever answers in its place (a proxy, a
// captive portal), may send any JSON, and json::value() throws on a member of another type. A member that
// is missing or of another type reads as absent.
std::string text_of(const json& j, const char* key, const std::string& absent = "") {
  const auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : absent;
}
bool unsigned_of(const json& j, const char* key, std::uint64_t* out) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  if (it == j.end() || !it->is_number_unsigned()) return false;
  *out = it->get<std::uint64_t>();
  return true;
}
}  // namespace

SyncClient::SyncClient(Replica& replica, Transport& transport, std::string token)
    : replica_(replica), transport_(transport), token_(std::move(token)) {}

void SyncClient::local_change() { want_push_ = true; }
void SyncClient::pull_now() {
  want_pull_ = true;
  // Whatever failed before, the user or the network says it is worth trying now.
  next_attempt_ = 0;
  backoff_ms_ = 0;
}

bool SyncClient::has_unsent() const {
  for (const auto& m : replica_.pending()) {
    auto it = pushed_.find(m.client);
    if (it == pushed_.end() || m.seq > it->second) return true;
  }
  return false;
}

std::int64_t SyncClient::next_due_ms(std::int64_t now) const {
  if (stopped_ || problem_ == SyncStatus::Kind::Unauthorized) return -1;
  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::int64_t due = kNever;
  if (!push_in_flight_ && !pull_in_flight_)
    due = std::max(want_pull_ || has_unsent() ? now : last_pull_ + kPullEvery, next_attempt_);
  if (poke_enabled && !poke_in_flight_ && !cursor_.empty()) due = std::min(due, next_poke_);
  return due == kNever ? -1 : std::max(due, now);
}

SyncStatus SyncClient::status() const {
  SyncStatus s;
  s.pending = replica_.pending().size();
  s.reason = reason_;
  if (problem_ != SyncStatus::Kind::Synced) s.kind = problem_;
  else if (busy() && (s.pending > 0 || replica_.in_snapshot())) s.kind = SyncStatus::Kind::Syncing;
  else if (s.pending > 0) s.kind = SyncStatus::Kind::Pending;
  else s.kind = SyncStatus::Kind::Synced;
  return s;
}

void SyncClient::tick(std::int64_t now) {
  now_ = now;
  if (stopped_ || problem_ == SyncStatus::Kind::Unauthorized) return;
  if (now >= next_attempt_) {
    if (now - last_pull_ > kPullEvery) want_pull_ = true;
    start_requests(now);
  }
  // Pokes keep their own pace (every 5 s while they fail), also during a backoff: the first one that is
  // answered again ends the backoff.
  if (poke_enabled && !poke_in_flight_ && now >= next_poke_ && !cursor_.empty()) poke(now);
}

void SyncClient::start_requests(std::int64_t now) {
  if (push_in_flight_ || pull_in_flight_) return;
  if (has_unsent()) push(now);
  else if (want_pull_) pull(now);
}

void SyncClient::push(std::int64_t now) {
  json muts = json::array();
  for (const auto& m : replica_.pending()) {
    auto it = pushed_.find(m.client);
    if (it != pushed_.end() && m.seq <= it->second) continue;
    muts.push_back(m);
    if (muts.size() >= kBatch) break;
  }
  want_push_ = false;
  if (muts.empty()) return;
  push_in_flight_ = true;
  json body{{"protocol", 1}, {"schema", 1}, {"mutations", std::move(muts)}};
  transport_.send("POST", "/api/sync/push", body.dump(), token_,
                  [this](HttpResponse r) { handle_push(r, now_); });
}

void SyncClient::handle_push(const HttpResponse& r, std::int64_t now) {
  push_in_flight_ = false;
  if (stopped_) return;
  if (r.status == 409) {
    // The server expects an earlier mutation of a client: resend from there.
    json j = parse_json_bounded(r.body);
    const std::string client = text_of(j, "client");
    std::uint64_t expected = 0;
    if (!client.empty() && unsigned_of(j, "expected", &expected)) {
      pushed_[client] = expected > 0 ? expected - 1 : 0;
      want_push_ = true;
      return;
    }
  }
  if (r.status != 200) return failed(r, now);
  json j = parse_json_bounded(r.body);
  if (j.is_discarded() || !j.is_object()) return failed(HttpResponse{500, "malformed push answer"}, now);
  if (const auto last = j.find("lastMutationIds"); last != j.end() && last->is_object())
    for (const auto& [client, seq] : last->items())
      if (seq.is_number_unsigned()) pushed_[client] = std::max(pushed_[client], seq.get<std::uint64_t>());
  if (const auto results = j.find("results"); results != j.end() && results->is_array())
    for (const auto& res : *results) {
      // A duplicate carries the original code when the first delivery was rejected (its answer was lost).
      const std::string status = text_of(res, "status");
      if (status != "rejected" && !(status == "duplicate" && res.contains("code"))) continue;
      std::uint64_t seq = 0;
      unsigned_of(res, "seq", &seq);
      rejected(text_of(res, "client"), seq, Status::Fail(text_of(res, "code", "rejected"), text_of(res, "message")));
    }
  problem_ = SyncStatus::Kind::Synced;
  reason_.clear();
  backoff_ms_ = 0;
  want_pull_ = true;  // bring the server state that includes what was just applied
  if (on_progress) on_progress();
}

void SyncClient::pull(std::int64_t now) { pull_from(cursor_, now); }

void SyncClient::pull_from(const std::string& cursor, std::int64_t now) {
  pull_in_flight_ = true;
  want_pull_ = false;
  last_pull_ = now;
  // "binary": pages come as item blocks (decoded several times faster than JSON; a snapshot's are stored as
  // they are), changes too since this client reads the partial timelines they name, and only the changes
  // of the items it holds ("partialItems", Replica::check). A server without them
  // ignores the members and answers JSON. The limit is that of a binary page; JSON pages are cut at 2000.
  json body{{"protocol", 1},       {"schema", 1},       {"cursor", cursor},
            {"limit", 10000},      {"format", "binary"}, {"partialTimelines", true},
            {"partialItems", true}, {"pageFormat", kBinaryPullPageVersion}};
  transport_.send("POST", "/api/sync/pull", body.dump(), token_, [this](HttpResponse r) { pull_answered(std::move(r)); });
}

// A transport may answer inside send() (tests): an answer that arrives while the previous page is still
// being applied waits for it, so that pages are always applied in order.
void SyncClient::pull_answered(HttpResponse r) {
  if (in_pull_handler_) {
    deferred_pull_ = std::move(r);
    return;
  }
  in_pull_handler_ = true;
  handle_pull(r, now_);
  while (deferred_pull_) {
    HttpResponse next = std::move(*deferred_pull_);
    deferred_pull_.reset();
    handle_pull(next, now_);
  }
  in_pull_handler_ = false;
}

void SyncClient::handle_pull(const HttpResponse& r, std::int64_t now) {
  pull_in_flight_ = false;
  if (stopped_) return;
  if (r.status != 200) return failed(r, now);
  PullPage page;
  auto t0 = std::chrono::steady_clock::now();
  if (Status s = parse_pull(r.body, &page); !s) return failed(HttpResponse{500, s.message}, now);
  if (Status s = replica_.check(page); !s) {
    // Changes of an item this client does not hold: its state and the server's have parted. Nothing of the
    // page is applied, and the next pull, without a cursor, brings a fresh snapshot.
    if (!replica_.in_snapshot() && !page.reset) cursor_.clear();
    return failed(HttpResponse{500, s.message}, now);
  }
  stats_.pages++;
  stats_.bytes += r.body.size();
  stats_.parse_ms += ms_since(t0);
  // More pages of a snapshot: ask for the next one before applying this one, so that the server
  // prepares it (and the network carries it) while this page is applied, instead of one after the other
  // with a frame in between. Only within a snapshot (a bootstrap: many pages, nothing merged), and not
  // while local changes wait to be pushed: tick() sends those first.
  if (page.more && !page.snapshot_done && (page.reset || replica_.in_snapshot()) && !has_unsent())
    pull_from(page.cursor, now);
  t0 = std::chrono::steady_clock::now();
  // A reset starts a snapshot over, also one that was being paged (the access epoch changed meanwhile).
  if (page.reset) {
    if (!replica_.in_snapshot()) before_snapshot_ = cursor_;
    replica_.begin_snapshot();
  }
  const bool more = page.more;
  std::string next_cursor = std::move(page.cursor);
  if (replica_.in_snapshot()) {
    const bool last = !page.more || page.snapshot_done;
    replica_.add_snapshot_page(std::move(page));
    if (last) replica_.finish_snapshot();
  } else {
    replica_.apply(std::move(page));
  }
  cursor_ = std::move(next_cursor);
  problem_ = SyncStatus::Kind::Synced;
  reason_.clear();
  backoff_ms_ = 0;
  if (more && !pull_in_flight_) want_pull_ = true;
  stats_.apply_ms += ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  if (on_progress) on_progress();
  stats_.save_ms += ms_since(t0);
}

void SyncClient::poke(std::int64_t now) {
  poke_in_flight_ = true;
  transport_.send("GET", "/api/sync/poke?cursor=" + cursor_, "", token_, [this](HttpResponse r) {
    poke_in_flight_ = false;
    if (stopped_) return;
    if (r.status == 200) {
      json j = parse_json_bounded(r.body);
      next_poke_ = 0;
      if (problem_ == SyncStatus::Kind::Offline) {
        next_attempt_ = 0;  // the server answers again: no need to wait out the backoff
        backoff_ms_ = 0;
      }
      if (const auto changed = j.is_object() ? j.find("changed") : j.end();
          changed != j.end() && changed->is_boolean() && changed->get<bool>()) {
        want_pull_ = true;
        // Pull at once, not in the next frame: the change is what the user waits for.
        if (problem_ != SyncStatus::Kind::Unauthorized && now_ >= next_attempt_) start_requests(now_);
      }
    } else {
      next_poke_ = now_ + 5000;  // offline or refused: try again later, pulls keep their own backoff
    }
  });
}

void SyncClient::failed(const HttpResponse& r, std::int64_t now) {
  const std::string code = text_of(parse_json_bounded(r.body), "error");
  if (r.status == 0) {
    problem_ = SyncStatus::Kind::Offline;
    reason_ = "offline";
  } else if (r.status == 401) {
    problem_ = SyncStatus::Kind::Unauthorized;
    reason_ = code.empty() ? "unauthorized" : code;
    return;  // no retries until the user logs in again; pending mutations stay
  } else {
    problem_ = SyncStatus::Kind::Error;
    reason_ = code.empty() ? "HTTP " + std::to_string(r.status) : code;
  }
  backoff_ms_ = backoff_ms_ == 0 ? 1000 : std::min(backoff_ms_ * 2, kMaxBackoff);
  next_attempt_ = now + backoff_ms_;
  want_pull_ = true;
}

void SyncClient::rejected(const std::string& client, std::uint64_t seq, const Status& why) {
  const Mutation* found = nullptr;
  for (const auto& p : replica_.pending())
    if (p.client == client && p.seq == seq) found = &p;
  if (!found) return;  // already known (an earlier answer, or a pull acknowledged it)
  const Mutation m = *found;
  replica_.reject(client, seq);
  if (on_dropped) on_dropped(m, why);
}

}  // namespace kt::sync
