// Deterministic, seeded benchmark workspaces (issue 9): the demo organisation and items, then custom
// fields and `deals` deals with their companies (deals / 10) and contacts (deals / 5), every deal walked
// along its pipeline and commented so that it has a timeline. Everything goes through Session::dispatch,
// so the result is exactly what the app or the server would hold after the same edits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/command.hpp"
#include "core/session.hpp"

namespace kt::bench {

struct GenOptions {
  int deals = 1000;
  std::uint64_t seed = 1;
  std::int64_t now_ms = 1767225600000;  // 2026-01-01T00:00Z: fixed, so that the output is byte-identical
  // The big card (frame-time benchmark): when card_fields > 0, that many more custom deal fields, shown in
  // sections of ~30 fields appended to the common deal card layout, all filled on deal GD1, whose timeline
  // then grows to card_timeline entries (comments of varied length, field and stage changes).
  int card_fields = 0;
  int card_timeline = 0;
};

struct GenStats {
  size_t mutations = 0;
  size_t refused = 0;
  size_t items = 0;
};

// Issues the mutations through `s` (its user must be an administrator once the organisation exists:
// "u1"). Returns counts; refused mutations are a bug of the generator and are counted, not hidden.
GenStats generate(Session& s, const GenOptions& o);

// Small deterministic PRNG (splitmix64), the same on every platform.
struct Rng {
  std::uint64_t state;
  explicit Rng(std::uint64_t seed) : state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

// Ids of generated items: "GD<n>" deals, "GC<n>" contacts, "GO<n>" companies (n from 1).
std::string deal_id(int n);

}  // namespace kt::bench
