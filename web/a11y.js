// Kartoteka accessibility mirror, linked into kartoteka.js with --pre-js. Screen readers cannot read a
// canvas, so every node of the UI's semantics tree (src/ui/semantics.hpp) gets a transparent element at
// the same place with the node's ARIA role, accessible name and state. C++ sends the tree only on frames
// where it changed (src/app/a11y_mirror_web.cpp); this side diffs it by node id and touches only what
// changed. Activating an element (a screen reader's click, Enter or Space on it) clicks the node's centre
// in the app (kt_activate). A text field's editor takes the text bridge (web/input.js), which carries the
// field's name.
Module.ktMirror = (function () {
  "use strict";
  var root = null;
  var elements = {};   // node id -> element
  var last = {};       // node id -> the node as last applied
  var order = "";      // node ids in document order, joined
  var groups = {};     // group key -> container element (tables of rows, listboxes of options)

  // ARIA roles the UI uses, and the element each one becomes. "text" is plain text (no role).
  var INTERACTIVE = { button: 1, link: 1, radio: 1, checkbox: 1, option: 1, textbox: 1, searchbox: 1,
                      combobox: 1, row: 1, columnheader: 1, tab: 1, menuitem: 1 };
  var NAMED_BY_CONTENT = { text: 1, heading: 1, alert: 1, status: 1, article: 1, listitem: 1 };
  // Of these, the ones whose value is text a sighted user reads with the name (a timeline entry's content, a
  // to-do's deadline, a kanban column's count): it follows the name. A status's value is its state's key.
  var CONTENT_WITH_VALUE = { text: 1, heading: 1, article: 1, listitem: 1 };
  // Roles ARIA allows only inside a container (axe's aria-required-parent): consecutive ones are grouped.
  var GROUP_OF = { row: "table", columnheader: "table", option: "listbox", tab: "tablist", listitem: "list" };

  function ensureRoot() {
    if (root) return root;
    root = document.getElementById("a11y-mirror");
    if (!root) {
      root = document.createElement("div");
      root.id = "a11y-mirror";
      document.body.appendChild(root);
    }
    root.addEventListener("click", onActivate);
    root.addEventListener("keydown", onKeydown);
    return root;
  }

  function activate(el) {
    var id = el && el.getAttribute("data-node");
    if (!id) return false;
    var ok = false;
    var n = lengthBytesUTF8(id) + 1, p = _malloc(n);
    stringToUTF8(id, p, n);
    try { ok = !!Module._kt_activate(p); } finally { _free(p); }
    return ok;
  }
  // A link out of the app (web/handoff.js) is a real <a href target=_blank>: the browser opens it with the
  // user's own click, and the app, told of the click, does what else it does (a call opens its log dialog).
  function outLink(el) {
    return el.tagName === "A" && el.hasAttribute("href") ? el.getAttribute("href") : "";
  }
  function onActivate(e) {
    var el = e.target.closest && e.target.closest("[data-node]");
    if (!el) return;
    var href = outLink(el);
    if (href && Module.ktHandOff) Module.ktHandOff.noteOpened(href, "mirror");
    if (activate(el) && !href) e.preventDefault();
  }
  function onKeydown(e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    var el = e.target.closest && e.target.closest("[data-node]");
    if (!el || !INTERACTIVE[el.getAttribute("data-role")]) return;
    if (outLink(el)) {
      // Enter on a link clicks it natively; Space does not, so it clicks it here (the same click).
      if (e.key === " ") { e.preventDefault(); el.click(); }
      return;
    }
    e.preventDefault();
    activate(el);
  }

  function setAttr(el, name, value) {
    if (value === null || value === undefined || value === false) {
      if (el.hasAttribute(name)) el.removeAttribute(name);
    } else {
      var v = String(value);
      if (el.getAttribute(name) !== v) el.setAttribute(name, v);
    }
  }

  function create(n) {
    var el = document.createElement(n.href ? "a" : "div");
    el.setAttribute("data-node", n.id);
    if (n.href) {
      el.target = "_blank";
      el.rel = "noopener noreferrer";
    }
    return el;
  }

  // Whether a node reads as it did: the same role, name, value and state (only its rectangle may differ,
  // as every node's does in a scroll step, where comparing the element's attributes one by one cost the
  // most of a phone's frame).
  function sameReading(a, b) {
    return a.role === b.role && a.name === b.name && a.value === b.value && a.description === b.description &&
      a.focused === b.focused && a.disabled === b.disabled && a.selected === b.selected && a.checked === b.checked &&
      a.expanded === b.expanded && a.invalid === b.invalid && a.href === b.href && a.multiline === b.multiline;
  }

  // Applies a node's role, name, value, state and rectangle to its element.
  function apply(el, n, prev) {
    if (!prev || !sameReading(prev, n)) applyReading(el, n, prev);
    if (!prev || prev.x !== n.x || prev.y !== n.y || prev.w !== n.w || prev.h !== n.h) {
      var s = el.style;
      if (!prev || prev.x !== n.x || prev.y !== n.y) s.transform = "translate(" + n.x + "px," + n.y + "px)";
      if (!prev || prev.w !== n.w) s.width = Math.max(0, n.w) + "px";
      if (!prev || prev.h !== n.h) s.height = Math.max(0, n.h) + "px";
    }
  }

  function applyReading(el, n, prev) {
    if (!prev || prev.role !== n.role) {
      el.setAttribute("data-role", n.role);
      setAttr(el, "role", n.role === "text" ? null : n.role);
      setAttr(el, "aria-level", n.role === "heading" ? 2 : null);
      setAttr(el, "tabindex", INTERACTIVE[n.role] ? -1 : null);
    }
    var value = n.value || "";
    if (NAMED_BY_CONTENT[n.role]) {
      var text = n.name || "";
      if (CONTENT_WITH_VALUE[n.role] && value && text.indexOf(value) < 0) text = text ? text + ", " + value : value;
      if (el.textContent !== text) el.textContent = text;
      setAttr(el, "aria-label", null);
    } else if (n.role === "row") {
      // A row owns cells (aria-required-children): one cell with what the row reads.
      setAttr(el, "aria-label", n.name);
      var cell = el.firstChild;
      if (!cell || cell.nodeType !== 1 || el.childNodes.length !== 1) {
        el.textContent = "";
        cell = document.createElement("div");
        cell.setAttribute("role", "cell");
        el.appendChild(cell);
      }
      var line = n.name + (value && n.name.indexOf(value) < 0 ? ", " + value : "");
      if (cell.textContent !== line) cell.textContent = line;
    } else {
      setAttr(el, "aria-label", n.name);
      // Fields show their value as their content, as a screen reader expects of a textbox or combobox.
      var content = (n.role === "textbox" || n.role === "searchbox" || n.role === "combobox") ? value : "";
      if (el.textContent !== content) el.textContent = content;
    }
    if (n.role === "progressbar") {
      var pct = parseInt(value, 10);
      setAttr(el, "aria-valuemin", isNaN(pct) ? null : 0);
      setAttr(el, "aria-valuemax", isNaN(pct) ? null : 100);
      setAttr(el, "aria-valuenow", isNaN(pct) ? null : pct);
    }
    var selectable = n.role === "option" || n.role === "row" || n.role === "tab" || n.role === "columnheader";
    setAttr(el, "aria-selected", selectable ? !!n.selected + "" : null);
    setAttr(el, "aria-current", n.role === "link" && n.selected ? "page" : null);
    setAttr(el, "aria-pressed", n.role === "button" && n.selected ? "true" : null);
    setAttr(el, "aria-checked", n.checked === undefined ? null : n.checked + "");
    setAttr(el, "aria-expanded", n.expanded === undefined ? null : n.expanded + "");
    setAttr(el, "aria-invalid", n.invalid ? "true" : null);
    setAttr(el, "aria-multiline", n.role === "textbox" ? !!n.multiline + "" : null);
    setAttr(el, "aria-disabled", n.disabled ? "true" : null);
    setAttr(el, "aria-description", n.description || null);
    setAttr(el, "data-focused", n.focused ? "true" : null);
    if (n.href) setAttr(el, "href", n.href);
  }

  function groupFor(key, kind) {
    var g = groups[key];
    if (!g) {
      g = document.createElement("div");
      g.setAttribute("role", kind);
      g.className = "a11y-group";
      groups[key] = g;
    }
    return g;
  }

  // The tree as JSON (kt_semantics_json's format). Runs only on frames where the tree changed.
  function update(json) {
    ensureRoot();
    var nodes;
    try { nodes = JSON.parse(json); } catch (e) { console.warn("a11y mirror: " + e); return; }
    var seen = {};
    var ids = [];
    var label = "";  // the last heading: names the table or listbox that follows it
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (seen[n.id]) continue;  // ids are unique; ignore a repeat rather than fight over one element
      seen[n.id] = 1;
      ids.push(n.id);
      var el = elements[n.id];
      if (el && (el.tagName === "A") !== !!n.href) {  // became a link out of the app, or stopped being one
        el.remove();
        el = null;
        delete last[n.id];
        order = "";
      }
      if (!el) el = elements[n.id] = create(n);
      apply(el, n, last[n.id]);
      last[n.id] = n;
      if (n.role === "heading") label = n.name;
      n._label = label;
    }
    for (var id in elements) {
      if (!seen[id]) {
        elements[id].remove();
        delete elements[id];
        delete last[id];
      }
    }
    // Reading order is document order: redone only when the sequence of nodes changed. Consecutive rows
    // form a table and consecutive options a listbox, as ARIA requires. A group is known by its kind and
    // its place among the groups of that kind, so it stays the same element while its rows scroll.
    var joined = ids.join("\n");
    if (joined === order) return;
    order = joined;
    var top = [], members = {}, counts = {};
    var currentKind = "", currentKey = "";
    for (var k = 0; k < ids.length; k++) {
      var node = last[ids[k]];
      var kind = GROUP_OF[node.role] || "";
      if (!kind) {
        currentKind = "";
        top.push(elements[node.id]);
        continue;
      }
      if (currentKind !== kind) {
        counts[kind] = (counts[kind] || 0) + 1;
        currentKey = kind + ":" + counts[kind];
        currentKind = kind;
        members[currentKey] = [];
        var group = groupFor(currentKey, kind);
        setAttr(group, "aria-label", node._label || null);
        top.push(group);
      }
      if (node.role === "columnheader") {
        // Column headers belong in a row of the table (aria-required-parent): the table's header row.
        var headKey = currentKey + ":head";
        if (!members[headKey]) {
          members[headKey] = [];
          members[currentKey].push(groupFor(headKey, "row"));
        }
        members[headKey].push(elements[node.id]);
        continue;
      }
      members[currentKey].push(elements[node.id]);
    }
    for (var g in groups) {
      if (!members[g]) {
        groups[g].remove();
        delete groups[g];
      }
    }
    // Only what is out of place moves: a scroll step inserts the rows that came (those that went are gone
    // already). Moving the focused element blurs it: it is focused again.
    var focused = root.contains(document.activeElement) ? document.activeElement : null;
    arrange(root, top);
    for (var key in members) arrange(groups[key], members[key]);
    if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
  }

  // Makes `children` the children of `parent`, in that order, leaving in place those already there.
  function arrange(parent, children) {
    var at = parent.firstChild;
    for (var i = 0; i < children.length; i++) {
      if (children[i] === at) at = at.nextSibling;
      else parent.insertBefore(children[i], at);
    }
    while (at) {
      var next = at.nextSibling;
      parent.removeChild(at);
      at = next;
    }
  }

  return { update: update, activate: activate };
})();
