// Kartoteka: links out of the app (tel:, sms:, mailto:, WhatsApp, web addresses), linked into kartoteka.js
// with --pre-js. They open the way a DOM link does: an <a target="_blank"> clicked inside the user's gesture.
//
// Why not a hidden iframe or location.href: Chromium asks the user (or, headless, waits for an answer that
// never comes) whether to hand tel: and sms: to another program, and while it asks the tab takes no mouse
// or keyboard input at all — the page looked frozen after "Позвонить". A link with target="_blank" puts
// that question outside the page, which keeps reacting whatever the browser does with the link.
//
// Where the link opens: the app publishes, after each frame, the link out of the app under the mouse
// (src/app/a11y_mirror_web.cpp, HoverLink). A click on the canvas that presses and releases over that link
// opens it right in the click's event handler; the app, which learns of the click a frame later, then asks
// for the same link and is told it is open already. A tap, a keyboard press or a screen reader's click on
// a mirror element reach the app only through a frame: the link opens then (still within the transient
// user activation the browser grants after a gesture). Mirror elements of such links are real <a href>
// elements (web/a11y.js), so a screen reader opens them natively too.
Module.ktHandOff = (function () {
  "use strict";
  var hovered = null;   // {href, x, y, w, h} in CSS pixels, as of the last frame
  var pressed = null;   // the hovered link when the mouse button went down
  var recent = null;    // {href, t}: opened by an event handler, not to be opened again by the app
  var opened = [];      // the last links opened, newest last, with what opened them: "gesture" (the click's or
                        // tap's handler), "mirror" (an accessibility mirror link), "app" (a frame later)

  function record(href, via) {
    opened.push({ href: href, via: via });
    if (opened.length > 20) opened.shift();
  }

  function open(href) {
    var a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function inside(link, x, y) {
    return !!link && x >= link.x && x <= link.x + link.w && y >= link.y && y <= link.y + link.h;
  }

  // Opened by a gesture's own handler (a canvas click, a mirror link): the app's request that follows is
  // the same click and must not open it twice.
  function noteOpened(href, via) {
    recent = { href: href, t: performance.now() };
    record(href, via);
  }

  function fromGesture(x, y) {
    if (!inside(hovered, x, y)) return;
    open(hovered.href);
    noteOpened(hovered.href, "gesture");
  }

  function install() {
    var canvas = Module.canvas;
    if (!canvas) return;
    canvas.addEventListener("mousedown", function (e) {
      pressed = e.button === 0 && inside(hovered, e.offsetX, e.offsetY) ? hovered.href : null;
    }, true);
    canvas.addEventListener("click", function (e) {
      var was = pressed;
      pressed = null;
      if (e.button === 0 && was && hovered && hovered.href === was) fromGesture(e.offsetX, e.offsetY);
    }, true);
    // A tap: the app has seen the finger go down (web/input.js hovers, then presses), so the link under it
    // is known when it lifts — unless the tap was quicker than a frame, when the app opens it itself.
    // A finger that moved scrolled: it did not tap.
    var start = null;
    canvas.addEventListener("touchstart", function (e) {
      var t = e.touches.length === 1 ? e.touches[0] : null;
      start = t ? { x: t.clientX, y: t.clientY } : null;
    }, { capture: true, passive: true });
    canvas.addEventListener("touchend", function (e) {
      var t = e.changedTouches && e.changedTouches[0];
      var s = start;
      start = null;
      if (!t || !s || e.touches.length || Math.abs(t.clientX - s.x) > 10 || Math.abs(t.clientY - s.y) > 10) return;
      var r = canvas.getBoundingClientRect();
      fromGesture(t.clientX - r.left, t.clientY - r.top);
    }, { capture: true, passive: true });
  }

  // Copies `text` (the clipboard's API where the page is a secure context, else the older copy command, which
  // a plain-HTTP team server needs); resolves whether it was copied.
  function copyText(text) {
    function legacy() {
      var box = document.createElement("textarea"), was = document.activeElement, ok = false;
      box.value = text;
      box.setAttribute("readonly", "");
      box.style.position = "fixed";
      box.style.opacity = "0";
      document.body.appendChild(box);
      box.select();
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      box.remove();
      if (was && was.focus) was.focus({ preventScroll: true });
      return ok;
    }
    if (navigator.clipboard && navigator.clipboard.writeText)
      return navigator.clipboard.writeText(text).then(function () { return true; }, legacy);
    return Promise.resolve(legacy());
  }
  function notify(key, error) { Module.ccall("kt_notify", null, ["string", "number"], [key, error ? 1 : 0]); }

  return {
    install: install,
    open: open,
    // From the app: a card's address (`route`, "#/deal/12") to pass on — to the phone's share sheet when
    // `share` and the browser has one (dismissing it is no error), else to the clipboard, with a toast.
    shareLink: function (route, title, share) {
      var url = location.href.split("#")[0] + route;
      if (share && typeof navigator.share === "function") {
        navigator.share({ title: title, url: url }).catch(function () { /* dismissed */ });
        return;
      }
      copyText(url).then(function (ok) { notify(ok ? "card.link_copied" : "card.link_not_copied", !ok); });
    },
    noteOpened: noteOpened,
    opened: opened,
    // From the app, after a frame where the link under the mouse changed ("" for none).
    hover: function (href, x, y, w, h) {
      hovered = href ? { href: href, x: x, y: y, w: w, h: h } : null;
    },
    // From the app: the user activated a link out of it. Opened unless a gesture's handler just did.
    fromApp: function (href) {
      if (recent && recent.href === href && performance.now() - recent.t < 2000) {
        recent = null;
        return;
      }
      recent = null;
      open(href);
      record(href, "app");
    },
  };
})();
