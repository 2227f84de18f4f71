#include "core/hlc.hpp"

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace kt {

namespace {

// The interned client ids: blocks of strings that never move (a reader finds its string without a lock),
// and a map from the string to its number under a lock.
class NodeTable {
 public:
  static constexpr std::uint32_t kBlock = 1024, kBlocks = 16384;  // up to 16M ids
  static constexpr std::uint32_t kCapacity = kBlock * kBlocks;
  // Kept for the program's own names, after input has taken the rest.
  static constexpr std::uint32_t kReserved = 1024;
  NodeTable() { blocks_[0].store(new std::string[kBlock], std::memory_order_release); }  // 0 = ""
  const std::string& at(std::uint32_t id) const {
    return blocks_[id / kBlock].load(std::memory_order_acquire)[id % kBlock];
  }
  // The number of `s`, added when new and fewer than `limit` are held; 0 when full.
  std::uint32_t intern(std::string_view s, std::uint32_t limit) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = ids_.find(s); it != ids_.end()) return it->second;
    if (size_ >= limit) return 0;
    const std::uint32_t id = size_++;
    std::string* block = blocks_[id / kBlock].load(std::memory_order_relaxed);
    if (!block) {
      block = new std::string[kBlock];
      blocks_[id / kBlock].store(block, std::memory_order_release);
    }
    block[id % kBlock].assign(s.data(), s.size());
    ids_.emplace(std::string_view(block[id % kBlock]), id);
    return id;
  }
  std::uint32_t input_limit() const { return test_limit_ ? test_limit_.load() : kCapacity - kReserved; }
  std::uint32_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return size_;
  }
  void set_test_limit(std::uint32_t limit) { test_limit_ = limit; }

 private:
  std::mutex mu_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  std::uint32_t size_ = 1;
  std::atomic<std::uint32_t> test_limit_{0};
  std::atomic<std::string*> blocks_[kBlocks] = {};
};

NodeTable& nodes() {
  static NodeTable* t = new NodeTable();  // never destroyed: ids may be used until the process ends
  return *t;
}

// The number of `s` (never 0 for a non-empty `s`), or 0 when the table holds `limit` names already.
std::uint32_t intern(std::string_view s, std::uint32_t limit) {
  // The same writer's id comes again and again (a merge, a decode): skip the lock and the map for it.
  thread_local std::uint32_t last = 0;
  if (last && nodes().at(last) == s) return last;
  const std::uint32_t id = nodes().intern(s, limit);
  if (id) last = id;
  return id;
}

}  // namespace

NodeId::NodeId(std::string_view s) {
  if (s.empty()) return;
  if (s.size() > kMaxNodeLength)
    throw std::length_error("a clock node name longer than " + std::to_string(kMaxNodeLength) + " bytes");
  id_ = intern(s, NodeTable::kCapacity);
  if (!id_) throw std::length_error("the table of clock node names is full");
}

bool NodeId::make(std::string_view s, NodeId* out) {
  if (s.empty()) return *out = NodeId(), true;
  if (s.size() > kMaxNodeLength) return false;
  const std::uint32_t id = intern(s, nodes().input_limit());
  if (!id) return false;
  out->id_ = id;
  return true;
}

size_t NodeId::interned() { return nodes().size(); }

void NodeId::set_limit_for_tests(size_t limit) { nodes().set_test_limit(static_cast<std::uint32_t>(limit)); }

const std::string& NodeId::str() const { return nodes().at(id_); }

std::string Hlc::str() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 "-%04" PRIx32 "-", static_cast<std::uint64_t>(wall),
                counter);
  return buf + node.str();
}

bool Hlc::split(std::string_view s, std::int64_t* wall, std::uint32_t* counter, std::string_view* node) {
  if (s.size() < 22 || s[16] != '-') return false;
  auto dash = s.find('-', 17);
  if (dash == std::string_view::npos) return false;
  std::uint64_t w = 0;
  std::uint32_t c = 0;
  for (size_t i = 0; i < 16; ++i) {
    char ch = s[i];
    int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    if (d < 0) return false;
    w = w * 16 + static_cast<unsigned>(d);
  }
  if (dash - 17 == 0 || dash - 17 > 8) return false;
  for (size_t i = 17; i < dash; ++i) {
    char ch = s[i];
    int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    if (d < 0) return false;
    c = c * 16 + static_cast<unsigned>(d);
  }
  if (s.size() - (dash + 1) > kMaxNodeLength) return false;
  *wall = static_cast<std::int64_t>(w);
  *counter = c;
  *node = s.substr(dash + 1);
  return true;
}

bool Hlc::parse(std::string_view s, Hlc* out) {
  std::int64_t w = 0;
  std::uint32_t c = 0;
  std::string_view n;
  NodeId id;
  if (!split(s, &w, &c, &n) || !NodeId::make(n, &id)) return false;
  out->wall = w;
  out->counter = c;
  out->node = id;
  return true;
}

Hlc HlcClock::tick(std::int64_t now_ms) {
  if (now_ms > wall_) {
    wall_ = now_ms;
    counter_ = 0;
  } else {
    ++counter_;
  }
  return Hlc{wall_, counter_, node_id_};
}

void HlcClock::observe(const Hlc& remote, std::int64_t now_ms) {
  std::int64_t w = std::max({wall_, remote.wall, now_ms});
  if (w == wall_ && w == remote.wall)
    counter_ = std::max(counter_, remote.counter) + 1;
  else if (w == wall_)
    ++counter_;
  else if (w == remote.wall)
    counter_ = remote.counter + 1;
  else
    counter_ = 0;
  wall_ = w;
}

}  // namespace kt
