#include "core/io/vcard.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <unordered_set>

#include "core/calendar.hpp"
#include "core/io/content_line.hpp"
#include "core/io/csv.hpp"
#include "core/rights.hpp"

namespace kt::io {

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Reading
// ---------------------------------------------------------------------------------------------------------

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Param {
  std::string name;   // upper case; "TYPE" for the bare values of 2.1 ("TEL;CELL:")
  std::string value;  // as written, without quotes
};

struct Property {
  std::string name;  // upper case, without its group
  std::vector<Param> params;
  std::string value;  // raw (still escaped, still encoded)
  size_t line = 0;

  std::string param(const std::string& n) const {
    for (const auto& p : params)
      if (p.name == n) return p.value;
    return {};
  }
  bool has_type(const std::string& t) const {
    for (const auto& p : params)
      if (p.name == "TYPE")
        for (size_t b = 0; b <= p.value.size();) {
          size_t e = p.value.find(',', b);
          if (e == std::string::npos) e = p.value.size();
          if (upper(p.value.substr(b, e - b)) == t) return true;
          b = e + 1;
        }
    return false;
  }
};

bool parse_property(const std::string& line, size_t line_no, Property* out) {
  // name;param=value;param="quoted:value":value — the first colon outside quotes ends the parameters.
  bool quoted = false;
  size_t colon = std::string::npos;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    else if (line[i] == ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon == std::string::npos) return false;
  out->value = line.substr(colon + 1);
  out->line = line_no;
  out->params.clear();
  std::vector<std::string> parts;
  std::string cur;
  quoted = false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = line[i];
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  std::string name = upper(parts[0]);
  if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);  // "ITEM1.TEL"
  out->name = name;
  for (size_t i = 1; i < parts.size(); ++i) {
    Param p;
    auto eq = parts[i].find('=');
    if (eq == std::string::npos) {
      p.name = "TYPE";
      p.value = parts[i];
      // 2.1 writes encodings and charsets bare too.
      const std::string u = upper(parts[i]);
      if (u == "QUOTED-PRINTABLE" || u == "BASE64" || u == "B") p.name = "ENCODING";
    } else {
      p.name = upper(parts[i].substr(0, eq));
      p.value = parts[i].substr(eq + 1);
    }
    p.value.erase(std::remove(p.value.begin(), p.value.end(), '"'), p.value.end());
    out->params.push_back(std::move(p));
  }
  return true;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string qp_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() + 0 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (s[i] == '=' && i + 1 == s.size()) {
      // a soft line break left at the very end
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value's bytes as UTF-8: quoted-printable decoded, then converted from its charset.
std::string decoded(const Property& p) {
  std::string v = p.value;
  const std::string enc = upper(p.param("ENCODING"));
  if (enc == "QUOTED-PRINTABLE" || enc == "QP") {
    v = qp_decode(v);
    // Outlook writes line breaks inside quoted-printable values as =0D=0A.
    std::string lf;
    for (size_t i = 0; i < v.size(); ++i)
      if (!(v[i] == '\r' && i + 1 < v.size() && v[i + 1] == '\n')) lf += v[i];
    v = std::move(lf);
  }
  const std::string cs = upper(p.param("CHARSET"));
  if (cs == "WINDOWS-1251" || cs == "CP1251" || cs == "CP-1251") return cp1251_to_utf8(v);
  if (cs == "ISO-8859-1" || cs == "LATIN1") {
    std::string out;
    for (char c : v) append_utf8(out, static_cast<unsigned char>(c));
    return out;
  }
  if (!is_valid_utf8(v)) return cp1251_to_utf8(v);  // old phones write 1251 without saying so
  return v;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      if (n == 'n' || n == 'N') out += '\n';
      else if (n == ',' || n == ';' || n == '\\' || n == ':') out += n;
      else {
        out += '\\';
        out += n;
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

// Splits a structured value on unescaped ';' and unescapes each component.
std::vector<std::string> components(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      cur += s[i];
      cur += s[++i];
    } else if (s[i] == ';') {
      out.push_back(unescape(cur));
      cur.clear();
    } else {
      cur += s[i];
    }
  }
  out.push_back(unescape(cur));
  return out;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "1985-03-14", "19850314", "1985-03-14T00:00:00Z" -> "1985-03-14"; "" for dates without a year.
std::string birthday(const std::string& v, bool* no_year) {
  *no_year = false;
  std::string s = trim(v);
  if (s.rfind("--", 0) == 0) return *no_year = true, std::string();
  if (auto t = s.find('T'); t != std::string::npos) s = s.substr(0, t);
  std::string digits;
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    else if (c != '-') return {};
  if (digits.size() != 8) return {};
  Date d{std::stoi(digits.substr(0, 4)), std::stoi(digits.substr(4, 2)), std::stoi(digits.substr(6, 2))};
  if (!is_valid(d)) return {};
  return iso(d);
}

// Values are collected as they come and made unique when the card ends (finish_card): a search of the list
// per value made a card of 100,000 phones take minutes.
void add_unique(std::vector<std::string>& list, const std::string& v) {
  if (!v.empty()) list.push_back(v);
}

void drop_repeats(std::vector<std::string>& list) {
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  for (auto& v : list)
    if (seen.insert(v).second) out.push_back(std::move(v));
  list = std::move(out);
}

void finish_card(VCard& c) {
  for (auto* list : {&c.phones, &c.emails, &c.addresses, &c.urls}) drop_repeats(*list);
}

void apply(VCard& c, const Property& p, std::vector<VCardProblem>* problems) {
  const std::string enc = upper(p.param("ENCODING"));
  if (enc == "B" || enc == "BASE64") return;  // photos, sounds, keys
  const std::string v = decoded(p);
  const std::string& n = p.name;
  if (n == "N") {
    auto parts = components(v);
    parts.resize(5);
    c.family = trim(parts[0]);
    c.given = trim(parts[1]);
    c.additional = trim(parts[2]);
    c.prefix = trim(parts[3]);
    c.suffix = trim(parts[4]);
  } else if (n == "FN") {
    c.formatted = trim(unescape(v));
  } else if (n == "TEL") {
    std::string t = trim(unescape(v));
    if (t.rfind("tel:", 0) == 0) t = t.substr(4);
    add_unique(c.phones, t);
  } else if (n == "EMAIL") {
    std::string e = trim(unescape(v));
    if (e.rfind("mailto:", 0) == 0) e = e.substr(7);
    add_unique(c.emails, e);
  } else if (n == "ORG") {
    if (c.org.empty()) c.org = trim(components(v)[0]);
  } else if (n == "TITLE") {
    c.title = trim(unescape(v));
  } else if (n == "ROLE") {
    if (c.title.empty()) c.title = trim(unescape(v));
  } else if (n == "NOTE") {
    std::string t = unescape(v);
    if (!c.note.empty()) c.note += '\n';  // appended in place: many NOTE lines must not copy the note each time
    c.note += t;
  } else if (n == "ADR") {
    // post office box; extended; street; locality; region; postal code; country
    auto parts = components(v);
    std::string joined;
    for (auto& part : parts) {
      std::string x = trim(part);
      std::replace(x.begin(), x.end(), '\n', ' ');
      if (x.empty()) continue;
      joined += (joined.empty() ? "" : ", ") + x;
    }
    add_unique(c.addresses, joined);
  } else if (n == "URL") {
    add_unique(c.urls, trim(unescape(v)));
  } else if (n == "UID") {
    c.uid = trim(unescape(v));
  } else if (n == "BDAY") {
    bool no_year = false;
    std::string b = birthday(unescape(v), &no_year);
    if (!p.param("X-APPLE-OMIT-YEAR").empty()) no_year = true, b.clear();
    if (no_year && problems)
      problems->push_back({p.line, "birthday_without_year", "the birthday of line " + std::to_string(p.line) + " has no year"});
    c.birthday = b;
  }
}

}  // namespace

std::vector<VCard> parse_vcards(std::string_view bytes, std::vector<VCardProblem>* problems) {
  const Encoding enc = detect_encoding(bytes);
  // A file of 1251 text is read per property (a CHARSET may say otherwise); UTF-16 and BOMs are undone here.
  const std::string text = enc == Encoding::Windows1251 ? std::string(bytes) : to_utf8(bytes, enc);

  // Physical lines.
  std::vector<std::string> lines;
  {
    std::string cur;
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        lines.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) lines.push_back(std::move(cur));
  }

  std::vector<VCard> cards;
  VCard card;
  bool inside = false;
  int depth = 0;  // nested cards (2.1 AGENT) are skipped
  for (size_t i = 0; i < lines.size();) {
    const size_t line_no = i + 1;
    std::string logical = lines[i++];
    // Whether the value is quoted-printable, decided by the parameters before the first colon once it is
    // there; searched for only in what each continuation adds (a line folded 100,000 times before its
    // colon was searched from the start each time).
    size_t colon = std::string::npos, searched = 0;
    bool qp = false;
    auto is_qp = [&]() {
      if (colon != std::string::npos) return qp;
      colon = logical.find(':', searched);
      searched = logical.size();
      if (colon != std::string::npos) qp = upper(logical.substr(0, colon)).find("QUOTED-PRINTABLE") != std::string::npos;
      return qp;
    };
    while (i < lines.size()) {
      if (is_qp() && !logical.empty() && logical.back() == '=') {
        logical.pop_back();  // quoted-printable soft line break
        std::string next = lines[i++];
        if (!next.empty() && (next[0] == ' ' || next[0] == '\t')) next.erase(0, 1);
        logical += next;
      } else if (!lines[i].empty() && (lines[i][0] == ' ' || lines[i][0] == '\t')) {
        logical += lines[i++].substr(1);  // folded line
      } else {
        break;
      }
    }
    if (trim(logical).empty()) continue;
    Property p;
    if (!parse_property(logical, line_no, &p)) continue;
    if (p.name == "BEGIN" && upper(trim(p.value)) == "VCARD") {
      if (inside) {
        ++depth;
        continue;
      }
      card = VCard{};
      card.line = line_no;
      inside = true;
      continue;
    }
    if (p.name == "END" && upper(trim(p.value)) == "VCARD") {
      if (depth > 0) {
        --depth;
        continue;
      }
      if (inside) {
        finish_card(card);
        cards.push_back(card);
      }
      inside = false;
      continue;
    }
    if (inside && depth == 0) apply(card, p, problems);
  }
  if (inside) {
    if (problems)
      problems->push_back({card.line, "unterminated_card",
                           "the card that begins on line " + std::to_string(card.line) + " has no END:VCARD"});
    finish_card(card);
    cards.push_back(card);
  }
  if (cards.empty() && problems) problems->push_back({0, "no_vcards", "there is no BEGIN:VCARD in the file"});
  return cards;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Writing
// ---------------------------------------------------------------------------------------------------------

namespace {


}  // namespace

// Folds a content line at 75 octets, never inside a UTF-8 sequence (RFC 6350 3.2, RFC 5545 3.1).
std::string escape_text(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "\\n";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string fold_line(const std::string& line) {
  std::string out;
  size_t start = 0, limit = 75;
  while (line.size() - start > limit) {
    size_t cut = start + limit;
    while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    // Not UTF-8 (continuation bytes all the way back: a value from a damaged binary page or base): cut at
    // the limit rather than make no progress and loop for ever.
    if (cut == start) cut = start + limit;
    out += line.substr(start, cut - start) + "\r\n ";
    start = cut;
    limit = 74;  // the leading space counts
  }
  return out + line.substr(start) + "\r\n";
}

std::string write_vcard(const VCard& c, VCardVersion version) {
  const bool v4 = version == VCardVersion::V4;
  std::string out = "BEGIN:VCARD\r\n";
  out += v4 ? "VERSION:4.0\r\n" : "VERSION:3.0\r\n";
  std::string fn = c.formatted;
  if (fn.empty()) {
    for (const auto* part : {&c.prefix, &c.given, &c.additional, &c.family, &c.suffix})
      if (!part->empty()) fn += (fn.empty() ? "" : " ") + *part;
  }
  if (fn.empty()) fn = c.org;
  out += fold_line("FN:" + escape_text(fn));
  out += fold_line("N:" + escape_text(c.family) + ";" + escape_text(c.given) + ";" + escape_text(c.additional) + ";" +
                   escape_text(c.prefix) + ";" + escape_text(c.suffix));
  if (!c.org.empty()) out += fold_line("ORG:" + escape_text(c.org));
  if (!c.title.empty()) out += fold_line("TITLE:" + escape_text(c.title));
  for (const auto& t : c.phones) out += fold_line(std::string(v4 ? "TEL;TYPE=voice:" : "TEL;TYPE=VOICE:") + escape_text(t));
  for (const auto& e : c.emails) out += fold_line(std::string(v4 ? "EMAIL:" : "EMAIL;TYPE=INTERNET:") + escape_text(e));
  for (const auto& a : c.addresses) out += fold_line(std::string(v4 ? "ADR:" : "ADR;TYPE=WORK:") + ";;" + escape_text(a) + ";;;;");
  for (const auto& u : c.urls) out += fold_line("URL:" + u);
  if (!c.note.empty()) out += fold_line("NOTE:" + escape_text(c.note));
  if (!c.birthday.empty()) {
    std::string b = c.birthday;
    if (v4) b.erase(std::remove(b.begin(), b.end(), '-'), b.end());
    out += "BDAY:" + b + "\r\n";
  }
  if (!c.uid.empty()) out += fold_line("UID:" + escape_text(c.uid));
  out += "END:VCARD\r\n";
  return out;
}

VCard contact_vcard(const Workspace& ws, const std::string& user, const Item& it) {
  const Schema& s = ws.schema();
  auto text = [&](const char* field) -> std::string {
    const FieldDef* f = s.field(it.entity, field);
    if (!f || !can_see_field(s, user, *f)) return {};
    return it.get(field).str_or_empty();
  };
  auto list = [&](const char* field) {
    std::vector<std::string> out;
    const FieldDef* f = s.field(it.entity, field);
    if (!f || !can_see_field(s, user, *f)) return out;
    for (const auto& v : it.get(field).elements())
      if (!v.str_or_empty().empty()) out.push_back(v.str_or_empty());
    return out;
  };
  VCard c;
  c.family = text("LAST_NAME");
  c.given = text("NAME");
  c.title = text("POST");
  c.phones = list("PHONE");
  c.emails = list("EMAIL");
  if (std::string a = text("ADDRESS"); !a.empty()) c.addresses.push_back(a);
  c.note = text("COMMENTS");
  c.birthday = text("BIRTHDATE");
  const FieldDef* company = s.field(it.entity, "COMPANY_ID");
  if (company && can_see_field(s, user, *company))
    if (const Item* co = ws.item(it.get("COMPANY_ID").str_or_empty()); co && can_act(s, user, *co, Action::Read))
      c.org = ws.display_name(*co);
  c.uid = it.id;
  return c;
}

std::string export_vcards(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids,
                          VCardVersion version) {
  std::string out;
  for (const auto& id : ids) {
    const Item* it = ws.item(id);
    if (!it || it->entity != "contact" || !can_act(ws.schema(), user, *it, Action::Read)) continue;
    out += write_vcard(contact_vcard(ws, user, *it), version);
  }
  return out;
}

VCardTable vcards_as_table(const std::vector<VCard>& cards) {
  VCardTable t;
  t.header = {"N (family)", "N (given)", "TITLE", "TEL", "EMAIL", "ORG", "ADR", "NOTE", "BDAY"};
  t.columns = {"LAST_NAME", "NAME", "POST", "PHONE", "EMAIL", "COMPANY_ID", "ADDRESS", "COMMENTS", "BIRTHDATE"};
  auto join = [](const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
    return out;
  };
  for (const auto& c : cards) {
    std::string given = c.given;
    if (!c.additional.empty()) given += (given.empty() ? "" : " ") + c.additional;
    std::string family = c.family;
    if (given.empty() && family.empty()) given = c.formatted;
    t.rows.push_back({family, given, c.title, join(c.phones, "\n"), join(c.emails, "\n"), c.org,
                      c.addresses.empty() ? std::string() : c.addresses.front(), c.note, c.birthday});
    t.lines.push_back(c.line);
  }
  return t;
}

}  // namespace kt::io
