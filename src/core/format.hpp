// Turning values into text a person reads, and text a person typed into values, per field type and
// language. Shared by the card, lists, exports and documents.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/schema.hpp"
#include "core/status.hpp"
#include "core/value.hpp"

namespace kt {

class Workspace;

// "150 000 ₽" / "₽150,000"; cents only when there are any.
std::string format_money(const Money& m, Lang lang);
// The sign of a currency ("RUB" -> "₽"), or its code when it has none.
std::string currency_symbol(const std::string& code);
// A decimal amount: "150 000,5" / "150,000.5" with group separators; `decimals` = -1 keeps what is needed.
std::string format_number(double v, int decimals, Lang lang);
std::string format_integer(std::int64_t v, Lang lang);
// "26.11.2026" / "Nov 26, 2026" from "YYYY-MM-DD"; the input unchanged when it is not a date.
std::string format_date(const std::string& iso_date, Lang lang);
// "26.11.2026 18:45" / "Nov 26, 2026 6:45 PM" for a moment, shown at UTC offset tz_minutes.
std::string format_timestamp(std::int64_t ms, int tz_minutes, Lang lang);

// A wall-clock date and time as a person reads it: "24.12.2026 15:30" / "Dec 24, 2026 3:30 PM".
std::string format_datetime(const DateTime& t, Lang lang);

// What a person typed as a date, in either language's way or ISO: "24.12.2026", "24/12/2026", "24.12.26",
// "2026-12-24", "Dec 24, 2026", "December 24 2026", "24 декабря 2026". False for anything else, including
// days that do not exist (31.02.2026).
bool parse_user_date(const std::string& text, Date* out);
// A date and a time: "24.12.2026 15:30", "Dec 24, 2026 3:30 PM", "2026-12-24T15:30".
bool parse_user_datetime(const std::string& text, DateTime* out);

// Calendar words: the month as a calendar's heading names it ("Декабрь" / "December"), a day as it is read
// aloud ("24 декабря 2026" / "December 24, 2026"), the short weekday name (0 = Monday: "Пн" / "Mon"), and
// the weekday a week starts on (0 = Monday in Russian, 6 = Sunday in English).
std::string month_name(int month, Lang lang);
// The words of a month (1..12), one table for the app and the documents: its name ("Декабрь" / "December"),
// the form after a day ("декабря" / "December"), the short one ("дек" / "Dec").
enum class MonthForm { Name, OfDay, Short };
const char* month_word(int month, Lang lang, MonthForm form);
std::string spoken_date(const Date& d, Lang lang);
std::string weekday_short(int weekday, Lang lang);
int first_weekday(Lang lang);

// The text shown for a value of field f (option labels, user and item names, stage names).
std::string format_value(const Workspace& ws, const FieldDef& f, const Value& v, Lang lang);

// The text put into an editor for a value (no group separators, so that it parses back).
std::string editable_text(const FieldDef& f, const Value& v, Lang lang);

// Parses what a person typed into a one-line or multi-line editor for field f. Empty text is a null value.
// Accepts "26.11.2026", "26/11/2026" and "2026-11-26" for dates, "150 000,50" and "150000.50" for numbers.
// For money only the amount is parsed; the currency comes from `currency`.
Status parse_input(const FieldDef& f, const std::string& text, const std::string& currency, Value* out);

// The text an editor of field f starts with: editable_text() of the value, or of each value of a multiple
// field joined with ", ".
std::string editor_text(const FieldDef& f, const Value& v, Lang lang);
// The values of a multiple field one per line (a multi-line editor), as editable_text() writes each.
std::string editable_lines(const FieldDef& f, const Value& v, Lang lang);
// What a person typed into the one-line editor of field f: parse_input(), and for a multiple field each part
// between commas, semicolons and line breaks (blank parts skipped; none at all is a null value).
Status parse_editor_text(const FieldDef& f, const std::string& text, const std::string& currency, Value* out);

// Sums per currency (minor units by code), as a board's column shows them: "150 000 ₽ + 2 000 $"; "0 ₽"
// for none.
std::string format_money_sums(const std::map<std::string, std::int64_t>& minor_by_currency, Lang lang);

// The numbers of an editable table row (products): money in minor units as "1234,50" (no group separators,
// so that it parses back), a decimal as "%.4g" with a comma ("1,5"), and a decimal typed with either
// separator and spaces anywhere ("1 234,5", "1234.5"). parse_decimal is false for anything else, including
// an empty text, and leaves *out alone.
std::string minor_text(std::int64_t minor);
std::string decimal_text(double v);
bool parse_decimal(std::string text, double* out);
// A whole number exactly as typed ("42", "-7"): nothing before or after it, no spaces. False, leaving *out
// alone, for anything else (the web build must not throw on "" as std::stoll would).
bool parse_int64(const std::string& text, std::int64_t* out);

// The currencies offered by money fields, most used first.
const std::vector<std::string>& known_currencies();

}  // namespace kt
