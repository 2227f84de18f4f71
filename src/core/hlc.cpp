#include "core/hlc.hpp"

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

namespace kt {

namespace {

// The interned client ids: blocks of strings that never move (a reader finds its string without a lock),
// and a map from the string to its number under a lock.
class NodeTable {
 public:
  static constexpr std::uint32_t kBlock = 1024, kBlocks = 16384;  // up to 16M ids
  NodeTable() { blocks_[0].store(new std::string[kBlock], std::memory_order_release); }  // 0 = ""
  const std::string& at(std::uint32_t id) const {
    return blocks_[id / kBlock].load(std::memory_order_acquire)[id % kBlock];
  }
  std::uint32_t intern(std::string_view s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = ids_.find(s); it != ids_.end()) return it->second;
    if (size_ == kBlock * kBlocks) std::abort();  // 16M different client ids: not a real workload
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

 private:
  std::mutex mu_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  std::uint32_t size_ = 1;
  std::atomic<std::string*> blocks_[kBlocks] = {};
};

NodeTable& nodes() {
  static NodeTable* t = new NodeTable();  // never destroyed: ids may be used until the process ends
  return *t;
}

}  // namespace

NodeId::NodeId(std::string_view s) {
  if (s.empty()) return;
  // The same writer's id comes again and again (a merge, a decode): skip the lock and the map for it.
  thread_local std::uint32_t last = 0;
  if (last && nodes().at(last) == s) {
    id_ = last;
    return;
  }
  id_ = last = nodes().intern(s);
}

const std::string& NodeId::str() const { return nodes().at(id_); }

std::string Hlc::str() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 "-%04" PRIx32 "-", static_cast<std::uint64_t>(wall),
                counter);
  return buf + node.str();
}

bool Hlc::parse(const std::string& s, Hlc* out) {
  if (s.size() < 22 || s[16] != '-') return false;
  auto dash = s.find('-', 17);
  if (dash == std::string::npos) return false;
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
  out->wall = static_cast<std::int64_t>(w);
  out->counter = c;
  out->node = NodeId(std::string_view(s).substr(dash + 1));
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
