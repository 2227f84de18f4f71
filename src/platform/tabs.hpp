// One tab owns the local store (Web Locks): a second tab of the same browser profile shows a notice
// instead of overwriting the first one's files. And a page reload once everything is persisted.
#pragma once

namespace kt::platform {

// This tab holds the store lock (or the browser has no Web Locks, where nothing can be coordinated).
bool owns_store();
// Another tab took the lock from this one since the page loaded.
bool lost_store();
// Takes the lock from the other tab and reloads this page with the current data.
void take_over_store();
// Persists everything, then reloads the page (after switching between local and server data).
void reload_after_persist();

}  // namespace kt::platform
