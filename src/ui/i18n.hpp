// UI strings in Russian and English: assets/i18n/ru.json and en.json, one table for the app and the web shell
// (the page's own strings too: web/stamp_page.cmake writes them into index.html at build time), embedded in
// the build. tr("key") returns the text in the current language; a missing key returns the key itself, so
// that a forgotten translation is visible rather than blank.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/schema.hpp"

namespace kt::ui {

void set_language(Lang lang);
Lang language();
const char* tr(const char* key);
// The message for a Status code ("invalid_date" -> "Enter a date, for example 26.11.2026").
std::string error_text(const std::string& code);

// The keys of the table (every key of either language's file), for the tests.
std::vector<std::string_view> translation_keys();
// The text of `key` in `lang`, or null when that language's file lacks it (tr() never says so).
const char* translation(const char* key, Lang lang);

// The embedded files of assets/i18n/ ("i18n/ru.json"), defined by the build (tools/embed_assets.cmake).
std::string_view ui_asset(std::string_view path);

}  // namespace kt::ui
