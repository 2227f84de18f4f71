// In-page peer benchmarks (bench/browser.mjs calls them): Dexie over IndexedDB and PouchDB (its IndexedDB
// adapter), with deal-like records of about 700 bytes of JSON, deterministic.
(function () {
  const words = ["Поставка", "Внедрение", "Обслуживание", "Аудит", "Лицензии", "Модернизация"];
  function rec(i, salt) {
    return {
      _id: "GD" + i, id: "GD" + i, entity: "deal", pipeline: "0", stage: "EXECUTING",
      title: words[i % 6] + " серверного оборудования №" + i,
      amount: { v: (i * 7919) % 5000000 * 100, c: "RUB" },
      client: ["GO" + (i % 1000), "GC" + (i % 2000)], assigned: "u" + (1 + i % 4),
      begin: "2026-01-" + String(1 + i % 28).padStart(2, "0"), close: "2026-03-" + String(1 + i % 28).padStart(2, "0"),
      region: "R" + (1 + i % 6), budget: i / 10, vip: i % 10 === 0,
      note: "Клиент из Москвы, заметка " + i + (salt ? " " + salt : ""),
      comments: "Созвонились, клиент ждёт предложение до 2026-01-08; согласовать график монтажа с главным инженером.",
      address: "г. Москва, ул. Промышленная, д. " + (i % 200) + ", офис " + (i % 50) + "; проезд с северной стороны",
      tags: ["b2b", "оборудование", "квартал " + (1 + i % 4)], source: "WEB", type: "GOODS", currency: "RUB",
      created: 1767225600000 + i * 1000, rev: 1,
    };
  }
  const now = () => performance.now();
  async function deleteDb(name) {
    await new Promise((res) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = r.onblocked = () => res(); });
  }

  window.benchPeers = {
    recordBytes: () => JSON.stringify(rec(12345)).length * 1,
    // n single puts, each awaited until its transaction completed: ms per put.
    async dexiePuts(n) {
      await deleteDb("bench-dexie-puts");
      const db = new Dexie("bench-dexie-puts");
      db.version(1).stores({ deals: "id" });
      await db.open();
      await db.deals.bulkPut(Array.from({ length: 1000 }, (_, i) => rec(i)));
      const out = [];
      for (let k = 0; k < n; k++) {
        const r = rec(k % 1000, "edit " + k);
        const t0 = now();
        await db.deals.put(r);
        out.push(now() - t0);
      }
      db.close();
      return out;
    },
    async pouchPuts(n) {
      const db = new PouchDB("bench-pouch-puts");
      await db.destroy();
      const db2 = new PouchDB("bench-pouch-puts");
      await db2.bulkDocs(Array.from({ length: 1000 }, (_, i) => rec(i)));
      const revs = new Map();
      const out = [];
      for (let k = 0; k < n; k++) {
        const id = "GD" + (k % 1000);
        const doc = rec(k % 1000, "edit " + k);
        doc._rev = revs.get(id) || (await db2.get(id))._rev;
        const t0 = now();
        const r = await db2.put(doc);
        out.push(now() - t0);
        revs.set(id, r.rev);
      }
      await db2.close();
      return out;
    },
    // Writes `count` records (chunks of 5,000), then returns ms of `runs` full loads.
    async dexieLoad(count, runs) {
      await deleteDb("bench-dexie-load");
      let db = new Dexie("bench-dexie-load");
      db.version(1).stores({ deals: "id" });
      await db.open();
      const t0 = now();
      for (let i = 0; i < count; i += 5000)
        await db.deals.bulkPut(Array.from({ length: Math.min(5000, count - i) }, (_, k) => rec(i + k)));
      const write = now() - t0;
      db.close();
      const loads = [];
      for (let r = 0; r < runs; r++) {
        db = new Dexie("bench-dexie-load");
        db.version(1).stores({ deals: "id" });
        const t = now();
        await db.open();
        const all = await db.deals.toArray();
        loads.push(now() - t);
        if (all.length !== count) throw new Error("dexie: " + all.length);
        db.close();
      }
      await deleteDb("bench-dexie-load");
      return { write, loads };
    },
    async pouchLoad(count, runs) {
      await new PouchDB("bench-pouch-load").destroy();
      let db = new PouchDB("bench-pouch-load");
      const t0 = now();
      for (let i = 0; i < count; i += 5000)
        await db.bulkDocs(Array.from({ length: Math.min(5000, count - i) }, (_, k) => rec(i + k)));
      const write = now() - t0;
      await db.close();
      const loads = [];
      for (let r = 0; r < runs; r++) {
        db = new PouchDB("bench-pouch-load");
        const t = now();
        const all = await db.allDocs({ include_docs: true });
        loads.push(now() - t);
        if (all.rows.length !== count) throw new Error("pouch: " + all.rows.length);
        await db.close();
      }
      await new PouchDB("bench-pouch-load").destroy();
      return { write, loads };
    },
    // Replicates a remote database (pouchdb-server) into an empty local one: ms until complete.
    async pouchReplicate(remote) {
      await new PouchDB("bench-pouch-repl").destroy();
      const db = new PouchDB("bench-pouch-repl");
      const t = now();
      const res = await PouchDB.replicate(remote, db);
      const ms = now() - t;
      const info = await db.info();
      await db.destroy();
      if (!res.ok) throw new Error("replication: " + JSON.stringify(res.errors));
      return { ms, docs: info.doc_count, written: res.docs_written };
    },
  };
})();
