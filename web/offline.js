// Registers the service worker (sw.js) that keeps Kartoteka working offline, and relays what it does to
// the app: the progress of saving the app for offline use, "ready offline" the first time, and "a new
// version opens next time" after an update. An update takes over only once this page has fully started
// (Module.ktReady), so that a loading page never gets files of two builds.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var appReady = false;
  var pending = [];  // calls into the app made before it started

  function call(fn) {
    if (appReady) fn();
    else pending.push(fn);
  }
  function withKey(key, fn) {
    var n = lengthBytesUTF8(key) + 1, p = _malloc(n);
    stringToUTF8(key, p, n);
    try { fn(p); } finally { _free(p); }
  }
  var offline = window.ktOffline = { state: "none", version: "", error: "" };

  function activateWaiting(reg) {
    if (reg.waiting && appReady) reg.waiting.postMessage({ type: "activate" });
  }

  navigator.serviceWorker.addEventListener("message", function (e) {
    var m = e.data || {};
    if (m.source !== "kartoteka-sw") return;
    offline.version = m.version;
    if (m.type === "progress") {
      offline.state = "installing";
      call(function () { withKey("progress.offline", function (p) { Module._kt_progress(p, m.total ? m.done / m.total : -1); }); });
    } else if (m.type === "installed") {
      offline.state = "installed";
      call(function () {
        withKey("progress.offline", function (p) { Module._kt_progress_end(p); });
        withKey(m.first ? "offline.ready" : "offline.updated", function (p) { Module._kt_notify(p, 0); });
      });
    } else if (m.type === "failed") {
      offline.state = "failed";
      offline.error = m.error;
      console.warn("offline copy not updated: " + m.error);
      call(function () { withKey("progress.offline", function (p) { Module._kt_progress_end(p); }); });
    } else if (m.type === "activated") {
      offline.state = "active";
    }
  });

  var previousReady = Module.ktReady;
  Module.ktReady = function () {
    if (previousReady) previousReady();
    appReady = true;
    pending.splice(0).forEach(function (fn) { fn(); });
    navigator.serviceWorker.getRegistration().then(function (reg) { if (reg) activateWaiting(reg); });
  };

  // An update that finished installing waits for this page to have started, then takes over.
  function watch(reg) {
    activateWaiting(reg);
    reg.addEventListener("updatefound", function () {
      var w = reg.installing;
      if (!w) return;
      w.addEventListener("statechange", function () {
        if (w.state === "installed") activateWaiting(reg);
      });
    });
  }

  window.addEventListener("load", function () {
    navigator.serviceWorker.register("sw.js").then(watch).catch(function (err) {
      offline.state = "failed";
      offline.error = String(err && err.message || err);
      console.warn("service worker not registered: " + offline.error);
    });
  });
})();
