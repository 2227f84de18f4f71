// Kartoteka page glue, linked into kartoteka.js with --pre-js (so it sees FS, IDBFS and the run-dependency
// functions). It owns the IndexedDB side of storage:
//   - before main(): mount IDBFS at /data and load what IndexedDB holds (populate), so the C++ side reads the
//     journal with plain file I/O; then ask the browser to keep the data (navigator.storage.persist());
//   - afterwards: a single-flight, coalescing persist scheduler. Overlapping FS.syncfs calls redo each other's
//     work in Emscripten 3.1.6, so at most one runs and writes made meanwhile trigger exactly one follow-up;
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
  try {
    FS.syncfs(true, function (err) {
      if (err) {
        ktStorageFailure("open_failed", err);
      } else {
        Module.ktStorage.ok = true;
        Module.ktStorage.populated = true;
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

Module.ktPersist = { inFlight: false, dirty: false, timer: 0, requested: 0, started: 0, lastMs: 0, failures: 0,
                     askedPersist: false };

function ktReport(mark, ok) {
  if (Module._kt_on_persisted) Module._kt_on_persisted(mark, ok ? 1 : 0);  // also wakes the main loop
}

Module.ktPersistSoon = function (mark) {
  var p = Module.ktPersist;
  if (mark > p.requested) p.requested = mark;
  p.dirty = true;
  if (!p.askedPersist && Module.ktStorage.ok && Module.ktStorage.persisted === false) {
    p.askedPersist = true;
    ktRequestPersistence();
  }
  clearTimeout(p.timer);
  p.timer = setTimeout(Module.ktPersistNow, 150);
};

Module.ktPersistNow = function () {
  var p = Module.ktPersist;
  clearTimeout(p.timer);
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
      ktStorageFailure("write_failed", err);
      ktReport(mark, false);
      p.dirty = true;  // what failed is still to be written: the next change (or hiding the page) retries
      return;
    }
    Module.ktStorage.error = "";
    Module.ktStorage.detail = "";
    ktReport(mark, true);
    if (p.dirty) Module.ktPersistNow();
  }
  // A sync that never calls back (a wedged IndexedDB) must not leave "Saving…" on screen forever.
  var watchdog = setTimeout(function () { done(new Error("IndexedDB did not answer within 20 s")); }, 20000);
  try {
    FS.syncfs(false, done);
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
