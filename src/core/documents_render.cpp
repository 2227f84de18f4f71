// Rendering document templates: the placeholder parser, value formatting with modifiers, amounts in words and
// PHP-like date patterns (documents.hpp describes the syntax).
//
// Index: [Text helpers] [Words] [Dates] [Values with modifiers] [Template parser] [Renderer] [Preview]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>

#include "core/calendar.hpp"
#include "core/documents.hpp"
#include "core/format.hpp"
#include "core/text.hpp"

namespace kt {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Text helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

// Decodes one UTF-8 sequence at s[i]; invalid bytes come back as themselves so that nothing is lost.
char32_t decode(const std::string& s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + extra >= s.size()) {
    ++i;
    return c;
  }
  char32_t cp = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += extra + 1;
  return cp;
}


// Latin and Cyrillic, which is what Russian and English documents hold. (text.hpp's fold() also folds ё to е,
// which is right for search and wrong for print.)
char32_t to_upper(char32_t c) {
  if (c >= U'a' && c <= U'z') return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  if (c >= 0x460 && c <= 0x4FF && (c & 1)) return c - 1;
  return c;
}

char32_t to_lower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c >= 0x460 && c <= 0x4FF && !(c & 1)) return c + 1;
  return c;
}

enum class CaseMode { Upper, Lower, First };

std::string change_case(const std::string& s, CaseMode mode) {
  std::string out;
  out.reserve(s.size());
  bool first = true;
  for (size_t i = 0; i < s.size();) {
    char32_t c = decode(s, i);
    if (mode == CaseMode::Upper || (mode == CaseMode::First && first)) c = to_upper(c);
    if (mode == CaseMode::Lower) c = to_lower(c);
    first = false;
    append_utf8(out, c);
  }
  return out;
}

std::string capitalise(const std::string& s) { return change_case(s, CaseMode::First); }

std::string two_digits(std::int64_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(v));
  return buf;
}

std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
}


// Always two decimals: a document shows "1 234,00", unlike the card's "1 234".
std::string money_amount(const Money& m, Lang lang) {
  std::uint64_t mag = magnitude(m.minor);
  std::string s = (m.minor < 0 ? "-" : "") + format_integer(static_cast<std::int64_t>(mag / 100), lang);
  return s + (lang == Lang::Ru ? "," : ".") + two_digits(static_cast<std::int64_t>(mag % 100));
}

std::string money_text(const Money& m, Lang lang) {
  std::string amount = money_amount(m, lang);
  std::string sign = currency_symbol(m.currency);
  if (lang == Lang::Ru || sign == m.currency) return sign.empty() ? amount : amount + " " + sign;
  if (m.minor < 0) return "-" + sign + amount.substr(1);
  return sign + amount;
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Words
// ---------------------------------------------------------------------------------------------------------

namespace {

const char* kRuUnits[] = {"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
const char* kRuTeens[] = {"десять",     "одиннадцать", "двенадцать",  "тринадцать",   "четырнадцать",
                          "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
const char* kRuTens[] = {"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
                         "восемьдесят", "девяносто"};
const char* kRuHundreds[] = {"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
                             "восемьсот", "девятьсот"};

struct RuScale {
  const char* one;
  const char* few;
  const char* many;
  bool feminine;
};
// Index = power of a thousand.
const RuScale kRuScales[] = {{"", "", "", false},
                             {"тысяча", "тысячи", "тысяч", true},
                             {"миллион", "миллиона", "миллионов", false},
                             {"миллиард", "миллиарда", "миллиардов", false},
                             {"триллион", "триллиона", "триллионов", false},
                             {"квадриллион", "квадриллиона", "квадриллионов", false},
                             {"квинтиллион", "квинтиллиона", "квинтиллионов", false}};

const char* kEnOnes[] = {"zero",    "one",     "two",       "three",    "four",     "five",    "six",
                         "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
                         "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
const char* kEnTens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
const char* kEnScales[] = {"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"};

// One, few or many: 1, 21, 101 -> one; 2-4, 22-24 -> few; 0, 5-20, 25-30, 111-114 -> many.
int ru_plural(std::uint64_t n) {
  if (n % 100 >= 11 && n % 100 <= 14) return 2;
  if (n % 10 == 1) return 0;
  if (n % 10 >= 2 && n % 10 <= 4) return 1;
  return 2;
}

void append_word(std::string& out, const std::string& w) {
  if (w.empty()) return;
  if (!out.empty()) out += ' ';
  out += w;
}

std::string ru_triple(unsigned n, bool feminine) {
  std::string out;
  append_word(out, kRuHundreds[n / 100]);
  unsigned rest = n % 100;
  if (rest >= 10 && rest < 20) {
    append_word(out, kRuTeens[rest - 10]);
  } else {
    append_word(out, kRuTens[rest / 10]);
    unsigned u = rest % 10;
    if (feminine && u == 1) append_word(out, "одна");
    else if (feminine && u == 2) append_word(out, "две");
    else append_word(out, kRuUnits[u]);
  }
  return out;
}

std::string en_triple(unsigned n) {
  std::string out;
  if (n / 100) append_word(out, std::string(kEnOnes[n / 100]) + " hundred");
  unsigned rest = n % 100;
  if (rest == 0) return out;
  if (rest < 20) append_word(out, kEnOnes[rest]);
  else append_word(out, std::string(kEnTens[rest / 10]) + (rest % 10 ? std::string("-") + kEnOnes[rest % 10] : ""));
  return out;
}

std::string words_of(std::uint64_t n, Lang lang, bool feminine) {
  if (n == 0) return lang == Lang::Ru ? "ноль" : "zero";
  unsigned groups[7] = {};
  int top = 0;
  for (std::uint64_t v = n; v; v /= 1000) groups[top++] = static_cast<unsigned>(v % 1000);
  std::string out;
  for (int g = top - 1; g >= 0; --g) {
    if (groups[g] == 0) continue;
    if (lang == Lang::Ru) {
      const RuScale& sc = kRuScales[g];
      append_word(out, ru_triple(groups[g], g == 0 ? feminine : sc.feminine));
      const char* forms[] = {sc.one, sc.few, sc.many};
      append_word(out, forms[ru_plural(groups[g])]);
    } else {
      append_word(out, en_triple(groups[g]));
      append_word(out, kEnScales[g]);
    }
  }
  return out;
}

struct CurrencyWords {
  const char* code;
  const char* ru[3];  // one, few, many
  bool ru_feminine;
  const char* ru_minor[3];
  const char* en[2];  // one, many
  const char* en_minor[2];
};

const CurrencyWords kCurrencyWords[] = {
    {"RUB", {"рубль", "рубля", "рублей"}, false, {"копейка", "копейки", "копеек"}, {"ruble", "rubles"},
     {"kopeck", "kopecks"}},
    {"USD", {"доллар", "доллара", "долларов"}, false, {"цент", "цента", "центов"}, {"dollar", "dollars"},
     {"cent", "cents"}},
    {"EUR", {"евро", "евро", "евро"}, false, {"цент", "цента", "центов"}, {"euro", "euros"}, {"cent", "cents"}},
    {"KZT", {"тенге", "тенге", "тенге"}, false, {"тиын", "тиына", "тиынов"}, {"tenge", "tenge"}, {"tiyn", "tiyns"}},
    {"BYN", {"белорусский рубль", "белорусских рубля", "белорусских рублей"}, false,
     {"копейка", "копейки", "копеек"}, {"Belarusian ruble", "Belarusian rubles"}, {"kopeck", "kopecks"}},
    {"UAH", {"гривна", "гривны", "гривен"}, true, {"копейка", "копейки", "копеек"}, {"hryvnia", "hryvnias"},
     {"kopiyka", "kopiykas"}},
    {"CNY", {"юань", "юаня", "юаней"}, false, {"фэнь", "фэня", "фэней"}, {"yuan", "yuan"}, {"fen", "fen"}},
};

}  // namespace

std::string number_in_words(std::int64_t n, Lang lang, bool feminine) {
  std::string w = words_of(magnitude(n), lang, feminine);
  if (n < 0) return (lang == Lang::Ru ? "минус " : "minus ") + w;
  return w;
}

std::string money_in_words(const Money& m, Lang lang) {
  const CurrencyWords* cw = nullptr;
  for (const auto& c : kCurrencyWords)
    if (m.currency == c.code) cw = &c;
  const std::uint64_t mag = magnitude(m.minor);
  const std::uint64_t major = mag / 100, minor = mag % 100;
  std::string out = (m.minor < 0 ? (lang == Lang::Ru ? "минус " : "minus ") : "");
  out += words_of(major, lang, cw && cw->ru_feminine);
  const std::string cents = two_digits(static_cast<std::int64_t>(minor));
  if (!cw) {
    out += " " + m.currency + (lang == Lang::Ru ? " " : " and ") + cents;
  } else if (lang == Lang::Ru) {
    out += std::string(" ") + cw->ru[ru_plural(major)] + " " + cents + " " + cw->ru_minor[ru_plural(minor)];
  } else {
    out += std::string(" ") + cw->en[major == 1 ? 0 : 1] + " and " + cents + " " + cw->en_minor[minor == 1 ? 0 : 1];
  }
  return capitalise(out);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Dates
// ---------------------------------------------------------------------------------------------------------

namespace {

const char* kRuWeekdays[] = {"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"};
const char* kRuWeekdaysShort[] = {"вс", "пн", "вт", "ср", "чт", "пт", "сб"};
const char* kEnWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* kEnWeekdaysShort[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

constexpr std::int64_t kDayMs = 86400000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string format_date_pattern(const std::string& pattern, std::int64_t local_ms, Lang lang, std::string* error) {
  const std::int64_t days = floor_div(local_ms, kDayMs);
  const std::int64_t in_day = local_ms - days * kDayMs;
  const Date d = civil_from_days(days);
  const int hour = static_cast<int>(in_day / 3600000), minute = static_cast<int>(in_day / 60000 % 60),
            second = static_cast<int>(in_day / 1000 % 60);
  const int weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  const bool ru = lang == Lang::Ru;
  const int h12 = hour % 12 == 0 ? 12 : hour % 12;
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) {
        size_t j = i + 1;
        decode(pattern, j);
        out += pattern.substr(i + 1, j - i - 1);
        i = j - 1;
      }
      continue;
    }
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter) {
      out += c;
      continue;
    }
    switch (c) {
      case 'd': out += two_digits(d.day); break;
      case 'j': out += std::to_string(d.day); break;
      case 'm': out += two_digits(d.month); break;
      case 'n': out += std::to_string(d.month); break;
      case 'Y': out += std::to_string(d.year); break;
      case 'y': out += two_digits(((d.year % 100) + 100) % 100); break;
      case 'F': out += month_word(d.month, lang, MonthForm::OfDay); break;
      case 'f': out += ru ? fold(month_word(d.month, lang, MonthForm::Name)) : month_word(d.month, lang, MonthForm::Name); break;
      case 'M': out += month_word(d.month, lang, MonthForm::Short); break;
      case 'l': out += ru ? kRuWeekdays[weekday] : kEnWeekdays[weekday]; break;
      case 'D': out += ru ? kRuWeekdaysShort[weekday] : kEnWeekdaysShort[weekday]; break;
      case 'H': out += two_digits(hour); break;
      case 'G': out += std::to_string(hour); break;
      case 'h': out += two_digits(h12); break;
      case 'g': out += std::to_string(h12); break;
      case 'i': out += two_digits(minute); break;
      case 's': out += two_digits(second); break;
      case 'A': out += hour < 12 ? "AM" : "PM"; break;
      case 'a': out += hour < 12 ? "am" : "pm"; break;
      default:
        if (error) *error = std::string("unknown date token \"") + c + "\" in \"" + pattern + "\"";
        return {};
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Values with modifiers
// ---------------------------------------------------------------------------------------------------------

DocValue DocValue::of_text(std::string s) {
  DocValue v;
  v.kind = DocValueKind::Text;
  v.text = std::move(s);
  return v;
}

DocValue DocValue::of_number(double n, int decimals) {
  DocValue v;
  v.kind = DocValueKind::Number;
  v.number = n;
  v.decimals = decimals;
  return v;
}

DocValue DocValue::of_money(Money m) {
  DocValue v;
  v.kind = DocValueKind::Money;
  v.money = std::move(m);
  return v;
}

DocValue DocValue::of_date(std::string iso_date) {
  DocValue v;
  v.kind = DocValueKind::Date;
  v.text = std::move(iso_date);
  return v;
}

DocValue DocValue::of_datetime(std::int64_t utc_ms) {
  DocValue v;
  v.kind = DocValueKind::DateTime;
  v.ms = utc_ms;
  return v;
}

namespace {

enum class ModKind { Case, Keyword, Decimals, DatePattern, Bad };

ModKind classify(const std::string& mod, std::string* error) {
  if (mod == "upper" || mod == "lower" || mod == "ucfirst") return ModKind::Case;
  if (mod == "money" || mod == "number" || mod == "words" || mod == "currency") return ModKind::Keyword;
  if (mod.size() == 1 && mod[0] >= '0' && mod[0] <= '9') return ModKind::Decimals;
  std::string why;
  if (mod.empty()) why = "empty modifier";
  else format_date_pattern(mod, 0, Lang::En, &why);
  if (why.empty()) return ModKind::DatePattern;
  *error = "unknown modifier \"" + mod + "\" (" + why + ")";
  return ModKind::Bad;
}

const char* kind_name(DocValueKind k) {
  switch (k) {
    case DocValueKind::Empty: return "an empty value";
    case DocValueKind::Text: return "text";
    case DocValueKind::Number: return "a number";
    case DocValueKind::Money: return "money";
    case DocValueKind::Date: return "a date";
    case DocValueKind::DateTime: return "a date-time";
    case DocValueKind::Table: return "a table";
  }
  return "a value";
}

std::string default_text(const DocValue& v, const DocContext& ctx) {
  switch (v.kind) {
    case DocValueKind::Text: return v.text;
    case DocValueKind::Number: return format_number(v.number, v.decimals, ctx.lang);
    case DocValueKind::Money: return money_text(v.money, ctx.lang);
    case DocValueKind::Date: return format_date(v.text, ctx.lang);
    case DocValueKind::DateTime: return format_timestamp(v.ms, ctx.tz_offset_min, ctx.lang);
    default: return {};
  }
}

// The local moment a date or date-time value stands for; false when a date does not parse.
bool local_ms_of(const DocValue& v, const DocContext& ctx, std::int64_t* out) {
  if (v.kind == DocValueKind::DateTime) {
    *out = v.ms + static_cast<std::int64_t>(ctx.tz_offset_min) * 60000;
    return true;
  }
  Date d;
  if (!parse_iso_date(v.text, &d)) return false;
  *out = days_from_civil(d) * kDayMs;
  return true;
}

std::string apply_format(const DocValue& v, const std::string& mod, ModKind mk, const DocContext& ctx,
                         std::string* error) {
  auto misfit = [&]() {
    *error = "modifier \"" + mod + "\" does not apply to " + kind_name(v.kind);
    return std::string();
  };
  switch (v.kind) {
    case DocValueKind::Number:
      if (mod == "number") return format_number(v.number, v.decimals, ctx.lang);
      if (mk == ModKind::Decimals) return format_number(v.number, mod[0] - '0', ctx.lang);
      if (mod == "words") {
        // Beyond ±9.2e18 (or not a number) the whole part has no int64 and no words.
        if (!std::isfinite(v.number) || std::fabs(v.number) >= 9.2e18) {
          *error = "the number is too large to write in words";
          return {};
        }
        return number_in_words(static_cast<std::int64_t>(std::trunc(v.number)), ctx.lang);
      }
      return misfit();
    case DocValueKind::Money:
      if (mod == "money") return money_text(v.money, ctx.lang);
      if (mod == "number") return money_amount(v.money, ctx.lang);
      if (mk == ModKind::Decimals)
        return format_number(static_cast<double>(v.money.minor) / 100.0, mod[0] - '0', ctx.lang);
      if (mod == "words") return money_in_words(v.money, ctx.lang);
      if (mod == "currency") return v.money.currency;
      return misfit();
    case DocValueKind::Date:
    case DocValueKind::DateTime: {
      if (mk != ModKind::DatePattern) return misfit();
      std::int64_t local = 0;
      if (!local_ms_of(v, ctx, &local)) return v.text;  // a date that is not one: shown as stored
      return format_date_pattern(mod, local, ctx.lang, error);
    }
    default: return misfit();
  }
}

}  // namespace

std::string format_doc_value(const DocValue& v, const std::vector<std::string>& modifiers, const DocContext& ctx,
                             std::string* error) {
  std::string err;
  std::vector<ModKind> kinds;
  for (const auto& m : modifiers) {
    kinds.push_back(classify(m, &err));
    if (!err.empty()) break;
  }
  if (err.empty() && v.kind != DocValueKind::Empty) {
    std::string text;
    bool formatted = false;
    for (size_t i = 0; i < modifiers.size() && err.empty(); ++i) {
      const std::string& m = modifiers[i];
      if (kinds[i] == ModKind::Case) {
        if (!formatted) text = default_text(v, ctx);
        formatted = true;
        text = change_case(text, m == "upper" ? CaseMode::Upper : m == "lower" ? CaseMode::Lower : CaseMode::First);
      } else if (formatted) {
        err = "modifier \"" + m + "\" must come before other modifiers";
      } else {
        text = apply_format(v, m, kinds[i], ctx, &err);
        formatted = true;
      }
    }
    if (err.empty()) return formatted ? text : default_text(v, ctx);
  }
  if (error) *error = err;
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Template parser
// ---------------------------------------------------------------------------------------------------------

bool is_placeholder_name(const std::string& n) {
  if (n.empty() || n.back() == ' ') return false;
  const unsigned char first = static_cast<unsigned char>(n[0]);
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first >= 0x80)) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    if (c == ' ' && n[i - 1] == ' ') return false;
    if (c == '\t' || std::string_view("{}~:;<>\"'\\\n\r").find(c) != std::string_view::npos) return false;
  }
  return true;
}

namespace {

struct Node {
  enum Kind { Text, Var, Section } kind = Text;
  std::string text;  // Text: the literal; Var and Section: the tag as written, for warnings
  std::string name;
  std::vector<std::string> mods;
  bool inverted = false;  // {^Name}
  std::vector<Node> children;
};

std::vector<std::string> split_mods(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t t = s.find('~', start);
    out.push_back(s.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) return out;
    start = t + 1;
  }
}

// Deeper nesting is surely a mistake, and the renderer recurses once per level.
constexpr size_t kMaxDepth = 32;

class Parser {
 public:
  Parser(const std::string& src, std::vector<TemplateFault>& faults) : src_(src), faults_(faults) {}

  // The node tree. Structural problems (a block that is not closed, a closing tag without its block, blocks
  // that cross) go to `errors`, each with its line; the tree is then not to be rendered.
  std::vector<Node> parse() {
    std::vector<Node> root;
    struct Open {
      Node* node;
      size_t pos;
    };
    std::vector<Open> open;  // sections being filled, innermost last
    auto sink = [&]() -> std::vector<Node>& { return open.empty() ? root : open.back().node->children; };
    std::string text;
    auto flush = [&]() {
      if (text.empty()) return;
      Node n;
      n.text = std::move(text);
      sink().push_back(std::move(n));
      text.clear();
    };
    size_t i = 0;
    while (i < src_.size()) {
      if (src_[i] != '{') {
        size_t next = src_.find('{', i);
        if (next == std::string::npos) next = src_.size();
        text.append(src_, i, next - i);
        i = next;
        continue;
      }
      Node tag;
      size_t end = 0;
      if (!read_tag(i, &tag, &end)) {
        text += '{';
        ++i;
        continue;
      }
      flush();
      const size_t pos = i;
      i = end;
      if (tag.kind == Node::Var) {
        sink().push_back(std::move(tag));
      } else if (tag.kind == Node::Section) {
        // Children go into the node's own vector; the vector holding the node is not touched while it is
        // open, so the pointer stays valid.
        if (open.size() >= kMaxDepth) {
          refuse(pos, "tpl_too_deep", {tag.text, std::to_string(kMaxDepth)},
                 tag.text + " is nested more than " + std::to_string(kMaxDepth) + " blocks deep");
          return {};
        }
        sink().push_back(std::move(tag));
        open.push_back({&sink().back(), pos});
      } else if (!open.empty() && open.back().node->name == tag.name) {  // a closing tag
        open.pop_back();
      } else {
        auto match = std::find_if(open.begin(), open.end(), [&](const Open& o) { return o.node->name == tag.name; });
        if (match == open.end()) {
          refuse(pos, "tpl_closes_nothing", {tag.text, "{#" + tag.name + "}", "{^" + tag.name + "}"},
                 tag.text + " closes nothing: there is no {#" + tag.name + "} or {^" + tag.name + "} before it");
        } else {
          const Open& inner = open.back();
          const std::string closer = "{/" + inner.node->name + "}", line = std::to_string(line_of(inner.pos));
          refuse(pos, "tpl_crossed", {tag.text, closer, inner.node->text, line},
                 tag.text + " comes before " + closer + ", which must close " + inner.node->text + " (line " + line +
                     ") first");
        }
        return {};
      }
    }
    flush();
    if (!open.empty()) {
      const Open& o = open.back();
      refuse(o.pos, "tpl_unclosed", {o.node->text, "{/" + o.node->name + "}"},
             o.node->text + " is not closed: add {/" + o.node->name + "} where the block ends");
      return {};
    }
    return root;
  }

 private:
  // A tag starting at src_[i] == '{'; false when the braces hold something else (CSS, plain text).
  // Linear in the body: `i` only grows, so the next '}' is looked up again only once it is passed, and a tag
  // is given up at the first character it cannot hold (a run of "{" costs one step each).
  bool read_tag(size_t i, Node* tag, size_t* end) {
    if (close_ != std::string::npos && close_ <= i) close_ = src_.find('}', i + 1);
    const size_t close = close_;
    if (close == std::string::npos) return false;
    if (src_.find_first_of("{<>\n\r", i + 1) < close) return false;
    std::string body = src_.substr(i + 1, close - i - 1);
    tag->text = src_.substr(i, close - i + 1);
    *end = close + 1;
    if (!body.empty() && (body[0] == '#' || body[0] == '^' || body[0] == '/')) {
      std::string name = body.substr(1);
      if (!is_placeholder_name(name)) return false;
      tag->name = name;
      tag->kind = body[0] == '/' ? Node::Text : Node::Section;
      tag->inverted = body[0] == '^';
      return true;
    }
    size_t tilde = body.find('~');
    std::string name = body.substr(0, tilde);
    if (!is_placeholder_name(name)) return false;
    tag->kind = Node::Var;
    tag->name = name;
    if (tilde != std::string::npos) tag->mods = split_mods(body.substr(tilde + 1));
    return true;
  }

  size_t line_of(size_t pos) const {
    return 1 + static_cast<size_t>(std::count(src_.begin(), src_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  }

  void refuse(size_t pos, const char* code, std::vector<std::string> args, const std::string& what) {
    faults_.push_back(TemplateFault{line_of(pos), code, std::move(args), what});
  }

  const std::string& src_;
  std::vector<TemplateFault>& faults_;
  size_t close_ = 0;  // the first '}' after the last tag looked at
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Renderer
// ---------------------------------------------------------------------------------------------------------

// The rows being repeated, innermost first.
struct Scope {
  const std::string* table = nullptr;
  const DocRow* row = nullptr;
  size_t index = 0;
  const Scope* outer = nullptr;
};

class Renderer {
 public:
  Renderer(const DocContext& ctx, std::vector<std::string>& warnings, std::set<std::string>& used)
      : ctx_(ctx), warnings_(warnings), used_(used) {}

  void render(const std::vector<Node>& nodes, const Scope* scope, std::string& out) {
    for (const auto& n : nodes) {
      switch (n.kind) {
        case Node::Text: out += n.text; break;
        case Node::Var: var(n, scope, out); break;
        case Node::Section: section(n, scope, out); break;
      }
    }
  }

 private:
  // A row column ("Products.Name", "Products.Item.Name", "Products.INDEX") or a context value.
  // `found_scope` says whether the name belongs to a table being repeated (then a miss is an unknown column).
  const DocValue* lookup(const std::string& name, const Scope* scope, DocValue& scratch) {
    for (const Scope* s = scope; s; s = s->outer) {
      const std::string prefix = *s->table + ".";
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      std::string column = name.substr(prefix.size());
      if (column.compare(0, 5, "Item.") == 0) column = column.substr(5);
      auto it = s->row->find(column);
      if (it != s->row->end()) return &it->second;
      if (column == "INDEX") {
        scratch = DocValue::of_number(static_cast<double>(s->index + 1), 0);
        return &scratch;
      }
      return nullptr;
    }
    auto it = ctx_.values.find(name);
    return it == ctx_.values.end() ? nullptr : &it->second;
  }

  void var(const Node& n, const Scope* scope, std::string& out) {
    used_.insert(n.name);
    DocValue scratch;
    const DocValue* v = lookup(n.name, scope, scratch);
    if (!v) {
      if (ctx_.tables.count(n.name))
        warn(n.text + " is a table: repeat it with {#" + n.name + "} ... {/" + n.name + "}");
      else
        warn("unknown placeholder " + n.text);
      return;
    }
    std::string error;
    std::string text = format_doc_value(*v, n.mods, ctx_, &error);
    if (!error.empty()) {
      warn(error + " in " + n.text);
      return;
    }
    out += html_escape(text);
  }

  static bool truthy(const DocValue& v) {
    switch (v.kind) {
      case DocValueKind::Empty: return false;
      case DocValueKind::Text: return !v.text.empty();
      case DocValueKind::Number: return v.number != 0;
      case DocValueKind::Money: return v.money.minor != 0;
      default: return true;
    }
  }

  void section(const Node& n, const Scope* scope, std::string& out) {
    used_.insert(n.name);
    auto table = ctx_.tables.find(n.name);
    if (table != ctx_.tables.end()) {
      const auto& rows = table->second;
      if (n.inverted) {
        if (rows.empty()) render(n.children, scope, out);
        return;
      }
      for (size_t i = 0; i < rows.size(); ++i) {
        Scope inner{&table->first, &rows[i], i, scope};
        render(n.children, &inner, out);
      }
      return;
    }
    DocValue scratch;
    const DocValue* v = lookup(n.name, scope, scratch);
    if (!v) {
      warn("unknown placeholder " + n.text);
      return;
    }
    if (truthy(*v) != n.inverted) render(n.children, scope, out);
  }

  void warn(const std::string& w) { warnings_.push_back(w); }

  const DocContext& ctx_;
  std::vector<std::string>& warnings_;
  std::set<std::string>& used_;  // every name looked up, found or not (what the page may show)
};

}  // namespace

std::vector<TemplateFault> template_faults(const std::string& body) {
  std::vector<TemplateFault> faults;
  Parser(body, faults).parse();
  return faults;
}

std::vector<std::string> check_template_syntax(const std::string& body) {
  std::vector<std::string> errors;
  for (const auto& f : template_faults(body)) errors.push_back(f.where());
  return errors;
}

RenderResult render(const std::string& body, const DocContext& ctx) {
  RenderResult r;
  std::vector<TemplateFault> faults;
  std::vector<Node> nodes = Parser(body, faults).parse();
  for (const auto& f : faults) r.errors.push_back(f.where());
  if (!r.errors.empty()) return r;
  std::vector<std::string> warnings;
  r.html.reserve(body.size() + body.size() / 4);
  std::set<std::string> used;
  Renderer(ctx, warnings, used).render(nodes, nullptr, r.html);
  r.used.assign(used.begin(), used.end());
  std::set<std::string> seen;
  for (auto& w : warnings)
    if (seen.insert(w).second) r.warnings.push_back(std::move(w));
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Preview
// ---------------------------------------------------------------------------------------------------------

std::string preview_text(const std::string& page) {
  std::string html = page;
  for (const char* block : {"head", "style", "script"}) {
    const std::string open = std::string("<") + block, close = std::string("</") + block + ">";
    for (size_t a; (a = html.find(open)) != std::string::npos;) {
      const size_t b = html.find(close, a);
      html.erase(a, b == std::string::npos ? std::string::npos : b + close.size() - a);
    }
  }
  std::string text;
  bool tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char ch = html[i];
    if (ch == '<') {
      tag = true;
      const std::string next = html.substr(i, 4);
      // (A 4-byte window: "<p>" is its start, never all of it.)
      if (next == "<tr>" || next == "<tr " || next.rfind("<p>", 0) == 0 || next.rfind("<p ", 0) == 0 || next == "<br>" ||
          next == "<br/" || next.rfind("<h", 0) == 0 || next.rfind("<div", 0) == 0 || next == "<li>")
        if (!text.empty() && text.back() != '\n') text += '\n';
      if (next == "<td>" || next == "<td " || next == "<th>" || next == "<th ") text += "   ";
    } else if (ch == '>') {
      tag = false;
      text += ' ';
    } else if (!tag) {
      text += ch == '\n' || ch == '\r' ? ' ' : ch;  // lines come from the tags, not from the source's layout
    }
  }
  // Collapse runs of spaces and blank lines; decode the few entities the renderer writes.
  auto replace_all = [](std::string& s, const std::string& a, const std::string& b) {
    for (size_t p = 0; (p = s.find(a, p)) != std::string::npos; p += b.size()) s.replace(p, a.size(), b);
  };
  replace_all(text, "&nbsp;", " ");
  replace_all(text, "&quot;", "\"");
  replace_all(text, "&#39;", "'");
  replace_all(text, "&lt;", "<");
  replace_all(text, "&gt;", ">");
  replace_all(text, "&amp;", "&");
  std::string clean;
  for (char ch : text) {
    if ((ch == ' ' || ch == '\t' || ch == '\r') && (clean.empty() || clean.back() == ' ' || clean.back() == '\n')) continue;
    if (ch == '\n' && !clean.empty() && clean.back() == ' ') clean.pop_back();
    if (ch == '\n' && (clean.empty() || clean.back() == '\n')) continue;
    clean += ch == '\t' || ch == '\r' ? ' ' : ch;
  }
  return clean;
}

}  // namespace kt
