#include "sync/replica.hpp"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"
#include "core/json_reader.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"

namespace kt::sync {

using nlohmann::json;

namespace {

// The page read straight from the text into items (pull pages of whole items run to megabytes; a DOM
// first costs most of the time and memory). False when anything is unexpected: parse_pull then reads the
// DOM, which accepts or refuses exactly as before and says why.
bool read_pull(const std::string& body, PullPage* out) {
  JsonReader r(body);
  PullPage page;
  std::string key;
  unsigned seen = 0;
  auto once = [&](unsigned bit) {
    if (seen & bit) return false;  // a repeated member: the DOM keeps the last one
    seen |= bit;
    return true;
  };
  if (!r.begin_object()) return false;
  for (bool first = true; r.member(first, key); first = false) {
    bool ok = true;
    if (key == "items") {
      ok = once(1) && r.begin_array();
      for (bool e1 = true; ok && r.element(e1); e1 = false) {
        PullPage::ItemState is;
        bool from = false;
        ok = read_item(r, &is.item, &is.timeline, &from);
        is.whole_timeline = !from;
        page.items.push_back(std::move(is));
      }
      ok = ok && r.ok();
    } else if (key == "reset") {
      ok = once(2) && r.boolean(page.reset);
    } else if (key == "more") {
      ok = once(4) && r.boolean(page.more);
    } else if (key == "snapshotDone") {
      ok = once(8) && r.boolean(page.snapshot_done);
    } else if (key == "cursor") {
      ok = once(16) && r.string(page.cursor);
    } else if (key == "schema") {
      ok = once(32);
      std::string_view text;
      if (ok && r.peek() == 'n') {
        ok = r.null();
      } else if (ok && r.raw(text)) {
        json sj = parse_json_bounded(text);
        Schema sc;
        ok = !sj.is_discarded() && load_schema(sj, &sc);
        if (ok) page.schema = std::move(sc);
      } else {
        ok = false;
      }
    } else if (key == "removed" || key == "partialTimelines") {
      const bool removed = key == "removed";
      std::vector<std::string>& ids = removed ? page.removed : page.partial_timelines;
      ok = once(removed ? 64 : 256) && r.begin_array();
      for (bool e1 = true; ok && r.element(e1); e1 = false) {
        ids.emplace_back();
        ok = r.string(ids.back());
      }
      ok = ok && r.ok();
    } else if (key == "lastMutationIds") {
      ok = once(128) && r.begin_object();
      std::string client;
      for (bool m1 = true; ok && r.member(m1, client); m1 = false)
        ok = r.uint64(page.last_mutation_ids[client]);
      ok = ok && r.ok();
    } else {
      ok = r.skip();
    }
    if (!ok) return false;
  }
  if (!r.at_end()) return false;
  *out = std::move(page);
  return true;
}


// A binary page: its JSON header read like a JSON page, then its item block decoded. Nothing is kept
// when either part does not read.
Status parse_binary_pull(const std::string& body, PullPage* out) {
  std::string_view header, block;
  std::uint32_t version = 0;
  if (Status s = split_binary_pull_page(body, &header, &block, &version); !s) return s;
  PullPage page;
  if (Status s = parse_pull(std::string(header), &page); !s) return s;
  if (!page.items.empty()) return Status::Fail("malformed_response", "a binary pull page with items in its header");
  if (Status s = decode_item_block(
          block, [&](size_t n) { page.items.reserve(n); }, [&]() -> BlockItem& { return page.items.emplace_back(); },
          version != kBinaryPullPageUnnumbered);
      !s)
    return Status::Fail("malformed_response", s.message);
  const std::unordered_set<std::string> partial(page.partial_timelines.begin(), page.partial_timelines.end());
  bool all_whole = true;
  for (auto& is : page.items) {
    is.whole_timeline = !is.changes && (partial.empty() || !partial.count(is.item.id));
    all_whole = all_whole && is.whole_timeline;
  }
  page.binary = true;
  // Kept for a snapshot's base file only, which takes whole items with their numbers only: a page of changes,
  // or one of the format without numbers, is not copied.
  if (all_whole && version == kBinaryPullPageVersion) page.block.assign(block.data(), block.size());
  *out = std::move(page);
  return Status::Ok();
}

}  // namespace

Status parse_pull(const std::string& body, PullPage* out) {
  if (is_binary_pull_page(body)) return parse_binary_pull(body, out);
  if (read_pull(body, out)) return Status::Ok();
  Status why;
  json j = parse_json_bounded(body, &why);
  if (j.is_discarded() && why.code == "too_deep")
    return Status::Fail("malformed_response", "the pull answer: " + why.message);
  if (j.is_discarded() || !j.is_object()) return Status::Fail("malformed_response", "the pull answer is not JSON");
  // Members of another type are refused before they are read: json::value() and get<>() throw on them (and
  // the web build has no exception catching, a throw aborts the page), and get<std::uint64_t>() takes -1 for
  // 2^64-1, which would acknowledge every pending mutation of that client.
  const auto wrong = [](const char* key, const char* what) {
    return Status::Fail("malformed_response", std::string("the pull answer: ") + key + " is not " + what);
  };
  const auto all_of = [](const json& a, bool (json::*is)() const noexcept) {
    return std::all_of(a.begin(), a.end(), [is](const json& e) { return (e.*is)(); });
  };
  for (const char* key : {"reset", "more", "snapshotDone"})
    if (const auto m = j.find(key); m != j.end() && !m->is_boolean()) return wrong(key, "true or false");
  if (const auto m = j.find("cursor"); m != j.end() && !m->is_string()) return wrong("cursor", "a string");
  for (const char* key : {"removed", "partialTimelines"})
    if (const auto m = j.find(key); m != j.end() && !(m->is_array() && all_of(*m, &json::is_string)))
      return wrong(key, "a list of ids");
  if (const auto m = j.find("items"); m != j.end() && !m->is_array()) return wrong("items", "a list");
  if (const auto m = j.find("lastMutationIds");
      m != j.end() && !(m->is_object() && all_of(*m, &json::is_number_unsigned)))
    return wrong("lastMutationIds", "an object of sequence numbers");
  PullPage page;
  try {
    page.reset = j.value("reset", false);
    page.more = j.value("more", false);
    page.snapshot_done = j.value("snapshotDone", false);
    page.cursor = j.value("cursor", "");
    if (j.contains("schema") && !j["schema"].is_null()) {
      Schema s;
      if (auto st = load_schema(j["schema"], &s); !st) return st;
      page.schema = std::move(s);
    }
    static const json kNone = json::array();
    const auto items = j.find("items");
    for (const auto& ij : items != j.end() ? *items : kNone) {
      PullPage::ItemState is;
      if (auto st = load_item(ij, &is.item, &is.timeline); !st) return st;
      is.whole_timeline = !ij.contains("timelineFrom");
      page.items.push_back(std::move(is));
    }
    page.removed = j.value("removed", std::vector<std::string>{});
    page.partial_timelines = j.value("partialTimelines", std::vector<std::string>{});
    const json last = j.value("lastMutationIds", json::object());  // named: items() must not outlive it
    for (const auto& [client, seq] : last.items()) page.last_mutation_ids[client] = seq.get<std::uint64_t>();
  } catch (const std::exception& e) {
    return Status::Fail("malformed_response", std::string("the pull answer does not read: ") + e.what());
  }
  *out = std::move(page);
  return Status::Ok();
}

std::vector<std::string> Replica::touched_items(const Command& cmd) const { return ws_.affected_items(cmd); }

void Replica::shadow_item(const std::string& id) {
  if (shadows_.count(id)) return;
  Shadow s;
  if (const Item* it = ws_.item(id)) {
    s.existed = true;
    s.item = *it;
    s.timeline = ws_.timeline(id);
  }
  shadows_.emplace(id, std::move(s));
}

void Replica::shadow_schema() {
  if (!schema_shadow_) schema_shadow_ = ws_.schema();
}

void Replica::before_local(const Command& cmd) {
  if (changes_config(cmd)) shadow_schema();
  // Creations number after the confirmed last numbers: those come back before a rebase, so that pending
  // creations number again after what the server has numbered meanwhile (a small map: copied every time).
  if (!numbers_shadow_) numbers_shadow_ = ws_.last_numbers();
  for (const auto& id : touched_items(cmd)) shadow_item(id);
}

void Replica::add_pending(const Mutation& m) { pending_.push_back(m); }

void Replica::restore_pending(std::vector<Mutation> pending) {
  for (auto& m : pending) pending_.push_back(std::move(m));
}

void Replica::acknowledge(const std::map<std::string, std::uint64_t>& last) {
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const Mutation& m) {
                                  auto it = last.find(m.client);
                                  return it != last.end() && m.seq <= it->second;
                                }),
                 pending_.end());
}

void Replica::restore_shadows() {
  if (schema_shadow_) ws_.set_schema(std::move(*schema_shadow_));
  schema_shadow_.reset();
  if (numbers_shadow_) ws_.set_last_numbers(std::move(*numbers_shadow_));
  numbers_shadow_.reset();
  for (auto& [id, s] : shadows_) {
    if (s.existed) ws_.put_item(std::move(s.item), &s.timeline, false);
    else ws_.remove_item(id);
  }
  shadows_.clear();
}

std::vector<Replica::Held> Replica::reapply_pending() {
  std::vector<Held> held;
  for (const auto& m : pending_) {
    before_local(m.cmd);
    if (Status s = ws_.apply(m); !s) held.push_back({m, s});  // still sent: the server decides
  }
  return held;
}

const Item* Replica::confirmed_item(const std::string& id, const std::vector<TimelineEntry>** timeline) const {
  auto sh = shadows_.find(id);
  if (sh != shadows_.end()) {
    if (!sh->second.existed) return nullptr;
    *timeline = &sh->second.timeline;
    return &sh->second.item;
  }
  const Item* it = ws_.item(id);
  if (it) *timeline = &ws_.timeline(id);
  return it;
}

Replica::Changes Replica::take_changes() {
  // Collected as they came (a set per item cost more than the rest of applying a page of changes).
  std::sort(changes_.items.begin(), changes_.items.end());
  changes_.items.erase(std::unique(changes_.items.begin(), changes_.items.end()), changes_.items.end());
  Changes out = std::move(changes_);
  changes_ = Changes{};
  return out;
}

Status Replica::check(const PullPage& page) const {
  const bool snapshot = page.reset || in_snapshot();
  for (const auto& is : page.items) {
    if (!is.changes) continue;
    if (snapshot) return Status::Fail("malformed_response", "a snapshot's page with the changes of item " + is.item.id);
    const std::vector<TimelineEntry>* tl = nullptr;
    const Item* held = confirmed_item(is.item.id, &tl);
    if (!held || held->entity != is.item.entity)
      return Status::Fail("malformed_response", "changes of item " + is.item.id + ", which this client does not hold");
  }
  return Status::Ok();
}

std::vector<Replica::Held> Replica::apply(PullPage page) {
  restore_shadows();
  if (page.schema) {
    ws_.set_schema(std::move(*page.schema));
    changes_.schema = true;
  }
  for (auto& is : page.items) {
    changes_.items.push_back(is.item.id);
    if (is.changes)  // checked: the confirmed state holds the item
      ws_.patch_item(std::move(is.item), std::move(*is.changes));
    else
      ws_.put_item(std::move(is.item), std::move(is.timeline), !is.whole_timeline);
  }
  for (const auto& id : page.removed) {
    ws_.remove_item(id);
    changes_.items.push_back(id);
  }
  acknowledge(page.last_mutation_ids);
  return reapply_pending();
}

void Replica::begin_snapshot() {
  snapshot_.emplace();
  snapshot_blocks_.clear();
  snapshot_blocks_.shrink_to_fit();
  snapshot_binary_ = true;
}

void Replica::add_snapshot_page(PullPage page) {
  if (!snapshot_) begin_snapshot();
  if (page.schema) snapshot_->set_schema(std::move(*page.schema));
  // The blocks are kept only while they would read back as the snapshot: every page binary, every item
  // once and of a known type (a server that broke this still gets its snapshot, stored item by item).
  if (!page.binary || (page.block.empty() && !page.items.empty())) snapshot_binary_ = false;
  for (auto& is : page.items) {
    if (snapshot_binary_ && (snapshot_->item(is.item.id) || !snapshot_->schema().entity(is.item.entity) ||
                             !is.whole_timeline))
      snapshot_binary_ = false;
    snapshot_->put_item(std::move(is.item), std::move(is.timeline), false);
  }
  if (!snapshot_binary_) {
    std::string().swap(snapshot_blocks_);
  } else if (!page.items.empty()) {  // an empty block would end the base file's items early
    snapshot_blocks_ += page.block;
  }
  acknowledge(page.last_mutation_ids);
}

std::vector<Replica::Held> Replica::finish_snapshot() {
  if (!snapshot_) return {};
  shadows_.clear();
  schema_shadow_.reset();
  numbers_shadow_.reset();
  changes_.items.clear();  // the snapshot replaces all; only what changes after it is named
  if (snapshot_binary_) {
    changes_.base_header = binary_base_header(schema_json(snapshot_->schema(), nullptr).dump(), 0);
    changes_.base_blocks = std::move(snapshot_blocks_);
  } else {
    changes_.base_header.clear();
    changes_.base_blocks.clear();
  }
  snapshot_blocks_.clear();
  snapshot_binary_ = false;
  ws_ = std::move(*snapshot_);
  snapshot_.reset();
  changes_.all = true;
  changes_.schema = true;
  return reapply_pending();
}

std::vector<Replica::Held> Replica::reject(const std::string& client, std::uint64_t seq) {
  restore_shadows();
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const Mutation& m) { return m.client == client && m.seq == seq; }),
                 pending_.end());
  return reapply_pending();
}

}  // namespace kt::sync
