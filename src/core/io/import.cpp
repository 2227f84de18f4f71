#include "core/io/import.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/calendar.hpp"
#include "core/format.hpp"
#include "core/io/export.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/text.hpp"

namespace kt::io {

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Text helpers
// ---------------------------------------------------------------------------------------------------------

bool is_space_at(const std::string& s, size_t i, size_t* len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return *len = 1, true;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return *len = 2, true;
  return false;
}

// Trims spaces, tabs, line breaks and no-break spaces at both ends.
std::string trim_cell(const std::string& s) {
  size_t b = 0, e = s.size(), n = 0;
  while (b < e && is_space_at(s, b, &n)) b += n;
  while (e > b) {
    if (e >= 2 && static_cast<unsigned char>(s[e - 2]) == 0xC2 && static_cast<unsigned char>(s[e - 1]) == 0xA0) {
      e -= 2;
      continue;
    }
    const char c = s[e - 1];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      --e;
      continue;
    }
    break;
  }
  return s.substr(b, e - b);
}

std::string folded_key(const std::string& s) {
  std::string t = fold(trim_cell(s));
  // Collapse inner runs of spaces so that "Иванов  Иван" finds "Иванов Иван".
  std::string out;
  bool space = false;
  for (char c : t) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::string> split_any(const std::string& s, const char* seps) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::strchr(seps, c)) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// How several values of a multiple field are separated in a cell. Names (options, items, employees) are
// split on ',' only when the part does not read as a whole.
const char* separators_of(FieldType t) {
  switch (t) {
    case FieldType::String:
    case FieldType::Address:
    case FieldType::Link: return "\n";
    case FieldType::Integer:
    case FieldType::Number:
    case FieldType::Money:
    case FieldType::List:
    case FieldType::CrmDirectory:
    case FieldType::CrmBinding:
    case FieldType::Employee: return "\n;";
    default: return "\n;,";
  }
}

bool named_type(FieldType t) {
  return t == FieldType::List || t == FieldType::CrmDirectory || t == FieldType::CrmBinding || t == FieldType::Employee;
}

// The apostrophe an export puts before formula-like text (see guard_cell in export.hpp).
bool guarded(const std::string& t) { return !t.empty() && t[0] == '\'' && formula_like(std::string_view(t).substr(1)); }

bool has_placeholder(const Value& v);
constexpr const char* kCompanyMark = "\x01company:";

bool is_placeholder(const Value& v) { return v.is_string() && v.as_string().rfind(kCompanyMark, 0) == 0; }

bool has_placeholder(const Value& v) {
  for (const auto& e : v.elements())
    if (is_placeholder(e)) return true;
  return false;
}

Status fail(const char* code, const std::string& what, const FieldDef& f) { return Status::Fail(code, what, f.id); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Targets and mapping
// ---------------------------------------------------------------------------------------------------------

namespace {

bool has_full_name(const Schema& s, const std::string& user, const std::string& entity) {
  const FieldDef* a = s.field(entity, "NAME");
  const FieldDef* b = s.field(entity, "LAST_NAME");
  return a && b && can_see_field(s, user, *a) && can_see_field(s, user, *b);
}

bool importable(const Schema& s, const std::string& user, const FieldDef& f) {
  if (f.type == FieldType::File || !can_see_field(s, user, f)) return false;
  if (f.type == FieldType::Stage) {
    const EntityType* et = s.entity(f.entity);
    return et && et->has_stages;
  }
  return true;
}

// Common headings of spreadsheets and CRM exports, folded, for the system fields.
struct Synonyms {
  const char* field;
  std::vector<const char*> names;
};
const std::vector<Synonyms>& synonyms() {
  static const std::vector<Synonyms> k = {
      {"TITLE", {"название", "наименование", "title", "name", "deal", "сделка", "лид", "lead", "компания", "company",
                 "company name", "название компании", "организация", "organization", "organisation"}},
      {"NAME", {"имя", "first name", "firstname", "given name", "имя контакта"}},
      {"LAST_NAME", {"фамилия", "last name", "lastname", "surname", "family name"}},
      {kFullName, {"фио", "ф.и.о.", "full name", "contact", "контакт", "имя и фамилия", "фамилия имя отчество"}},
      {"POST", {"должность", "position", "job title", "title"}},
      {"PHONE", {"телефон", "телефоны", "phone", "phones", "mobile", "мобильный", "мобильный телефон",
                 "рабочий телефон", "work phone", "tel", "тел.", "номер телефона", "phone number"}},
      {"EMAIL", {"e-mail", "email", "e-mail address", "email address", "почта", "электронная почта",
                 "адрес электронной почты", "mail"}},
      {"COMPANY_ID", {"компания", "company", "организация", "organization", "organisation", "название компании"}},
      {"COMPANY_TITLE", {"компания", "company", "организация", "organization", "название компании"}},
      {"ADDRESS", {"адрес", "address", "адрес компании"}},
      {"COMMENTS", {"комментарий", "комментарии", "comment", "comments", "примечание", "notes", "note", "заметки"}},
      {"OPPORTUNITY_WITH_CURRENCY", {"сумма", "amount", "бюджет", "budget", "opportunity", "стоимость"}},
      {"ASSIGNED_BY_ID", {"ответственный", "responsible", "owner", "менеджер", "manager", "assigned to"}},
      {"STAGE_ID", {"стадия", "stage", "статус", "status", "этап"}},
      {"BIRTHDATE", {"дата рождения", "день рождения", "birthday", "birth date", "date of birth"}},
      {"WEB", {"сайт", "website", "web site", "web", "url", "веб-сайт"}},
      {"CLOSEDATE", {"дата завершения", "close date", "срок"}},
      {"BEGINDATE", {"дата начала", "start date"}},
      {"SOURCE_ID", {"источник", "source"}},
      {"TYPE_ID", {"тип", "type", "тип сделки"}},
      {"INDUSTRY", {"сфера деятельности", "отрасль", "industry"}},
      {"COMPANY_TYPE", {"тип компании", "company type"}},
      {"REVENUE", {"годовой оборот", "оборот", "revenue", "annual revenue"}},
  };
  return k;
}

std::string clean_heading(const std::string& h) {
  std::string k = folded_key(h);
  while (!k.empty() && (k.back() == ':' || k.back() == '*')) k.pop_back();
  return trim_cell(k);
}

}  // namespace

std::vector<std::string> importable_fields(const Schema& s, const std::string& user, const std::string& entity) {
  std::vector<std::string> out;
  if (has_full_name(s, user, entity)) out.push_back(kFullName);
  for (const FieldDef* f : s.fields_of(entity))
    if (importable(s, user, *f)) out.push_back(f->id);
  return out;
}

std::string target_label(const Schema& s, const std::string& entity, const std::string& field, Lang lang) {
  if (field == kFullName) return lang == Lang::Ru ? "ФИО (фамилия, имя, отчество)" : "Full name (last, first)";
  const FieldDef* f = s.field(entity, field);
  return f ? f->label.get(lang) : field;
}

std::vector<std::string> suggest_mapping(const Schema& s, const std::string& user, const std::string& entity,
                                         const std::vector<std::string>& header) {
  const std::vector<std::string> fields = importable_fields(s, user, entity);
  auto available = [&](const std::string& id) { return std::find(fields.begin(), fields.end(), id) != fields.end(); };
  auto repeatable = [&](const std::string& id) {
    const FieldDef* f = s.field(entity, id);
    return f && f->multiple && (f->type == FieldType::Phone || f->type == FieldType::Email);
  };
  std::vector<std::string> out(header.size());
  std::vector<std::string> used;
  auto take = [&](size_t col, const std::string& id) {
    if (!available(id)) return false;
    if (!repeatable(id) && std::find(used.begin(), used.end(), id) != used.end()) return false;
    out[col] = id;
    used.push_back(id);
    return true;
  };
  // Pass 1: ids and labels of the entity's own fields (custom fields included); pass 2: common names;
  // pass 3: phone and e-mail words inside longer headings ("Телефон рабочий", "Personal e-mail").
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string h = clean_heading(header[c]), raw = trim_cell(header[c]);
    for (const auto& id : fields) {
      if (id == kFullName) continue;
      const FieldDef* f = s.field(entity, id);
      if (raw == id || h == folded_key(f->label.ru) || h == folded_key(f->label.en)) {
        if (take(c, id)) break;
      }
    }
  }
  for (size_t c = 0; c < header.size(); ++c) {
    if (!out[c].empty()) continue;
    const std::string h = clean_heading(header[c]);
    for (const auto& syn : synonyms()) {
      bool hit = false;
      for (const char* n : syn.names) hit = hit || h == n;
      if (hit && take(c, syn.field)) break;
    }
  }
  for (size_t c = 0; c < header.size(); ++c) {
    if (!out[c].empty()) continue;
    const std::string h = clean_heading(header[c]);
    if (h.find("телефон") != std::string::npos || h.find("phone") != std::string::npos) take(c, "PHONE");
    else if (h.find("mail") != std::string::npos || h.find("почт") != std::string::npos) take(c, "EMAIL");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Cell values
// ---------------------------------------------------------------------------------------------------------

CellReader::CellReader(const Workspace& ws, std::string user, std::string entity, std::string pipeline,
                       std::string currency)
    : user_(std::move(user)), entity_(std::move(entity)), pipeline_(std::move(pipeline)), currency_(std::move(currency)) {
  for (const auto& u : ws.schema().users) users_.emplace(folded_key(u.name), u.id);
}

const std::string* CellReader::find_option(const Workspace& ws, const FieldDef& f, const std::string& text) {
  auto& index = options_[f.id];
  if (index.empty()) {
    for (const auto& o : ws.schema().options_of(f)) {
      index.emplace(folded_key(o.label.ru), o.id);
      index.emplace(folded_key(o.label.en), o.id);
      index.emplace("\x01" + o.id, o.id);
    }
  }
  auto it = index.find(folded_key(text));
  if (it == index.end()) it = index.find("\x01" + trim_cell(text));
  return it == index.end() ? nullptr : &it->second;
}

Status CellReader::find_item(const Workspace& ws, const FieldDef& f, const std::string& text, Value* out,
                             const std::function<Value(const std::string&)>* new_company) {
  std::vector<std::string> kinds = f.binding_kinds;
  if (kinds.empty())
    for (const auto& et : ws.schema().entities) kinds.push_back(et.id);
  // An item id as written by a Kartoteka export of ids, or typed by hand.
  if (const Item* it = ws.item(text); it && !it->deleted &&
                                      std::find(kinds.begin(), kinds.end(), it->entity) != kinds.end()) {
    *out = Value(it->id);
    return Status::Ok();
  }
  const std::string key = folded_key(text);
  std::vector<std::string> hits;
  for (const auto& kind : kinds) {
    auto& index = names_[kind];
    if (index.empty()) {
      index.emplace("\x01", "");  // marks the index as built, even for a kind without items
      for (const auto& id : ws.item_ids(kind))
        if (const Item* it = ws.item(id); it && !it->deleted) index.emplace(folded_key(ws.display_name(*it)), id);
    }
    auto [b, e] = index.equal_range(key);
    for (auto i = b; i != e; ++i) hits.push_back(i->second);
  }
  if (hits.size() == 1) {
    *out = Value(hits.front());
    return Status::Ok();
  }
  if (hits.size() > 1) return fail("ambiguous_item", "several items are named \"" + text + "\"", f);
  if (new_company && *new_company && std::find(kinds.begin(), kinds.end(), "company") != kinds.end()) {
    *out = (*new_company)(trim_cell(text));
    return Status::Ok();
  }
  return fail("unknown_item", "nothing is named \"" + text + "\"", f);
}

Status CellReader::read(const Workspace& ws, const FieldDef& f, const std::string& text, Value* out,
                        const std::function<Value(const std::string&)>* new_company) {
  std::string t = trim_cell(text);
  if (guarded(t)) t.erase(0, 1);
  if (t.empty()) {
    *out = Value();
    return Status::Ok();
  }
  if (!f.multiple) return read_one(ws, f, t, out, new_company);
  FieldDef single = f;
  single.multiple = false;
  Value::List list;
  auto add = [&](const Value& v) {
    if (!v.is_null() && std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  };
  const Status too_many = fail("too_many_elements", "more than " + std::to_string(kMaxValues) + " values", f);
  if (!named_type(f.type)) {
    for (const auto& part : split_any(t, separators_of(f.type))) {
      const std::string p = trim_cell(part);
      if (p.empty()) continue;
      if (list.size() >= kMaxValues) return too_many;
      Value v;
      if (auto s = read_one(ws, single, p, &v, new_company); !s) return s;
      add(v);
    }
  } else {
    // Option labels and names may hold a separator themselves ("VIP, key account"): the text is cut at every
    // separator, and from each piece on the longest run of pieces that names something is taken.
    std::vector<std::string> pieces;  // each with the separator that ends it (but the last)
    {
      std::string cur;
      for (char c : t) {
        cur += c;
        if (c == '\n' || c == ';' || c == ',') pieces.push_back(std::move(cur)), cur.clear();
      }
      pieces.push_back(std::move(cur));
    }
    constexpr size_t kLongest = 8;  // pieces one name may span
    for (size_t i = 0; i < pieces.size();) {
      std::string alone = pieces[i];
      if (!alone.empty() && (alone.back() == '\n' || alone.back() == ';' || alone.back() == ',')) alone.pop_back();
      if (trim_cell(alone).empty()) {
        ++i;
        continue;
      }
      if (list.size() >= kMaxValues) return too_many;
      size_t taken = 0;
      Value v;
      for (size_t j = std::min(pieces.size(), i + kLongest); j > i + 1 && !taken; --j) {
        std::string run;
        for (size_t k = i; k < j; ++k) run += pieces[k];
        if (!run.empty() && (run.back() == '\n' || run.back() == ';' || run.back() == ',')) run.pop_back();
        if (read_one(ws, single, trim_cell(run), &v, nullptr)) taken = j - i;
      }
      if (!taken) {
        if (auto s = read_one(ws, single, trim_cell(alone), &v, new_company); !s) return s;
        taken = 1;
      }
      add(v);
      i += taken;
    }
  }
  *out = list.empty() ? Value() : Value(std::move(list));
  return Status::Ok();
}

Status CellReader::read_one(const Workspace& ws, const FieldDef& f, const std::string& t, Value* out,
                            const std::function<Value(const std::string&)>* new_company) {
  switch (f.type) {
    case FieldType::String:
    case FieldType::Address:
    case FieldType::Link:
    case FieldType::Phone:
    case FieldType::Email:
      *out = Value(t);
      return Status::Ok();
    case FieldType::Integer:
    case FieldType::Number: return parse_input(f, t, "", out);
    case FieldType::Money: {
      // Split off a currency: "150000.00|RUB" (Bitrix), "RUB 150 000", "150 000 ₽", "$1,200", "1 200 руб."
      std::string amount = t, currency;
      if (auto bar = amount.find('|'); bar != std::string::npos) {
        currency = trim_cell(amount.substr(bar + 1));
        amount = amount.substr(0, bar);
      }
      static const std::pair<const char*, const char*> kSigns[] = {
          {"₽", "RUB"}, {"$", "USD"}, {"€", "EUR"}, {"₸", "KZT"}, {"₴", "UAH"}, {"¥", "CNY"},
          {"руб.", "RUB"}, {"руб", "RUB"}, {"р.", "RUB"}, {"usd", "USD"}, {"eur", "EUR"}, {"rub", "RUB"}};
      std::string low = fold(amount);
      for (const auto& [sign, code] : kSigns) {
        auto at = low.find(sign);
        if (at == std::string::npos) continue;
        // Byte offsets agree: fold keeps the length of ASCII and Cyrillic letters.
        amount.erase(at, std::strlen(sign));
        low.erase(at, std::strlen(sign));
        if (currency.empty()) currency = code;
        break;
      }
      // A three-letter code before or after the number.
      std::string rest;
      for (const auto& word : split_any(trim_cell(amount), " ")) {
        const bool code = word.size() == 3 && std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        if (code && currency.empty()) currency = word;
        else if (!word.empty()) rest += (rest.empty() ? "" : " ") + word;
      }
      if (rest.empty()) return fail("invalid_money", "\"" + t + "\" is not an amount", f);
      if (currency.empty()) currency = currency_;
      return parse_input(f, rest, currency, out);
    }
    case FieldType::Date: {
      if (parse_input(f, t, "", out)) return Status::Ok();
      // "26.11.2026 0:00:00", "2026-11-26T00:00:00Z": the time of a date field means nothing.
      auto cut = t.find_first_of(" T");
      if (cut != std::string::npos && parse_input(f, t.substr(0, cut), "", out)) return Status::Ok();
      return fail("invalid_date", "\"" + t + "\" is not a date", f);
    }
    case FieldType::DateTime: {
      if (parse_input(f, t, "", out)) return Status::Ok();
      std::string s = t;
      if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.pop_back();
      auto cut = s.find_first_of(" T");
      FieldDef date = f;
      date.type = FieldType::Date;
      Value d;
      if (!parse_input(date, cut == std::string::npos ? s : s.substr(0, cut), "", &d) || d.is_null())
        return fail("invalid_datetime", "\"" + t + "\" is not a date and time", f);
      int h = 0, m = 0, sec = 0;
      if (cut != std::string::npos) {
        const std::string time = trim_cell(s.substr(cut + 1));
        int n = std::sscanf(time.c_str(), "%d:%d:%d", &h, &m, &sec);
        if (n < 2 || h < 0 || h > 23 || m < 0 || m > 59)
          return fail("invalid_datetime", "\"" + t + "\" is not a date and time", f);
      }
      char buf[8];
      std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
      *out = Value(d.as_string() + "T" + buf);
      return Status::Ok();
    }
    case FieldType::Boolean: {
      static const char* kYes[] = {"да", "yes", "y", "true", "1", "+", "истина", "x", "д", "ok"};
      static const char* kNo[] = {"нет", "no", "n", "false", "0", "-", "ложь", "н"};
      const std::string k = folded_key(t);
      for (const char* y : kYes)
        if (k == y) return *out = Value(true), Status::Ok();
      for (const char* n : kNo)
        if (k == n) return *out = Value(false), Status::Ok();
      return fail("invalid_boolean", "\"" + t + "\" is neither yes nor no", f);
    }
    case FieldType::List:
    case FieldType::CrmDirectory: {
      if (const std::string* id = find_option(ws, f, t)) return *out = Value(*id), Status::Ok();
      return fail("unknown_option", "no option \"" + t + "\"", f);
    }
    case FieldType::Stage: {
      const Pipeline* p = ws.schema().pipeline(f.entity, pipeline_);
      const std::string k = folded_key(t);
      if (p)
        for (const auto& st : p->stages)
          if (st.id == t || folded_key(st.name.ru) == k || folded_key(st.name.en) == k) return *out = Value(st.id), Status::Ok();
      return fail("unknown_stage", "no stage \"" + t + "\" in the pipeline", f);
    }
    case FieldType::Employee: {
      if (ws.schema().user(t)) return *out = Value(t), Status::Ok();
      auto it = users_.find(folded_key(t));
      if (it != users_.end()) return *out = Value(it->second), Status::Ok();
      return fail("unknown_user", "no employee \"" + t + "\"", f);
    }
    case FieldType::CrmBinding: return find_item(ws, f, t, out, new_company);
    case FieldType::File: return fail("not_importable", "files cannot be imported from a table", f);
  }
  return fail("invalid_value", "\"" + t + "\" does not fit", f);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The plan
// ---------------------------------------------------------------------------------------------------------

ImportPlanner::ImportPlanner(const Workspace& ws, std::string user, ImportOptions options, std::vector<std::string> header)
    : user_(std::move(user)),
      options_(std::move(options)),
      header_(std::move(header)),
      cells_(ws, user_, options_.entity, "", options_.currency) {
  const Schema& s = ws.schema();
  const EntityType* et = s.entity(options_.entity);
  if (!et) {
    status_ = Status::Fail("unknown_entity", "no such entity type: " + options_.entity);
    return;
  }
  if (et->has_stages) {
    const Pipeline* p = options_.pipeline.empty() ? s.default_pipeline(et->id) : s.pipeline(et->id, options_.pipeline);
    if (!p) {
      status_ = Status::Fail("unknown_pipeline", "no such pipeline: " + options_.pipeline);
      return;
    }
    pipeline_ = p->id;
  }
  cells_ = CellReader(ws, user_, options_.entity, pipeline_, options_.currency);
  if (!can_add(s, user_, et->id, pipeline_)) {
    status_ = Status::Fail("forbidden", "you may not create items of this kind");
    return;
  }
  targets_.assign(header_.size(), nullptr);
  options_.columns.resize(header_.size());
  std::vector<std::string> single;
  bool any = false;
  for (size_t c = 0; c < header_.size(); ++c) {
    const std::string& id = options_.columns[c];
    if (id.empty()) continue;
    any = true;
    if (id == kFullName) {
      if (!has_full_name(s, user_, et->id)) {
        status_ = Status::Fail("unknown_field", "no full name for " + et->id, id);
        return;
      }
      continue;
    }
    const FieldDef* f = s.field(et->id, id);
    if (!f || !importable(s, user_, *f)) {
      status_ = Status::Fail("unknown_field", "column \"" + header_[c] + "\": no such field " + id, id);
      return;
    }
    if (!f->multiple) {
      if (std::find(single.begin(), single.end(), id) != single.end()) {
        status_ = Status::Fail("mapped_twice", "field " + id + " is chosen for two columns", id);
        return;
      }
      single.push_back(id);
    }
    targets_[c] = f;
  }
  if (!any) {
    status_ = Status::Fail("nothing_mapped", "no column is imported");
    return;
  }
  // Phones and e-mails of the items already there, for duplicates.
  for (const auto& id : ws.item_ids(et->id)) {
    const Item* it = ws.item(id);
    if (!it || it->deleted || !can_act(s, user_, *it, Action::Read)) continue;
    for (const auto& k : keys_of([&] {
           FieldValues v;
           for (const auto& [fid, cell] : it->fields) v.emplace_back(fid, cell.value);
           return v;
         }()))
      existing_keys_.emplace(k, id);
  }
}

std::vector<std::string> ImportPlanner::keys_of(const FieldValues& values) const { return contact_keys(values); }

void ImportPlanner::reject(size_t row, size_t line, int column, const std::string& value, const Status& why) {
  if (rejections_.size() >= kMaxRejections) return;
  Rejection r;
  r.row = row;
  r.line = line;
  r.column = column;
  if (column >= 0 && static_cast<size_t>(column) < header_.size()) r.column_name = header_[static_cast<size_t>(column)];
  r.value = value;
  r.code = why.code;
  r.message = why.message;
  rejections_.push_back(std::move(r));
}

void ImportPlanner::add_row(const Workspace& ws, size_t line, const std::vector<std::string>& cells, const std::string& error) {
  if (!status_) return;
  if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return trim_cell(c).empty(); })) return;
  const size_t row = ++rows_;
  const Schema& s = ws.schema();
  if (!error.empty()) {
    reject(row, line, -1, cells.empty() ? std::string() : cells.back(),
           Status::Fail(error, "a quoted value is not closed: the row ends at the end of its line"));
    ++rejected_rows_;
    return;
  }
  bool bad = false;
  for (size_t c = header_.size(); c < cells.size(); ++c)
    if (!trim_cell(cells[c]).empty()) {
      reject(row, line, static_cast<int>(c), cells[c],
             Status::Fail("too_many_values", "the row has " + std::to_string(cells.size()) + " values, the header " +
                                                 std::to_string(header_.size())));
      bad = true;
      break;
    }
  if (bad) {
    ++rejected_rows_;
    return;
  }

  // New companies this row would create: kept only if the row is accepted.
  std::vector<std::string> row_companies;
  std::function<Value(const std::string&)> new_company;
  if (options_.create_companies)
    new_company = [&](const std::string& name) {
      row_companies.push_back(name);
      return Value(std::string(kCompanyMark) + folded_key(name));
    };

  FieldValues values;
  std::unordered_map<std::string, int> column_of;
  // False when a multiple field would hold more than CellReader::kMaxValues (columns of phones, say).
  auto put = [&](const FieldDef& f, Value v, int col) {
    column_of.emplace(f.id, col);
    for (auto& [fid, have] : values)
      if (fid == f.id) {
        if (f.multiple) {
          Value::List list = have.elements();
          for (const auto& e : v.elements())
            if (std::find(list.begin(), list.end(), e) == list.end()) {
              if (list.size() >= CellReader::kMaxValues) return false;
              list.push_back(e);
            }
          have = Value(std::move(list));
        }
        return true;
      }
    values.emplace_back(f.id, std::move(v));
    return true;
  };
  bool has_values = false;
  for (size_t c = 0; c < header_.size() && c < cells.size(); ++c) {
    const std::string& id = options_.columns[c];
    if (id.empty()) continue;
    if (id == kFullName) {
      std::vector<std::string> words;
      for (const auto& w : split_any(trim_cell(cells[c]), " \t\n")) if (!trim_cell(w).empty()) words.push_back(trim_cell(w));
      if (words.empty()) continue;
      has_values = true;
      std::string first;
      for (size_t i = 1; i < words.size(); ++i) first += (first.empty() ? "" : " ") + words[i];
      put(*s.field(options_.entity, "LAST_NAME"), Value(words[0]), static_cast<int>(c));
      if (!first.empty()) put(*s.field(options_.entity, "NAME"), Value(first), static_cast<int>(c));
      continue;
    }
    const FieldDef* f = targets_[c];
    Value v;
    Status st = cells_.read(ws, *f, cells[c], &v, new_company ? &new_company : nullptr);
    if (!st) {
      reject(row, line, static_cast<int>(c), cells[c], st);
      bad = true;
      continue;
    }
    if (v.is_null()) continue;
    has_values = true;
    if (!put(*f, std::move(v), static_cast<int>(c))) {
      reject(row, line, static_cast<int>(c), cells[c],
             fail("too_many_elements", "more than " + std::to_string(CellReader::kMaxValues) + " values", *f));
      bad = true;
      break;
    }
  }
  if (!bad && !has_values) {
    reject(row, line, -1, "", Status::Fail("no_values", "no imported column has a value in this row"));
    bad = true;
  }
  if (bad) {
    ++rejected_rows_;
    return;
  }

  // The item as it would be created: defaults, the first stage, the values; checked by the workspace's rules.
  Item probe;
  probe.entity = options_.entity;
  probe.pipeline = pipeline_;
  for (const FieldDef* f : s.fields_of(options_.entity))
    if (!f->default_value.is_null()) probe.cell_for_write(f->id).value = f->default_value;
  if (const Pipeline* p = s.pipeline(options_.entity, pipeline_); p && !p->stages.empty())
    probe.cell_for_write("STAGE_ID").value = Value(p->stages.front().id);
  for (const auto& [fid, v] : values) probe.cell_for_write(fid).value = v;
  for (const auto& [fid, v] : values) {
    if (has_placeholder(v)) continue;
    const FieldDef* f = s.field(options_.entity, fid);
    if (Status st = ws.validate_value(*f, probe, v); !st) {
      const int col = column_of.count(fid) ? column_of[fid] : -1;
      reject(row, line, col, col >= 0 ? cells[static_cast<size_t>(col)] : std::string(), st);
      bad = true;
    }
  }
  if (!bad) {
    auto missing = missing_required(s, user_, probe, probe.get("STAGE_ID").str_or_empty());
    if (!missing.empty()) {
      std::string names, ids;
      for (const auto& m : missing) {
        const FieldDef* f = s.field(options_.entity, m);
        names += (names.empty() ? "" : ", ") + (f ? f->label.get(Lang::En) : m);
        ids += (ids.empty() ? "" : ",") + m;
      }
      // The value names the fields by id, so that the report can show their labels in the user's language.
      reject(row, line, -1, ids, Status::Fail("required_missing", "required fields are empty: " + names, missing.front()));
      bad = true;
    }
  }
  if (bad) {
    ++rejected_rows_;
    return;
  }

  for (const auto& name : row_companies) {
    const std::string key = folded_key(name);
    if (company_index_.emplace(key, company_names_.size()).second) company_names_.push_back(name);
  }
  Planned p;
  p.row = row;
  p.values = std::move(values);
  const size_t index = planned_.size();
  const auto keys = keys_of(p.values);
  for (const auto& k : keys) {
    if (auto e = existing_keys_.find(k); e != existing_keys_.end()) {
      p.existing = e->second;
      break;
    }
    if (auto e = planned_keys_.find(k); e != planned_keys_.end()) {
      p.earlier = static_cast<long>(e->second);
      break;
    }
  }
  if (!p.existing.empty()) {
    ++duplicates_;
    ++duplicates_existing_;
    for (const auto& k : keys) existing_keys_.emplace(k, p.existing);
  } else if (p.earlier >= 0) {
    ++duplicates_;
    planned_[static_cast<size_t>(p.earlier)].followers.push_back(index);
    for (const auto& k : keys) planned_keys_.emplace(k, static_cast<size_t>(p.earlier));
  } else {
    for (const auto& k : keys) planned_keys_.emplace(k, index);
  }
  planned_.push_back(std::move(p));
}

size_t ImportPlanner::would_create(DuplicateAction action) const {
  size_t n = company_names_.size();
  for (const auto& p : planned_)
    if (action == DuplicateAction::Create || (p.existing.empty() && p.earlier < 0)) ++n;
  return n;
}

std::vector<std::string> ImportPlanner::created_ids() const {
  std::vector<std::string> out;
  for (const auto& id : company_ids_)
    if (!id.empty()) out.push_back(id);
  for (const auto& id : planned_ids_)
    if (!id.empty()) out.push_back(id);
  return out;
}

size_t ImportPlanner::would_merge(DuplicateAction action) const {
  return action == DuplicateAction::Merge ? duplicates_ : 0;
}

Value ImportPlanner::resolve(const Value& v) const {
  if (v.is_list()) {
    Value::List out;
    for (const auto& e : v.as_list()) out.push_back(resolve(e));
    return Value(std::move(out));
  }
  if (!is_placeholder(v)) return v;
  auto it = company_index_.find(v.as_string().substr(std::strlen(kCompanyMark)));
  if (it == company_index_.end() || it->second >= company_ids_.size()) return Value();
  return Value(company_ids_[it->second]);
}

namespace {

// Whether a list already holds an equal value (phones and e-mails compared by their keys).
bool holds(const std::string& field, const Value::List& list, const Value& v) {
  for (const auto& e : list) {
    if (e == v) return true;
    if (field == "PHONE" && !phone_key(e.str_or_empty()).empty() && phone_key(e.str_or_empty()) == phone_key(v.str_or_empty())) return true;
    if (field == "EMAIL" && email_key(e.str_or_empty()) == email_key(v.str_or_empty())) return true;
  }
  return false;
}

}  // namespace

FieldValues ImportPlanner::merged(const Workspace& ws, const FieldValues& base, const FieldValues& extra) const {
  FieldValues out = base;
  for (const auto& [field, v] : extra) {
    const std::string& fid = field;  // (clang 14 cannot capture a structured binding)
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == fid; });
    if (it == out.end()) {
      out.emplace_back(fid, v);
      continue;
    }
    const FieldDef* f = ws.schema().field(options_.entity, fid);
    if (!f || !f->multiple) continue;
    Value::List list = it->second.elements();
    for (const auto& e : v.elements())
      if (!holds(fid, list, e)) list.push_back(e);
    it->second = Value(std::move(list));
  }
  return out;
}

std::vector<Command> ImportPlanner::next_commands(const Workspace& ws, size_t max, DuplicateAction action,
                                                  const std::function<std::string(const std::string&)>& new_id) {
  std::vector<Command> out;
  if (!status_) return out;
  company_ids_.resize(company_names_.size());
  planned_ids_.resize(planned_.size());
  const std::string prefix = options_.entity.substr(0, 2);
  const EntityType* et = ws.schema().entity(options_.entity);
  // Merges read the item as it is; two merges into one item within a batch would read it before the first
  // is applied, so a batch ends before a second merge into the same item.
  std::vector<std::string> merged_into;
  while (out.size() < max && cursor_ < steps_total()) {
    if (action == DuplicateAction::Merge && cursor_ >= company_names_.size()) {
      const Planned& next = planned_[cursor_ - company_names_.size()];
      if (!next.existing.empty() && next.earlier < 0) {
        if (std::find(merged_into.begin(), merged_into.end(), next.existing) != merged_into.end()) break;
        merged_into.push_back(next.existing);
      }
    }
    const size_t step = cursor_++;
    if (step < company_names_.size()) {
      company_ids_[step] = new_id("co");
      out.push_back(CreateItem{company_ids_[step], "company", "", {{"TITLE", Value(company_names_[step])}}});
      continue;
    }
    const size_t k = step - company_names_.size();
    Planned& p = planned_[k];
    if (action != DuplicateAction::Create && p.earlier >= 0) continue;  // merged into, or skipped with, its first row
    if (action == DuplicateAction::Skip && !p.existing.empty()) continue;
    if (action == DuplicateAction::Merge && !p.existing.empty()) {
      const Item* it = ws.item(p.existing);
      if (!it || it->deleted) continue;
      for (const auto& [fid, raw] : p.values) {
        const FieldDef* f = ws.schema().field(it->entity, fid);
        if (!f || f->type == FieldType::Stage) continue;
        const Value v = resolve(raw);
        const Value& current = it->get(fid);
        if (f->multiple) {
          Value::List list = current.elements();
          const size_t before = list.size();
          for (const auto& e : v.elements())
            if (!holds(fid, list, e)) list.push_back(e);
          if (list.size() != before) out.push_back(SetField{it->id, fid, Value(std::move(list)), {}});
        } else if (current.empty() && !v.empty()) {
          out.push_back(SetField{it->id, fid, v, {}});
        }
      }
      p.values.clear();
      continue;
    }
    FieldValues values = std::move(p.values);
    if (action == DuplicateAction::Merge)
      for (size_t f : p.followers) values = merged(ws, values, planned_[f].values);
    for (auto& [fid, v] : values) v = resolve(v);
    planned_ids_[k] = new_id(prefix);
    out.push_back(CreateItem{planned_ids_[k], options_.entity, et && et->has_stages ? pipeline_ : "", std::move(values)});
  }
  return out;
}

}  // namespace kt::io
