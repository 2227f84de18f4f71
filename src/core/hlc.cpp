#include "core/hlc.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace kt {

std::string Hlc::str() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 "-%04" PRIx32 "-", static_cast<std::uint64_t>(wall),
                counter);
  return buf + node;
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
  out->node = s.substr(dash + 1);
  return true;
}

Hlc HlcClock::tick(std::int64_t now_ms) {
  if (now_ms > wall_) {
    wall_ = now_ms;
    counter_ = 0;
  } else {
    ++counter_;
  }
  return Hlc{wall_, counter_, node_};
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
