// Kartoteka page glue, linked into kartoteka.js with --pre-js (so it sees FS, IDBFS and the run-dependency
// functions). It owns the IndexedDB side of storage:
//   - before main(): mount IDBFS at /data and load what IndexedDB holds (populate), so the C++ side reads the
//     journal with plain file I/O;
//   - afterwards: a single-flight, coalescing persist scheduler. Overlapping FS.syncfs calls redo each other's
//     work in Emscripten 3.1.6, so at most one runs and writes made meanwhile trigger exactly one follow-up;
//   - flush when the page is hidden (the last event a browser reliably delivers), warn on unload while
//     changes are not yet durable.
Module.ktStorage = { ok: false, error: "", populated: false };
Module.preRun = Module.preRun || [];
Module.preRun.push(function () {
  FS.mkdir("/data");
  if (typeof indexedDB === "undefined" || !indexedDB) {
    Module.ktStorage.error = "IndexedDB is not available in this browser";
    return;
  }
  try {
    FS.mount(IDBFS, {}, "/data");
  } catch (e) {
    Module.ktStorage.error = "cannot mount IndexedDB storage: " + e;
    return;
  }
  addRunDependency("kt-populate");
  FS.syncfs(true, function (err) {
    if (err) {
      Module.ktStorage.error = "cannot read IndexedDB: " + (err.message || err);
    } else {
      Module.ktStorage.ok = true;
      Module.ktStorage.populated = true;
    }
    removeRunDependency("kt-populate");
  });
});

Module.ktPersist = { inFlight: false, dirty: false, timer: 0, requested: 0, started: 0, lastMs: 0 };

Module.ktPersistSoon = function (mark) {
  var p = Module.ktPersist;
  if (mark > p.requested) p.requested = mark;
  p.dirty = true;
  clearTimeout(p.timer);
  p.timer = setTimeout(Module.ktPersistNow, 150);
};

Module.ktPersistNow = function () {
  var p = Module.ktPersist;
  clearTimeout(p.timer);
  if (!Module.ktStorage.ok) {
    // Nothing can be made durable; tell the app so that it shows the in-memory state honestly.
    if (Module._kt_on_persisted && p.requested) Module._kt_on_persisted(p.requested, 0);
    return;
  }
  if (p.inFlight) { p.dirty = true; return; }
  if (!p.dirty) return;
  p.inFlight = true;
  p.dirty = false;
  var mark = p.requested;
  var t0 = performance.now();
  FS.syncfs(false, function (err) {
    p.inFlight = false;
    p.lastMs = performance.now() - t0;
    if (err) {
      Module.ktStorage.error = "cannot write to IndexedDB: " + (err.message || err.name || err);
      if (Module._kt_on_persisted) Module._kt_on_persisted(mark, 0);
    } else {
      Module.ktStorage.error = "";
      if (Module._kt_on_persisted) Module._kt_on_persisted(mark, 1);
    }
    if (p.dirty) Module.ktPersistNow();
  });
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
