#include "core/io/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/calendar.hpp"
#include "core/format.hpp"
#include "core/rights.hpp"

namespace kt::io {

namespace {

// The shortest decimal text that reads back as the same double.
std::string shortest(double v, Lang lang) {
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (lang == Lang::Ru)
    for (char& c : s)
      if (c == '.') c = ',';
  return s;
}

std::string one(const Workspace& ws, const FieldDef& f, const Value& v, Lang lang) {
  if (v.is_null()) return {};
  switch (f.type) {
    case FieldType::Integer: return v.is_int() ? std::to_string(v.as_int()) : std::string();
    case FieldType::Number:
      if (v.is_int()) return std::to_string(v.as_int());
      return v.is_double() ? shortest(v.as_double(), lang) : std::string();
    case FieldType::Money: {
      if (!v.is_money()) return {};
      const Money& m = v.as_money();
      std::string s = std::to_string(m.minor / 100);
      if (m.minor < 0 && m.minor / 100 == 0) s = "-" + s;
      if (m.minor % 100) {
        char cents[8];
        std::snprintf(cents, sizeof cents, "%02d", static_cast<int>(std::llabs(m.minor % 100)));
        s += (lang == Lang::Ru ? "," : ".") + std::string(cents);
      }
      return s + " " + m.currency;
    }
    case FieldType::Date: {
      Date d;
      if (!parse_iso_date(v.str_or_empty(), &d)) return v.str_or_empty();
      return lang == Lang::Ru ? format_date(v.as_string(), Lang::Ru) : v.as_string();
    }
    case FieldType::DateTime: {
      DateTime t;
      if (!parse_iso_datetime(v.str_or_empty(), &t)) return v.str_or_empty();
      char buf[32];
      if (lang == Lang::Ru)
        std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d", t.date.day, t.date.month, t.date.year, t.hour, t.minute);
      else
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", t.date.year, t.date.month, t.date.day, t.hour, t.minute);
      return buf;
    }
    case FieldType::Phone:
    case FieldType::Email:
    case FieldType::Link:
    case FieldType::String:
    case FieldType::Address: return v.str_or_empty();
    default: return format_value(ws, f, v, lang);
  }
}

}  // namespace

bool formula_like(std::string_view s) {
  // Apostrophes before formula-like text: the importer would take the first for our own guard, so it is
  // guarded too, and survives a round trip.
  s.remove_prefix(std::min(s.size(), s.find_first_not_of('\'')));
  if (s.empty()) return false;
  const char c = s.front();
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c != '+' && c != '-') return false;
  size_t end = s.size();
  if (end > 4 && s[end - 4] == ' ') {
    bool code = true;
    for (size_t i = end - 3; i < end; ++i) code = code && s[i] >= 'A' && s[i] <= 'Z';
    if (code) end -= 4;
  }
  for (size_t i = 0; i < end; ++i) {
    const char ch = s[i];
    if (!(ch >= '0' && ch <= '9') && ch != ' ' && ch != '-' && ch != '+' && ch != '(' && ch != ')' && ch != '.' &&
        ch != ',')
      return true;
  }
  return false;
}

std::string guard_cell(std::string s) {
  if (formula_like(s)) s.insert(s.begin(), '\'');
  return s;
}

std::string cell_text(const Workspace& ws, const FieldDef& f, const Value& v, Lang lang) {
  if (!v.is_list()) return guard_cell(one(ws, f, v, lang));
  const char* sep = f.type == FieldType::String || f.type == FieldType::Address || f.type == FieldType::Link ? "\n"
                    : f.type == FieldType::Number || f.type == FieldType::Integer || f.type == FieldType::Money ? "; "
                                                                                                                 : ", ";
  FieldDef single = f;
  single.multiple = false;
  std::string out;
  for (const auto& e : v.as_list()) {
    std::string s = one(ws, single, e, lang);
    if (s.empty()) continue;
    if (!out.empty()) out += sep;
    out += s;
  }
  return guard_cell(std::move(out));
}

std::vector<std::vector<std::string>> export_table(const Workspace& ws, const std::string& user,
                                                   const std::string& entity, const std::vector<std::string>& ids,
                                                   const std::vector<std::string>& columns, Lang lang) {
  const Schema& s = ws.schema();
  // Column list: the item's name is a real field except for people without a title field (contacts), where
  // it becomes the name fields so that the table imports back.
  std::vector<std::string> cols;
  auto add_field = [&](const std::string& id) {
    const FieldDef* f = s.field(entity, id);
    if (f && can_see_field(s, user, *f) && std::find(cols.begin(), cols.end(), id) == cols.end()) cols.push_back(id);
  };
  auto add = [&](const std::string& id) {
    if (id != "TITLE" || s.field(entity, "TITLE")) return add_field(id);
    for (const char* part : {"LAST_NAME", "NAME"}) add_field(part);
  };
  for (const auto& c : columns) add(c);

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& c : cols) header.push_back(guard_cell(s.field(entity, c)->label.get(lang)));
  rows.push_back(std::move(header));
  for (const auto& id : ids) {
    const Item* it = ws.item(id);
    if (!it || it->entity != entity || !can_act(s, user, *it, Action::Read)) continue;
    std::vector<std::string> row;
    for (const auto& c : cols) row.push_back(cell_text(ws, *s.field(entity, c), it->get(c), lang));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string export_csv(const Workspace& ws, const std::string& user, const std::string& entity,
                       const std::vector<std::string>& ids, const std::vector<std::string>& columns, Lang lang,
                       char delimiter) {
  CsvWriteOptions o;
  o.delimiter = delimiter ? delimiter : (lang == Lang::Ru ? ';' : ',');
  return write_csv(export_table(ws, user, entity, ids, columns, lang), o);
}

}  // namespace kt::io
