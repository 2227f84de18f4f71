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
Module.ktStorage = { ok: false, error: "", detail: "", populated: false, persisted: null, usage: -1, quota: -1 };

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

Module.preRun = Module.preRun || [];
Module.preRun.push(function () {
  FS.mkdir("/data");
  var idb = null;
  try { idb = typeof indexedDB === "undefined" ? null : indexedDB; } catch (e) { idb = null; }
  if (!idb) {
    ktStorageFailure("unavailable", "IndexedDB is not available in this browser");
    return;
  }
  ktPatchIdbfs();
  try {
    FS.mount(IDBFS, {}, "/data");
  } catch (e) {
    ktStorageFailure("open_failed", e);
    return;
  }
  addRunDependency("kt-populate");
  var t0 = performance.now();
  try {
    FS.syncfs(true, function (err) {
      Module.ktStorage.populateMs = performance.now() - t0;
      if (err) {
        ktStorageFailure("open_failed", err);
      } else {
        Module.ktStorage.ok = true;
        Module.ktStorage.populated = true;
        ktTrackChanges();
        ktRequestPersistence();
      }
      removeRunDependency("kt-populate");
    });
  } catch (e) {
    ktStorageFailure("open_failed", e);
    removeRunDependency("kt-populate");
  }
});

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

Module.ktPersist = { inFlight: false, dirty: false, requested: 0, started: 0, lastMs: 0,
                     failures: 0, askedPersist: false, full: false, tracked: 0, fullSyncs: 0,
                     pendingSince: 0, commitMs: 0 };

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

// One IndexedDB transaction with the changed files (IDBFS's own record format: timestamp, mode, contents,
// so that a full FS.syncfs and the next start read them as usual). Calls back when it is complete.
function ktWriteChanges(callback) {
  var t0 = performance.now();
  var d = Module.ktDirty;
  var puts = Array.from(d.puts), dels = Array.from(d.dels);
  d.puts.clear();
  d.dels.clear();
  function undo() {  // what failed is still to be written; a newer change of the same path stays newer
    puts.forEach(function (p) { if (!d.dels.has(p)) d.puts.add(p); });
    dels.forEach(function (p) { if (!d.puts.has(p)) d.dels.add(p); });
  }
  var mount;
  try { mount = FS.lookupPath("/data").node.mount; } catch (e) { undo(); callback(e); return; }
  IDBFS.getDB(mount.mountpoint, function (err, db) {
    if (err) { undo(); callback(err); return; }
    var tx, finished = false;
    function finish(e) {
      if (finished) return;
      finished = true;
      if (e) undo();
      callback(e || null);
    }
    try {
      tx = db.transaction([IDBFS.DB_STORE_NAME], "readwrite");
      var store = tx.objectStore(IDBFS.DB_STORE_NAME);
      tx.oncomplete = function () {
        if (Module.ktPersist.trace) console.log("persist: complete at " + (performance.now() - t0).toFixed(1) + " ms");
        finish(null);
      };
      tx.onabort = function () { finish(tx.error || new DOMException("the IndexedDB transaction was aborted", "AbortError")); };
      puts.forEach(function (p) {
        var node, stat;
        try {
          node = FS.lookupPath(p).node;
          stat = FS.stat(p);
        } catch (e) {  // gone again since: nothing to keep
          store.delete(p);
          return;
        }
        if (FS.isDir(stat.mode)) {
          store.put({ timestamp: stat.mtime, mode: stat.mode }, p);
        } else if (FS.isFile(stat.mode)) {
          // Exactly the file's bytes: a typed array view would be cloned with its whole (grown) buffer.
          var c = node.contents, n = node.usedBytes;
          var bytes = c ? (c.subarray ? c.slice(0, n) : new Uint8Array(c)) : new Uint8Array(0);
          store.put({ timestamp: stat.mtime, mode: stat.mode, contents: bytes }, p);
        }
      });
      dels.forEach(function (p) { store.delete(p); });
      if (Module.ktPersist.trace) console.log("persist: " + puts.length + " puts, " + dels.length + " deletes: " + puts.concat(dels).join(" ") + " at " + (performance.now() - t0).toFixed(1) + " ms");
    } catch (e) {
      if (tx) { try { tx.abort(); } catch (e2) { /* already finished */ } }
      finish(e);
    }
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

Module.ktPersistNow = function () {
  var p = Module.ktPersist;
  if (!Module.ktStorage.ok) {
    // Nothing can be made durable; tell the app so that it shows the in-memory state honestly.
    if (p.requested) ktReport(p.requested, false);
    return;
  }
  if (p.inFlight) { p.dirty = true; return; }
  if (!p.dirty) return;
  p.inFlight = true;
  p.dirty = false;
  var mark = p.requested;
  var t0 = performance.now();
  var settled = false;
  function done(err) {
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
      p.commitMs = performance.now() - p.pendingSince;
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

document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "hidden") Module.ktPersistNow();
});
window.addEventListener("pagehide", function () { Module.ktPersistNow(); });
window.addEventListener("beforeunload", function (e) {
  if (Module._kt_unsaved_count && Module._kt_unsaved_count() > 0) {
    Module.ktPersistNow();
    e.preventDefault();
    e.returnValue = "";
  }
});
window.addEventListener("popstate", function () {
  if (Module._kt_route_changed) Module._kt_route_changed();
});
window.addEventListener("hashchange", function () {
  if (Module._kt_route_changed) Module._kt_route_changed();
});
