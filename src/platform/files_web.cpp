// The browser side of files.hpp: an <input type=file> for picking, Blob URLs for downloads.
#include <emscripten.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "platform/files.hpp"

namespace {
std::function<void(const kt::platform::Picked&)> g_on_picked;
}

extern "C" EMSCRIPTEN_KEEPALIVE void kt_file_picked(const char* purpose, const char* id, const char* name,
                                                    const char* mime, double size) {
  if (g_on_picked) g_on_picked(kt::platform::Picked{purpose, id, name, mime, static_cast<long long>(size)});
}

// Stores a browser File under `dir` with a fresh id and announces it (Module.ktStoreFile); also catches files
// dropped anywhere on the page, announced with the purpose "drop".
EM_JS(void, kt_js_install_files, (const char* dir_c), {
  var dir = UTF8ToString(dir_c);
  Module.ktStoreFile = function (f, purpose) {
    var reader = new FileReader();
    reader.onload = function () {
      var bytes = new Uint8Array(reader.result);
      var alphabet = "0123456789abcdefghijklmnopqrstuvwxyz", rnd = new Uint8Array(16), id = "f";
      crypto.getRandomValues(rnd);
      for (var i = 0; i < rnd.length; i++) id += alphabet[rnd[i] % 36];
      try { FS.mkdirTree(dir); } catch (e) {}
      FS.writeFile(dir + "/" + id, bytes);
      Module.ccall("kt_file_picked", null, ["string", "string", "string", "string", "number"],
                   [purpose, id, f.name, f.type || "application/octet-stream", f.size]);
      if (Module.ktWake) Module.ktWake();
    };
    reader.readAsArrayBuffer(f);
  };
  if (Module.ktDropInstalled) return;
  Module.ktDropInstalled = true;
  var hasFiles = function (e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0;
  };
  window.addEventListener("dragover", function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  });
  window.addEventListener("drop", function (e) {
    var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (!f) return;
    e.preventDefault();
    Module.ktStoreFile(f, "drop");
  });
});

EM_JS(void, kt_js_pick_file, (const char* purpose_c, const char* accept_c), {
  var purpose = UTF8ToString(purpose_c), accept = UTF8ToString(accept_c);
  var input = document.createElement("input");
  input.type = "file";
  input.accept = accept;
  input.style.display = "none";
  input.id = "kt-file-input";
  var old = document.getElementById("kt-file-input");
  if (old) old.remove();
  document.body.appendChild(input);
  input.addEventListener("change", function () {
    var f = input.files && input.files[0];
    input.remove();
    if (f) Module.ktStoreFile(f, purpose);
  });
  input.click();
});

EM_JS(void, kt_js_download, (const char* name_c, const char* mime_c, const char* data, int len), {
  var bytes = HEAPU8.slice(data, data + len);
  var blob = new Blob([bytes], {type: UTF8ToString(mime_c)});
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name_c);
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});

// The link goes to the page's hand-off (web/handoff.js), which opens it as a DOM link would, unless the click's
// own event handler has just opened it.
EM_JS(void, kt_js_open_url, (const char* url_c), { Module.ktHandOff.fromApp(UTF8ToString(url_c)); });
EM_JS(void, kt_js_haptic, (), {
  if (typeof navigator.vibrate === "function") navigator.vibrate(15);
});
EM_JS(void, kt_js_share_link, (const char* route, const char* title, int share), {
  Module.ktHandOff.shareLink(UTF8ToString(route), UTF8ToString(title), !!share);
});

namespace kt::platform {

std::string files_dir() { return "/data/local/files"; }

void on_file_picked(std::function<void(const Picked&)> callback) {
  g_on_picked = std::move(callback);
  kt_js_install_files(files_dir().c_str());
}

void pick_file(const std::string& purpose, const std::string& accept) {
  kt_js_pick_file(purpose.c_str(), accept.c_str());
}

void download(const std::string& name, const std::string& mime, const std::string& content) {
  kt_js_download(name.c_str(), mime.c_str(), content.data(), static_cast<int>(content.size()));
}

void open_stored_file(const std::string& id, const std::string& name, const std::string& mime) {
  std::ifstream f(files_dir() + "/" + id, std::ios::binary);
  if (!f) return;
  std::stringstream ss;
  ss << f.rdbuf();
  download(name, mime, ss.str());
}

void open_url(const std::string& url) { kt_js_open_url(url.c_str()); }

void share_link(const std::string& route, const std::string& title, bool share) {
  kt_js_share_link(route.c_str(), title.c_str(), share ? 1 : 0);
}

void haptic() { kt_js_haptic(); }

}  // namespace kt::platform
