// The web shell: GLFW on the canvas, ImGui drawn with WebGL2 (app/renderer.hpp), the canvas size and pixel
// ratio, the main loop (drawn only when something changes, app/idle.hpp), and the functions the page and
// the tests call. The page's side of input lives in web/input.js, the accessibility mirror in
// web/a11y.js, storage in web/glue.js. Everything else is in App.
//
// [SECTION] Canvas and frame
// [SECTION] Exported functions
// [SECTION] main
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_impl_glfw.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/a11y_mirror.hpp"
#include "app/app.hpp"
#include "app/idle.hpp"
#include "app/key_events.hpp"
#include "app/pointer.hpp"
#include "app/renderer.hpp"
#include "app/text_input.hpp"
#include "core/fnv.hpp"
#include "platform/platform.hpp"
#include "platform/tabs.hpp"
#include "ui/focus.hpp"
#include "ui/font_cache.hpp"
#include "ui/help_panel.hpp"
#include "ui/i18n.hpp"
#include "ui/phases.hpp"
#include "ui/progress.hpp"
#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/ui_state.hpp"

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Canvas and frame
// ---------------------------------------------------------------------------------------------------------

namespace {

GLFWwindow* g_window = nullptr;
kt::App* g_app = nullptr;
int g_width = 0, g_height = 0;  // canvas backing store, device pixels
double g_dpr = 1.0;
unsigned long g_frames = 0;
int g_cursor = -2;       // the ImGui mouse cursor last shown on the canvas
std::string g_exported;  // keeps strings returned to JS alive until the next call
// Work asked for between frames that needs a live frame: ImGui's clock only advances in frames, so a
// toast created while the loop is paused would take its expiry from a stale time.
std::vector<std::function<void()>> g_next_frame;
// Frame CPU times for the benchmarks (bench/browser.mjs), ms, the last kFrameRing frames:
//   cpu   - the frame callback's start to after the draw data is submitted to WebGL, less `gl_wait` (a
//           frame that repeats the picture on the canvas submits nothing: see renderer_draw, `drawn`);
//   ui    - the UI code alone (App::frame: the screens);
//   total - the whole callback, including the accessibility mirror's update after submission;
//   gl_wait - time in synchronous WebGL queries: the ImGui backend reads GL state back before it draws,
//           and each getParameter waits for the GPU process to catch up. A benchmark page that wants it
//           sums that time into Module.ktGlWaitMs (bench/browser.mjs wraps the WebGL context); else 0;
//   drawn - 1 if the frame was sent to WebGL, 0 if it was the same picture as the canvas showed.
constexpr int kFrameRing = 4096;
double g_frame_cpu[kFrameRing], g_frame_ui[kFrameRing], g_frame_total[kFrameRing], g_frame_gl_wait[kFrameRing];
bool g_frame_drawn[kFrameRing];
unsigned long g_frame_samples = 0;  // since the last kt_frame_ms_reset

// Whether the canvas's CSS size or the pixel ratio may have changed since the last call: the page marks it
// on window resizes, the canvas's ResizeObserver, the visual viewport and pixel ratio changes (web/input.js);
// true until the page has installed its listeners. Measuring the canvas every frame forced the browser to
// lay out the accessibility mirror's changes of the frame before, synchronously (a phone's frame CPU p95).
EM_JS(int, kt_js_take_size_change, (), {
  var changed = Module.ktSizeChanged !== false;
  Module.ktSizeChanged = false;
  return changed ? 1 : 0;
});

// The short side of a touch screen (CSS pixels; 0 for a mouse's): the same in both orientations, and no
// keyboard changes it. A desktop's short window is not a phone.
EM_JS(double, kt_js_screen_short_side, (), {
  if (!window.screen || !window.matchMedia || !matchMedia("(pointer: coarse)").matches) return 0;
  return Math.min(screen.width, screen.height) || 0;
});
EM_JS(int, kt_js_storage_settled, (), { return Module.ktStorage && Module.ktStorage.settled ? 1 : 0; });
// Bytes the site may still store (the browser's estimate, web/glue.js), or -1 while it is not known.
EM_JS(double, kt_js_storage_room, (), {
  var s = Module.ktStorage;
  return s && s.ok && s.quota > 0 && s.usage >= 0 ? s.quota - s.usage : -1;
});

// The font atlas kept between starts (ui/font_cache.hpp), in the persisted mount beside the user data: read
// with it (index.html reads the whole store early), it spares the next start the rasterising of every glyph.
constexpr const char* kAtlasDir = "/data/cache";
constexpr const char* kAtlasFile = "/data/cache/atlas.bin";
constexpr long kMaxAtlasFile = 64L << 20;  // a DPR 4 atlas is ~4 MB; anything larger is not ours
bool g_atlas_unsaved = false;
int g_atlas_waits = 0;  // for the store and its estimate (a browser may give none: then it is not saved)

// What the saved atlas's trailer says of the file open at `f` (false: no saved atlas of this format).
bool saved_atlas_parts(FILE* f, kt::ui::SavedAtlasParts* parts) {
  char trailer[kt::ui::kSavedAtlasTrailer];
  long n = -1;
  return std::fseek(f, 0, SEEK_END) == 0 && (n = std::ftell(f)) >= static_cast<long>(sizeof trailer) &&
         n <= kMaxAtlasFile && std::fseek(f, n - static_cast<long>(sizeof trailer), SEEK_SET) == 0 &&
         std::fread(trailer, 1, sizeof trailer, f) == sizeof trailer &&
         kt::ui::saved_atlas_parts(std::string_view(trailer, sizeof trailer), static_cast<std::uint64_t>(n), parts);
}

// The fonts were given to the atlas (load_theme): its build takes the saved atlas when it matches them. The
// store is read by then on most starts (the WebAssembly takes longer); when not, the fonts are rasterised
// while the page waits for it (the thread would be idle). Only the saved atlas's description is read here;
// its texture stays in the page (renderer_fonts_changed). Returns the file to take the texture from, or
// nullptr.
bool g_atlas_store_read = false;  // whether the store had been read when the fonts were last loaded
const char* restore_atlas_on_build() {
  kt::ui::SavedAtlasParts parts;
  std::string meta;
  g_atlas_store_read = kt_js_storage_settled() != 0;
  if (FILE* f = g_atlas_store_read ? std::fopen(kAtlasFile, "rb") : nullptr) {
    if (saved_atlas_parts(f, &parts)) {
      meta.resize(static_cast<size_t>(parts.meta_size));
      if (std::fseek(f, static_cast<long>(parts.pixels), SEEK_SET) != 0 ||
          std::fread(meta.data(), 1, meta.size(), f) != meta.size())
        meta.clear();
    }
    std::fclose(f);
  }
  const bool saved = !meta.empty();
  kt::ui::restore_atlas_on_build(ImGui::GetIO().Fonts, saved ? parts : kt::ui::SavedAtlasParts{}, std::move(meta));
  return saved ? kAtlasFile : nullptr;
}
const char* g_saved_atlas = nullptr;  // the file the atlas is taken from, if any (restore_atlas_on_build)

// Whether the store holds this atlas already: it was rasterised only because the store had not been read
// yet (after a failed attempt to take it, the file is written again).
bool atlas_saved_already() {
  kt::ui::SavedAtlasParts parts;
  FILE* f = g_atlas_store_read ? nullptr : std::fopen(kAtlasFile, "rb");
  if (!f) return false;
  const bool same = saved_atlas_parts(f, &parts) && parts.key == kt::ui::atlas_key(*ImGui::GetIO().Fonts);
  std::fclose(f);
  return same;
}

// Saves the atlas rasterised at this start, a few seconds after it (not in the start's frames), once the app
// runs over a store this tab owns and there is room for it (ten times its size: the cache never fills the
// store that the user's data needs). Written beside, then renamed over the old one, and persisted with the
// next write (now).
void save_atlas_later(void*) {
  if (!g_atlas_unsaved) return;
  if ((!g_app || kt_js_storage_room() < 0) && ++g_atlas_waits < 10) {
    emscripten_set_timeout(save_atlas_later, 2000, nullptr);  // the app or the estimate is not there yet
    return;
  }
  g_atlas_unsaved = false;
  if (!g_app || !kt::platform::storage_available() || !kt::platform::owns_store() || kt_js_storage_room() < 0 ||
      atlas_saved_already())
    return;
  const std::string bytes = kt::ui::save_atlas(*ImGui::GetIO().Fonts);
  if (bytes.empty() || kt_js_storage_room() < 10.0 * static_cast<double>(bytes.size())) return;
  ::mkdir(kAtlasDir, 0777);  // there already, or created
  const std::string tmp = std::string(kAtlasFile) + ".new";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return;
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !written || std::rename(tmp.c_str(), kAtlasFile) != 0) {
    std::remove(tmp.c_str());
    return;
  }
  g_app->persist();
}

// The atlas was built (renderer_fonts_changed): saved for the next start unless it was taken from there.
void atlas_built() {
  if (kt::ui::atlas_restored() || g_atlas_unsaved) return;
  g_atlas_unsaved = true;
  emscripten_set_timeout(save_atlas_later, 3000, nullptr);
}

// Sizes the canvas backing store to its CSS size times devicePixelRatio; reloads fonts when the ratio
// changes so that text is rasterised at the real pixel size.
void fit_canvas() {
  // The ratio is a plain read, every frame (the page's events may come before it changes); the CSS size
  // costs a layout, so only when the page says so or the ratio changed.
  double dpr = emscripten_get_device_pixel_ratio();
  if (dpr <= 0) dpr = 1;
  const bool changed = kt_js_take_size_change();
  if (g_width > 0 && dpr == g_dpr && !changed) return;
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  kt::ui::set_screen_short_side(static_cast<float>(kt_js_screen_short_side()));
  int w = static_cast<int>(std::lround(css_w * dpr));
  int h = static_cast<int>(std::lround(css_h * dpr));
  if (w < 1 || h < 1) return;
  if (w != g_width || h != g_height) {
    // Setting a canvas's size, even to the one it has, resets its drawing buffer.
    int now_w = 0, now_h = 0;
    emscripten_get_canvas_element_size("#canvas", &now_w, &now_h);
    if (now_w != w || now_h != h) {
      emscripten_set_canvas_element_size("#canvas", w, h);
      kt::app::renderer_canvas_reset();
    }
    g_width = w;
    g_height = h;
  }
  if (dpr != g_dpr) {
    g_dpr = dpr;
    kt::ui::load_theme("/fonts", static_cast<float>(dpr));
    g_saved_atlas = restore_atlas_on_build();
    if (g_frames > 0) {  // before the first frame renderer_init makes it
      kt::app::renderer_fonts_changed(g_saved_atlas);
      atlas_built();
    }
  }
}

// Emscripten 3.1.6's GLFW passes raw wheel deltas (pixels, wrong sign); one notch is one ImGui step here.
EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  double dy = e->deltaY, dx = e->deltaX;
  if (e->deltaMode == DOM_DELTA_PIXEL) dy /= 100.0, dx /= 100.0;
  else if (e->deltaMode == DOM_DELTA_LINE) dy /= 3.0, dx /= 3.0;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel -= static_cast<float>(dy);
  io.MouseWheelH -= static_cast<float>(dx);
  kt::app::wake();
  return EM_TRUE;
}

// GLFW 3.1.6 ignores cursor shapes: show ImGui's on the canvas (a hand over links, a bar over text).
EM_JS(void, kt_js_set_cursor, (const char* css), { Module.canvas.style.cursor = UTF8ToString(css); });
void update_cursor() {
  const int c = ImGui::GetMouseCursor();
  if (c == g_cursor) return;
  g_cursor = c;
  const char* css = "default";
  switch (c) {
    case ImGuiMouseCursor_None: css = "none"; break;
    case ImGuiMouseCursor_TextInput: css = "text"; break;
    case ImGuiMouseCursor_Hand: css = "pointer"; break;
    case ImGuiMouseCursor_ResizeAll: css = "move"; break;
    case ImGuiMouseCursor_ResizeNS: css = "ns-resize"; break;
    case ImGuiMouseCursor_ResizeEW: css = "ew-resize"; break;
    case ImGuiMouseCursor_ResizeNESW: css = "nesw-resize"; break;
    case ImGuiMouseCursor_ResizeNWSE: css = "nwse-resize"; break;
    case ImGuiMouseCursor_NotAllowed: css = "not-allowed"; break;
    default: break;
  }
  kt_js_set_cursor(css);
}

// Whether a dialog is open (on a touch screen any popup: a menu, a drop-down, the sections sheet, as a
// phone's back button closes them), as the page was last told (platform::set_back_guard): the browser's
// Back closes it rather than leaving the screen under it. A desktop's menu closes as Back changes screens.
bool g_back_guard = false;
void update_back_guard() {
  const ImGuiContext& g = *GImGui;
  const bool touch = kt::ui::form_factor() != kt::ui::FormFactor::Desktop;
  bool open = false;
  for (int i = 0; i < g.OpenPopupStack.Size && !open; ++i) {
    const ImGuiWindow* w = g.OpenPopupStack[i].Window;
    open = touch || (w && (w->Flags & ImGuiWindowFlags_Modal));
  }
  if (open == g_back_guard) return;
  g_back_guard = open;
  kt::platform::set_back_guard(open);
}

// The delay to the next change that happens with time alone (a caret blink, a toast expiring), or < 0.
double next_timed_change_ms() {
  double next = kt::app::caret_blink_ms();
  const double now = ImGui::GetTime();
  const double t = kt::ui::next_redraw_time(now);
  if (t >= 0) {
    const double ms = (t - now) * 1000.0 + 5.0;
    if (next < 0 || ms < next) next = ms;
  }
  return next;
}

// Whether the next frame is needed right away.
bool busy() {
  const ImGuiIO& io = ImGui::GetIO();
  for (bool down : io.MouseDown)
    if (down) return true;  // a press or a drag in progress
  for (bool down : io.KeysDown)
    if (down) return true;  // ImGui repeats a held key (Backspace held down) by itself, frame by frame
  return kt::app::key_filter_pending() || kt::app::pointer_busy() || kt::ui::take_animation_request();
}

EM_JS(double, kt_js_gl_wait_ms, (), { return Module.ktGlWaitMs || 0; });

// A milestone of the start on the page's clock (Module.ktTimes, see web/glue.js).
#define KT_MILESTONE(name) EM_ASM({ if (Module.ktTimes) Module.ktTimes[UTF8ToString($0)] = performance.now(); }, name)

void frame() {
  if (!g_app) return;  // the local store is still being read (kt_storage_settled starts the app)
  if (g_frames == 0) KT_MILESTONE("frame0");
  const double t0 = emscripten_get_now();
  const double wait0 = kt_js_gl_wait_ms();
  kt::ui::phase::begin_frame();
  fit_canvas();
  kt::ui::phase::mark("fit");
  kt::app::key_filter_before_frame();
  ImGui_ImplGlfw_NewFrame();
  kt::app::pointer_before_frame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(g_width), static_cast<float>(g_height));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  ImGui::NewFrame();
  kt::ui::focus_begin_frame();
  kt::ui::phase::mark("newframe");
  for (auto& work : g_next_frame) work();
  g_next_frame.clear();
  kt::ui::phase::mark("queued");
  const double t_ui0 = emscripten_get_now();
  g_app->frame();
  kt::ui::focus_end_frame();
  kt::ui::phase::mark("ui_end");
  const double t_ui1 = emscripten_get_now();
  ImGui::Render();
  kt::ui::phase::mark("render");
  const bool drawn = kt::app::renderer_draw(ImGui::GetDrawData(), g_width, g_height, kt::ui::color::kBackground);
  kt::ui::phase::mark("gl");
  const double t_submitted = emscripten_get_now();
  const double gl_wait = kt_js_gl_wait_ms() - wait0;
  kt::app::key_filter_after_frame();
  kt::app::text_input_after_frame();
  update_back_guard();
  const bool keep_going = busy();  // once a frame: it takes the frame's animation request
  kt::app::a11y_after_frame(static_cast<float>(g_dpr), kt::app::pauses_after(keep_going));
  update_cursor();
  kt::ui::phase::mark("cursor");
#ifdef KT_PHASES
  // Frames of at least self.ktPhasesSlowMs (default 8; a benchmark sets it before the page loads) print
  // their phases.
  kt::ui::phase::end_frame(EM_ASM_DOUBLE({ return self.ktPhasesSlowMs === undefined ? 8 : self.ktPhasesSlowMs; }), drawn);
#endif
  ++g_frames;
  const int slot = static_cast<int>(g_frame_samples++ % kFrameRing);
  g_frame_cpu[slot] = t_submitted - t0 - gl_wait;
  g_frame_gl_wait[slot] = gl_wait;
  g_frame_drawn[slot] = drawn;
  g_frame_ui[slot] = t_ui1 - t_ui0;
  g_frame_total[slot] = emscripten_get_now() - t0;
  kt::app::frame_done(keep_going, next_timed_change_ms());
  if (g_frames == 1) KT_MILESTONE("frame1");
}

std::string shell_json() {
  const ImGuiIO& io = ImGui::GetIO();
  nlohmann::json j;
  j["frames"] = g_frames;
  j["paused"] = kt::app::paused();
  j["pauses"] = kt::app::pause_count();
  j["dpr"] = g_dpr;
  j["canvas"] = {g_width, g_height};
  j["display"] = {io.DisplaySize.x, io.DisplaySize.y};
  j["font_px"] = kt::ui::fonts().regular ? kt::ui::fonts().regular->FontSize : 0.0f;
  j["atlas"] = {io.Fonts->TexWidth, io.Fonts->TexHeight};
  j["want_text"] = io.WantTextInput;
  j["input_pending"] = kt::app::key_filter_pending() || kt::app::pointer_busy();
  j["help"] = kt::ui::help_open();
  j["progress"] = kt::ui::progress_count();
  j["mac"] = io.ConfigMacOSXBehaviors;
  j["pointer"] = nlohmann::json::parse(kt::app::pointer_debug_json());
  j["mouse"] = {io.MousePos.x, io.MousePos.y, io.MouseDown[0]};
  j["hovered_window"] = ImGui::GetCurrentContext()->HoveredWindow ? ImGui::GetCurrentContext()->HoveredWindow->Name : "";
  j["active_id"] = ImGui::GetCurrentContext()->ActiveId;
  j["hovered_id"] = ImGui::GetCurrentContext()->HoveredId;
  return j.dump();
}

const char* translate(const char* key) { return kt::ui::tr(key); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Exported functions: called from the page (web/*.js) and from the browser tests
// ---------------------------------------------------------------------------------------------------------

namespace {
// Frames drawn until the input the page has queued (keys, taps) has reached the UI, at most 8.
void drain_input() {
  for (int i = 0; i < 8 && (kt::app::key_filter_pending() || kt::app::pointer_busy()); ++i) frame();
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void kt_on_persisted(double mark, int ok) {
  if (g_app) g_app->on_persisted(static_cast<std::uint64_t>(mark), ok != 0);
  kt::app::wake();
}
EMSCRIPTEN_KEEPALIVE int kt_unsaved_count() { return g_app ? static_cast<int>(g_app->unsaved()) : 0; }
// The page is going away (web/glue.js: beforeunload, pagehide): the keys typed so far reach the open field
// editor (frames drawn until the input queue is empty, as for a copy), which is then committed like Enter.
// 1: nothing is left open; 0: its value does not validate (the page asks before leaving).
EMSCRIPTEN_KEEPALIVE int kt_commit_editor() {
  if (!g_app) return 1;
  drain_input();
  const bool ok = g_app->commit_open_editor();
  kt::app::wake();
  return ok ? 1 : 0;
}
// The page is hidden or going away (web/glue.js): what was typed and not saved is written beside the store.
EMSCRIPTEN_KEEPALIVE void kt_save_drafts() {
  if (!g_app) return;
  drain_input();
  g_app->save_drafts();
}
EMSCRIPTEN_KEEPALIVE void kt_sync_now() {
  if (g_app) g_app->sync_now();
  kt::app::wake(kt::app::kFramesAfterInput);
}
// The browser's Back took the entry that stood for what is open (web/glue.js): it closes as with Esc.
EMSCRIPTEN_KEEPALIVE void kt_back() {
  g_back_guard = false;  // that entry is gone: one is made again if something stays open
  kt::ui::focus_request_back();
  kt::app::wake();
}
// The browser's Back or Forward, or an address typed: the keys typed so far reach an open field editor
// first, which the app then commits before it leaves the screen (App::on_route_changed). Only then: input
// still queued on another screen (an Esc that closes the card) would act there and undo the new route.
EMSCRIPTEN_KEEPALIVE void kt_route_changed() {
  if (!g_app) return;
  if (g_app->editing()) drain_input();
  g_app->on_route_changed();
  kt::app::wake();
}
EMSCRIPTEN_KEEPALIVE double kt_frame_count() { return static_cast<double>(g_frames); }
// Frame CPU times (see g_frame_cpu): forget the samples so far; how many there are (at most the ring's
// size); sample i of them, oldest first, of kind 0 cpu, 1 ui, 2 total, 3 gl_wait, 4 drawn (1 or 0).
EMSCRIPTEN_KEEPALIVE void kt_frame_ms_reset() { g_frame_samples = 0; }
EMSCRIPTEN_KEEPALIVE int kt_frame_ms_count() {
  return static_cast<int>(g_frame_samples < kFrameRing ? g_frame_samples : kFrameRing);
}
EMSCRIPTEN_KEEPALIVE double kt_frame_ms_at(int i, int kind) {
  const unsigned long n = g_frame_samples < kFrameRing ? g_frame_samples : kFrameRing;
  if (i < 0 || static_cast<unsigned long>(i) >= n) return -1;
  const int slot = static_cast<int>((g_frame_samples - n + static_cast<unsigned long>(i)) % kFrameRing);
  if (kind == 4) return g_frame_drawn[slot] ? 1 : 0;
  return kind == 1 ? g_frame_ui[slot] : kind == 2 ? g_frame_total[slot] : kind == 3 ? g_frame_gl_wait[slot] : g_frame_cpu[slot];
}
EMSCRIPTEN_KEEPALIVE const char* kt_debug_json() {
  g_exported = g_app ? g_app->debug_json() : "{}";
  return g_exported.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* kt_semantics_json() {
  g_exported = kt::ui::sem_json(static_cast<float>(g_dpr));
  return g_exported.c_str();
}
// The shell's own state: frames, pauses, pixel ratio, canvas and font sizes, text input, overlays.
EMSCRIPTEN_KEEPALIVE const char* kt_shell_json() {
  g_exported = shell_json();
  return g_exported.c_str();
}
// The font atlas: taken from the saved one or rasterised, and a print of all it holds (tests compare them).
// The texture's print: the one in memory, or the saved one's the renderer took.
EMSCRIPTEN_KEEPALIVE const char* kt_atlas_json() {
  const ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  const size_t n = static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight);
  kt::Fnv1a texture;
  if (atlas.TexPixelsAlpha8) {
    texture.bytes(atlas.TexPixelsAlpha8, n);
  } else if (FILE* f = kt::ui::atlas_restored() ? std::fopen(kAtlasFile, "rb") : nullptr) {
    std::string bytes(n, '\0');
    if (std::fread(bytes.data(), 1, n, f) == n) texture.bytes(bytes);
    std::fclose(f);
  }
  g_exported = nlohmann::json{{"restored", kt::ui::atlas_restored()}, {"unsaved", g_atlas_unsaved}, {"store_read", g_atlas_store_read},
                              {"size", {atlas.TexWidth, atlas.TexHeight}}, {"in_memory", atlas.TexPixelsAlpha8 != nullptr},
                              {"print", kt::hex16(kt::ui::atlas_print(atlas))}, {"texture", kt::hex16(texture.h)}}
                   .dump();
  return g_exported.c_str();
}
// F1 (web/input.js).
EMSCRIPTEN_KEEPALIVE void kt_toggle_help() {
  kt::ui::help_toggle();
  kt::app::wake();
}
// Progress of an operation of the page (saving for offline use): `key` is a translation key; fraction
// in [0, 1], < 0 when unknown.
EMSCRIPTEN_KEEPALIVE void kt_progress(const char* key, double fraction) {
  kt::ui::progress(kt::ui::tr(key), static_cast<float>(fraction));
  kt::app::wake();
}
EMSCRIPTEN_KEEPALIVE void kt_progress_end(const char* key) {
  kt::ui::progress_end(kt::ui::tr(key));
  kt::app::wake();
}
// The text of a translation key in the app's language (the page's own words, assets/i18n/).
EMSCRIPTEN_KEEPALIVE const char* kt_tr(const char* key) { return kt::ui::tr(key ? key : ""); }
// A message of the page (offline ready, new version) as a toast: `key` is a translation key.
EMSCRIPTEN_KEEPALIVE void kt_notify(const char* key, int error) {
  g_next_frame.push_back([k = std::string(key ? key : ""), error] { kt::ui::toast_key(k, error != 0); });
  kt::app::wake();
}

}  // extern "C"

// The page replaces some of GLFW's listeners (keys, touch) once GLFW has installed them (web/input.js).
EM_JS(void, kt_js_install_input, (), {
  Module.ktInput.install();
  Module.ktHandOff.install();
});

// ---------------------------------------------------------------------------------------------------------
// [SECTION] main
// ---------------------------------------------------------------------------------------------------------

// Starts the app over the settled local store, and the main loop. From main() (`in_main`) the loop takes
// over main()'s stack as usual; from the page's callback it is only scheduled.
void start_app(bool in_main) {
  static kt::App app;
  g_app = &app;
  app.start();
  KT_MILESTONE("started");
  EM_ASM({ if (Module.ktReady) Module.ktReady(); });
  emscripten_set_main_loop(frame, 0, in_main ? 1 : 0);
}

int main() {
  KT_MILESTONE("main");
  if (!glfwInit()) {
    std::fprintf(stderr, "glfwInit failed\n");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // At the backing store's size (CSS size in device pixels), which index.html gave the canvas before making
  // its context: GLFW then leaves the canvas as it is.
  int canvas_w = 1280, canvas_h = 800;
  emscripten_get_canvas_element_size("#canvas", &canvas_w, &canvas_h);
  g_window = glfwCreateWindow(canvas_w, canvas_h, "Kartoteka", nullptr, nullptr);
  if (!g_window) {
    std::fprintf(stderr, "cannot create a WebGL2 context\n");
    EM_ASM({ if (Module.ktFatal) Module.ktFatal("WebGL2"); });
    return 1;
  }
  glfwMakeContextCurrent(g_window);
  KT_MILESTONE("window");

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout state is ours, not imgui.ini's
  // Keyboard navigation is ours (Tab through fields, Enter, Esc): ImGui 1.86 nav would hijack mouse
  // clicks on items it considers nav-activated after an Enter in a text field.
  // The backend's callbacks, except scrolling (raw pixel deltas, see on_wheel), keys and characters (see
  // key_events).
  ImGui_ImplGlfw_InitForOpenGL(g_window, false);
  // The page shows ImGui's cursor itself (update_cursor); the backend's way, glfwSetInputMode every frame,
  // makes Emscripten's GLFW remove and add its pointer-lock listeners each time.
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  glfwSetWindowFocusCallback(g_window, ImGui_ImplGlfw_WindowFocusCallback);
  glfwSetCursorEnterCallback(g_window, ImGui_ImplGlfw_CursorEnterCallback);
  glfwSetMouseButtonCallback(g_window, ImGui_ImplGlfw_MouseButtonCallback);
  glfwSetMonitorCallback(ImGui_ImplGlfw_MonitorCallback);
  kt::app::install_key_filter(g_window);
  kt::ui::focus_install();
  kt::app::text_input_init(frame);
  kt_js_install_input();
  emscripten_set_wheel_callback("#canvas", nullptr, EM_TRUE, on_wheel);
  kt::platform::set_translator(translate);

  g_dpr = 0;  // forces the first fit_canvas() to load fonts at the real ratio
  fit_canvas();
  KT_MILESTONE("fonts");
  if (!kt::app::renderer_init(g_saved_atlas)) {
    EM_ASM({ if (Module.ktFatal) Module.ktFatal("WebGL2"); });
    return 1;
  }
  atlas_built();
  KT_MILESTONE("renderer");

  // The app reads the local store when it starts: now if the page has settled the mount, else when it
  // does (web/glue.js calls kt_storage_settled; main() returns meanwhile and the runtime stays).
  if (kt_js_storage_settled()) start_app(true);
  return 0;
}

extern "C" EMSCRIPTEN_KEEPALIVE void kt_storage_settled() {
  if (!g_app && g_window) start_app(false);
}
