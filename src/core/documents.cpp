// Numerators, templates, filling a context from an item, and generating a document. Rendering lives in
// documents_render.cpp, the built-in templates in documents_defaults.cpp.
//
// Index: [Numerators] [Templates] [Context builder] [Generating]
#include "core/documents.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/calendar.hpp"
#include "core/command.hpp"
#include "core/format.hpp"
#include "core/rights.hpp"
#include "core/workspace.hpp"

namespace kt {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Numerators
// ---------------------------------------------------------------------------------------------------------

namespace {

constexpr std::int64_t kMinuteMs = 60000;
const char* kPatternTokens[] = {"NUMBER", "YEAR", "MONTH", "DAY"};

bool one_character(const std::string& s) {
  if (s.empty()) return false;
  unsigned char c = static_cast<unsigned char>(s[0]);
  size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len != s.size()) return false;
  for (size_t i = 1; i < len; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return false;
  return true;
}

// Calls `literal` for text and `token` for each {TOKEN}; returns an error for braces that do not pair.
template <class Literal, class Token>
std::string scan_pattern(const std::string& pattern, Literal literal, Token token) {
  size_t i = 0;
  while (i < pattern.size()) {
    size_t open = pattern.find_first_of("{}", i);
    if (open == std::string::npos) {
      literal(pattern.substr(i));
      break;
    }
    if (pattern[open] == '}') return "the pattern has a \"}\" without \"{\"";
    size_t close = pattern.find('}', open);
    if (close == std::string::npos) return "the pattern has a \"{\" without \"}\"";
    literal(pattern.substr(i, open - i));
    std::string err = token(pattern.substr(open + 1, close - open - 1));
    if (!err.empty()) return err;
    i = close + 1;
  }
  return {};
}

}  // namespace

std::string check_numerator(const Numerator& n, std::string* code) {
  auto refuse = [&](const char* why_code, std::string why) {
    if (code) *code = why_code;
    return why;
  };
  if (n.id.empty()) return refuse("invalid_id", "a numerator needs an id");
  if (n.step < 1) return refuse("numerator_step", "the step must be at least 1 (it is " + std::to_string(n.step) + ")");
  if (n.start < 1) return refuse("numerator_start", "the first number must be at least 1 (it is " + std::to_string(n.start) + ")");
  if (n.length < 0) return refuse("numerator_length", "the number length cannot be negative (it is " + std::to_string(n.length) + ")");
  if (n.length > 20) return refuse("numerator_length", "the number length cannot exceed 20 digits (it is " + std::to_string(n.length) + ")");
  if (!one_character(n.pad)) return refuse("numerator_pad", "the padding must be exactly one character (it is \"" + n.pad + "\")");
  if (n.periodic != "" && n.periodic != "year" && n.periodic != "month" && n.periodic != "day")
    return refuse("numerator_period", "unknown reset period \"" + n.periodic + "\": use \"\", \"year\", \"month\" or \"day\"");
  if (n.pattern.empty()) return refuse("numerator_no_number", "the pattern is empty: it needs at least {NUMBER}");
  std::set<std::string> used;
  std::string err = scan_pattern(
      n.pattern, [](const std::string&) {},
      [&](const std::string& t) -> std::string {
        for (const char* known : kPatternTokens)
          if (t == known) {
            used.insert(t);
            return {};
          }
        return "unknown token {" + t + "} in the pattern: use {NUMBER}, {YEAR}, {MONTH} or {DAY}";
      });
  if (!err.empty()) return refuse("numerator_token", err);
  if (!used.count("NUMBER")) return refuse("numerator_no_number", "the pattern needs {NUMBER}");
  // A counter that restarts must be told apart by the period, or two documents get the same number.
  auto needs = [&](const char* token) { return !used.count(token); };
  if (n.periodic == "year" && needs("YEAR"))
    return refuse("numerator_reset_year", "a yearly reset needs {YEAR} in the pattern, or numbers would repeat");
  if (n.periodic == "month" && (needs("YEAR") || needs("MONTH")))
    return refuse("numerator_reset_month", "a monthly reset needs {YEAR} and {MONTH} in the pattern, or numbers would repeat");
  if (n.periodic == "day" && (needs("YEAR") || needs("MONTH") || needs("DAY")))
    return refuse("numerator_reset_day", "a daily reset needs {YEAR}, {MONTH} and {DAY} in the pattern, or numbers would repeat");
  return {};
}

std::string period_key(const std::string& periodic, std::int64_t date_ms, int tz_offset_min) {
  if (periodic.empty()) return {};
  const Date d = utc_from_ms(date_ms + static_cast<std::int64_t>(tz_offset_min) * kMinuteMs).date;
  char buf[32];
  if (periodic == "year") std::snprintf(buf, sizeof buf, "%04d", d.year);
  else if (periodic == "month") std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  else std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

NextNumber next_number(const Numerator& n, const NumeratorState& state, std::int64_t date_ms, int tz_offset_min) {
  const std::string key = period_key(n.periodic, date_ms, tz_offset_min);
  const std::int64_t step = std::max<std::int64_t>(n.step, 1);
  // The number after `last` (0 = nothing issued in that count yet).
  auto after = [&](std::int64_t last) { return last <= 0 ? n.start : std::max(last + step, n.start); };
  auto earlier_last = [&](const std::string& k) {
    auto it = state.earlier.find(k);
    return it == state.earlier.end() ? std::int64_t{0} : it->second;
  };

  NumeratorState next = state;
  std::int64_t value = 0;
  if (n.periodic.empty() || state.period_key.empty() || key == state.period_key) {
    // One running count: not periodic, the same period, a fresh counter, or a counter that was not periodic
    // before (it keeps counting, so numbers issued under the old settings are not repeated).
    value = state.last > 0 ? after(state.last) : after(earlier_last(key));
    next.last = value;
    next.period_key = key;
  } else if (key > state.period_key) {  // ISO keys: a later period
    next.earlier[state.period_key] = state.last;
    value = after(earlier_last(key));
    next.earlier.erase(key);
    next.last = value;
    next.period_key = key;
  } else {  // a back-dated document: its own period's count goes on; the latest period is untouched
    value = after(earlier_last(key));
    next.earlier[key] = value;
  }

  std::string digits = std::to_string(value);
  std::string padded;
  for (int i = static_cast<int>(digits.size()); i < n.length; ++i) padded += n.pad.empty() ? "0" : n.pad;
  padded += digits;

  const Date d = utc_from_ms(date_ms + static_cast<std::int64_t>(tz_offset_min) * kMinuteMs).date;
  char year[8], month[4], day[4];
  std::snprintf(year, sizeof year, "%04d", d.year);
  std::snprintf(month, sizeof month, "%02d", d.month);
  std::snprintf(day, sizeof day, "%02d", d.day);

  NextNumber out;
  scan_pattern(
      n.pattern, [&](const std::string& s) { out.number += s; },
      [&](const std::string& t) -> std::string {
        if (t == "NUMBER") out.number += padded;
        else if (t == "YEAR") out.number += year;
        else if (t == "MONTH") out.number += month;
        else if (t == "DAY") out.number += day;
        return {};
      });
  out.next = std::move(next);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Templates
// ---------------------------------------------------------------------------------------------------------

std::string check_template(const DocTemplate& t, TemplateFault* fault) {
  auto refuse = [&](const char* code, std::string why) {
    if (fault) *fault = TemplateFault{0, code, {}, why};
    return why;
  };
  if (t.id.empty()) return refuse("invalid_id", "a template needs an id");
  if (t.name.empty()) return refuse("name_empty", "a template needs a name");
  if (t.region != "ru" && t.region != "en") return refuse("tpl_region", "unknown region \"" + t.region + "\": use \"ru\" or \"en\"");
  if (t.targets.empty()) return refuse("tpl_targets", "a template needs at least one entity type it applies to");
  for (const auto& target : t.targets)
    if (target.entity.empty()) return refuse("tpl_targets", "a template target has no entity type");
  if (t.body.empty()) return refuse("tpl_empty", "the template is empty");
  std::vector<TemplateFault> faults = template_faults(t.body);
  if (faults.empty()) return {};
  if (fault) *fault = faults.front();
  return "the template is broken: " + faults.front().where();
}

Lang region_lang(const std::string& region) { return region == "en" ? Lang::En : Lang::Ru; }

bool applies_to(const DocTemplate& t, const std::string& entity, const std::string& pipeline) {
  return std::any_of(t.targets.begin(), t.targets.end(), [&](const TemplateTarget& x) {
    return x.entity == entity && (x.pipeline.empty() || x.pipeline == pipeline);
  });
}

bool can_use_template(const Schema& s, const std::string& user, const DocTemplate& t) {
  if (is_admin(s, user)) return true;
  const User* u = s.user(user);
  if (!u || !u->active) return false;
  if (!t.created_by.empty() && t.created_by == user) return true;
  if (std::find(t.access.begin(), t.access.end(), "UA") != t.access.end()) return true;
  return matches_codes(s, user, t.access);
}

std::vector<const DocTemplate*> templates_for(const std::vector<DocTemplate>& all, const Schema& s,
                                              const std::string& user, const Item& item) {
  std::vector<const DocTemplate*> out;
  for (const auto& t : all)
    if (t.active && applies_to(t, item.entity, item.pipeline) && can_use_template(s, user, t)) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [](const DocTemplate* a, const DocTemplate* b) {
    if (a->sort != b->sort) return a->sort < b->sort;
    return a->name.get(region_lang(a->region)) < b->name.get(region_lang(b->region));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Context builder
// ---------------------------------------------------------------------------------------------------------

namespace {

DocValueKind kind_of(const FieldDef& f) {
  if (f.multiple) return DocValueKind::Text;
  switch (f.type) {
    case FieldType::Integer:
    case FieldType::Number: return DocValueKind::Number;
    case FieldType::Money: return DocValueKind::Money;
    case FieldType::Date: return DocValueKind::Date;
    case FieldType::DateTime: return DocValueKind::DateTime;
    default: return DocValueKind::Text;
  }
}

struct ProductColumn {
  const char* name;
  Labels title;
  DocValueKind kind;
};

const std::vector<ProductColumn>& product_columns() {
  static const std::vector<ProductColumn> kColumns = {
      {"INDEX", {"Номер строки", "Row number"}, DocValueKind::Number},
      {"Name", {"Наименование", "Name"}, DocValueKind::Text},
      {"Price", {"Цена", "Price"}, DocValueKind::Money},
      {"FinalPrice", {"Цена со скидкой", "Price after discount"}, DocValueKind::Money},
      {"Quantity", {"Количество", "Quantity"}, DocValueKind::Number},
      {"Unit", {"Единица измерения", "Unit"}, DocValueKind::Text},
      {"Discount", {"Скидка, %", "Discount, %"}, DocValueKind::Number},
      {"DiscountSum", {"Сумма скидки", "Discount amount"}, DocValueKind::Money},
      {"TaxRate", {"Ставка НДС, %", "VAT rate, %"}, DocValueKind::Number},
      {"Tax", {"Сумма НДС", "VAT amount"}, DocValueKind::Money},
      {"Sum", {"Сумма (после скидки, как указана цена)", "Amount (after discount, as priced)"},
       DocValueKind::Money},
      {"Total", {"Сумма с НДС", "Amount with VAT"}, DocValueKind::Money},
  };
  return kColumns;
}

class ContextBuilder {
 public:
  ContextBuilder(const Schema& s, const ItemLookup& lookup, const std::string& user, DocContext& ctx,
                 std::vector<PlaceholderInfo>* catalogue)
      : s_(s), lookup_(lookup), user_(user), ctx_(ctx), catalogue_(catalogue) {}

  void build(const Item& item, const MyCompany& me) {
    const Item* company = item.entity == "company" ? &item : nullptr;
    std::vector<const Item*> contacts;
    if (item.entity == "contact") contacts.push_back(&item);
    for (const FieldDef* f : s_.fields_of(item.entity)) {
      if (f->type != FieldType::CrmBinding || !can_see_field(s_, user_, *f)) continue;
      link_deps_.push_back(field_dep(item.entity, f->id));  // which client it is comes from these
      for (const auto& v : item.get(f->id).elements()) {
        const Item* r = readable(v.str_or_empty());
        if (!r) continue;
        if (r->entity == "company" && !company) company = r;
        if (r->entity == "contact" && std::find(contacts.begin(), contacts.end(), r) == contacts.end())
          contacts.push_back(r);
      }
    }
    const Item* contact = contacts.empty() ? nullptr : contacts.front();
    company_deps_ = related_deps(item, company);
    contact_deps_ = related_deps(item, contact);

    // Ids first, then aliases, then labels: an earlier name is never overwritten by a later one.
    fields("", "", item.entity, &item, {});
    fields("Company.", t("Компания", "Company"), "company", company, company_deps_);
    fields("Contact.", t("Контакт", "Contact"), "contact", contact, contact_deps_);
    item_aliases(item);
    client_aliases(item, company, contact);
    my_company(me);
    document_meta();
    products(item);
    contacts_table(item, contacts);
    labels("", "", item.entity);
    labels("Company.", t("Компания", "Company"), "company");
    labels("Contact.", t("Контакт", "Contact"), "contact");
  }

 private:
  std::string t(const char* ru, const char* en) const { return ctx_.lang == Lang::Ru ? ru : en; }

  using Deps = std::vector<std::string>;  // DocContext::deps

  static std::string field_dep(const std::string& entity, const std::string& field) {
    return "F:" + entity + "." + field;
  }
  static void add(Deps& to, const Deps& more) { to.insert(to.end(), more.begin(), more.end()); }
  static Deps joined(Deps a, const Deps& b) {
    add(a, b);
    return a;
  }

  // What finding a related item (the client) shows: the binding fields looked at, and the item itself.
  Deps related_deps(const Item& item, const Item* related) const {
    if (!related) return {};
    Deps d = link_deps_;
    if (related != &item) d.push_back("I:" + related->id);
    return d;
  }

  // The fields visible_name() reads.
  Deps name_deps(const Item& it) const {
    if (it.entity == "contact") return {field_dep("contact", "LAST_NAME"), field_dep("contact", "NAME")};
    const EntityType* et = s_.entity(it.entity);
    return {field_dep(it.entity, et ? et->title_field : "TITLE")};
  }

  void put(const std::string& name, DocValue v, const std::string& title, DocValueKind kind, Deps deps = {}) {
    if (ctx_.values.count(name)) return;
    if (catalogue_) catalogue_->push_back({name, title, kind});
    ctx_.values.emplace(name, std::move(v));
    if (!deps.empty()) ctx_.deps[name] = std::move(deps);
  }

  const Deps& deps_of(const std::string& name) const {
    static const Deps kNone;
    auto it = ctx_.deps.find(name);
    return it == ctx_.deps.end() ? kNone : it->second;
  }

  // A copy of an earlier value under another name (an alias), or Empty when there is none.
  void alias(const std::string& name, const std::string& of, const std::string& title, DocValueKind kind) {
    auto it = ctx_.values.find(of);
    put(name, it == ctx_.values.end() ? DocValue{} : it->second, title, kind, deps_of(of));
  }

  void text(const std::string& name, const std::string& value, const std::string& title, Deps deps = {}) {
    put(name, value.empty() ? DocValue{} : DocValue::of_text(value), title, DocValueKind::Text, std::move(deps));
  }

  const Item* readable(const std::string& id) const {
    if (id.empty() || !lookup_) return nullptr;
    const Item* it = lookup_(id);
    if (!it || it->deleted || !can_act(s_, user_, *it, Action::Read)) return nullptr;
    return it;
  }

  bool visible(const std::string& entity, const std::string& field) const {
    const FieldDef* f = s_.field(entity, field);
    return f && can_see_field(s_, user_, *f);
  }

  const std::string& visible_str(const Item& it, const std::string& field) const {
    static const std::string kNone;
    return visible(it.entity, field) ? it.get(field).str_or_empty() : kNone;
  }

  // The name of an item as the user may see it: "Last First" for contacts, else the title field.
  std::string visible_name(const Item& it) const {
    if (it.entity == "contact") {
      const std::string& last = visible_str(it, "LAST_NAME");
      const std::string& first = visible_str(it, "NAME");
      return last.empty() || first.empty() ? last + first : last + " " + first;
    }
    const EntityType* et = s_.entity(it.entity);
    return visible_str(it, et ? et->title_field : "TITLE");
  }

  // A single (non-list) value of field f as a typed document value; what it shows of other items goes to
  // `deps`.
  DocValue single(const FieldDef& f, const Value& v, Deps& deps) const {
    const Lang lang = ctx_.lang;
    switch (f.type) {
      case FieldType::Integer:
        if (v.is_int()) return DocValue::of_number(static_cast<double>(v.as_int()), 0);
        if (v.is_double()) return DocValue::of_number(v.as_double(), 0);
        return {};
      case FieldType::Number:
        if (v.is_double()) return DocValue::of_number(v.as_double(), f.precision);
        if (v.is_int()) return DocValue::of_number(static_cast<double>(v.as_int()), f.precision);
        return {};
      case FieldType::Boolean:
        if (!v.is_bool()) return {};
        return DocValue::of_text(v.as_bool() ? t("Да", "Yes") : t("Нет", "No"));
      case FieldType::Date: {
        Date d;
        if (parse_iso_date(v.str_or_empty(), &d)) return DocValue::of_date(v.as_string());
        return DocValue::of_text(v.str_or_empty());
      }
      case FieldType::DateTime: {
        DateTime dt;
        if (parse_iso_datetime(v.str_or_empty(), &dt)) return DocValue::of_datetime(ms_from_utc(dt));
        return DocValue::of_text(v.str_or_empty());
      }
      case FieldType::Money: return v.is_money() ? DocValue::of_money(v.as_money()) : DocValue{};
      case FieldType::File: return v.is_file() ? DocValue::of_text(v.as_file().name) : DocValue{};
      case FieldType::List:
      case FieldType::CrmDirectory:
        for (const auto& o : s_.options_of(f))
          if (o.id == v.str_or_empty()) return DocValue::of_text(o.label.get(lang));
        return DocValue::of_text(v.str_or_empty());
      case FieldType::Employee: {
        const User* u = s_.user(v.str_or_empty());
        return DocValue::of_text(u ? u->name : v.str_or_empty());
      }
      case FieldType::CrmBinding: {
        const Item* r = readable(v.str_or_empty());
        if (!r) return {};
        deps.push_back("I:" + r->id);
        add(deps, name_deps(*r));
        return DocValue::of_text(visible_name(*r));
      }
      case FieldType::Stage:
        for (const auto* p : s_.pipelines_of(f.entity))
          if (const Stage* st = p->stage(v.str_or_empty())) return DocValue::of_text(st->name.get(lang));
        return DocValue::of_text(v.str_or_empty());
      default: return DocValue::of_text(v.str_or_empty());
    }
  }

  DocValue value_of(const FieldDef& f, const Value& v, Deps& deps) const {
    if (v.empty()) return {};
    if (!v.is_list()) return single(f, v, deps);
    std::vector<DocValue> parts;
    for (const auto& e : v.as_list())
      if (!e.empty()) parts.push_back(single(f, e, deps));
    if (parts.size() == 1) return parts.front();
    // Several values become one text ("+7 495 ..., +7 916 ...").
    std::string joined;
    for (const auto& p : parts) {
      std::string s = format_doc_value(p, {}, ctx_, nullptr);
      if (s.empty()) continue;
      if (!joined.empty()) joined += ", ";
      joined += s;
    }
    return joined.empty() ? DocValue{} : DocValue::of_text(joined);
  }

  // Every field of `entity` under prefix+id; Empty when there is no item or the user may not see the field.
  // `base`: what finding the item shows.
  void fields(const std::string& prefix, const std::string& title_prefix, const std::string& entity,
              const Item* it, const Deps& base) {
    for (const FieldDef* f : s_.fields_of(entity)) {
      DocValue v;
      Deps deps;
      if (it && can_see_field(s_, user_, *f)) {
        deps = base;
        deps.push_back(field_dep(entity, f->id));
        v = value_of(*f, it->get(f->id), deps);
      }
      put(prefix + f->id, std::move(v), titled(title_prefix, f->label.get(ctx_.lang)), kind_of(*f), std::move(deps));
    }
  }

  void labels(const std::string& prefix, const std::string& title_prefix, const std::string& entity) {
    for (const FieldDef* f : s_.fields_of(entity))
      for (const std::string* l : {&f->label.ru, &f->label.en})
        if (is_placeholder_name(*l)) alias(prefix + *l, prefix + f->id, titled(title_prefix, *l), kind_of(*f));
  }

  static std::string titled(const std::string& prefix, const std::string& title) {
    return prefix.empty() ? title : prefix + ": " + title;
  }

  void item_aliases(const Item& item) {
    text("Title", visible_name(item), t("Название", "Title"), name_deps(item));
    alias("Amount", "OPPORTUNITY_WITH_CURRENCY", t("Сумма", "Amount"), DocValueKind::Money);
    const Value& amount = item.get("OPPORTUNITY_WITH_CURRENCY");
    text("Currency",
         amount.is_money() && visible(item.entity, "OPPORTUNITY_WITH_CURRENCY") ? amount.as_money().currency : "",
         t("Валюта", "Currency"), {field_dep(item.entity, "OPPORTUNITY_WITH_CURRENCY")});
    alias("Stage", "STAGE_ID", t("Стадия", "Stage"), DocValueKind::Text);
    alias("Responsible", "ASSIGNED_BY_ID", t("Ответственный", "Responsible"), DocValueKind::Text);
    put("CreatedTime", item.created_ms ? DocValue::of_datetime(item.created_ms) : DocValue{},
        t("Дата создания", "Created on"), DocValueKind::DateTime);
  }

  void client_aliases(const Item& item, const Item* company, const Item* contact) {
    alias("Company.Name", "Company.TITLE", t("Компания: название", "Company: name"), DocValueKind::Text);
    alias("Company.Phone", "Company.PHONE", t("Компания: телефон", "Company: phone"), DocValueKind::Text);
    alias("Company.Email", "Company.EMAIL", t("Компания: e-mail", "Company: e-mail"), DocValueKind::Text);
    alias("Company.Address", "Company.ADDRESS", t("Компания: адрес", "Company: address"), DocValueKind::Text);
    text("Contact.Name", contact ? visible_name(*contact) : "", t("Контакт: фамилия и имя", "Contact: full name"),
         contact ? joined(contact_deps_, name_deps(*contact)) : Deps{});
    alias("Contact.FirstName", "Contact.NAME", t("Контакт: имя", "Contact: first name"), DocValueKind::Text);
    alias("Contact.LastName", "Contact.LAST_NAME", t("Контакт: фамилия", "Contact: last name"), DocValueKind::Text);
    alias("Contact.Post", "Contact.POST", t("Контакт: должность", "Contact: position"), DocValueKind::Text);
    alias("Contact.Phone", "Contact.PHONE", t("Контакт: телефон", "Contact: phone"), DocValueKind::Text);
    alias("Contact.Email", "Contact.EMAIL", t("Контакт: e-mail", "Contact: e-mail"), DocValueKind::Text);

    // The client: the company, else the contact; a lead without either names itself. Which one it is
    // shows that the ones before it are empty: it shows what they show.
    Deps deps = link_deps_;
    auto first_of = [&](std::initializer_list<const char*> names) {
      for (const char* n : names) {
        add(deps, deps_of(n));
        auto it = ctx_.values.find(n);
        if (it != ctx_.values.end() && it->second.kind != DocValueKind::Empty) return it->second;
      }
      return DocValue{};
    };
    DocValue name = first_of({"Company.Name", "Contact.Name"});
    if (name.kind == DocValueKind::Empty && !company && !contact && item.entity == "lead") {
      for (const char* f : {"COMPANY_TITLE", "LAST_NAME", "NAME"}) deps.push_back(field_dep(item.entity, f));
      std::string own = visible_str(item, "COMPANY_TITLE");
      if (own.empty()) {
        const std::string& last = visible_str(item, "LAST_NAME");
        const std::string& first = visible_str(item, "NAME");
        own = last.empty() || first.empty() ? last + first : last + " " + first;
      }
      if (!own.empty()) name = DocValue::of_text(own);
    }
    const bool self = !company && !contact;  // a lead's own phone, e-mail and address
    put("Client.Name", name, t("Клиент: название или имя", "Client: name"), DocValueKind::Text, deps);
    deps = link_deps_;
    DocValue phone = self ? first_of({"PHONE"}) : first_of({"Company.Phone", "Contact.Phone"});
    put("Client.Phone", phone, t("Клиент: телефон", "Client: phone"), DocValueKind::Text, deps);
    deps = link_deps_;
    DocValue email = self ? first_of({"EMAIL"}) : first_of({"Company.Email", "Contact.Email"});
    put("Client.Email", email, t("Клиент: e-mail", "Client: e-mail"), DocValueKind::Text, deps);
    deps = link_deps_;
    DocValue address = self ? first_of({"ADDRESS"}) : first_of({"Company.Address", "Contact.ADDRESS"});
    put("Client.Address", address, t("Клиент: адрес", "Client: address"), DocValueKind::Text, deps);
  }

  void my_company(const MyCompany& me) {
    text("MyCompany.Name", me.name, t("Моя компания: название", "My company: name"));
    text("MyCompany.INN", me.inn, t("Моя компания: ИНН", "My company: tax id (INN)"));
    text("MyCompany.KPP", me.kpp, t("Моя компания: КПП", "My company: KPP"));
    text("MyCompany.OGRN", me.ogrn, t("Моя компания: ОГРН", "My company: OGRN"));
    text("MyCompany.Address", me.address, t("Моя компания: адрес", "My company: address"));
    text("MyCompany.Phone", me.phone, t("Моя компания: телефон", "My company: phone"));
    text("MyCompany.Email", me.email, t("Моя компания: e-mail", "My company: e-mail"));
    text("MyCompany.BankName", me.bank, t("Моя компания: банк", "My company: bank"));
    text("MyCompany.BIK", me.bik, t("Моя компания: БИК", "My company: BIK"));
    text("MyCompany.Account", me.account, t("Моя компания: расчётный счёт", "My company: account"));
    text("MyCompany.CorrAccount", me.corr_account,
         t("Моя компания: корреспондентский счёт", "My company: correspondent account"));
    text("MyCompany.Director", me.director, t("Моя компания: руководитель", "My company: director"));
    text("MyCompany.Accountant", me.accountant, t("Моя компания: бухгалтер", "My company: accountant"));
  }

  void document_meta() {
    put("DocumentNumber", {}, t("Номер документа", "Document number"), DocValueKind::Text);
    put("DocumentCreateTime", {}, t("Дата создания документа", "Document date"), DocValueKind::DateTime);
    put("DocumentTitle", {}, t("Название документа", "Document title"), DocValueKind::Text);
  }

  void products(const Item& item) {
    const Value& amount = item.get("OPPORTUNITY_WITH_CURRENCY");
    const std::string currency =
        amount.is_money() && !amount.as_money().currency.empty() ? amount.as_money().currency : "RUB";
    // The amount usually follows the products: when the user may not see the amount, every sum and price
    // of the rows stays empty too (names, quantities and rates remain).
    const bool amounts = !s_.field(item.entity, "OPPORTUNITY_WITH_CURRENCY") ||
                         visible(item.entity, "OPPORTUNITY_WITH_CURRENCY");
    auto money = [&](std::int64_t minor) {
      return amounts ? DocValue::of_money(Money{minor, currency}) : DocValue{};
    };
    // Every sum and price follows the amount (and the totals of an item without rows are the amount).
    const Deps sums = s_.field(item.entity, "OPPORTUNITY_WITH_CURRENCY") && amounts
                          ? Deps{field_dep(item.entity, "OPPORTUNITY_WITH_CURRENCY")}
                          : Deps{};
    if (!sums.empty()) ctx_.deps["Products"] = sums;

    std::vector<DocRow>& rows = ctx_.tables["Products"];
    std::int64_t subtotal = 0, discount = 0, tax = 0, total = 0;
    std::set<double> rates;
    bool all_included = true;
    for (size_t i = 0; i < item.products.size(); ++i) {
      const ProductRow& p = item.products[i];
      const std::int64_t row_tax_sum = row_tax(p), row_sum = row_total(p);
      const std::int64_t sum = p.tax_included ? row_sum : row_sum - row_tax_sum;
      const std::int64_t disc = std::llround(static_cast<double>(p.price) * p.quantity * p.discount_percent / 100.0);
      DocRow r;
      r["INDEX"] = DocValue::of_number(static_cast<double>(i + 1), 0);
      r["Name"] = p.name.empty() ? DocValue{} : DocValue::of_text(p.name);
      r["Price"] = money(p.price);
      r["FinalPrice"] = money(std::llround(static_cast<double>(p.price) * (1.0 - p.discount_percent / 100.0)));
      r["Quantity"] = DocValue::of_number(p.quantity);
      r["Unit"] = p.unit.empty() ? DocValue{} : DocValue::of_text(p.unit);
      r["Discount"] = DocValue::of_number(p.discount_percent);
      r["DiscountSum"] = money(disc);
      r["TaxRate"] = DocValue::of_number(p.tax_rate);
      r["Tax"] = money(row_tax_sum);
      r["Sum"] = money(sum);
      r["Total"] = money(row_sum);
      rows.push_back(std::move(r));
      subtotal += sum;
      discount += disc;
      tax += row_tax_sum;
      total += row_sum;
      if (row_tax_sum != 0) {
        rates.insert(p.tax_rate);
        all_included = all_included && p.tax_included;
      }
    }
    // An item without product rows is billed its amount, as Bitrix does: one sum, no tax.
    if (item.products.empty() && amount.is_money()) subtotal = total = amount.as_money().minor;
    if (catalogue_) {
      catalogue_->push_back({"Products", t("Товары (таблица)", "Products (table)"), DocValueKind::Table});
      for (const auto& c : product_columns())
        catalogue_->push_back({std::string("Products.") + c.name, titled(t("Товары", "Products"), c.title.get(ctx_.lang)), c.kind});
    }
    // The lines billed: the product rows, or the amount's one line ("Всего наименований 1" under it).
    const size_t billed = item.products.empty() && amount.is_money() ? 1 : item.products.size();
    put("TotalRows", DocValue::of_number(static_cast<double>(billed), 0),
        t("Количество наименований", "Number of lines billed"), DocValueKind::Number);
    put("TotalSubtotal", money(subtotal), t("Итого по строкам", "Subtotal of the rows"), DocValueKind::Money, sums);
    put("TotalDiscount", money(discount), t("Сумма скидок", "Total discount"), DocValueKind::Money, sums);
    put("TotalTax", money(tax), t("Сумма НДС", "Total VAT"), DocValueKind::Money, sums);
    put("TotalSum", money(total), t("Всего к оплате", "Total to pay"), DocValueKind::Money, sums);
    std::string tax_title;
    if (!amounts) {
      tax_title.clear();
    } else if (tax == 0) {
      tax_title = t("Без НДС", "No VAT");
    } else {
      tax_title = all_included ? t("В том числе НДС", "Including VAT") : t("НДС", "VAT");
      if (rates.size() == 1) tax_title += " " + format_number(*rates.begin(), -1, ctx_.lang) + "%";
    }
    put("TotalTaxTitle", tax_title.empty() ? DocValue{} : DocValue::of_text(tax_title), t("Подпись строки НДС", "Caption of the VAT line"),
        DocValueKind::Text, sums);
  }

  void contacts_table(const Item& item, const std::vector<const Item*>& contacts) {
    std::vector<DocRow>& rows = ctx_.tables["Contacts"];
    Deps deps = link_deps_;
    if (!contacts.empty())
      for (const char* f : {"LAST_NAME", "NAME", "POST", "PHONE", "EMAIL"}) deps.push_back(field_dep("contact", f));
    for (const Item* c : contacts) {
      if (c != &item) deps.push_back("I:" + c->id);
      DocRow r;
      const std::string name = visible_name(*c);
      r["Name"] = name.empty() ? DocValue{} : DocValue::of_text(name);
      static const std::pair<const char*, const char*> kColumns[] = {{"Post", "POST"}, {"Phone", "PHONE"}, {"Email", "EMAIL"}};
      for (const auto& [column, field] : kColumns) {
        const FieldDef* f = s_.field("contact", field);
        r[column] = f && can_see_field(s_, user_, *f) ? value_of(*f, c->get(field), deps) : DocValue{};
      }
      rows.push_back(std::move(r));
    }
    if (!deps.empty()) ctx_.deps["Contacts"] = std::move(deps);
    if (catalogue_) {
      catalogue_->push_back({"Contacts", t("Контакты (таблица)", "Contacts (table)"), DocValueKind::Table});
      catalogue_->push_back({"Contacts.INDEX", t("Контакты: номер строки", "Contacts: row number"), DocValueKind::Number});
      catalogue_->push_back({"Contacts.Name", t("Контакты: фамилия и имя", "Contacts: full name"), DocValueKind::Text});
      catalogue_->push_back({"Contacts.Post", t("Контакты: должность", "Contacts: position"), DocValueKind::Text});
      catalogue_->push_back({"Contacts.Phone", t("Контакты: телефон", "Contacts: phone"), DocValueKind::Text});
      catalogue_->push_back({"Contacts.Email", t("Контакты: e-mail", "Contacts: e-mail"), DocValueKind::Text});
    }
  }

  const Schema& s_;
  const ItemLookup& lookup_;
  const std::string& user_;
  DocContext& ctx_;
  std::vector<PlaceholderInfo>* catalogue_;
  Deps link_deps_;                    // the item's visible binding fields
  Deps company_deps_, contact_deps_;  // what finding the company and the first contact shows
};

}  // namespace

DocContext make_context(const Schema& s, const Item& item, const ItemLookup& lookup, const std::string& user,
                        const MyCompany& me, Lang lang, int tz_offset_min) {
  DocContext ctx;
  ctx.lang = lang;
  ctx.tz_offset_min = tz_offset_min;
  ContextBuilder(s, lookup, user, ctx, nullptr).build(item, me);
  return ctx;
}

DocContext make_context(const Workspace& ws, const Item& item, const std::string& user, const MyCompany& me,
                        Lang lang, int tz_offset_min) {
  ItemLookup lookup = [&ws](const std::string& id) { return ws.item(id); };
  return make_context(ws.schema(), item, lookup, user, me, lang, tz_offset_min);
}

void set_document_meta(DocContext& ctx, const std::string& number, std::int64_t created_ms,
                       const std::string& title) {
  ctx.values["DocumentNumber"] = number.empty() ? DocValue{} : DocValue::of_text(number);
  ctx.values["DocumentCreateTime"] = DocValue::of_datetime(created_ms);
  ctx.values["DocumentTitle"] = title.empty() ? DocValue{} : DocValue::of_text(title);
}

std::vector<PlaceholderInfo> placeholders_for(const Schema& s, const std::string& entity, Lang lang) {
  Item blank;
  blank.entity = entity;
  DocContext ctx;
  ctx.lang = lang;
  std::vector<PlaceholderInfo> out;
  ItemLookup none;
  ContextBuilder(s, none, std::string(), ctx, &out).build(blank, MyCompany{});
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Generating
// ---------------------------------------------------------------------------------------------------------

RenderedDocument render_document(const DocTemplate& t, DocContext ctx, const std::string& number,
                                 std::int64_t date_ms) {
  RenderedDocument out;
  ctx.lang = region_lang(t.region);
  out.title = t.name.get(ctx.lang);
  if (!number.empty()) out.title += (ctx.lang == Lang::Ru ? " № " : " No. ") + number;
  set_document_meta(ctx, number, date_ms, out.title);
  RenderResult r = render(t.body, ctx);
  if (!r.ok()) {
    out.status = Status::Fail("invalid_template", "template \"" + t.id + "\" is broken: " + r.errors.front());
    return out;
  }
  out.html = std::move(r.html);
  out.warnings = std::move(r.warnings);
  std::set<std::string> uses;
  for (const auto& name : r.used)
    if (auto d = ctx.deps.find(name); d != ctx.deps.end()) uses.insert(d->second.begin(), d->second.end());
  out.uses.assign(uses.begin(), uses.end());
  return out;
}

RenderedDocument render_document(const Workspace& ws, const std::string& user, const std::string& item_id,
                                 const DocTemplate& t, const MyCompany& me, const std::string& number,
                                 std::int64_t date_ms, int tz_offset_min) {
  RenderedDocument out;
  const Schema& s = ws.schema();
  const Item* item = ws.item(item_id);
  if (!item || item->deleted) {
    out.status = Status::Fail("not_found", "no item \"" + item_id + "\"");
    return out;
  }
  if (!can_act(s, user, *item, Action::Read)) {
    out.status = Status::Fail("forbidden", "user \"" + user + "\" may not read item \"" + item_id + "\"");
    return out;
  }
  if (!t.active || !applies_to(t, item->entity, item->pipeline)) {
    out.status = Status::Fail("template_not_applicable", "template \"" + t.id + "\" is " +
                                                             (t.active ? "not for " + item->entity + " items of pipeline \"" +
                                                                             item->pipeline + "\""
                                                                       : std::string("inactive")));
    return out;
  }
  if (!can_use_template(s, user, t)) {
    out.status = Status::Fail("forbidden", "user \"" + user + "\" may not use template \"" + t.id + "\"");
    return out;
  }
  if (std::string why = check_template(t); !why.empty()) {
    out.status = Status::Fail("invalid_template", "template \"" + t.id + "\": " + why);
    return out;
  }
  return render_document(t, make_context(ws, *item, user, me, region_lang(t.region), tz_offset_min), number,
                         date_ms);
}

GeneratedDocument generate_document(const Workspace& ws, const std::string& user, const std::string& item_id,
                                    const DocTemplate& t, const MyCompany& me, const Numerator* numerator,
                                    const NumeratorState& state, const std::string& document_id,
                                    std::int64_t date_ms, int tz_offset_min) {
  GeneratedDocument g;
  g.numerator_state = state;
  std::string number;
  NumeratorState next = state;
  if (numerator) {
    if (std::string why = check_numerator(*numerator); !why.empty()) {
      g.status = Status::Fail("invalid_numerator", "numerator \"" + numerator->id + "\": " + why);
      return g;
    }
    NextNumber n = next_number(*numerator, state, date_ms, tz_offset_min);
    number = std::move(n.number);
    next = std::move(n.next);
  }
  RenderedDocument r = render_document(ws, user, item_id, t, me, number, date_ms, tz_offset_min);
  if (!r.status.ok()) {
    g.status = std::move(r.status);
    return g;
  }
  const Item* item = ws.item(item_id);
  Document& d = g.document;
  d.id = document_id;
  d.template_id = t.id;
  d.number = std::move(number);
  d.title = std::move(r.title);
  d.html = std::move(r.html);
  d.created_ms = date_ms;
  d.created_by = user;
  d.entity = item->entity;
  d.item_id = item_id;
  d.uses = std::move(r.uses);
  g.numerator_state = std::move(next);
  g.warnings = std::move(r.warnings);
  return g;
}

Status regenerate_document(const Workspace& ws, const std::string& author, GenerateDocument* c) {
  const Schema& s = ws.schema();
  const Item* item = ws.item(c->item);
  const DocTemplate* t = s.doc_template(c->document.template_id);
  if (!item || !t || c->numerator != t->numerator_id) return Status::Ok();  // refused when applied
  const Numerator* numerator = nullptr;
  if (!t->numerator_id.empty() && !(numerator = s.numerator(t->numerator_id))) return Status::Ok();
  // Dates from 1970 to 2999, offsets of real time zones (UTC-14 to UTC+14).
  constexpr std::int64_t kLastDateMs = 32503680000000;
  if (c->document.created_ms <= 0 || c->document.created_ms >= kLastDateMs)
    return Status::Fail("invalid_document", "the document's date is out of range");
  if (c->tz < -14 * 60 || c->tz > 14 * 60)
    return Status::Fail("invalid_document", "the document's UTC offset is out of range");
  GeneratedDocument g = generate_document(ws, author, c->item, *t, s.my_company, numerator, c->previous,
                                          c->document.id, c->document.created_ms, c->tz);
  if (!g.status) return g.status;
  c->document = std::move(g.document);
  c->next = std::move(g.numerator_state);
  return Status::Ok();
}

std::vector<std::string> document_uses_now(const Workspace& ws, const std::string& author, const std::string& item_id,
                                           const Document& d) {
  const DocTemplate* t = ws.schema().doc_template(d.template_id);
  if (!t) return {"?"};
  RenderedDocument r = render_document(ws, author, item_id, *t, ws.schema().my_company, d.number, d.created_ms);
  if (!r.status) return {"?"};
  return std::move(r.uses);
}

bool can_see_document(const Schema& s, const std::string& user, const Document& d,
                      const std::function<bool(const std::string& item)>& readable) {
  if (d.uses.empty() || is_admin(s, user)) return true;
  for (const auto& u : d.uses) {
    if (u.rfind("F:", 0) == 0) {
      const size_t dot = u.rfind('.');
      if (dot == std::string::npos || dot < 2) return false;
      const FieldDef* f = s.field(u.substr(2, dot - 2), u.substr(dot + 1));
      if (!f || !can_see_field(s, user, *f)) return false;
    } else if (u.rfind("I:", 0) == 0) {
      if (!readable || !readable(u.substr(2))) return false;
    } else {
      return false;  // of a later kind: not shown to anyone it might concern
    }
  }
  return true;
}

}  // namespace kt
