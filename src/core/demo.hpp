// Demo data for a new local workspace: departments, roles, users, a second deal pipeline, companies, contacts,
// deals at various stages with some history, leads, a quote and an invoice. The data is
// assets/demo/workspace.json (embedded at build time; assets/README.md describes its keys).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/command.hpp"
#include "core/session.hpp"
#include "core/status.hpp"

namespace kt {

// One command of the demo and the time it is issued at.
struct DemoStep {
  std::int64_t time_ms = 0;
  Command cmd;
};

// The commands a demo description (the JSON of assets/demo/workspace.json) stands for, in order, with their
// times relative to now_ms. Deterministic: the same ids, values and times for the same text and now_ms.
// A text that is not such a description (malformed, too deep, an unknown key, a value of the wrong kind)
// gives "invalid_demo" with the reason, and nothing in `out`.
Status demo_steps(std::string_view json_text, std::int64_t now_ms, std::vector<DemoStep>* out);

// Creates the demo workspace through `session` (so that it is journaled like any edit, and not undoable);
// times are spread over the days before now_ms. Stops at the first command the workspace refuses.
Status seed_demo(Session& session, std::int64_t now_ms);

}  // namespace kt
