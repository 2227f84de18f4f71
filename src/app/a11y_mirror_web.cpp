#include <emscripten.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "app/a11y_mirror.hpp"
#include "core/fnv.hpp"
#include "ui/phases.hpp"
#include "ui/semantics.hpp"

namespace {

std::uint64_t g_last_hash = 0;
double g_last_sent = -1e9;  // emscripten_get_now() of the last update sent to the page
kt::ui::HoverLink g_last_hover;

// FNV-1a over what the mirror shows: a changed name, state or position (to a quarter CSS pixel) changes it.
struct Hasher : kt::Fnv1a {
  void str(const std::string& s) {
    bytes(s.data(), s.size());
    bytes("\0", 1);
  }
  void num(long v) { bytes(&v, sizeof v); }
};

std::uint64_t tree_hash(float dpr) {
  Hasher hs;
  hs.num(std::lround(dpr * 100));
  for (const auto& n : kt::ui::sem_nodes()) {
    hs.str(n.id);
    hs.str(n.role);
    hs.str(n.name);
    hs.str(n.value);
    hs.str(n.description);
    hs.num(std::lround(n.min.x * 4 / dpr));
    hs.num(std::lround(n.min.y * 4 / dpr));
    hs.num(std::lround(n.max.x * 4 / dpr));
    hs.num(std::lround(n.max.y * 4 / dpr));
    hs.num((n.focused ? 1 : 0) | (n.disabled ? 2 : 0) | (n.selected ? 4 : 0) | (n.invalid ? 8 : 0) |
           ((n.checked + 1) << 4) | ((n.expanded + 1) << 6));
    hs.str(n.href);
  }
  return hs.h;
}

}  // namespace

EM_JS(void, kt_js_mirror_update, (const char* json), {
  if (Module.ktMirror) Module.ktMirror.update(UTF8ToString(json));
});

EM_JS(void, kt_js_hover_link, (const char* href, double x, double y, double w, double h), {
  if (Module.ktHandOff) Module.ktHandOff.hover(UTF8ToString(href), x, y, w, h);
});

// The page overlay (ui::sem_page): a frame over the canvas with the generated document as its srcdoc,
// sandboxed without scripts (a template is an administrator's HTML, values are escaped; still, nothing in
// it runs) but with allow-modals and allow-same-origin so that the page can print it. It scrolls by itself
// like any page. `html` is null when it has not changed; a zero size hides the frame.
EM_JS(void, kt_js_page_overlay, (const char* html, const char* title, double x, double y, double w, double h), {
  var f = document.getElementById("kt-page");
  if (!(w > 0 && h > 0)) {
    if (f) f.style.display = "none";
    return;
  }
  if (!f) {
    f = document.createElement("iframe");
    f.id = "kt-page";
    f.setAttribute("sandbox", "allow-modals allow-same-origin");
    f.style.cssText = "position:fixed;margin:0;border:1px solid #dfe3e6;border-radius:4px;background:#fff;" +
                      "box-sizing:border-box;z-index:2;display:none";
    // An A4 page is wider than the dialog: the whole width is shown, smaller, as a print preview does.
    f.ktFit = function () {
      var d = f.contentDocument, root = d && d.documentElement;
      if (!root || !f.clientWidth) return;
      root.style.zoom = "";
      var need = root.scrollWidth, have = f.clientWidth - 16;
      if (need > have) root.style.zoom = String(have / need);
    };
    f.addEventListener("load", f.ktFit);
    document.body.appendChild(f);
  }
  if (html) f.srcdoc = UTF8ToString(html);
  f.title = UTF8ToString(title);
  var r = Module.canvas.getBoundingClientRect();
  f.style.left = (r.left + x) + "px";
  f.style.top = (r.top + y) + "px";
  f.style.width = w + "px";
  f.style.height = h + "px";
  f.style.display = "block";
  if (!html) f.ktFit();
});

// Prints a page through the browser (its dialog also saves a PDF): from a frame of its own, off the
// screen, removed after printing.
EM_JS(void, kt_js_page_print, (const char* html), {
  var f = document.createElement("iframe");
  f.setAttribute("sandbox", "allow-modals allow-same-origin");
  f.setAttribute("aria-hidden", "true");
  f.className = "kt-print";
  f.style.cssText = "position:fixed;left:-10000px;top:0;width:210mm;height:297mm;border:0";
  f.onload = function () {
    var w = f.contentWindow;
    w.addEventListener("afterprint", function () { setTimeout(function () { f.remove(); }, 0); });
    try {
      w.focus();
      w.print();
    } catch (e) {
      console.warn("print: " + e);
    }
    Module.ktPrinted = (Module.ktPrinted || 0) + 1;
  };
  f.srcdoc = UTF8ToString(html);
  document.body.appendChild(f);
});

namespace kt::app {

namespace {
std::string g_page_html;  // the page the overlay frame shows
kt::ui::PageOverlay g_page_last;

void page_after_frame(float dpr) {
  const ui::PageOverlay& p = ui::sem_page_overlay();
  if (!p.print.empty()) kt_js_page_print(p.print.c_str());
  const bool shown = p.max.x > p.min.x;
  const bool html_changed = shown && p.html != g_page_html;
  if (!html_changed && p.title == g_page_last.title && p.min.x == g_page_last.min.x && p.min.y == g_page_last.min.y &&
      p.max.x == g_page_last.max.x && p.max.y == g_page_last.max.y)
    return;
  if (html_changed) g_page_html = p.html;
  g_page_last.title = p.title;
  g_page_last.min = p.min;
  g_page_last.max = p.max;
  kt_js_page_overlay(html_changed ? g_page_html.c_str() : nullptr, p.title.c_str(), p.min.x / dpr, p.min.y / dpr,
                     shown ? (p.max.x - p.min.x) / dpr : 0, shown ? (p.max.y - p.min.y) / dpr : 0);
}

}  // namespace

void a11y_after_frame(float dpr, bool resting) {
  page_after_frame(dpr);
  // The link out of the app under the mouse, for the click's event handler (web/handoff.js).
  const ui::HoverLink& hl = ui::sem_hover_link();
  if (hl.href != g_last_hover.href || hl.min.x != g_last_hover.min.x || hl.min.y != g_last_hover.min.y ||
      hl.max.x != g_last_hover.max.x || hl.max.y != g_last_hover.max.y) {
    g_last_hover = hl;
    kt_js_hover_link(hl.href.c_str(), hl.min.x / dpr, hl.min.y / dpr, (hl.max.x - hl.min.x) / dpr,
                     (hl.max.y - hl.min.y) / dpr);
  }
  ui::phase::mark("a11y_page_link");
  const std::uint64_t h = tree_hash(dpr);
  ui::phase::mark("a11y_hash");
  if (h == g_last_hash) return;
  const double now = emscripten_get_now();
  if (!resting && now - g_last_sent < kMirrorGapMs) return;
  g_last_hash = h;
  g_last_sent = now;
  const std::string json = ui::sem_json(dpr);
  ui::phase::mark("a11y_json");
  kt_js_mirror_update(json.c_str());
  ui::phase::mark("a11y_js");
}

}  // namespace kt::app
