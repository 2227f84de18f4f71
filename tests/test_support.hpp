// Helpers shared by the native tests.
#pragma once

#include <string>

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

}  // namespace kt::test
