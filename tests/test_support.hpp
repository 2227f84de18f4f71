// Helpers shared by the native tests.
#pragma once

#include <string>
#include <vector>

#include "core/demo.hpp"
#include "core/session.hpp"
#include "core/workspace.hpp"

namespace kt::test {

constexpr std::int64_t kNow = 1795000000000;  // 2026-11-18, a fixed "now" for deterministic tests

// A workspace with one deal "D" in the default pipeline, created by user u1.
inline void add_deal(Session& s, const std::string& id = "D", std::int64_t now = kNow) {
  auto st = s.dispatch(CreateItem{id, "deal", "", {{"TITLE", Value("Поставка")}}}, now, false);
  REQUIRE_MESSAGE(st.ok(), st.message);
}

// A custom list field: `options` in display order, seen by `visible_to` (access codes; empty: everyone).
inline FieldDef list_field(const std::string& entity, const std::string& id, Labels label,
                           std::vector<ListOption> options, std::vector<std::string> visible_to = {}) {
  FieldDef f;
  f.id = id;
  f.entity = entity;
  f.type = FieldType::List;
  f.label = std::move(label);
  f.options = std::move(options);
  f.visible_to = std::move(visible_to);
  return f;
}

// The demo workspace (users u1 administrator; u2 and u4 managers with their own card view; u3 support
// without it) with a session per user, and a clock that moves on with every command.
struct DemoWorkspace {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  Session ivan{ws, "i", "u2"};
  Session maria{ws, "m", "u3"};
  Session dmitry{ws, "d", "u4"};
  std::int64_t t = kNow;
  DemoWorkspace() { seed_demo(admin, kNow - 1000000); }
  Status as(Session& s, Command c, bool undoable = true) { return s.dispatch(std::move(c), ++t, undoable); }
  const Schema& schema() const { return ws.schema(); }
  const Item& item(const std::string& id) const { return *ws.item(id); }
  const TimelineEntry& last(const std::string& item) const { return ws.timeline(item).back(); }
};

}  // namespace kt::test
