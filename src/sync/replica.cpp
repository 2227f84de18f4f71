#include "sync/replica.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"

namespace kt::sync {

using nlohmann::json;

Status parse_pull(const std::string& body, PullPage* out) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Fail("malformed_response", "the pull answer is not JSON");
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
    for (const auto& ij : j.value("items", json::array())) {
      PullPage::ItemState is;
      if (auto st = load_item(ij, &is.item, &is.timeline); !st) return st;
      is.whole_timeline = !ij.contains("timelineFrom");
      page.items.push_back(std::move(is));
    }
    page.removed = j.value("removed", std::vector<std::string>{});
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
  Changes out = std::move(changes_);
  changes_ = Changes{};
  return out;
}

std::vector<Replica::Held> Replica::apply(const PullPage& page) {
  restore_shadows();
  if (page.schema) {
    ws_.set_schema(*page.schema);
    changes_.schema = true;
  }
  for (const auto& is : page.items) {
    ws_.put_item(is.item, &is.timeline, !is.whole_timeline);
    changes_.items.insert(is.item.id);
  }
  for (const auto& id : page.removed) {
    ws_.remove_item(id);
    changes_.items.insert(id);
  }
  acknowledge(page.last_mutation_ids);
  return reapply_pending();
}

void Replica::begin_snapshot() { snapshot_.emplace(); }

void Replica::add_snapshot_page(const PullPage& page) {
  if (!snapshot_) begin_snapshot();
  if (page.schema) snapshot_->set_schema(*page.schema);
  for (const auto& is : page.items) snapshot_->put_item(is.item, &is.timeline, false);
  acknowledge(page.last_mutation_ids);
}

std::vector<Replica::Held> Replica::finish_snapshot() {
  if (!snapshot_) return {};
  shadows_.clear();
  schema_shadow_.reset();
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
