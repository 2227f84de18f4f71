// Kartoteka page glue, linked into kartoteka.js with --pre-js (so it sees FS, IDBFS and the run-dependency
// functions). It owns the IndexedDB side of storage:
//   - before main(): mount IDBFS at /data and load what IndexedDB holds (populate), so the C++ side reads the
//     journal with plain file I/O; then ask the browser to keep the data (navigator.storage.persist());
//   - afterwards: a single-flight, coalescing persist scheduler that writes the files changed since the last
//     write (tracked by the file system's hooks) in one IndexedDB transaction, right after the frame that
//     changed them; at most one runs at a time and writes made meanwhile trigger exactly one follow-up
//     (a whole-mount FS.syncfs only after a failure);
//   - flush when the page is hidden (the last event a browser reliably delivers), warn on unload while
//     changes are not yet durable.
// When IndexedDB is missing, cannot be opened, or refuses writes (full), the app keeps working in memory
// and says why: Module.ktStorage.error is a code (unavailable, open_failed, quota, write_failed) that the
// app translates (platform::storage_error); the browser's own message goes to the console.
// earlyRead: who read the store before the WebAssembly was up ("worker", "page"; "" when IDBFS read it).
Module.ktStorage = { ok: false, error: "", detail: "", populated: false, persisted: null, usage: -1, quota: -1,
                     earlyRead: "" };
// Milestones of the start, on the page's clock (bench/browser.mjs splits the cold start with them): this
// script running, reading IndexedDB (populate) begun and done; main() adds its own (src/app/main_web.cpp).
Module.ktTimes = Object.assign({ script: performance.now() }, Module.ktTimes0 || {});

function ktStorageFailure(code, err) {
  var s = Module.ktStorage;
  var name = err && err.name || "";
  if (name === "QuotaExceededError" || /quota/i.test(String(err && err.message || err))) code = "quota";
  s.error = code;
  s.detail = String(err && (err.name ? err.name + ": " + err.message : err.message) || err || code);
  console.warn("storage: " + code + ": " + s.detail);
}

// Emscripten 3.1.6's IDBFS reports a failed request or transaction with `this.error` inside arrow
// functions (undefined), and cancels the transaction's abort with preventDefault: a write that failed
// asynchronously (a full disk) was reported as success, or never reported. These replacements report the
// real error and let a failed transaction abort, so that a sync stores all of its files or none.
function ktPatchIdbfs() {
  IDBFS.storeRemoteEntry = function (store, path, entry, callback) {
    var req;
    try { req = store.put(entry, path); } catch (e) { callback(e); return; }
    req.onsuccess = function () { callback(null); };
    req.onerror = function () { callback(req.error || new Error("IndexedDB write failed: " + path)); };
  };
  IDBFS.removeRemoteEntry = function (store, path, callback) {
    var req;
    try { req = store.delete(path); } catch (e) { callback(e); return; }
    req.onsuccess = function () { callback(null); };
    req.onerror = function () { callback(req.error || new Error("IndexedDB delete failed: " + path)); };
  };
  var reconcile = IDBFS.reconcile;
  IDBFS.reconcile = function (src, dst, callback) {
    // The original's transaction handlers are out of reach: wrap db.transaction so that its onerror
    // (which cancels the abort) is ignored, any failure aborts the whole transaction, and the abort,
    // which every failure ends in, is reported once.
    var db = src.type === "remote" ? src.db : dst.db;
    var open = db.transaction;
    var tx = null;
    var reported = false;
    function once(err) {
      if (reported) return;
      reported = true;
      if (err && tx) { try { tx.abort(); } catch (e) { /* already finished */ } }
      callback(err);
    }
    db.transaction = function () {
      delete db.transaction;
      tx = open.apply(db, arguments);
      Object.defineProperty(tx, "onerror", { configurable: true, get: function () { return null; }, set: function () {} });
      tx.addEventListener("abort", function () {
        once(tx.error || new DOMException("the IndexedDB transaction was aborted", "AbortError"));
      });
      return tx;
    };
    try {
      reconcile.call(IDBFS, src, dst, function (err) { once(err || null); });
    } finally {
      delete db.transaction;
    }
  };
}

// The store is read while main() prepares the window, the fonts and the renderer (not as a run dependency
// that would hold main() back): main() starts the app once the mount is settled — populated, or failed
// (src/app/main_web.cpp, kt_storage_settled). On a phone's CPU the two overlap by ~250 ms of the start.
Module.ktStorage.settled = false;
function ktStorageSettled() {
  Module.ktStorage.settled = true;
  if (Module.calledRun && Module._kt_storage_settled) Module._kt_storage_settled();
}

Module.preRun = Module.preRun || [];
Module.preRun.push(function () {
  FS.mkdir("/data");
  var idb = null;
  try { idb = typeof indexedDB === "undefined" ? null : indexedDB; } catch (e) { idb = null; }
  if (!idb) {
    ktStorageFailure("unavailable", "IndexedDB is not available in this browser");
    ktStorageSettled();
    return;
  }
  ktPatchIdbfs();
  try {
    FS.mount(IDBFS, {}, "/data");
  } catch (e) {
    ktStorageFailure("open_failed", e);
    ktStorageSettled();
    return;
  }
  var t0 = Module.ktTimes.populate0 = performance.now();
  function populated(err) {
    Module.ktStorage.populateMs = performance.now() - t0;
    Module.ktTimes.populate1 = performance.now();
    if (err) {
      ktStorageFailure("open_failed", err);
    } else {
      Module.ktStorage.ok = true;
      Module.ktStorage.populated = true;
      ktTrackChanges();
      ktStartPersistWorker();
      ktRequestPersistence();
    }
    ktStorageSettled();
  }
  function populateFromIdb() {
    try {
      FS.syncfs(true, populated);
    } catch (e) {
      populated(e);
    }
  }
  if (!Module.ktPrefetch) {
    populateFromIdb();
    return;
  }
  function readAgain(e) {
    if (e && e.name !== "AbortError") console.warn("storage: reading the store early failed (" + e + "); reading it again");
    populateFromIdb();
  }
  Module.ktPrefetch.then(function (r) {
    try {
      if (r.version !== IDBFS.DB_VERSION || r.store !== IDBFS.DB_STORE_NAME) {
        if (r.db) r.db.close();
        throw new Error("the page read another IndexedDB layout than IDBFS's");
      }
      ktPopulateFrom(r);
    } catch (e) {
      readAgain(e);
      return;
    }
    Module.ktTimes.idbRead0 = r.t0;
    Module.ktTimes.idbRead1 = r.t1;
    Module.ktStorage.earlyRead = r.by;
    populated(null);
  }, readAgain);
});

// Fills the /data mount from the records the page read early (index.html: Module.ktPrefetch), the way
// FS.syncfs(true) would (IDBFS.storeLocalEntry: contents, mode, timestamp), and keeps the page's
// connection, when the page read them itself, as IDBFS's own for the writes that follow (after a worker's
// read, IDBFS opens its own when it first writes).
function ktPopulateFrom(r) {
  r.keys.forEach(function (path, i) {  // in IndexedDB's key order: a folder before what it holds
    IDBFS.storeLocalEntry(path, r.values[i], function (err) { if (err) throw err; });  // it calls back at once
  });
  if (r.db) IDBFS.dbs[FS.lookupPath("/data").node.mount.mountpoint] = r.db;
}

// Asks the browser to keep this site's data under storage pressure ("persistent" rather than "best
// effort"). Chrome decides without asking; Firefox asks the user, so after the first change (a user
// action) it is asked again if it was not granted at start.
function ktRequestPersistence() {
  var s = Module.ktStorage;
  if (!navigator.storage || !navigator.storage.persist) return;
  navigator.storage.persisted().then(function (already) {
    return already || navigator.storage.persist();
  }).then(function (granted) {
    s.persisted = !!granted;
  }).catch(function (e) {
    s.persisted = false;
    console.warn("storage: persist(): " + e);
  });
  if (navigator.storage.estimate) {
    navigator.storage.estimate().then(function (e) {
      s.usage = e.usage;
      s.quota = e.quota;
    }).catch(function () {});
  }
}

Module.ktPersist = { inFlight: false, inFlightFull: false, dirty: false, requested: 0, started: 0, lastMs: 0,
                     failures: 0, askedPersist: false, full: false, tracked: 0, fullSyncs: 0,
                     pendingSince: 0, commitMs: 0, worker: null, workerSeq: 0, workerPending: null,
                     workerWrites: 0 };

function ktReport(mark, ok) {
  if (Module._kt_on_persisted) Module._kt_on_persisted(mark, ok ? 1 : 0);  // also wakes the main loop
}

// What changed under /data since the last write, seen by wrapping the file system's calls (the tracking
// hooks of Emscripten's FS exist only in FS_DEBUG builds): paths to copy into IndexedDB and paths to delete
// from it. A persist writes exactly these in one transaction, so an edit costs one small put whatever the
// size of the workspace (a whole-mount FS.syncfs lists and compares every file first). Installed once the
// mount is populated (populating writes every file, which is not a change).
Module.ktDirty = { puts: new Set(), dels: new Set() };

function ktTrackChanges() {
  var d = Module.ktDirty;
  function abs(p) { return p.charAt(0) === "/" ? p : FS.cwd().replace(/\/$/, "") + "/" + p; }
  function under(p) { return p === "/data" || p.indexOf("/data/") === 0; }
  function changed(p) { if (typeof p !== "string") return; p = abs(p); if (under(p)) { d.dels.delete(p); d.puts.add(p); } }
  function removed(p) { if (typeof p !== "string") return; p = abs(p); if (under(p)) { d.puts.delete(p); d.dels.add(p); } }
  function wrap(name, after) {
    var f = FS[name];
    FS[name] = function () {
      var r = f.apply(FS, arguments);
      after.apply(null, arguments);
      return r;
    };
  }
  wrap("write", function (stream) { changed(stream.path); });
  wrap("mkdir", function (path) { changed(path); });
  wrap("unlink", function (path) { removed(path); });
  wrap("rmdir", function (path) { removed(path); });
  wrap("rename", function (from, to) { removed(from); changed(to); });
  // A truncation: a torn journal tail cut at load, a file opened for rewriting.
  wrap("truncate", function (path) { changed(typeof path === "string" ? path : FS.getPath(path)); });
}

// The changed files as IndexedDB records (IDBFS's own record format: timestamp, mode, contents, so that a
// full FS.syncfs and the next start read them as usual): [[path, record], ...] to put, [path, ...] to delete.
function ktChangedRecords(puts) {
  var records = [], gone = [];
  puts.forEach(function (p) {
    var node, stat;
    try {
      node = FS.lookupPath(p).node;
      stat = FS.stat(p);
    } catch (e) {  // gone again since: nothing to keep
      gone.push(p);
      return;
    }
    if (FS.isDir(stat.mode)) {
      records.push([p, { timestamp: stat.mtime, mode: stat.mode }]);
    } else if (FS.isFile(stat.mode)) {
      // Exactly the file's bytes: a typed array view would be cloned with its whole (grown) buffer.
      var c = node.contents, n = node.usedBytes;
      var bytes = c ? (c.subarray ? c.slice(0, n) : new Uint8Array(c)) : new Uint8Array(0);
      records.push([p, { timestamp: stat.mtime, mode: stat.mode, contents: bytes }]);
    }
  });
  return { records: records, gone: gone };
}

// Writes records and deletions in one readwrite transaction of `db`; calls back once, with null when it is
// complete or with the error that aborted it. The same function runs in the persist worker (below), which
// receives its source, so it uses nothing of the page.
function ktWriteTransaction(db, storeName, records, dels, callback) {
  var tx, finished = false;
  function finish(e) {
    if (finished) return;
    finished = true;
    callback(e || null);
  }
  try {
    tx = db.transaction([storeName], "readwrite");
    var store = tx.objectStore(storeName);
    tx.oncomplete = function () { finish(null); };
    tx.onabort = function () { finish(tx.error || new DOMException("the IndexedDB transaction was aborted", "AbortError")); };
    records.forEach(function (r) { store.put(r[1], r[0]); });
    dels.forEach(function (p) { store.delete(p); });
  } catch (e) {
    if (tx) { try { tx.abort(); } catch (e2) { /* already finished */ } }
    finish(e);
  }
}

// The persist worker: the page's main thread draws frames, and an IndexedDB transaction's completion is an
// event that waits for the main thread to be free (the rest of the frame that made the edit: drawing, the
// accessibility mirror), which made a one-record commit take 10-30 ms. In a worker the transaction
// completes as soon as IndexedDB has it, whatever the page does; the page learns of it after its frame.
// Its own connection to the database that IDBFS opened (the same name and version: no upgrade). Messages:
// {open, version} -> {opened, error}; {id, store, records, dels} -> {id, at, error} (`at` on the page's
// clock: the worker's time origin differs). {test: {...}} sets globals of the worker, for the browser tests'
// fault injection (window.__ktPersistWorkerPrelude is evaluated in the worker before this code).
function ktPersistWorkerMain(write) {
  var db = null;
  function plain(e) { return e ? { name: e.name || "Error", message: e.message || String(e) } : null; }
  self.onmessage = function (ev) {
    var m = ev.data;
    if (m.test) { Object.assign(self, m.test); return; }
    if (m.open) {
      var req;
      try { req = indexedDB.open(m.open, m.version); } catch (e) { postMessage({ opened: false, error: plain(e) }); return; }
      req.onupgradeneeded = function () { req.transaction.abort(); };  // the page creates the database, never the worker
      req.onsuccess = function () {
        db = req.result;
        db.onversionchange = function () { db.close(); db = null; };
        postMessage({ opened: true });
      };
      req.onerror = function () { postMessage({ opened: false, error: plain(req.error) }); };
      return;
    }
    if (!db) { postMessage({ id: m.id, at: performance.timeOrigin + performance.now(), error: { name: "InvalidStateError", message: "the persist worker has no database" } }); return; }
    var got = performance.timeOrigin + performance.now();
    write(db, m.store, m.records, m.dels, function (e) {
      postMessage({ id: m.id, got: got, at: performance.timeOrigin + performance.now(), error: plain(e) });
    });
  };
}

// Starts the worker once the mount is populated; until it says its database is open (and whenever it
// fails) the page writes on its own thread.
function ktStartPersistWorker() {
  var p = Module.ktPersist;
  if (typeof Worker === "undefined" || typeof Blob === "undefined" || typeof URL === "undefined") return;
  var w;
  try {
    var src = (window.__ktPersistWorkerPrelude || "") + "\n(" + ktPersistWorkerMain.toString() + ")(" +
              ktWriteTransaction.toString() + ");";
    var url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    w = new Worker(url);
    URL.revokeObjectURL(url);
  } catch (e) {
    console.warn("storage: no persist worker (" + e + "); writing from the page");
    return;
  }
  var pending = p.workerPending = new Map();
  function fail(why) {
    if (p.worker === w) p.worker = null;
    console.warn("storage: persist worker: " + why + "; writing from the page");
    pending.forEach(function (cb) { cb(new Error("the persist worker stopped: " + why)); });
    pending.clear();
    try { w.terminate(); } catch (e) { /* gone */ }
  }
  w.onerror = function (e) { e.preventDefault(); fail(e.message || "error"); };
  w.onmessage = function (ev) {
    var m = ev.data;
    if ("opened" in m) {
      if (m.opened) p.worker = w;
      else fail(m.error ? m.error.name + ": " + m.error.message : "open failed");
      return;
    }
    var cb = pending.get(m.id);
    if (!cb) return;
    pending.delete(m.id);
    var err = null;
    if (m.error) {
      try { err = new DOMException(m.error.message, m.error.name); } catch (e) { err = new Error(m.error.name + ": " + m.error.message); }
    }
    if (p.trace) console.log("persist: the worker had it at " + (m.got - performance.timeOrigin - p.pendingSince).toFixed(1) + " ms after the change");
    cb(err, m.at - performance.timeOrigin);
  };
  var mount = FS.lookupPath("/data").node.mount;
  w.postMessage({ open: mount.mountpoint, version: IDBFS.DB_VERSION });
}

// Writes the files changed since the last write in one transaction: in the persist worker when it runs,
// else on the page. Calls back (error or null, completion time on the page's clock) when it is complete.
function ktWriteChanges(callback) {
  var t0 = performance.now();
  var p = Module.ktPersist;
  var d = Module.ktDirty;
  var puts = Array.from(d.puts), dels = Array.from(d.dels);
  d.puts.clear();
  d.dels.clear();
  function done(err, at) {
    if (err) {  // what failed is still to be written; a newer change of the same path stays newer
      puts.forEach(function (q) { if (!d.dels.has(q)) d.puts.add(q); });
      dels.forEach(function (q) { if (!d.puts.has(q)) d.dels.add(q); });
    }
    if (p.trace) console.log("persist: " + (err ? "failed: " + err : "complete") + " at " + ((at || performance.now()) - t0).toFixed(1) + " ms");
    callback(err || null, at || performance.now());
  }
  var c;
  try { c = ktChangedRecords(puts); } catch (e) { done(e); return; }
  var all = dels.concat(c.gone);
  if (p.trace) console.log("persist: " + c.records.length + " puts, " + all.length + " deletes" + (p.worker ? " (worker)" : "") + ": " + puts.concat(dels).join(" "));
  if (p.worker) {
    var id = ++p.workerSeq;
    p.workerPending.set(id, function (err, at) {
      if (!err) p.workerWrites++;
      done(err, at);
    });
    try {
      p.worker.postMessage({ id: id, store: IDBFS.DB_STORE_NAME, records: c.records, dels: all },
                           c.records.filter(function (r) { return r[1].contents; }).map(function (r) { return r[1].contents.buffer; }));
    } catch (e) {
      p.workerPending.delete(id);
      done(e);
    }
    return;
  }
  var mount;
  try { mount = FS.lookupPath("/data").node.mount; } catch (e) { done(e); return; }
  IDBFS.getDB(mount.mountpoint, function (err, db) {
    if (err) { done(err); return; }
    ktWriteTransaction(db, IDBFS.DB_STORE_NAME, c.records, all, function (e) { done(e); });
  });
}

Module.ktPersistSoon = function (mark) {
  var p = Module.ktPersist;
  if (mark > p.requested) p.requested = mark;
  if (!p.pendingSince) p.pendingSince = performance.now();
  p.dirty = true;
  if (!p.askedPersist && Module.ktStorage.ok && Module.ktStorage.persisted === false) {
    p.askedPersist = true;
    ktRequestPersistence();
  }
  // At once: the transaction is queued while the frame that made the change goes on, so the rest of the
  // frame (drawing) overlaps the write. More changes meanwhile go into exactly one follow-up transaction.
  Module.ktPersistNow();
};

// `urgent`: the page is going away (see below).
Module.ktPersistNow = function (urgent) {
  var p = Module.ktPersist;
  if (!Module.ktStorage.ok) {
    // Nothing can be made durable; tell the app so that it shows the in-memory state honestly.
    if (p.requested) ktReport(p.requested, false);
    return;
  }
  if (p.inFlight) {
    p.dirty = true;
    // The page is going away: the follow-up would start only once the write in flight completes, which the
    // page may not live to see. Written now instead: after a tracked write (transactions on one store run
    // in the order they were created, and this one is created after it), not after a whole-mount sync,
    // whose transaction is created only once IndexedDB's listing is read.
    if (urgent && !p.inFlightFull) ktPersistUrgent();
    return;
  }
  if (!p.dirty) return;
  p.inFlight = true;
  p.inFlightFull = false;
  p.dirty = false;
  var mark = p.requested;
  var t0 = performance.now();
  var settled = false;
  function done(err, at) {
    if (settled) return;
    settled = true;
    clearTimeout(watchdog);
    p.inFlight = false;
    p.lastMs = performance.now() - t0;
    if (err) {
      p.failures++;
      p.full = true;  // after a failure, reconcile the whole mount: nothing can be missed that way
      ktStorageFailure("write_failed", err);
      ktReport(mark, false);
      p.dirty = true;  // what failed is still to be written: the next change (or hiding the page) retries
      return;
    }
    Module.ktStorage.error = "";
    Module.ktStorage.detail = "";
    if (mark >= p.requested && p.pendingSince) {
      // From the oldest change this write covers to its transaction's completion (bench/browser.mjs).
      p.commitMs = (at || performance.now()) - p.pendingSince;
      p.pendingSince = 0;
    }
    ktReport(mark, true);
    if (p.dirty) Module.ktPersistNow();
  }
  // A write that never calls back (a wedged IndexedDB) must not leave "Saving…" on screen forever.
  var watchdog = setTimeout(function () { done(new Error("IndexedDB did not answer within 20 s")); }, 20000);
  try {
    if (p.full) {
      p.full = false;
      p.inFlightFull = true;
      p.fullSyncs++;
      Module.ktDirty.puts.clear();
      Module.ktDirty.dels.clear();
      FS.syncfs(false, function (err) { if (err) p.full = true; done(err); });
    } else {
      p.tracked++;
      ktWriteChanges(done);
    }
  } catch (e) {
    done(e);
  }
};

// The changes made since the write in flight began, written beside it while the page goes away.
function ktPersistUrgent() {
  var p = Module.ktPersist;
  var mark = p.requested;
  p.dirty = false;
  ktWriteChanges(function (err) {
    if (err) { p.dirty = true; return; }  // the paths are marked changed again; the next write retries
    ktReport(mark, true);
  });
}

// An open field editor holds text the user typed: when the page goes away it is committed the way Enter
// commits it (App::commit_open_editor), so that it reaches the journal and is written with the rest.
// False when it cannot be (the value does not validate): the page then asks before leaving.
function ktCommitEditor() {
  if (!Module.calledRun || !Module._kt_commit_editor) return true;
  try {
    return Module._kt_commit_editor() !== 0;
  } catch (e) {
    console.warn("commit of the open editor failed: " + e);
    return true;
  }
}

// Text typed and not saved (a comment not sent, an open field editor's text) is written beside the store
// when the page is hidden: a phone's browser may discard a page in the background with no unload event, and
// its next start takes the drafts back (App::save_drafts, load_drafts).
function ktSaveDrafts() {
  if (!Module.calledRun || !Module._kt_save_drafts) return;
  try {
    Module._kt_save_drafts();
  } catch (e) {
    console.warn("saving the drafts failed: " + e);
  }
}
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState !== "hidden") return;
  ktSaveDrafts();
  Module.ktPersistNow();
});
window.addEventListener("pagehide", function () {
  ktCommitEditor();
  ktSaveDrafts();
  Module.ktPersistNow(true);
});
// A write started now completes after the page is gone (IndexedDB has it: Chromium finishes it, see the
// reload in tests/web/unload.test.mjs), so a change committed here is no reason to ask; changes still
// unsaved from before are (the existing rule), and so is an editor whose value cannot be committed, as a
// form with an invalid field would be.
window.addEventListener("beforeunload", function (e) {
  var unsaved = Module._kt_unsaved_count && Module._kt_unsaved_count() > 0;
  var committed = ktCommitEditor();
  Module.ktPersistNow(true);
  if (unsaved || !committed) {
    e.preventDefault();
    e.returnValue = "";
  }
});
// The browser's Back (a phone's back button) closes what is open over the page first (a dialog; on a touch
// screen a menu, a drop-down, the sections sheet too) as Esc does, instead of leaving the screen under it
// with what was typed there: while something is open, a history entry of the same address stands for it
// (the app says when: ktBackGuard). When the app closes it itself, the entry is taken back (history.back(),
// whose popstate is the page's own); the app's routes (ktRoute) wait until that has landed, and a screen
// the app pushes over the entry takes the entry's place (a new deal's card from its dialog: Back then goes
// to the list, not to a copy of the card).
var ktOwnPops = 0, ktGuardAfterPop = false, ktPushAfterPop = false;
var ktGuardShown = false;  // what the app said last: something is open, an entry stands for it
var ktLastRoute = location.hash;  // the app's route, as it last set it
function ktGuarded() { return !!(history.state && history.state.ktGuard); }
Module.ktRoute = function (push, hash) {
  ktLastRoute = hash;
  if (ktOwnPops > 0) {
    ktPushAfterPop = ktPushAfterPop || push;
    return;
  }
  if (location.hash === hash) return;
  var url = hash || location.pathname;
  if (push && !ktGuarded()) history.pushState(null, "", url);
  else history.replaceState(push ? null : history.state, "", url);
};
Module.ktBackGuard = function (on) {
  ktGuardShown = on;
  if (ktOwnPops > 0) {  // our Back is still on its way: the entry is made (again) once it has landed
    ktGuardAfterPop = on;
    return;
  }
  if (on && !ktGuarded()) {
    history.pushState({ ktGuard: true }, "", location.href);
  } else if (!on && ktGuarded()) {
    ktOwnPops++;
    history.back();
  }
};
// An entry that stood for something open, with nothing open: after a reload (what was open is gone) or
// Forward onto it. It is the last entry of the history (a screen the app pushes takes its place) and has
// the address of the one under it, so Back from it would seem to do nothing: the page steps back off it.
function ktLeaveStaleGuard() {
  ktOwnPops++;
  history.back();
}
if (ktGuarded()) ktLeaveStaleGuard();
window.addEventListener("popstate", function () {
  if (ktOwnPops > 0) {
    ktOwnPops--;
    // Where the app went meanwhile (its hashchange, if any, then finds it there already).
    if (location.hash !== ktLastRoute) {
      var url = ktLastRoute || location.pathname;
      if (ktPushAfterPop) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    }
    ktPushAfterPop = false;
    if (ktGuardAfterPop) {
      ktGuardAfterPop = false;
      history.pushState({ ktGuard: true }, "", location.href);
    }
    return;
  }
  if (ktGuardShown && Module._kt_back) {
    ktGuardShown = false;
    Module._kt_back();  // the entry that stood for what is open: it closes, the screen stays
    return;
  }
  if (ktGuarded()) {
    ktLeaveStaleGuard();  // Forward onto the entry of a dialog closed since: it leads nowhere
    return;
  }
  ktLastRoute = location.hash;
  if (Module._kt_route_changed) Module._kt_route_changed();
});
window.addEventListener("hashchange", function () {
  ktLastRoute = location.hash;
  if (Module._kt_route_changed) Module._kt_route_changed();
});
