// Text helpers: case folding of UTF-8 for Latin and Cyrillic (what a CRM in Russian and English needs, for
// search), normalisation of phone numbers to their digits, initials, placeholders.
#pragma once

#include <string>
#include <vector>

namespace kt {

// Lower case for ASCII and Cyrillic (А-Я, Ё, Ґ, Є, І, Ї, Ў); other characters unchanged. Also folds ё to е,
// so that "Семёнов" is found by "семенов".
std::string fold(const std::string& utf8);
// fold() of n bytes, appended to `out` (no allocation once `out` has room: search indexes build with it).
void fold_append(std::string& out, const char* utf8, size_t n);
// Whether `needle` occurs in `hay`, compared folded (case and ё), as search boxes compare.
bool contains_folded(const std::string& hay, const std::string& needle);
// The digits of a phone number; a leading 8 of an 11-digit Russian number becomes 7.
std::string phone_digits(const std::string& s);
// Appends the UTF-8 encoding of one code point.
void append_utf8(std::string& out, char32_t cp);
// The first letters of the first two words of a name ("Анна Смирнова" -> "АС"), whole UTF-8 characters;
// "?" for a name without any (a person's button shows something).
std::string initials(const std::string& name);
// Whether `s` ends with `suffix`, ASCII letters compared without case (a file name's ".VCF").
bool ends_with_nocase(const std::string& s, const std::string& suffix);
// Whether a name is nothing but spaces (or empty): such a name shows as an empty line in every list.
bool blank(const std::string& name);
// `pattern` with {1}, {2}, ... replaced by args[0], args[1], ...; a placeholder without a value stays as it is.
std::string fill_placeholders(const std::string& pattern, const std::vector<std::string>& args);

}  // namespace kt
