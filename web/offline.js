// Registers the service worker (sw.js) that keeps Kartoteka working offline, and tells the app what it
// does: the progress of saving the app for offline use, "ready offline" after the first install, and
// "a new version opens next time" after an update. An update takes over only once this page has fully
// started (Module.ktReady), so that a loading page never gets files of two builds.
//
// What happened is read from the registration's workers (installing, waiting, active), which a page
// sees whenever it loads; the worker's messages only add the progress and the reason of a failure (a
// message sent while the page was still navigating never arrives).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var sw = navigator.serviceWorker;
  var appReady = false;
  var pending = [];  // calls into the app made before it started

  // What the page knows of its offline copy (diagnostics and tests); notices: the messages shown.
  var offline = window.ktOffline = { state: "none", version: "", error: "", notices: [] };

  function call(fn) {
    if (appReady) fn();
    else pending.push(fn);
  }
  function withKey(key, fn) {
    var n = lengthBytesUTF8(key) + 1, p = _malloc(n);
    stringToUTF8(key, p, n);
    try { fn(p); } finally { _free(p); }
  }
  function progress(fraction) {
    call(function () { withKey("progress.offline", function (p) { Module._kt_progress(p, fraction); }); });
  }
  function progressEnd() {
    call(function () { withKey("progress.offline", function (p) { Module._kt_progress_end(p); }); });
  }
  function notice(key) {
    if (offline.notices.indexOf(key) >= 0) return;
    offline.notices.push(key);
    call(function () { withKey(key, function (p) { Module._kt_notify(p, 0); }); });
  }

  // A worker finished installing: the first one serves from now on; an update waits for this page.
  function installed(reg) {
    progressEnd();
    offline.state = "installed";
    if (sw.controller) {
      notice("offline.updated");
      activateWaiting(reg);
    } else {
      notice("offline.ready");
    }
  }
  function activateWaiting(reg) {
    if (reg.waiting && appReady) reg.waiting.postMessage({ type: "activate" });
  }
  function track(reg, worker) {
    offline.state = "installing";
    worker.addEventListener("statechange", function () {
      if (worker.state === "installed") installed(reg);
      else if (worker.state === "activated") {
        offline.state = "active";
        progressEnd();
      }
      else if (worker.state === "redundant" && offline.state === "installing") {
        offline.state = "failed";
        progressEnd();
      }
    });
  }
  function watch(reg) {
    if (reg.installing) track(reg, reg.installing);
    else if (reg.waiting) installed(reg);
    else if (reg.active) offline.state = "active";
    reg.addEventListener("updatefound", function () {
      if (reg.installing) track(reg, reg.installing);
    });
  }

  sw.addEventListener("message", function (e) {
    var m = e.data || {};
    if (m.source !== "kartoteka-sw") return;
    offline.version = m.version;
    // Only while this page watches an install: a progress message that arrives after the install ended
    // (messages and state changes race) must not leave a bar on screen.
    if (m.type === "progress" && offline.state === "installing") {
      progress(m.total ? m.done / m.total : -1);
    } else if (m.type === "page-build") {
      if (m.page !== m.current) notice("offline.updated");  // a newer build activated while this page loaded
    } else if (m.type === "failed") {
      offline.state = "failed";
      offline.error = m.error;
      console.warn("offline copy not updated: " + m.error);
      progressEnd();
    }
  });

  var previousReady = Module.ktReady;
  Module.ktReady = function () {
    if (previousReady) previousReady();
    appReady = true;
    pending.splice(0).forEach(function (fn) { fn(); });
    // The page this one replaced is gone now: the worker may delete builds nobody uses any more.
    if (sw.controller) sw.controller.postMessage({ type: "started" });
    sw.getRegistration().then(function (reg) { if (reg) activateWaiting(reg); });
  };

  window.addEventListener("load", function () {
    sw.register("sw.js").then(watch).catch(function (err) {
      offline.state = "failed";
      offline.error = String(err && err.message || err);
      console.warn("service worker not registered: " + offline.error);
    });
  });
})();
