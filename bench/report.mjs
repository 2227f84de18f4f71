// Turns the JSON lines of kt_bench, bench/yjs_merge.mjs and bench/browser.mjs into the one markdown table of
// shell/bench.sh: figure | median | p95 | target | peer figure | ratio. A figure without samples says
// "not measured yet"; nothing is ever filled in by hand.
//   node bench/report.mjs results.jsonl
import { readFileSync } from "node:fs";

const lines = readFileSync(process.argv[2], "utf8").split("\n").filter((l) => l.startsWith("{"));
const R = {};
for (const l of lines) {
  try {
    const j = JSON.parse(l);
    // A figure measured in several invocations (one run each, e.g. a fresh cluster per run) adds up its samples.
    R[j.figure] = R[j.figure] ? { ...j, samples: [...R[j.figure].samples, ...j.samples] } : j;
  } catch { /* not a result line */ }
}
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
};
const med = (f) => (R[f] ? q(R[f].samples, 0.5) : NaN);
// For throughputs the "p95" is the slow end: the 5th percentile of the rate.
const p95 = (f) => (R[f] ? q(R[f].samples, R[f].unit === "per_s" ? 0.05 : 0.95) : NaN);
const fmt = (v, unit) => {
  if (!Number.isFinite(v)) return "—";
  if (unit === "ms") return v < 10 ? `${v.toFixed(2)} ms` : `${Math.round(v)} ms`;
  if (unit === "per_s") return `${Math.round(v).toLocaleString("en-US")}/s`;
  if (unit === "bytes") return `${(v / 1048576).toFixed(2)} MB`;
  if (unit === "fps") return `${v.toFixed(1)} fps`;
  if (unit === "us") return `${v.toFixed(2)} µs`;
  return String(v);
};
const NM = "not measured yet";

// Each row: our figure, its target, the peer's figure, and how the ratio reads (>1 is always "better than
// the peer by this factor").
const rows = [
  { name: "navigation → first frame, files cached, 10k workspace (opening the app in a new tab)", f: "cold_load_journal10k", target: "≤ 500 ms" },
  { name: "… navigating the same tab from about:blank: the process and its compiled WebAssembly kept (info)", f: "cold_load_journal10k_same_tab", target: "—" },
  { name: "… reloading the running app: the navigation first tears the previous page down (info)", f: "cold_load_journal10k_reload", target: "—" },
  { name: "cold load of a 100k workspace from IndexedDB → first frame (new tab)", f: "cold_load_100k", target: "≤ 1.5 s; < Dexie toArray, ≥ 3× faster than PouchDB",
    peer: "dexie_load", peer2: "pouch_load" },
  { name: "… reloading the running app (info)", f: "cold_load_100k_reload", target: "—" },
  { name: "… the same tab from about:blank, process kept (info)", f: "cold_load_100k_same_tab", target: "—" },
  { name: "durable commit of one field edit (10k workspace)", f: "durable_edit_10k", target: "≤ 2× Dexie put, < PouchDB put",
    peer: "dexie_put", peer2: "pouch_put", lowerBetter: true },
  { name: "… the same edits against a Dexie put issued at the same moment, in the edit's frame (10k)", f: "durable_edit_10k",
    target: "≤ 2× Dexie put", peer: "dexie_put_during_edit_10k", lowerBetter: true },
  { name: "… the storage layer alone on a page at rest: one changed file → transaction complete (10k)", f: "durable_write_idle_10k",
    target: "≤ 2× Dexie put", peer: "dexie_put", lowerBetter: true },
  { name: "Enter → edit reported durable, page clock (10k workspace; info)", f: "durable_edit_input_10k", target: "—" },
  { name: "durable commit of one field edit (100k workspace)", f: "durable_edit_100k", target: "≤ 2× Dexie put, independent of size",
    peer: "dexie_put", peer2: "pouch_put", lowerBetter: true },
  { name: "… against a Dexie put issued at the same moment (100k)", f: "durable_edit_100k",
    target: "≤ 2× Dexie put", peer: "dexie_put_during_edit_100k", lowerBetter: true },
  { name: "… the storage layer alone on a page at rest (100k)", f: "durable_write_idle_100k",
    target: "≤ 2× Dexie put", peer: "dexie_put", lowerBetter: true },
  { name: "frame CPU time, card of 300 fields + 10,000 timeline entries, scrolling (to draw data submitted)", f: "frame_card300", target: "p95 ≤ 4 ms" },
  { name: "frame CPU time, list of 100k deals while scrolling (to draw data submitted)", f: "frame_list100k", target: "p95 ≤ 6 ms" },
  { name: "frame CPU time, kanban of 100k deals while scrolling (to draw data submitted)", f: "frame_kanban100k", target: "p95 ≤ 6 ms" },
  { name: "the same three, whole frame callback with GPU wait and the accessibility mirror (info): card", f: "frame_card300_total", target: "—" },
  { name: "… list of 100k (info)", f: "frame_list100k_total", target: "—" },
  { name: "… kanban of 100k (info)", f: "frame_kanban100k_total", target: "—" },
  // A phone (issue 22): 390×844 CSS px, DPR 3, touch, the page's CPU throttled 4× (bench/browser.mjs --device phone).
  { name: "phone (390×844, DPR 3, CPU 4× throttled): navigation → first frame, files cached, 10k workspace, new tab", f: "phone_cold_load_journal10k", target: "≤ 1.2 s" },
  { name: "… the same tab from about:blank, process kept (phone; info)", f: "phone_cold_load_journal10k_same_tab", target: "—" },
  { name: "… reloading the running app (phone; info)", f: "phone_cold_load_journal10k_reload", target: "—" },
  { name: "… an empty WebGL2 page opened the same way: the browser's own share (phone; info)", f: "phone_floor_first_frame_new_tab", target: "—" },
  { name: "… a 4 KB page of memory written for the first time, this machine, unthrottled (µs; phone; info)", f: "native_page_first_touch", target: "—" },
  { name: "phone: frame CPU time, card of 300 fields + 10,000 timeline entries, scrolling", f: "phone_frame_card300", target: "p95 ≤ 8 ms" },
  { name: "… a fixed ~0.8 ms (unthrottled) of JS per frame under the same throttling: the emulation's own spread (phone; info)", f: "phone_throttle_work", target: "—" },
  { name: "… the same while each frame draws a new picture (the GPU process rasterising in software; phone; info)", f: "phone_throttle_work_drawing", target: "—" },
  { name: "phone: frame CPU time, list of 100k deals, scrolling", f: "phone_frame_list100k", target: "p95 ≤ 8 ms" },
  { name: "… whole frame callback (phone; info): card", f: "phone_frame_card300_total", target: "—" },
  { name: "… list of 100k (phone; info)", f: "phone_frame_list100k_total", target: "—" },
  { name: "phone: durable commit of one field edit (10k) against a Dexie put issued at the same moment, same throttling",
    f: "phone_durable_edit_10k", target: "≤ 2× Dexie put", peer: "phone_dexie_put_during_edit_10k", peer2: "phone_dexie_put", lowerBetter: true },
  { name: "… the storage layer alone on a page at rest (phone, 10k)", f: "phone_durable_write_idle_10k",
    target: "≤ 2× Dexie put", peer: "phone_dexie_put", lowerBetter: true },
  { name: "Enter → edit reported durable, page clock (phone, 10k; info)", f: "phone_durable_edit_input_10k", target: "—" },
  { name: "quick search + filter over 100k deals (native, warm cache)", f: "native_query", target: "≤ 30 ms" },
  { name: "quick search + filter over 100k deals (native, first search after the idle warm-up)", f: "native_query_first", target: "≤ 30 ms" },
  { name: "… first search without the warm-up (info)", f: "native_query_cold", target: "—" },
  { name: "… the warm-up itself, done between frames after start (info)", f: "native_query_warmup", target: "—" },
  { name: "quick search + filter over 100k deals (browser: the frame that runs it)", f: "browser_query_100k", target: "≤ 30 ms" },
  { name: "… the first search after start (browser)", f: "browser_query_100k_first", target: "≤ 30 ms" },
  { name: "idle page", f: "idle_fps", target: "0 fps" },
  { name: "sync bootstrap of the 100k-deal workspace into an empty browser", f: "sync_bootstrap_100k",
    target: "≤ 10 s; ≥ 5× faster than PouchDB replication", peer: "pouch_replicate_100k" },
  { name: "sync bootstrap: of which IDBFS writes (FS.syncfs, info)", f: "sync_bootstrap_persist", target: "—" },
  { name: "connected store read back: reload of the bootstrapped 100k page (base.bin + shards, info)", f: "sync_connected_cold_load", target: "—" },
  { name: "edit in one browser visible in another", f: "sync_edit_visible", target: "≤ 500 ms median" },
  { name: "merge of 100k remote field updates, native (mutations, Workspace::apply)", f: "native_merge_mutations",
    target: "≥ 5× Yjs", peer: "yjs_merge", higherBetter: true },
  { name: "merge of 100k remote field updates, native (pull pages of the items' changes: parse + Replica::apply)", f: "native_merge_pull",
    target: "≥ 5× Yjs", peer: "yjs_merge", higherBetter: true },
  { name: "… the same items whole, with whole timelines, in JSON pull pages (info)", f: "native_merge_pull_json",
    target: "—", peer: "yjs_merge", higherBetter: true },
  { name: "merge of 100k remote field updates, browser (mutations, Workspace::apply in WebAssembly; Yjs in the same page)",
    f: "browser_merge_mutations", target: "≥ 2× Yjs", peer: "browser_yjs_merge", higherBetter: true },
  { name: "merge of 100k remote field updates, browser (pull pages of the items' changes: parse + Replica::apply in WebAssembly)",
    f: "browser_merge_pull", target: "≥ 2× Yjs", peer: "browser_yjs_merge", higherBetter: true },
  { name: "server push throughput (HTTP + SQLite, 2 cores)", f: "server_push", target: "≥ 5,000 mutations/s" },
  { name: "server pull latency, 100 concurrent loopback clients (per-run p99)", f: "server_pull_p99", target: "p99 ≤ 50 ms" },
  { name: "server pull latency, 100 concurrent loopback clients (per-run median)", f: "server_pull_p50", target: "—" },
  { name: "server pull latency, 100 clients with keep-alive connections (per-run p99)", f: "server_pull_keepalive_p99", target: "p99 ≤ 50 ms" },
  { name: "server pull latency, 100 clients with keep-alive connections (per-run median)", f: "server_pull_keepalive_p50", target: "—" },
  // Issue 24, BENCH_ONLY=cluster: the same push and pull figures for three setups in one run.
  { name: "team setup: push throughput, SQLite single server (same run as the two below)", f: "cluster_sqlite_server_push", target: "—" },
  { name: "team setup: push throughput, PostgreSQL 15, one instance", f: "cluster_pg1_server_push", target: "≥ 50% of SQLite's",
    peer: "cluster_sqlite_server_push", higherBetter: true },
  { name: "team setup: push throughput, PostgreSQL 15, three instances behind HAProxy", f: "cluster_pg3_server_push", target: "—",
    peer: "cluster_sqlite_server_push", higherBetter: true },
  { name: "team setup: pull p99, 100 keep-alive clients, SQLite single server", f: "cluster_sqlite_server_pull_keepalive_p99", target: "—" },
  { name: "team setup: pull p99, 100 keep-alive clients, PostgreSQL, one instance", f: "cluster_pg1_server_pull_keepalive_p99", target: "—" },
  { name: "team setup: pull p99, 100 keep-alive clients, PostgreSQL, three instances behind HAProxy", f: "cluster_pg3_server_pull_keepalive_p99", target: "p99 ≤ 50 ms" },
  { name: "team setup: pull median, 100 keep-alive clients, three instances behind HAProxy (info)", f: "cluster_pg3_server_pull_keepalive_p50", target: "—" },
  { name: "team setup: pull p99, three instances, the kernel's session groups on (info)", f: "cluster_pg3ag_server_pull_keepalive_p99", target: "—" },
  { name: "team setup: first pull of 100 clients connecting at once, three instances (per-run p99; info)", f: "cluster_pg3_server_pull_keepalive_connect_p99", target: "—" },
  { name: "team setup: an edit in one browser on screen in another, each on another instance behind HAProxy", f: "cluster_edit_seen", target: "≤ 500 ms" },
  { name: "download size (wasm + js + data + html, gzip -9)", f: "download_gzip", target: "≤ 1.5 MB gzip" },
  { name: "WebAssembly heap with 100k items loaded", f: "heap_100k", target: "≤ 256 MB" },
  { name: "native load of the 100k snapshot JSON (info)", f: "native_snapshot_load", target: "—" },
  { name: "native start of the 10k workspace from its journal: read + parse + replay (info)", f: "native_journal_load", target: "—" },
  { name: "native start of the 100k workspace from its stored base: decode (info)", f: "native_base_decode", target: "—" },
];

const out = ["| figure | median | p95 | target | peer figure | ratio |", "|---|---|---|---|---|---|"];
for (const r of rows) {
  const have = r.f && R[r.f];
  const unit = have ? R[r.f].unit : "";
  let peer = "—", ratio = "—";
  if (r.peer) {
    const peers = [r.peer, r.peer2].filter(Boolean).filter((p) => R[p]);
    peer = peers.length ? peers.map((p) => `${p.replace(/_/g, " ")} ${fmt(med(p), R[p].unit)}` +
      (R[p].items && R[r.f] && R[r.f].items && R[p].items !== R[r.f].items ? ` for ${R[p].items.toLocaleString("en-US")} docs` : "")).join("; ") : NM;
    if (have && peers.length) {
      ratio = peers.map((p) => {
        // A peer measured on fewer items (PouchDB replication of a part of the workspace): per item.
        const scale = R[p].items && R[r.f].items ? R[r.f].items / R[p].items : 1;
        const x = r.higherBetter ? med(r.f) / med(p) : (med(p) * scale) / med(r.f);
        return `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}× vs ${p.replace(/^(browser|phone)_/, "").split("_")[0]}`;
      }).join("; ");
    }
  }
  const n = have ? ` (n=${R[r.f].samples.length})` : "";
  out.push(`| ${r.name} | ${have ? fmt(med(r.f), unit) + n : NM} | ${have ? fmt(p95(r.f), unit) : NM} | ${r.target} | ${peer} | ${ratio} |`);
}
console.log(out.join("\n"));
console.log("\nratio: the peer's median over ours for times (above 1 = we are faster), ours over the peer's for rates.");
console.log("p95 of a rate is its slow end (5th percentile of the runs). Notes per figure:");
for (const [k, v] of Object.entries(R)) console.log(`- ${k}: ${v.note}`);
