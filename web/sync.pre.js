// Linked into kartoteka.js with --pre-js (after glue.js): the store lock, reloads, and syncing as soon as
// the browser is back online (instead of after the sync client's backoff).
//
// Each tab has its own in-memory copy of the IDBFS mount and persists whole files, so two tabs writing
// would overwrite each other. The first tab takes a Web Lock and keeps it while it lives; a second tab
// finds it taken and shows a notice (with "Use this tab", which steals the lock and reloads).
Module.ktLock = { held: false, lost: false };
Module.preRun = Module.preRun || [];
Module.preRun.push(function () {
  if (!navigator.locks || !navigator.locks.request) {
    Module.ktLock.held = true;  // nothing to coordinate with
    return;
  }
  addRunDependency("kt-lock");
  var decided = false;
  navigator.locks.request("kartoteka-store", { ifAvailable: true }, function (lock) {
    decided = true;
    Module.ktLock.held = !!lock;
    removeRunDependency("kt-lock");
    if (!lock) return;
    return new Promise(function (resolve) { Module.ktLockRelease = resolve; });
  }).catch(function () {
    // The lock was stolen by another tab: stop writing from here.
    Module.ktLock.lost = true;
    if (Module.ktWake) Module.ktWake();
    if (!decided) { decided = true; removeRunDependency("kt-lock"); }
  });
});

Module.ktTakeOver = function () {
  navigator.locks.request("kartoteka-store", { steal: true }, function () {
    location.reload();
    return new Promise(function () {});
  });
};

Module.ktReloadAfterPersist = function () {
  if (!Module.ktStorage || !Module.ktStorage.ok) { location.reload(); return; }
  // After the write in flight (the persist worker's transaction could otherwise be ordered after this
  // whole-mount sync and put back an older copy of a file).
  (function whenIdle() {
    if (Module.ktPersist && Module.ktPersist.inFlight) { setTimeout(whenIdle, 5); return; }
    FS.syncfs(false, function () { location.reload(); });
  })();
};

window.addEventListener("online", function () {
  if (Module.calledRun && Module._kt_sync_now) Module._kt_sync_now();
});
