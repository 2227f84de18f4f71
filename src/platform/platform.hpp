// What the app needs from the machine it runs on, behind one small interface. platform_web.cpp implements
// it with Emscripten and the page's JS glue (web/glue.js); tests and native tools can provide their own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace kt::platform {

std::int64_t now_ms();         // wall clock, milliseconds since the Unix epoch
double monotonic_ms();         // a monotonic clock with sub-millisecond resolution, for measuring
double last_input_ms();        // monotonic_ms() of the person's last key, pointer, touch or wheel (page load if none)
int tz_offset_minutes();       // local time minus UTC, in minutes (Moscow: +180)
std::string random_id(int n);  // n random characters from [0-9a-z], from a cryptographic source
std::string preferred_language();  // "ru" or "en", from the browser's languages

// Where local data lives (a directory on the persisted mount), and whether it can be persisted at all.
std::string data_dir();
bool storage_available();
std::string storage_error();  // why storage is unavailable or failed, for the banner (translated)

// Messages of the platform are codes ("storage.err.quota"); the app installs the UI's translator so that
// storage_error() speaks the user's language. Without one, the codes are returned as they are.
void set_translator(const char* (*translate)(const char* key));

// Asks for everything written under data_dir() so far to be made durable right after the current frame
// (one transaction for the frame's writes, one at a time). `mark` is echoed back by on_persisted once all
// writes up to it are durable.
void persist_soon(std::uint64_t mark);

// Runs `slice` between frames, without drawing any, again and again while it returns true (more to do):
// background work such as preparing the search texts after start. A slice should take a few milliseconds.
// A new call replaces the work in progress.
void run_when_idle(std::function<bool()> slice);

void set_document_title(const std::string& title);
// Replaces the URL hash without adding a history entry ("#/deal/D1").
void replace_route(const std::string& hash);
void push_route(const std::string& hash);
std::string current_route();
// Whether something is open over the page (a dialog, a menu): a history entry then stands for it, so that
// the browser's Back closes it (web/glue.js: ktBackGuard). Said when it changes.
void set_back_guard(bool on);

}  // namespace kt::platform
