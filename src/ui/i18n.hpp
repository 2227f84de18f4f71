// UI strings in Russian and English. tr("key") returns the text in the current language; a missing key
// returns the key itself, so a forgotten translation is visible rather than blank.
#pragma once

#include <string>

#include "core/schema.hpp"

namespace kt::ui {

void set_language(Lang lang);
Lang language();
const char* tr(const char* key);
// The message for a Status code ("invalid_date" -> "Enter a date, for example 26.11.2026").
std::string error_text(const std::string& code);

}  // namespace kt::ui
