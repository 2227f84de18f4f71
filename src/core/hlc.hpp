// Hybrid logical clock (Kulkarni et al. 2014): physical milliseconds plus a logical counter plus the node
// id as a tie breaker. Every mutation carries one; per-field last-writer-wins compares them, so the winner of
// a concurrent edit does not depend on the order in which replicas receive the edits.
#pragma once

#include <cstdint>
#include <string>

namespace kt {

struct Hlc {
  std::int64_t wall = 0;     // milliseconds since the Unix epoch
  std::uint32_t counter = 0;  // logical counter within the same millisecond
  std::string node;          // client id of the writer; breaks ties deterministically

  // Written out: the libc++ of Emscripten 3.1.6 has no operator<=> for std::string.
  bool operator<(const Hlc& o) const {
    if (wall != o.wall) return wall < o.wall;
    if (counter != o.counter) return counter < o.counter;
    return node < o.node;
  }
  bool operator>(const Hlc& o) const { return o < *this; }
  bool operator<=(const Hlc& o) const { return !(o < *this); }
  bool operator>=(const Hlc& o) const { return !(*this < o); }
  bool operator==(const Hlc&) const = default;
  bool is_zero() const { return wall == 0 && counter == 0 && node.empty(); }

  // "0001946e5c1a7b2f-0003-node": fixed-width hex so that string order equals clock order.
  std::string str() const;
  // Parses str(); returns false (leaving *out untouched) on malformed input.
  static bool parse(const std::string& s, Hlc* out);
};

class HlcClock {
 public:
  explicit HlcClock(std::string node) : node_(std::move(node)) {}
  // A timestamp for a local event at physical time now_ms, strictly greater than every timestamp this clock
  // has issued or observed.
  Hlc tick(std::int64_t now_ms);
  // Advances the clock past a timestamp received from another node.
  void observe(const Hlc& remote, std::int64_t now_ms);
  const std::string& node() const { return node_; }
  // The latest timestamp issued or observed (what a saved clock resumes from, through observe()).
  Hlc last() const { return Hlc{wall_, counter_, node_}; }
  void set_node(std::string node) { node_ = std::move(node); }

 private:
  std::string node_;
  std::int64_t wall_ = 0;
  std::uint32_t counter_ = 0;
};

}  // namespace kt
