// The whole workspace in a compact binary form, for the browser's local store: the app starts from it
// instead of parsing and replaying every journal record (a 10k workspace is ~38k JSON records; replaying
// them cost most of the start-up). The schema is carried as its JSON document (small, and its shape is
// already defined by snapshot.hpp); items and timelines are written field by field with varints and
// length-prefixed strings. Decoding checks every length against the buffer: a damaged or truncated file
// fails with a message and leaves the workspace unchanged. Not a wire format: only this build reads it
// back, and an unknown version is refused (the caller then falls back to the journal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt {

constexpr std::uint32_t kBinarySnapshotVersion = 1;

// `tag` is a number the caller keeps with the state (the local store: the last journal segment the state
// includes); it is returned by decode_workspace.
std::string encode_workspace(const Workspace& ws, std::uint64_t tag);
Status decode_workspace(std::string_view bytes, Workspace* ws, std::uint64_t* tag);

// The largest clock of any cell or timeline entry: a session started on a decoded workspace observes it,
// so that its own writes order after everything already there.
Hlc max_clock(const Workspace& ws);

}  // namespace kt
