#include "core/format.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/calendar.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"

namespace kt {

namespace {

const char* kMonthsEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Groups the digits of a non-negative integer: "150000" -> "150 000" (ru, narrow no-break space is not in
// every font, so a plain space) or "150,000" (en).
std::string group(std::uint64_t v, Lang lang) {
  std::string digits = std::to_string(v);
  std::string out;
  const char sep = lang == Lang::Ru ? ' ' : ',';
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}


std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Removes group separators (spaces, no-break spaces, apostrophes) and normalises the decimal comma.
// Returns false when a comma and a dot both appear in a way that is ambiguous.
bool normalise_number(const std::string& in, std::string* out) {
  std::string s;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == ' ' || c == '\'' || c == '_') continue;
    if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xA0) {
      ++i;  // U+00A0 no-break space
      continue;
    }
    if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        static_cast<unsigned char>(in[i + 2]) == 0xAF) {
      i += 2;  // U+202F narrow no-break space
      continue;
    }
    s += static_cast<char>(c);
  }
  size_t commas = std::count(s.begin(), s.end(), ',');
  size_t dots = std::count(s.begin(), s.end(), '.');
  if (commas && dots) {
    // "1,234.56": commas group, dot decimal. "1.234,56": dots group, comma decimal.
    if (s.rfind('.') > s.rfind(',')) {
      s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    } else {
      s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
      std::replace(s.begin(), s.end(), ',', '.');
    }
  } else if (commas == 1) {
    std::replace(s.begin(), s.end(), ',', '.');
  } else if (commas > 1) {
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  } else if (dots > 1) {
    return false;
  }
  *out = s;
  return true;
}

bool parse_typed_number(const std::string& text, double* out) {
  std::string s;
  if (!normalise_number(text, &s) || s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool parse_whole(const std::string& text, std::int64_t* out) {
  std::string s;
  if (!normalise_number(text, &s) || s.empty() || s.find('.') != std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (end != s.c_str() + s.size() || errno == ERANGE) return false;
  *out = v;
  return true;
}

const char* kMonthsEnFull[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* kMonthsRu[] = {"Январь", "Февраль", "Март",     "Апрель",  "Май",    "Июнь",
                           "Июль",   "Август",  "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"};
const char* kMonthsRuOf[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                             "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
const char* kMonthsRuShort[] = {"янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"};
const char* kMonthsEnShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kWeekdaysRu[] = {"Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"};
const char* kWeekdaysEn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// A month from a word: an English name or its first three letters ("Dec", "december"), a Russian name in
// either case ("декабря", "Декабрь") or its first three letters ("дек"). 0 when it is none.
int month_of_word(std::string w) {
  while (!w.empty() && w.back() == '.') w.pop_back();  // "дек." / "Dec."
  w = fold(w);
  if (w.empty()) return 0;
  for (int m = 0; m < 12; ++m) {
    const std::string names[] = {fold(kMonthsEnFull[m]), fold(kMonthsRu[m]), fold(kMonthsRuOf[m])};
    for (const auto& n : names) {
      if (w == n) return m + 1;
      // The first three letters (Cyrillic letters are two bytes each in UTF-8); "май" is all three.
      const size_t three = static_cast<unsigned char>(n[0]) < 0x80 ? 3 : 6;
      if (w.size() == three && n.compare(0, three, w) == 0) return m + 1;
    }
  }
  return 0;
}

// A whole number of 1..4 digits, nothing else.
bool small_number(const std::string& s, int* out) {
  if (s.empty() || s.size() > 4) return false;
  int v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  *out = v;
  return true;
}

// Words of a date written out: separated by spaces and commas.
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ' ' || ch == ',' || ch == '\t') {
      if (!cur.empty()) out.push_back(cur), cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// "3:30", "15:30", each with an optional "AM"/"PM" (its own word, or attached: "3:30pm").
bool parse_time(std::string s, std::string ampm, int* hour, int* minute) {
  ampm = fold(ampm);
  if (ampm.empty() && s.size() > 2) {
    std::string tail = fold(s.substr(s.size() - 2));
    if (tail == "am" || tail == "pm") ampm = tail, s.resize(s.size() - 2);
  }
  if (!ampm.empty() && ampm != "am" && ampm != "pm") return false;
  const auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || s.size() - colon - 1 != 2) return false;
  int h = 0, m = 0;
  if (!small_number(s.substr(0, colon), &h) || !small_number(s.substr(colon + 1), &m) || m > 59) return false;
  if (ampm.empty()) {
    if (h > 23) return false;
  } else {
    if (h < 1 || h > 12) return false;
    h = h % 12 + (ampm == "pm" ? 12 : 0);
  }
  *hour = h;
  *minute = m;
  return true;
}

}  // namespace

// "26.11.2026", "26/11/2026", "2026-11-26", "26.11.26" (two-digit years are 20xx), and written out.
bool parse_user_date(const std::string& text, Date* out) {
  std::string s = trim(text);
  if (s.size() > 64) return false;
  if (parse_iso_date(s, out)) return true;
  int d = 0, m = 0, y = 0;
  char s1 = 0, s2 = 0;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%d%c%d%c%d%n", &d, &s1, &m, &s2, &y, &consumed) == 5) {
    if (consumed != static_cast<int>(s.size()) || s1 != s2 || (s1 != '.' && s1 != '/' && s1 != '-'))
      return false;
  } else {
    // "Dec 24, 2026" / "24 декабря 2026".
    const auto w = words(s);
    if (w.size() != 3) return false;
    if ((m = month_of_word(w[0])) != 0) {
      if (!small_number(w[1], &d) || !small_number(w[2], &y)) return false;
    } else if ((m = month_of_word(w[1])) != 0) {
      if (!small_number(w[0], &d) || !small_number(w[2], &y)) return false;
    } else {
      return false;
    }
  }
  if (y < 100) y += 2000;
  Date date{y, m, d};
  if (!is_valid(date)) return false;
  *out = date;
  return true;
}

bool parse_user_datetime(const std::string& text, DateTime* out) {
  std::string s = trim(text);
  if (s.size() > 64) return false;
  if (parse_iso_datetime(s, out)) return true;
  // The time is the last word with a colon, with "AM"/"PM" after it when that is the last word.
  auto w = words(s);
  if (w.size() < 2) return false;
  std::string ampm;
  if (w.back().find(':') == std::string::npos) {
    ampm = w.back();
    w.pop_back();
  }
  if (w.size() < 2 || w.back().find(':') == std::string::npos) return false;
  DateTime t;
  if (!parse_time(w.back(), ampm, &t.hour, &t.minute)) return false;
  // The date is everything before the time's word.
  std::string date = trim(s.substr(0, s.rfind(w.back())));
  if (!date.empty() && date.back() == ',') date.pop_back();  // "24.12.2026, 15:30"
  if (!parse_user_date(date, &t.date)) return false;
  *out = t;
  return true;
}

const char* month_word(int month, Lang lang, MonthForm form) {
  const int m = std::clamp(month, 1, 12) - 1;
  const bool ru = lang == Lang::Ru;
  switch (form) {
    case MonthForm::Name: return ru ? kMonthsRu[m] : kMonthsEnFull[m];
    case MonthForm::OfDay: return ru ? kMonthsRuOf[m] : kMonthsEnFull[m];
    case MonthForm::Short: return ru ? kMonthsRuShort[m] : kMonthsEnShort[m];
  }
  return "";
}

std::string month_name(int month, Lang lang) {
  if (month < 1 || month > 12) return {};
  return lang == Lang::Ru ? kMonthsRu[month - 1] : kMonthsEnFull[month - 1];
}

std::string spoken_date(const Date& d, Lang lang) {
  if (!is_valid(d)) return {};
  char buf[64];
  if (lang == Lang::Ru)
    std::snprintf(buf, sizeof buf, "%d %s %04d", d.day, kMonthsRuOf[d.month - 1], d.year);
  else
    std::snprintf(buf, sizeof buf, "%s %d, %04d", kMonthsEnFull[d.month - 1], d.day, d.year);
  return buf;
}

std::string weekday_short(int weekday, Lang lang) {
  const int i = ((weekday % 7) + 7) % 7;
  return lang == Lang::Ru ? kWeekdaysRu[i] : kWeekdaysEn[i];
}

int first_weekday(Lang lang) { return lang == Lang::Ru ? 0 : 6; }


std::string currency_symbol(const std::string& code) {
  if (code == "RUB") return "₽";
  if (code == "USD") return "$";
  if (code == "EUR") return "€";
  if (code == "KZT") return "₸";
  if (code == "BYN") return "Br";
  if (code == "UAH") return "₴";
  if (code == "CNY") return "¥";
  return code;
}

const std::vector<std::string>& known_currencies() {
  static const std::vector<std::string> kCurrencies = {"RUB", "USD", "EUR", "KZT", "BYN", "UAH", "CNY"};
  return kCurrencies;
}

std::string format_integer(std::int64_t v, Lang lang) {
  std::string sign = v < 0 ? "-" : "";
  std::uint64_t mag = v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
  return sign + group(mag, lang);
}

std::string format_number(double v, int decimals, Lang lang) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals < 0 ? 6 : decimals, std::fabs(v));
  std::string s = buf;
  std::string whole = s, frac;
  if (auto dot = s.find('.'); dot != std::string::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
  }
  if (decimals < 0)
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = (v < 0 && (whole != "0" || !frac.empty()) ? "-" : "") +
                    group(std::strtoull(whole.c_str(), nullptr, 10), lang);
  if (!frac.empty()) out += (lang == Lang::Ru ? "," : ".") + frac;
  return out;
}

std::string format_money(const Money& m, Lang lang) {
  std::uint64_t mag = m.minor < 0 ? static_cast<std::uint64_t>(-(m.minor + 1)) + 1
                                  : static_cast<std::uint64_t>(m.minor);
  std::string amount = group(mag / 100, lang);
  if (mag % 100) {
    char cents[8];
    std::snprintf(cents, sizeof cents, "%02u", static_cast<unsigned>(mag % 100));
    amount += (lang == Lang::Ru ? "," : ".") + std::string(cents);
  }
  std::string sign = m.minor < 0 ? "-" : "";
  std::string sym = currency_symbol(m.currency);
  if (lang == Lang::Ru) return sign + amount + " " + sym;
  if (sym.size() == 3 && sym == m.currency) return sign + amount + " " + sym;
  return sign + sym + amount;
}

std::string format_date(const std::string& iso_date, Lang lang) {
  Date d;
  if (!parse_iso_date(iso_date, &d)) return iso_date;
  char buf[32];
  if (lang == Lang::Ru)
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", d.day, d.month, d.year);
  else
    std::snprintf(buf, sizeof buf, "%s %d, %04d", kMonthsEn[d.month - 1], d.day, d.year);
  return buf;
}

std::string format_datetime(const DateTime& t, Lang lang) {
  if (!is_valid(t.date)) return {};
  char buf[48];
  if (lang == Lang::Ru) {
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d", t.date.day, t.date.month, t.date.year,
                  t.hour, t.minute);
  } else {
    int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    std::snprintf(buf, sizeof buf, "%s %d, %04d %d:%02d %s", kMonthsEn[t.date.month - 1], t.date.day,
                  t.date.year, h12, t.minute, t.hour < 12 ? "AM" : "PM");
  }
  return buf;
}

std::string format_timestamp(std::int64_t ms, int tz_minutes, Lang lang) {
  return format_datetime(utc_from_ms(ms + static_cast<std::int64_t>(tz_minutes) * 60000), lang);
}

std::string format_value(const Workspace& ws, const FieldDef& f, const Value& v, Lang lang) {
  if (v.is_null()) return {};
  if (v.is_list()) {
    std::string out;
    FieldDef single = f;
    single.multiple = false;
    for (const auto& e : v.as_list()) {
      std::string s = format_value(ws, single, e, lang);
      if (s.empty()) continue;
      if (!out.empty()) out += ", ";
      out += s;
    }
    return out;
  }
  switch (f.type) {
    case FieldType::Integer:
      return v.is_int() ? format_integer(v.as_int(), lang) : "";
    case FieldType::Number:
      if (v.is_int()) return format_number(static_cast<double>(v.as_int()), -1, lang);
      return v.is_double() ? format_number(v.as_double(), f.precision, lang) : "";
    case FieldType::Boolean:
      return v.is_bool() ? (v.as_bool() ? (lang == Lang::Ru ? "Да" : "Yes") : (lang == Lang::Ru ? "Нет" : "No"))
                         : "";
    case FieldType::Date: return format_date(v.str_or_empty(), lang);
    case FieldType::DateTime: {
      DateTime t;
      if (!parse_iso_datetime(v.str_or_empty(), &t)) return v.str_or_empty();
      return format_datetime(t, lang);
    }
    case FieldType::List:
    case FieldType::CrmDirectory: {
      for (const auto& o : ws.schema().options_of(f))
        if (o.id == v.str_or_empty()) return o.label.get(lang);
      return v.str_or_empty();
    }
    case FieldType::Money: return v.is_money() ? format_money(v.as_money(), lang) : "";
    case FieldType::File: return v.is_file() ? v.as_file().name : "";
    case FieldType::Employee: {
      const User* u = ws.schema().user(v.str_or_empty());
      return u ? u->name : v.str_or_empty();
    }
    case FieldType::CrmBinding: {
      const Item* it = ws.item(v.str_or_empty());
      return it ? ws.display_name(*it) : v.str_or_empty();
    }
    case FieldType::Stage: {
      // Stage ids are unique within an entity type, across its pipelines.
      for (const auto* p : ws.schema().pipelines_of(f.entity))
        if (const Stage* s = p->stage(v.str_or_empty())) return s->name.get(lang);
      return v.str_or_empty();
    }
    default: return v.str_or_empty();
  }
}

std::string editable_text(const FieldDef& f, const Value& v, Lang lang) {
  if (v.is_null()) return {};
  switch (f.type) {
    case FieldType::Integer: return v.is_int() ? std::to_string(v.as_int()) : "";
    case FieldType::Number: {
      if (v.is_int()) return std::to_string(v.as_int());
      if (!v.is_double()) return "";
      std::string s = format_number(v.as_double(), f.precision, lang);
      s.erase(std::remove(s.begin(), s.end(), lang == Lang::Ru ? ' ' : ','), s.end());
      return s;
    }
    case FieldType::Money: {
      if (!v.is_money()) return "";
      std::int64_t minor = v.as_money().minor;
      std::string s = std::to_string(minor / 100);
      if (minor < 0 && minor / 100 == 0) s = "-" + s;
      if (minor % 100) {
        char cents[8];
        std::snprintf(cents, sizeof cents, "%02d", static_cast<int>(std::llabs(minor % 100)));
        s += (lang == Lang::Ru ? "," : ".") + std::string(cents);
      }
      return s;
    }
    // Dates and times in the language's format (parse_input reads it back), never ISO.
    case FieldType::Date: return format_date(v.str_or_empty(), lang);
    case FieldType::DateTime: {
      DateTime t;
      return parse_iso_datetime(v.str_or_empty(), &t) ? format_datetime(t, lang) : v.str_or_empty();
    }
    default: return v.str_or_empty();
  }
}

Status parse_input(const FieldDef& f, const std::string& text, const std::string& currency, Value* out) {
  auto fail = [&f](const char* code, const std::string& msg) { return Status::Fail(code, msg, f.id); };
  const bool keep_spaces = f.type == FieldType::String || f.type == FieldType::Address;
  std::string t = keep_spaces ? text : trim(text);
  if (trim(t).empty()) {
    *out = Value();
    return Status::Ok();
  }
  switch (f.type) {
    case FieldType::Integer: {
      std::int64_t v;
      if (!parse_whole(t, &v)) return fail("invalid_integer", "\"" + t + "\" is not a whole number");
      *out = Value(v);
      return Status::Ok();
    }
    case FieldType::Number: {
      double v;
      if (!parse_typed_number(t, &v)) return fail("invalid_number", "\"" + t + "\" is not a number");
      *out = Value(v);
      return Status::Ok();
    }
    case FieldType::Money: {
      double v;
      if (!parse_typed_number(t, &v)) return fail("invalid_money", "\"" + t + "\" is not an amount");
      if (std::fabs(v) > 9.0e15) return fail("invalid_money", "the amount is too large");
      *out = Value(Money{static_cast<std::int64_t>(std::llround(v * 100.0)), currency});
      return Status::Ok();
    }
    case FieldType::Date: {
      Date d;
      if (!parse_user_date(t, &d)) return fail("invalid_date", "\"" + t + "\" is not a date");
      *out = Value(iso(d));
      return Status::Ok();
    }
    case FieldType::DateTime: {
      DateTime dt;
      if (!parse_user_datetime(t, &dt)) return fail("invalid_datetime", "\"" + t + "\" is not a date and time");
      *out = Value(iso(dt));
      return Status::Ok();
    }
    default:
      *out = Value(t);
      return Status::Ok();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Editors' text, sums, table numbers (moved from the UI, issue 23)
// ---------------------------------------------------------------------------------------------------------

namespace {

FieldDef single_of(const FieldDef& f) {
  FieldDef one = f;
  one.multiple = false;
  return one;
}

std::string joined(const FieldDef& f, const Value& v, Lang lang, const char* separator) {
  const FieldDef one = single_of(f);
  std::string out;
  for (const auto& e : v.elements()) {
    if (!out.empty()) out += separator;
    out += editable_text(one, e, lang);
  }
  return out;
}

}  // namespace

std::string editor_text(const FieldDef& f, const Value& v, Lang lang) {
  return f.multiple ? joined(f, v, lang, ", ") : editable_text(f, v, lang);
}

std::string editable_lines(const FieldDef& f, const Value& v, Lang lang) { return joined(f, v, lang, "\n"); }

Status parse_editor_text(const FieldDef& f, const std::string& text, const std::string& currency, Value* out) {
  if (!f.multiple) return parse_input(f, text, currency, out);
  const FieldDef one = single_of(f);
  Value::List list;
  std::string part;
  auto flush = [&]() -> Status {
    Value v;
    if (auto s = parse_input(one, trim(part), currency, &v); !s) return s;
    if (!v.is_null()) list.push_back(std::move(v));
    part.clear();
    return Status::Ok();
  };
  for (char ch : text) {
    if (ch == ',' || ch == ';' || ch == '\n') {
      if (auto s = flush(); !s) return s;
    } else {
      part += ch;
    }
  }
  if (auto s = flush(); !s) return s;
  *out = list.empty() ? Value() : Value(std::move(list));
  return Status::Ok();
}

std::string format_money_sums(const std::map<std::string, std::int64_t>& minor_by_currency, Lang lang) {
  std::string out;
  for (const auto& [currency, minor] : minor_by_currency) {
    if (!out.empty()) out += " + ";
    out += format_money(Money{minor, currency}, lang);
  }
  return out.empty() ? format_money(Money{0, "RUB"}, lang) : out;
}

std::string minor_text(std::int64_t minor) {
  char buf[48];
  // The sign once, before the whole part, also when that is 0 ("-0,50").
  std::snprintf(buf, sizeof buf, "%s%lld,%02lld", minor < 0 ? "-" : "",
                static_cast<long long>(std::llabs(minor / 100)), static_cast<long long>(std::llabs(minor % 100)));
  return buf;
}

std::string decimal_text(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  std::string s = buf;
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

bool parse_decimal(std::string s, double* out) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  std::replace(s.begin(), s.end(), ',', '.');
  if (s.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (!end || *end || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool parse_int64(const std::string& s, std::int64_t* out) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  *out = v;
  return true;
}

}  // namespace kt
