// Strings of the web shell's features (help panel, progress, storage and offline messages), kept in their
// own table so that they merge cleanly with the main one. tr() falls back to this table.
#pragma once

namespace kt::ui {

// The text of `key` in the current language from this table, or null if the key is not here.
const char* tr_web(const char* key);

}  // namespace kt::ui
