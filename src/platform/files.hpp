// Files in and out of the browser: the file picker, downloads, opening links. Picked files are copied into
// the local file store (a folder of the persisted mount) and announced to the app by their id.
#pragma once

#include <functional>
#include <string>

namespace kt::platform {

// The folder of the local file store.
std::string files_dir();

struct Picked {
  std::string purpose, id, name, mime;
  long long size = 0;
};
// Called when the user picked a file for a pick_file request (after it is stored under files_dir()/id).
void on_file_picked(std::function<void(const Picked&)> callback);
// Opens the browser's file picker; `accept` is the input's accept attribute (".json", "*/*").
void pick_file(const std::string& purpose, const std::string& accept);
// Hands `content` to the browser as a download named `name`.
void download(const std::string& name, const std::string& mime, const std::string& content);
// Opens (downloads) a stored file under its original name.
void open_stored_file(const std::string& id, const std::string& name, const std::string& mime);
// Opens an external link in a new tab.
void open_url(const std::string& url);
// Passes on the page's address with `route` (a card's "#/deal/12"): the phone's share sheet when `share`
// and the browser has one, else the clipboard; a toast says it was copied, or that it could not be.
void share_link(const std::string& route, const std::string& title, bool share);
// A short vibration, where the device has one (navigator.vibrate): a touch's feedback.
void haptic();

}  // namespace kt::platform
