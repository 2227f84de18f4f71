// Kartoteka input glue, linked into kartoteka.js with --pre-js (it sees GLFW, Browser and the exported
// _kt_* functions). The page's side of src/app/text_input.hpp, pointer.hpp and idle.hpp:
//
//   [wake]      every input event wakes the main loop, which pauses itself when nothing changes;
//   [keys]      GLFW's window-wide key listeners are replaced: real form fields keep their keys (GLFW
//               cancels Backspace and Tab for the whole page), an IME keeps the keys it composes with,
//               F1 opens the help, and characters typed while the text bridge has focus come from the
//               bridge only, never twice; keys held stay held while the focus moves within the page;
//   [bridge]    a hidden textarea that holds the focus while an ImGui text field is active: typing, IME
//               composition, dead keys, mobile keyboards and insertText reach ImGui through it;
//   [clipboard] copy/cut/paste DOM events and navigator.clipboard;
//   [touch]     GLFW's touch listeners (which click at stale positions) are replaced: tap, drag to
//               scroll, long press to hold;
//   [resize]    window resizes and devicePixelRatio changes wake the loop (main_web.cpp fits the canvas);
//   [keyboard]  the canvas follows the visual viewport, so that an on-screen keyboard covers nothing;
Module.ktInput = (function () {
  "use strict";
  var canvas = null;
  var bridge = null;
  var composing = false;
  var pasteKeyDown = false;   // a Ctrl+V / Shift+Insert keydown is being dispatched
  var cutKeyDown = false;     // a Ctrl+X / Shift+Delete keydown is being dispatched
  var lastCopied = null;      // what the last copy event put on the clipboard
  var gestureFocusAt = -1e9;  // when a tap or click focused the bridge (before ImGui wants text)
  var label = "";

  // ---- [wake] -------------------------------------------------------------------------------------------
  function wake(frames) {
    if (Module._kt_wake) Module._kt_wake(frames || 0);
  }
  Module.ktWake = wake;
  // The canvas's size or the pixel ratio may have changed: the next frame measures them (fit_canvas).
  function resized() {
    Module.ktSizeChanged = true;
    wake();
  }

  // ---- helpers ------------------------------------------------------------------------------------------
  function withString(s, fn) {
    var n = lengthBytesUTF8(s) + 1;
    var p = _malloc(n);
    stringToUTF8(s, p, n);
    try { return fn(p); } finally { _free(p); }
  }
  function isForeignEditable(el) {
    if (!el || el === bridge) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || !!el.isContentEditable;
  }
  function isMirror(el) {
    return !!(el && el.closest && el.closest("#a11y-mirror"));
  }
  function cssPoint(clientX, clientY) {
    var r = canvas.getBoundingClientRect();
    return { x: clientX - r.left, y: clientY - r.top };
  }
  // Key presses synthesised for ImGui (a mobile keyboard's Backspace arrives as an input event): the
  // release goes through the same path, and app/key_events holds it back for a frame.
  function pressKey(keyCode, mods) {
    mods = mods || [];
    for (var i = 0; i < mods.length; i++) GLFW.onKeyChanged(mods[i], 1);
    GLFW.onKeyChanged(keyCode, 1);
    GLFW.onKeyChanged(keyCode, 0);
    for (var j = mods.length - 1; j >= 0; j--) GLFW.onKeyChanged(mods[j], 0);
    wake();
  }
  function sendText(s) {
    if (!s) return;
    withString(s, function (p) { Module._kt_text_insert(p); });
    wake();
  }

  // ---- [keys] -------------------------------------------------------------------------------------------
  function onKeydown(e) {
    wake();
    var t = e.target;
    if (isForeignEditable(t)) return;          // a real form field: all its keys are its own
    if (isMirror(t)) return;                   // the mirror handles Enter/Space itself (web/a11y.js)
    if (e.isComposing || e.keyCode === 229) return;  // the IME is composing with this key
    if (e.key === "F1") {
      e.preventDefault();                      // the browser's own help otherwise
      if (!e.repeat) Module._kt_toggle_help();
      return;
    }
    var mod = e.ctrlKey || e.metaKey;
    pasteKeyDown = (mod && e.keyCode === 86) || (e.shiftKey && !mod && e.keyCode === 45);
    cutKeyDown = (mod && e.keyCode === 88) || (e.shiftKey && !mod && e.keyCode === 46);
    // The paste/cut events of this keydown are dispatched before the next task.
    if (pasteKeyDown || cutKeyDown) setTimeout(function () { pasteKeyDown = cutKeyDown = false; }, 0);
    GLFW.onKeydown(e);  // key state for ImGui; cancels Backspace and Tab (canvas and bridge only, here)
    if (t === bridge) bridgeKeydown(e);
  }
  function onKeypress(e) {
    if (isForeignEditable(e.target) || isMirror(e.target)) return;
    if (document.activeElement === bridge) return;  // the bridge's input event brings this character
    GLFW.onKeyPress(e);
  }
  function onKeyup(e) {
    wake();
    GLFW.onKeyup(e);  // a release is harmless even for a key ImGui never saw pressed
  }
  // GLFW releases every key held when anything on the page loses the focus (its blur listener captures the
  // blur of every element): the bridge giving the focus back to the canvas as Tab closed a text field
  // released the Shift still held, and the next Tab of Shift+Tab, Tab, Tab went forward. Keys are released
  // only when the window itself loses the focus (another window takes the keys; their releases never come).
  function onBlur(e) {
    wake();
    if (e.target === window) GLFW.onBlur(e);
  }
  // Keys ImGui edits with must not also edit the textarea (its value stays empty between inputs), and
  // Tab must not move the focus out of it; copy, cut and paste keep their default to fire their events.
  var EDIT_KEYS = { 8: 1, 9: 1, 13: 1, 27: 1, 33: 1, 34: 1, 35: 1, 36: 1, 37: 1, 38: 1, 39: 1, 40: 1, 46: 1 };
  function bridgeKeydown(e) {
    var mod = e.ctrlKey || e.metaKey;
    if (EDIT_KEYS[e.keyCode]) {
      if (!(e.keyCode === 46 && e.shiftKey)) e.preventDefault();  // Shift+Delete cuts
      return;
    }
    if (mod && !e.altKey && e.keyCode !== 67 && e.keyCode !== 88 && e.keyCode !== 86 && e.keyCode !== 45)
      e.preventDefault();  // Ctrl+A, Ctrl+Z, ... are ImGui's, not the textarea's
  }

  // ---- [bridge] -----------------------------------------------------------------------------------------
  function idleName() {
    return withString("input.idle", function (p) { return UTF8ToString(Module._kt_tr(p)); });
  }
  function createBridge() {
    bridge = document.createElement("textarea");
    bridge.id = "text-bridge";
    bridge.setAttribute("autocomplete", "off");
    bridge.setAttribute("autocorrect", "off");
    bridge.setAttribute("autocapitalize", "off");
    bridge.setAttribute("spellcheck", "false");
    bridge.setAttribute("aria-multiline", "false");
    bridge.setAttribute("rows", "1");
    // Named even when no field is being edited: an unnamed text box is what a screen reader must never find.
    bridge.setAttribute("aria-label", idleName());
    bridge.tabIndex = -1;
    document.body.appendChild(bridge);

    bridge.addEventListener("compositionstart", function () {
      composing = true;
      bridge.classList.add("composing");
      wake();
    });
    bridge.addEventListener("compositionend", function () {
      composing = false;
      bridge.classList.remove("composing");
      bridge.style.width = "";
      commit();
    });
    bridge.addEventListener("input", function (e) {
      if (composing || e.isComposing) {  // the composition's text is committed at its end; show it meanwhile
        bridge.style.width = (bridge.value.length + 1) + "em";
        return;
      }
      commit();
    });
    bridge.addEventListener("beforeinput", function (e) {
      if (composing) return;
      // Soft keyboards send edits as input events (keyCode 229 on keydown): map them to ImGui's keys.
      var type = e.inputType;
      if (type === "deleteContentBackward" || type === "deleteWordBackward") {
        e.preventDefault();
        pressKey(8, type === "deleteWordBackward" ? [17] : []);
      } else if (type === "deleteContentForward" || type === "deleteWordForward") {
        e.preventDefault();
        pressKey(46, type === "deleteWordForward" ? [17] : []);
      } else if (type === "insertLineBreak" || type === "insertParagraph") {
        e.preventDefault();
        pressKey(13);
      } else if (type === "historyUndo" || type === "historyRedo") {
        e.preventDefault();
      }
    });
    bridge.addEventListener("blur", function () {
      if (composing) {  // focus left in the middle of a composition: keep what was typed
        composing = false;
        bridge.classList.remove("composing");
        commit();
      }
    });
  }
  function commit() {
    var v = bridge.value;
    if (!v) return;
    bridge.value = "";
    sendText(v);
  }

  // Called by C++ after every frame: `want` is io.WantTextInput, `name` the active field's label, `keyboard`
  // the on-screen keyboard it wants (inputmode: "text", "decimal", "numeric", "tel", "email", "url",
  // "search"): a phone shows digits for an amount, a phone number's keypad for a phone; `enter` its Enter
  // key's label (enterkeyhint: "done", "enter" for a new line, "search").
  var wanted = false;
  var returnFocus = null;  // the mirror element a screen reader edited the field from
  function sync(want, name, keyboard, enter) {
    if (!bridge) return;
    var active = document.activeElement;
    if (want) {
      gestureFocusAt = -1e9;  // the field is active: the focus the tap or click gave the bridge is its own now
      if (name !== label) {
        label = name;
        bridge.setAttribute("aria-label", name || idleName());
      }
      if (keyboard && bridge.inputMode !== keyboard) bridge.inputMode = keyboard;
      if (enter && bridge.enterKeyHint !== enter) {
        bridge.enterKeyHint = enter;
        bridge.setAttribute("aria-multiline", enter === "enter" ? "true" : "false");
      }
      // Focus the bridge when a field becomes active, also from the mirror element a screen reader
      // activated it with (typing goes to the field, and back to that element afterwards); while
      // editing, take the focus back from the canvas or nothing. Never from a real form field.
      if (active !== bridge && !isForeignEditable(active)) {
        if (!wanted && isMirror(active)) {
          returnFocus = active;
          bridge.focus({ preventScroll: true });
        } else if (!active || active === document.body || active === canvas) {
          bridge.focus({ preventScroll: true });
        }
      }
    } else if (active === bridge && performance.now() - gestureFocusAt > 700) {
      commit();
      bridge.blur();
      var back = returnFocus && returnFocus.isConnected ? returnFocus : canvas;
      back.focus({ preventScroll: true });
      returnFocus = null;
    }
    wanted = want;
  }
  // The caret of the active field, in CSS pixels: IME windows open there.
  function place(x, y, lineHeight) {
    if (!bridge) return;
    var r = canvas.getBoundingClientRect();  // off the page's corner: a keyboard's or a notch's room above it
    bridge.style.left = Math.round(x + r.left) + "px";
    bridge.style.top = Math.round(y + r.top) + "px";
    bridge.style.height = Math.max(1, Math.round(lineHeight)) + "px";
    bridge.style.fontSize = Math.max(1, Math.round(lineHeight * 0.8)) + "px";
  }

  // ---- [clipboard] --------------------------------------------------------------------------------------
  function onPaste(e) {
    if (isForeignEditable(e.target)) return;
    var text = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
    e.preventDefault();
    if (pasteKeyDown) {
      // ImGui handles the Ctrl+V of this keydown in the next frame and reads this text then.
      withString(text, function (p) { Module._kt_paste_stash(p); });
    } else {
      sendText(text);  // from a menu: insert like typing (it replaces the selection)
    }
    pasteKeyDown = false;
    wake();
  }
  function onCopy(e, cut) {
    if (isForeignEditable(e.target)) return;
    var text = UTF8ToString(Module._kt_copy_text());
    if (!text) return;  // nothing of ours is selected: the browser's default
    e.clipboardData.setData("text/plain", text);
    e.preventDefault();
    lastCopied = text;
    if (cut && !cutKeyDown) pressKey(88, [17]);  // a cut from a menu: let ImGui delete the selection
    cutKeyDown = false;
    wake();
  }
  // ImGui's own Ctrl+C/X (io.SetClipboardTextFn): the copy event above usually wrote it already.
  function clipboardWrite(text) {
    if (text === lastCopied) return;
    lastCopied = text;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(function (err) {
        console.warn("clipboard: " + (err && err.message || err));
      });
    }
  }

  // ---- [touch] ------------------------------------------------------------------------------------------
  var touch = null;  // {id, x0, y0, x, y, scrolling, pressed, timer, stopper, moves}
  var TAP_SLOP = 8;  // CSS pixels a finger may wander and still tap
  // The finger's speed as it lifts (CSS px per ms), from where it was 100 ms before (where it touched down,
  // and its moves; the browser may deliver moves that came together as one, so the sample before them
  // counts too): the app flings the content on with it. A finger that rested before lifting (no move in the
  // last 50 ms) has none.
  function liftVelocity(moves, now) {
    var n = moves.length, b = moves[n - 1];
    if (n < 2 || now - b.t > 50) return { x: 0, y: 0 };
    var j = 0;
    while (j < n - 2 && now - moves[j].t > 100) j++;
    var a = moves[j], dt = Math.max(b.t - a.t, 8);
    return { x: (b.x - a.x) / dt, y: (b.y - a.y) / dt };
  }
  function findTouch(list) {
    if (!touch) return null;
    for (var i = 0; i < list.length; i++) if (list[i].identifier === touch.id) return list[i];
    return null;
  }
  // GLFW's idea of the mouse follows the finger, so that nothing jumps back when the touch ends.
  function moveGlfwMouse(p) {
    var r = canvas.getBoundingClientRect();
    Browser.mouseX = p.x * (canvas.width / r.width);
    Browser.mouseY = p.y * (canvas.height / r.height);
  }
  function onTouchStart(e) {
    e.preventDefault();  // no emulated mouse events, no double clicks
    wake();
    if (touch) {  // a second finger: the first one scrolls, whatever it was doing
      if (!touch.scrolling) {
        clearTimeout(touch.timer);
        if (touch.pressed) Module._kt_pointer(touch.x, touch.y, 2);
        touch.scrolling = true;
      }
      return;
    }
    var t = e.changedTouches[0];
    var p = cssPoint(t.clientX, t.clientY);
    // A touch that stops a fling is no tap (as on a phone: what was flying by is not opened).
    var stopper = Module._kt_touch_fling_stop() === 1;
    touch = { id: t.identifier, x0: p.x, y0: p.y, x: p.x, y: p.y, scrolling: false, pressed: false, timer: 0,
              stopper: stopper, moves: [{ t: e.timeStamp, x: p.x, y: p.y }] };
    moveGlfwMouse(p);
    Module._kt_pointer(p.x, p.y, 0);  // hover first, as a mouse would
    var mine = touch;
    touch.timer = setTimeout(function () {  // a long press holds the button (select text by dragging)
      if (touch === mine && !mine.scrolling) {
        mine.pressed = true;
        Module._kt_pointer(mine.x, mine.y, 1);
      }
    }, 350);
  }
  function onTouchMove(e) {
    e.preventDefault();
    var t = findTouch(e.changedTouches);
    if (!t) return;
    var p = cssPoint(t.clientX, t.clientY);
    if (!touch.scrolling && !touch.pressed && Math.hypot(p.x - touch.x0, p.y - touch.y0) > TAP_SLOP) {
      touch.scrolling = true;
      clearTimeout(touch.timer);
    }
    if (touch.scrolling) {
      Module._kt_touch_scroll(p.x - touch.x, p.y - touch.y);
      touch.moves.push({ t: e.timeStamp, x: p.x, y: p.y });
      if (touch.moves.length > 12) touch.moves.shift();
    } else if (touch.pressed) Module._kt_pointer(p.x, p.y, 3);
    touch.x = p.x;
    touch.y = p.y;
    moveGlfwMouse(p);
  }
  function onTouchEnd(e) {
    e.preventDefault();
    var t = findTouch(e.changedTouches);
    if (!t) return;
    var p = cssPoint(t.clientX, t.clientY);
    clearTimeout(touch.timer);
    if (touch.scrolling) {
      var v = e.type === "touchcancel" ? { x: 0, y: 0 } : liftVelocity(touch.moves, e.timeStamp);
      Module._kt_touch_scroll_end(v.x, v.y);
    }
    if (e.type === "touchcancel") {
      if (touch.pressed) Module._kt_pointer(touch.x, touch.y, 2);
    } else if (!touch.scrolling && !(touch.stopper && !touch.pressed)) {
      if (!touch.pressed) Module._kt_pointer(p.x, p.y, 1);
      Module._kt_pointer(p.x, p.y, 2);
      // Inside the gesture is the only moment a mobile browser lets the page open its keyboard.
      if (Module._kt_text_field_at(p.x, p.y)) {
        gestureFocusAt = performance.now();
        bridge.focus({ preventScroll: true });
      }
    }
    moveGlfwMouse(p);
    touch = null;
  }

  // ---- [resize] -----------------------------------------------------------------------------------------
  // A window moved to a screen of another pixel ratio: the media query of the current ratio stops matching
  // (MDN's way). Not every change comes that way: Chromium's emulated ratio (DevTools, a test's
  // Emulation.setDeviceMetricsOverride) fires neither it nor a resize, and a resting page draws nothing that
  // would measure the ratio; so a visible page also compares it once a second (a number read, no frame).
  var dprQuery = null, lastRatio = 0;
  function watchPixelRatio() {
    lastRatio = window.devicePixelRatio;
    if (!window.matchMedia) return;
    if (dprQuery) dprQuery.removeEventListener("change", onPixelRatio);
    dprQuery = window.matchMedia("(resolution: " + window.devicePixelRatio + "dppx)");
    dprQuery.addEventListener("change", onPixelRatio);
  }
  function onPixelRatio() {
    watchPixelRatio();
    resized();
  }
  function checkPixelRatio() {
    if (document.visibilityState === "visible" && window.devicePixelRatio !== lastRatio) onPixelRatio();
  }

  // ---- [keyboard] ---------------------------------------------------------------------------------------
  // An on-screen keyboard never covers the field being edited. Chrome on Android shrinks the layout viewport
  // with the keyboard (index.html asks for interactive-widget=resizes-content), and the canvas with it;
  // Safari on iOS shrinks only the visual viewport and pans it to the focused element. The canvas (and the
  // accessibility mirror over it) follows the visual viewport, so the app lays out in what is visible, and
  // scrolls the field being edited into it (keep_caret_in_view, src/app/text_input_web.cpp). Not while
  // the page is pinch-zoomed: then the person looks at a part of the page on purpose.
  // The safe area's top (index.html: under a notch) still counts; the keyboard covers the bottom's.
  function fitVisualViewport() {
    var vv = window.visualViewport;
    if (!vv || !canvas) return;
    var covered = vv.height < window.innerHeight - 1 && Math.abs(vv.scale - 1) < 0.01;
    var top = covered ? Math.max(0, Math.round(vv.offsetTop)) : 0;
    var mirror = document.getElementById("a11y-mirror");
    [canvas, mirror].forEach(function (el) {
      if (!el) return;
      el.style.top = covered ? "calc(" + top + "px + var(--safe-top))" : "";
      el.style.height = covered ? "calc(" + Math.round(vv.height) + "px - var(--safe-top))" : "";
    });
    resized();
  }

  // ---- install ------------------------------------------------------------------------------------------
  function install() {
    canvas = Module.canvas;
    createBridge();

    window.removeEventListener("keydown", GLFW.onKeydown, true);
    window.removeEventListener("keypress", GLFW.onKeyPress, true);
    window.removeEventListener("keyup", GLFW.onKeyup, true);
    window.addEventListener("keydown", onKeydown, true);
    window.addEventListener("keypress", onKeypress, true);
    window.addEventListener("keyup", onKeyup, true);
    window.removeEventListener("blur", GLFW.onBlur, true);
    window.addEventListener("blur", onBlur, true);

    canvas.removeEventListener("touchstart", GLFW.onMouseButtonDown, true);
    canvas.removeEventListener("touchmove", GLFW.onMousemove, true);
    canvas.removeEventListener("touchend", GLFW.onMouseButtonUp, true);
    canvas.removeEventListener("touchcancel", GLFW.onMouseButtonUp, true);
    canvas.addEventListener("touchstart", onTouchStart, { capture: true, passive: false });
    canvas.addEventListener("touchmove", onTouchMove, { capture: true, passive: false });
    canvas.addEventListener("touchend", onTouchEnd, { capture: true, passive: false });
    canvas.addEventListener("touchcancel", onTouchEnd, { capture: true, passive: false });

    // A click on the canvas while a field is edited must not take the focus from the bridge (the click
    // may just move the caret); when the field closes, sync() gives the focus back to the canvas. A click
    // on a text field gives the bridge the focus right away, as a click on a DOM input does: what is typed
    // (or inserted by an IME) before ImGui has activated the field then waits for it in the input queue
    // (app/key_events.hpp) rather than going to the canvas, where text input events never come.
    canvas.addEventListener("mousedown", function (e) {
      if (document.activeElement === bridge) {
        e.preventDefault();
      } else if (e.button === 0 && !isForeignEditable(document.activeElement)) {
        var p = cssPoint(e.clientX, e.clientY);
        if (Module._kt_text_field_at(p.x, p.y)) {
          e.preventDefault();
          gestureFocusAt = performance.now();
          bridge.focus({ preventScroll: true });
        }
      }
    }, true);

    document.addEventListener("paste", onPaste, true);
    document.addEventListener("copy", function (e) { onCopy(e, false); }, true);
    document.addEventListener("cut", function (e) { onCopy(e, true); }, true);

    // The moment of the person's last input (platform::last_input_ms): work that holds the page's thread for
    // long, such as a compaction, waits for a pause in it. The page's load counts as input.
    Module.ktInputAt = performance.now();
    ["keydown", "pointerdown", "pointermove", "touchstart", "touchmove", "wheel"].forEach(function (type) {
      window.addEventListener(type, function () { Module.ktInputAt = performance.now(); }, { capture: true, passive: true });
    });
    ["mousemove", "mousedown", "mouseup", "mouseleave", "wheel"].forEach(function (type) {
      canvas.addEventListener(type, function () { wake(); }, { capture: true, passive: true });
    });
    window.addEventListener("mouseup", function () { wake(); }, true);  // a drag ending outside the canvas
    window.addEventListener("focus", function () { wake(); });
    window.addEventListener("resize", resized);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") wake();
    });
    if (window.ResizeObserver) new ResizeObserver(resized).observe(canvas);
    // An on-screen keyboard opening or closing (the page asks for the layout to shrink with it, see the
    // viewport meta of index.html).
    if (window.visualViewport) {
      window.visualViewport.addEventListener("resize", fitVisualViewport);
      window.visualViewport.addEventListener("scroll", fitVisualViewport);
    }
    watchPixelRatio();
    setInterval(checkPixelRatio, 1000);
  }

  return { install: install, sync: sync, place: place, clipboardWrite: clipboardWrite, wake: wake };
})();
Module.ktText = Module.ktInput;
