// kt_merge_web: the merge benchmark of kt_bench (tools/bench/merge.cpp: the same stream, the same pages)
// compiled to WebAssembly with the app's optimisation flags, for the browser (bench/browser.mjs --only merge
// runs it in headless Chromium, beside Yjs in the same page: bench/browser/merge.html). Never part of the
// app's download: its own module in build/wasm/bench/, built on request:
//   cmake --build build/wasm --target kt_merge_web
// The page hands it the stored base of the 100k workspace (kt_gen --base), which it decodes as the app does.
// Each call below is one step; the page times nothing itself, the calls return their own times (ms, or
// updates per second), taken around the measured code only.
#include <emscripten/emscripten.h>

#include <memory>
#include <string_view>

#include "core/snapshot_binary.hpp"
#include "merge.hpp"

namespace {

double now_ms() { return emscripten_get_now(); }

struct Bench {
  kt::Workspace local;  // receives the mutations
  std::unique_ptr<kt::bench::MergeStream> stream;
  std::vector<kt::Mutation> ms;
  std::vector<std::vector<std::string>> pages;  // per run
  size_t page_items = 0;
  kt::Workspace client;  // receives the pull pages, through its replica
  std::unique_ptr<kt::sync::Replica> replica;
  double parse_ms = 0, apply_ms = 0;
};
Bench* g = nullptr;

}  // namespace

extern "C" {

// Decodes the stored base (bytes, n) into the local workspace (which = 0), or into the pull client's (1) as a
// synced client stores and loads it (merge.hpp, load_synced_client). Returns the time taken (ms), or -1 when
// the bytes do not decode.
EMSCRIPTEN_KEEPALIVE double kt_merge_load(const char* bytes, size_t n, int which) {
  if (!g) g = new Bench;
  kt::Workspace& ws = which ? g->client : g->local;
  ws = kt::Workspace();
  const double t0 = now_ms();
  const std::string_view base(bytes, n);
  if (!(which ? kt::bench::load_synced_client(base, &ws) : kt::decode_workspace(base, &ws, nullptr))) return -1;
  const double ms = now_ms() - t0;
  if (which) g->replica = std::make_unique<kt::sync::Replica>(g->client);
  else g->stream = std::make_unique<kt::bench::MergeStream>(g->local);
  return ms;
}
// The deals of the local workspace.
EMSCRIPTEN_KEEPALIVE int kt_merge_deals() { return g && g->stream ? static_cast<int>(g->stream->deals()) : 0; }

// Decodes every timeline the stored base keeps packed (the app decodes one when its item is first used):
// after this the local state is the native benchmark's, loaded whole from the snapshot JSON. Returns ms.
EMSCRIPTEN_KEEPALIVE double kt_merge_unpack() {
  const double t0 = now_ms();
  g->local.unpack_all();
  return now_ms() - t0;
}

// One run: makes the next `updates` mutations (not timed), applies them. Returns updates per second, or a
// negative count of refused mutations (the stream is valid: a refusal is a bug).
EMSCRIPTEN_KEEPALIVE double kt_merge_mutations(int updates) {
  g->stream->next(updates, &g->ms);
  const double t0 = now_ms();
  const size_t failed = kt::bench::apply_all(g->local, g->ms);
  const double ms = now_ms() - t0;
  if (failed) return -static_cast<double>(failed);
  return updates / (ms / 1000.0);
}

// The pull pages of the first `updates` deals of the local workspace for each of the stream's `runs` runs
// (as it is after them), then the local workspace is dropped (memory: the client's copy comes next).
// Returns the size in bytes of one run's pages.
EMSCRIPTEN_KEEPALIVE double kt_merge_make_pages(int updates, int runs) {
  g->pages.clear();
  for (int r = 0; r < runs; ++r)
    g->pages.push_back(kt::bench::pull_pages(g->local, updates, kt::bench::Pages::kBinaryChanges, r));
  g->page_items = std::min<size_t>(updates, g->stream->deals());
  g->stream.reset();
  g->ms = {};
  g->local = kt::Workspace();
  double bytes = 0;
  for (const auto& p : g->pages.front()) bytes += p.size();
  return bytes;
}
EMSCRIPTEN_KEEPALIVE int kt_merge_pages() { return g && !g->pages.empty() ? static_cast<int>(g->pages.front().size()) : 0; }
// Run `run`'s pages into the client's replica: items per second, or -1 when a page does not parse.
// kt_merge_split(0 | 1) then gives the run's ms in parse_pull and in Replica::apply.
EMSCRIPTEN_KEEPALIVE double kt_merge_pull(int run) {
  g->parse_ms = g->apply_ms = 0;
  const double t0 = now_ms();
  if (!kt::bench::apply_pages(*g->replica, g->pages.at(run), now_ms, &g->parse_ms, &g->apply_ms)) return -1;
  return g->page_items / ((now_ms() - t0) / 1000.0);
}
EMSCRIPTEN_KEEPALIVE double kt_merge_split(int which) { return which ? g->apply_ms : g->parse_ms; }

}  // extern "C"
