// The Yjs peer of the merge figure, shared by Node (bench/yjs_merge.mjs) and the browser
// (bench/browser/merge.html): one Y.Map per record under one root map, applying a stream of remote field
// updates of the same shape as kt_bench merge (tools/bench/merge.cpp): `updates` changes over `records`
// records, alternating a number and a string field, one update message (one transaction) per field edit.
// Run 0 warms the JIT up and is not reported. Returns { perS: [...], check }.
export function yjsMerge(Y, { updates = 100000, records = 100000, runs = 3 } = {}) {
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
  const local = new Y.Doc();
  Y.applyUpdate(local, Y.encodeStateAsUpdate(remote));

  const perS = [];
  let seq = 0;
  for (let r = 0; r <= runs; r++) {
    // The remote side makes the updates (not timed).
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
  // The last update of record 2 was a note (odd i): what the local side must now hold.
  const check = local.getMap("items").get("GD2").get("UF_CRM_NOTE");
  remote.destroy();
  local.destroy();
  return { perS, check };
}
