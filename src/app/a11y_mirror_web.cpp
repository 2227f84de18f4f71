#include <emscripten.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "app/a11y_mirror.hpp"
#include "ui/semantics.hpp"

namespace {

std::uint64_t g_last_hash = 0;
kt::ui::HoverLink g_last_hover;

// FNV-1a over what the mirror shows: a changed name, state or position (to a quarter CSS pixel) changes it.
struct Hasher {
  std::uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, size_t n) {
    const unsigned char* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
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

namespace kt::app {

void a11y_after_frame(float dpr) {
  // The link out of the app under the mouse, for the click's event handler (web/handoff.js).
  const ui::HoverLink& hl = ui::sem_hover_link();
  if (hl.href != g_last_hover.href || hl.min.x != g_last_hover.min.x || hl.min.y != g_last_hover.min.y ||
      hl.max.x != g_last_hover.max.x || hl.max.y != g_last_hover.max.y) {
    g_last_hover = hl;
    kt_js_hover_link(hl.href.c_str(), hl.min.x / dpr, hl.min.y / dpr, (hl.max.x - hl.min.x) / dpr,
                     (hl.max.y - hl.min.y) / dpr);
  }
  const std::uint64_t h = tree_hash(dpr);
  if (h == g_last_hash) return;
  g_last_hash = h;
  const std::string json = ui::sem_json(dpr);
  kt_js_mirror_update(json.c_str());
}

}  // namespace kt::app
