// The browser implementation of platform.hpp. The JS side lives in web/glue.js (linked as --pre-js), which
// mounts IDBFS at /data before main() and runs the single-flight persist scheduler.
#include <emscripten.h>
#include <emscripten/eventloop.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "platform/platform.hpp"

namespace {

// Copies a JS string returned by EM_JS (allocated with _malloc) into a std::string and frees it.
std::string take(char* s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

std::function<bool()> g_idle_work;
bool g_idle_scheduled = false;

void idle_slice(void*) {
  g_idle_scheduled = false;
  if (!g_idle_work) return;
  if (g_idle_work()) {
    g_idle_scheduled = true;
    emscripten_set_timeout(idle_slice, 1, nullptr);  // a task of its own: input and frames go first
  } else {
    g_idle_work = nullptr;
  }
}

}  // namespace

EM_JS(double, kt_js_now, (), { return Date.now(); });
EM_JS(int, kt_js_tz, (), { return -new Date().getTimezoneOffset(); });
EM_JS(char*, kt_js_random, (int n), {
  var alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  var bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  var s = "";
  for (var i = 0; i < n; i++) s += alphabet[bytes[i] % 36];
  var len = lengthBytesUTF8(s) + 1;
  var p = _malloc(len);
  stringToUTF8(s, p, len);
  return p;
});
EM_JS(char*, kt_js_language, (), {
  var langs = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language || "ru"];
  var pick = "ru";
  for (var i = 0; i < langs.length; i++) {
    var l = String(langs[i]).toLowerCase();
    if (l.indexOf("ru") === 0) { pick = "ru"; break; }
    if (l.indexOf("en") === 0) { pick = "en"; break; }
  }
  var len = lengthBytesUTF8(pick) + 1;
  var p = _malloc(len);
  stringToUTF8(pick, p, len);
  return p;
});
EM_JS(int, kt_js_storage_ok, (), { return Module.ktStorage && Module.ktStorage.ok ? 1 : 0; });
// A code: unavailable, open_failed, quota, write_failed (web/glue.js); the details go to the console.
EM_JS(char*, kt_js_storage_error, (), {
  var s = (Module.ktStorage && Module.ktStorage.error) || "";
  var len = lengthBytesUTF8(s) + 1;
  var p = _malloc(len);
  stringToUTF8(s, p, len);
  return p;
});
EM_JS(double, kt_js_last_input, (), { return Module.ktInputAt || 0; });
EM_JS(void, kt_js_persist_soon, (double mark), { Module.ktPersistSoon(mark); });
// Setting document.title costs the page's thread 0.2-5 ms here (measured on a blank page too), 4x that on a
// throttled phone: set after the frame, in a task of its own, so that the frame that renamed the open item
// (a title edit) is not held up by it. Titles asked for meanwhile: the last one wins.
EM_JS(void, kt_js_set_title, (const char* t), {
  Module.ktTitle = UTF8ToString(t);
  if (!Module.ktTitleTimer) Module.ktTitleTimer = setTimeout(function () {
    Module.ktTitleTimer = 0;
    document.title = Module.ktTitle;
  }, 0);
});
// The history entries of routes and of what is open over the page: web/glue.js (ktRoute, ktBackGuard).
EM_JS(void, kt_js_replace_route, (const char* h), { Module.ktRoute(false, UTF8ToString(h)); });
EM_JS(void, kt_js_push_route, (const char* h), { Module.ktRoute(true, UTF8ToString(h)); });
EM_JS(void, kt_js_back_guard, (int on), { if (Module.ktBackGuard) Module.ktBackGuard(on !== 0); });
EM_JS(char*, kt_js_route, (), {
  var s = location.hash || "";
  var len = lengthBytesUTF8(s) + 1;
  var p = _malloc(len);
  stringToUTF8(s, p, len);
  return p;
});

namespace kt::platform {

namespace {
const char* (*g_translate)(const char*) = nullptr;
}  // namespace

std::int64_t now_ms() { return static_cast<std::int64_t>(kt_js_now()); }
double monotonic_ms() { return emscripten_get_now(); }
double last_input_ms() { return kt_js_last_input(); }
int tz_offset_minutes() { return kt_js_tz(); }
std::string random_id(int n) { return take(kt_js_random(n)); }
std::string preferred_language() { return take(kt_js_language()); }
std::string data_dir() { return "/data/local"; }
bool storage_available() { return kt_js_storage_ok() != 0; }
std::string storage_error() {
  const std::string code = take(kt_js_storage_error());
  if (code.empty()) return code;
  const std::string key = "storage.err." + code;
  return g_translate ? g_translate(key.c_str()) : key;
}
void set_translator(const char* (*translate)(const char* key)) { g_translate = translate; }
void persist_soon(std::uint64_t mark) { kt_js_persist_soon(static_cast<double>(mark)); }
void set_document_title(const std::string& title) { kt_js_set_title(title.c_str()); }
void run_when_idle(std::function<bool()> slice) {
  g_idle_work = std::move(slice);
  if (!g_idle_scheduled && g_idle_work) {
    g_idle_scheduled = true;
    emscripten_set_timeout(idle_slice, 1, nullptr);
  }
}
void replace_route(const std::string& hash) { kt_js_replace_route(hash.c_str()); }
void push_route(const std::string& hash) { kt_js_push_route(hash.c_str()); }
void set_back_guard(bool on) { kt_js_back_guard(on ? 1 : 0); }
std::string current_route() { return take(kt_js_route()); }

}  // namespace kt::platform
