// Hybrid logical clock (Kulkarni et al. 2014): physical milliseconds plus a logical counter plus the node
// id as a tie breaker. Every mutation carries one; per-field last-writer-wins compares them, so the winner of
// a concurrent edit does not depend on the order in which replicas receive the edits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kt {

// The longest node name a clock may carry, in bytes. The app's client ids are 11 characters; the bound keeps
// what a writer can make the table below hold per entry small.
constexpr size_t kMaxNodeLength = 64;

// A client id held as a number into a process-wide table of the ids seen (interned): every cell carries the
// id of its writer, and at 100k items a string per cell cost a heap block each (ids are longer than the 10
// characters a string holds inline in wasm32). Compares and orders by the string, as the plain string did;
// equal ids are equal numbers. The table only grows (one entry per client id ever seen; up to 16M) and may
// be used from several threads. Names from input go through make(), and only once what they name is kept
// (the server interns a pushed mutation's node when it applies it, not when it reads the push).
class NodeId {
 public:
  NodeId() = default;  // ""
  // For names the program chose (its own client id): throws std::length_error when `s` is longer than
  // kMaxNodeLength or the table is full.
  NodeId(std::string_view s);
  NodeId(const std::string& s) : NodeId(std::string_view(s)) {}
  NodeId(const char* s) : NodeId(std::string_view(s)) {}
  // For names from input: false, leaving *out untouched, when `s` is longer than kMaxNodeLength or the
  // table is nearly full (the last entries are kept for the constructor).
  static bool make(std::string_view s, NodeId* out);
  // How many names the table holds ("" included), for tests and diagnostics.
  static size_t interned();
  // Tests only: the number of names after which make() refuses (0: the table's own bound).
  static void set_limit_for_tests(size_t limit);

  const std::string& str() const;
  operator const std::string&() const { return str(); }
  bool empty() const { return id_ == 0; }
  size_t size() const { return str().size(); }

  bool operator==(const NodeId& o) const { return id_ == o.id_; }
  bool operator<(const NodeId& o) const { return id_ != o.id_ && str() < o.str(); }

 private:
  std::uint32_t id_ = 0;
};

struct Hlc {
  std::int64_t wall = 0;     // milliseconds since the Unix epoch
  std::uint32_t counter = 0;  // logical counter within the same millisecond
  NodeId node;               // client id of the writer; breaks ties deterministically

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
  // Parses str(); returns false (leaving *out untouched) on malformed input, a node longer than
  // kMaxNodeLength, or a node NodeId::make refuses.
  static bool parse(std::string_view s, Hlc* out);
  // The parts of str() without interning the node (*node points into `s`); false on what parse() refuses
  // for its form.
  static bool split(std::string_view s, std::int64_t* wall, std::uint32_t* counter, std::string_view* node);
};

class HlcClock {
 public:
  explicit HlcClock(std::string node) : node_(std::move(node)), node_id_(node_) {}
  // A timestamp for a local event at physical time now_ms, strictly greater than every timestamp this clock
  // has issued or observed.
  Hlc tick(std::int64_t now_ms);
  // Advances the clock past a timestamp received from another node.
  void observe(const Hlc& remote, std::int64_t now_ms);
  const std::string& node() const { return node_; }
  // The latest timestamp issued or observed (what a saved clock resumes from, through observe()).
  Hlc last() const { return Hlc{wall_, counter_, node_id_}; }
  void set_node(std::string node) {
    node_ = std::move(node);
    node_id_ = NodeId(node_);
  }

 private:
  std::string node_;
  NodeId node_id_;
  std::int64_t wall_ = 0;
  std::uint32_t counter_ = 0;
};

}  // namespace kt
