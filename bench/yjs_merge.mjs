// Peer: Yjs (one Y.Map per record, under one root map) applying a stream of remote field updates, the
// same shape as kt_bench merge: `updates` SetField-like changes over `records` records, alternating a
// number and a string field. Prints one JSON line like kt_bench.
//   node bench/yjs_merge.mjs [updates=100000] [records=100000] [runs=3]
import { createRequire } from "node:module";
const require = createRequire(new URL("./peers/", import.meta.url));
const Y = require("yjs");

const updates = Number(process.argv[2] || 100000);
const records = Number(process.argv[3] || 100000);
const runs = Number(process.argv[4] || 3);

// Both sides start from the same state: every record with a title, a budget and a note.
const remote = new Y.Doc();
const root = remote.getMap("items");
remote.transact(() => {
  for (let i = 1; i <= records; i++) {
    const m = new Y.Map();
    root.set("GD" + i, m);
    m.set("TITLE", "Поставка серверов №" + i);
    m.set("UF_CRM_BUDGET", i / 10);
    m.set("UF_CRM_NOTE", "Клиент из Москвы, заметка " + i);
  }
});
const base = Y.encodeStateAsUpdate(remote);
const local = new Y.Doc();
Y.applyUpdate(local, base);

const perS = [];
let seq = 0;
// Run 0 warms the JIT up and is not reported.
for (let r = 0; r <= runs; r++) {
  // The remote side makes the updates, one transaction each (one update message per field edit).
  const stream = [];
  const onUpdate = (u) => stream.push(u);
  remote.on("update", onUpdate);
  for (let i = 0; i < updates; i++) {
    seq++;
    const m = root.get("GD" + (1 + (i % records)));
    if (i & 1) m.set("UF_CRM_NOTE", "note " + seq);
    else m.set("UF_CRM_BUDGET", seq);
  }
  remote.off("update", onUpdate);
  const t0 = performance.now();
  for (const u of stream) Y.applyUpdate(local, u);
  const ms = performance.now() - t0;
  if (r > 0) perS.push(updates / (ms / 1000));
}
const check = local.getMap("items").get("GD2").get("UF_CRM_NOTE");
console.log(JSON.stringify({ figure: "yjs_merge", unit: "per_s", samples: perS,
  note: `${updates} remote field updates (one update message each) over ${records} Y.Maps, Y.applyUpdate, Node ${process.version}; check ${check}` }));
