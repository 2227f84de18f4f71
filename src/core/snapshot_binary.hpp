// The whole workspace in a compact binary form, for the browser's local store: the app starts from it
// instead of parsing and replaying every journal record (a 10k workspace is ~38k JSON records; replaying
// them cost most of the start-up). The schema is carried as its JSON document (small, and its shape is
// already defined by snapshot.hpp); items and timelines are written field by field with varints and
// length-prefixed strings. Decoding checks every length against the buffer: a damaged or truncated file
// fails with a message and leaves the workspace unchanged. Not a wire format: only this build reads it
// back, and an unknown version is refused (the caller then falls back to the journal).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt {

constexpr std::uint32_t kBinarySnapshotVersion = 1;

// `tag` is a number the caller keeps with the state (the local store: the last journal segment the state
// includes); it is returned by decode_workspace.
std::string encode_workspace(const Workspace& ws, std::uint64_t tag);
// The same bytes handed to `sink` in pieces of about 1 MB, so that writing a large workspace never holds
// the whole file in memory. Stops at the first piece the sink refuses (returns false) and returns false.
using ByteSink = std::function<bool(std::string_view bytes)>;
bool encode_workspace(const Workspace& ws, std::uint64_t tag, const ByteSink& sink);
Status decode_workspace(std::string_view bytes, Workspace* ws, std::uint64_t* tag);

// Where a streaming decode pulls its bytes from: copies up to n of the next bytes to `out` and returns how
// many (0: no more, or a read error).
using ByteSource = std::function<size_t(char* out, size_t n)>;
// The same from `size` bytes pulled from `source` in chunks of about 1 MB, so that a large stored base is
// never in memory whole (100k deals: an 87 MB file). Fails like the above when the source ends early or
// holds more than `size` bytes' worth of workspace.
Status decode_workspace(const ByteSource& source, std::uint64_t size, Workspace* ws, std::uint64_t* tag);

// Decodes a timeline kept packed by decode_workspace (appending to *out); false if the bytes are damaged
// (they were checked when stored, so only memory damage can do it).
bool unpack_timeline(const PackedTimeline& packed, const std::string& item, std::vector<TimelineEntry>* out);

// The largest clock of any cell or timeline entry: a session started on a decoded workspace observes it,
// so that its own writes order after everything already there.
Hlc max_clock(const Workspace& ws);

}  // namespace kt
