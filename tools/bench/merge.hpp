// The merge benchmark of issue 9 ("merge of 100,000 remote field updates into the local state"), shared by
// the native kt_bench (tools/bench/bench_main.cpp) and its WebAssembly build for the browser
// (tools/bench/merge_web.cpp, bench/browser.mjs), so that both measure exactly the same stream:
//   - mutations: `updates` SetField mutations of another client over the deals (deal i % deals), alternating
//     a number field (UF_CRM_BUDGET) and a text field (UF_CRM_NOTE), applied with Workspace::apply;
//   - pull pages: the first `updates` deals as the client really receives changed items it holds: binary
//     pages of 10,000 of the items' changes (the cells and the timeline entry one run of the stream made),
//     parsed (parse_pull) and put into the confirmed state by the Replica of a client whose workspace is
//     loaded from the stored base as the app loads it (timelines packed until used); natively also
//     as JSON pages of 2,000 whole items with whole timelines (what a client that never held them gets).
// No I/O, no clock: the callers time the calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/hlc.hpp"
#include "core/workspace.hpp"
#include "sync/replica.hpp"

namespace kt::bench {

// The remote client's mutations: next() makes the next `updates` of them into *out (resized, its strings
// reused), numbered and clocked on from the previous call, so that every run writes new values.
class MergeStream {
 public:
  explicit MergeStream(const Workspace& ws);
  void next(int updates, std::vector<Mutation>* out);
  size_t deals() const { return ids_.size(); }

 private:
  std::vector<std::string> ids_;
  HlcClock remote_{"remote"};
  std::int64_t now_ = 1767225600000 + 86400000;
  std::uint64_t seq_ = 0;
};

// Applies the mutations; returns how many were refused (0 expected: each refused one is a bench bug).
size_t apply_all(Workspace& ws, const std::vector<Mutation>& ms);

// The pull pages of the first `n` deals of `ws`, projected for no user (as the administrator's client
// receives them): binary pages of the changes of the stream's run `run` (0, 1, ...: each item's cells and
// the timeline entry that run wrote, numbered after every earlier run's), or JSON pages of whole items.
enum class Pages { kBinaryChanges, kJsonWhole };
std::vector<std::string> pull_pages(const Workspace& ws, size_t n, Pages form, int run = 0);

// The workspace of a synced client from a stored base (kt_gen --base, a local workspace whose timeline
// entries carry no server version): as a client stores the snapshot it pulled, every entry with a version,
// then loaded as the app loads it (timelines packed until used).
Status load_synced_client(std::string_view base, Workspace* out);

// Parses each page and applies it to the replica, adding the time spent in each step to the totals (ms,
// from `now_ms`, the caller's clock). False when a page does not parse.
bool apply_pages(sync::Replica& replica, const std::vector<std::string>& pages, double (*now_ms)(),
                 double* parse_ms, double* apply_ms);

}  // namespace kt::bench
