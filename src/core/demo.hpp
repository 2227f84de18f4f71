// Demo data for a new local workspace: companies, contacts and deals at various stages, with some history.
#pragma once

#include <cstdint>

#include "core/session.hpp"

namespace kt {

// Creates the demo items through `session` (so they are journaled like any edit, and not undoable).
// Deterministic: the same ids and values every time; times are spread over the 30 days before now_ms.
void seed_demo(Session& session, std::int64_t now_ms);

}  // namespace kt
