// Helpers of the data in/out tests: fixture files and applying an import plan through a session.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "core/io/csv.hpp"
#include "core/io/import.hpp"
#include "core/session.hpp"

namespace kt::test {

inline std::string fixture(const std::string& name) {
  std::ifstream f(std::string(KT_FIXTURES) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing fixture " << name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Checks every data row of a parsed table into a plan.
inline void plan_table(const Workspace& ws, io::ImportPlanner& p, const io::CsvTable& t) {
  for (const auto& r : t.rows) p.add_row(ws, r.line, r.fields, r.error);
}

// Applies the whole plan through the session, a chunk at a time as the UI does; returns the commands
// refused (there should be none).
inline int apply_plan(Session& s, io::ImportPlanner& p, io::DuplicateAction action, std::int64_t now,
                      size_t chunk = 7) {
  int refused = 0;
  while (true) {
    auto cmds = p.next_commands(s.workspace(), chunk, action, [&](const std::string& prefix) { return s.new_id(prefix); });
    if (cmds.empty() && p.steps_done() >= p.steps_total()) break;
    for (auto& c : cmds) {
      Status st = s.dispatch(std::move(c), now, false);
      if (!st) {
        ++refused;
        MESSAGE("refused: " << st.code << " " << st.message);
      }
    }
  }
  return refused;
}

}  // namespace kt::test
