// Helpers of the libFuzzer targets (shell/fuzz.sh): the demo workspace the decoded data goes into, and a
// check that stops the run the way a sanitizer does when an invariant of the decoders does not hold.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/demo.hpp"
#include "core/io/import.hpp"
#include "core/session.hpp"
#include "core/snapshot_binary.hpp"
#include "core/workspace.hpp"

namespace kt::fuzz {

constexpr std::int64_t kNow = 1795000000000;  // as the native tests' kt::test::kNow

inline std::string_view bytes_of(const std::uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The demo workspace (administrator u1), made once per process: the targets copy it for what they change.
inline const Workspace& demo() {
  static const Workspace* ws = [] {
    auto* w = new Workspace();
    Session s(*w, "seed", "u1");
    seed_demo(s, kNow - 1000000);
    return w;
  }();
  return *ws;
}

// An invariant of the decoders failed: a crash for libFuzzer, with the reason.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}
#define KT_FUZZ_CHECK(cond) \
  do {                      \
    if (!(cond)) ::kt::fuzz::broken(#cond); \
  } while (0)

// Every packed timeline of a workspace decodes (they were checked when they were read).
inline void check_timelines(const Workspace& ws) {
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      if (const PackedTimeline* p = ws.packed_timeline(id)) {
        std::vector<TimelineEntry> out;
        KT_FUZZ_CHECK(unpack_timeline(*p, id, &out));
      }
      (void)ws.timeline(id);
    }
}

// A table imported into a copy of the demo workspace as the import dialog does it: the columns mapped from
// the header, and those it cannot place given an importable field in turn (so that every cell reaches a
// typed reader: dates, numbers, money, options, links), rows planned, then the commands applied.
inline void import_table(const std::string& entity, const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, const std::vector<size_t>& lines) {
  const Workspace& w = demo();
  io::ImportOptions o;
  o.entity = entity;
  o.columns = io::suggest_mapping(w.schema(), "u1", entity, header);
  const std::vector<std::string> fields = io::importable_fields(w.schema(), "u1", entity);
  for (size_t c = 0; c < o.columns.size() && !fields.empty(); ++c)
    if (o.columns[c].empty()) o.columns[c] = fields[c % fields.size()];
  o.create_companies = header.size() % 2 == 0;
  io::ImportPlanner p(w, "u1", o, header);
  if (!p.status()) return;
  for (size_t r = 0; r < rows.size(); ++r) p.add_row(w, r < lines.size() ? lines[r] : r + 2, rows[r]);
  (void)p.would_create(io::DuplicateAction::Merge);
  // The commands go into a fresh copy (each run starts from the demo data).
  Workspace copy = w;
  Session s(copy, "fz", "u1");
  const auto action = static_cast<io::DuplicateAction>(rows.size() % 3);
  for (size_t guard = 0; guard < 100000; ++guard) {
    auto cmds = p.next_commands(copy, 16, action, [&](const std::string& prefix) { return s.new_id(prefix); });
    if (cmds.empty() && p.steps_done() >= p.steps_total()) break;
    for (auto& c : cmds) (void)s.dispatch(std::move(c), kNow, false);
  }
}

}  // namespace kt::fuzz
