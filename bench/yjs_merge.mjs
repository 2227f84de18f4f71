// Peer: Yjs (one Y.Map per record, under one root map) applying a stream of remote field updates, the
// same shape as kt_bench merge: `updates` SetField-like changes over `records` records, alternating a
// number and a string field. Prints one JSON line like kt_bench. The benchmark itself is
// bench/browser/yjs_merge_run.mjs, which the browser's figure runs in Chromium too (bench/browser.mjs).
//   node bench/yjs_merge.mjs [updates=100000] [records=100000] [runs=3]
import { createRequire } from "node:module";
import { yjsMerge } from "./browser/yjs_merge_run.mjs";
const require = createRequire(new URL("./peers/", import.meta.url));
const Y = require("yjs");

const updates = Number(process.argv[2] || 100000);
const records = Number(process.argv[3] || 100000);
const runs = Number(process.argv[4] || 3);

const { perS, check } = yjsMerge(Y, { updates, records, runs });
console.log(JSON.stringify({ figure: "yjs_merge", unit: "per_s", samples: perS,
  note: `${updates} remote field updates (one update message each) over ${records} Y.Maps, Y.applyUpdate, Node ${process.version}; check ${check}` }));
