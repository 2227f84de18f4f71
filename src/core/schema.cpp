#include "core/schema.hpp"

#include "core/documents.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <set>

namespace kt {

bool blank(const Labels& name) { return blank(name.ru) && blank(name.en); }

const std::string& Labels::get(Lang lang) const {
  if (lang == Lang::En) return en.empty() ? ru : en;
  return ru.empty() ? en : ru;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Names of types and levels
// ---------------------------------------------------------------------------------------------------------

namespace {

struct TypeName {
  FieldType type;
  const char* name;
};

constexpr TypeName kTypeNames[] = {
    {FieldType::String, "string"},         {FieldType::Integer, "integer"},
    {FieldType::Number, "double"},         {FieldType::Boolean, "boolean"},
    {FieldType::Date, "date"},             {FieldType::DateTime, "datetime"},
    {FieldType::List, "enumeration"},      {FieldType::Money, "money"},
    {FieldType::Link, "url"},              {FieldType::Address, "address"},
    {FieldType::File, "file"},             {FieldType::Employee, "employee"},
    {FieldType::CrmBinding, "crm"},        {FieldType::CrmDirectory, "crm_status"},
    {FieldType::Stage, "crm_stage"},       {FieldType::Phone, "phone"},
    {FieldType::Email, "email"},
};

constexpr const char* kLevelNames[] = {"none", "own", "department", "all"};

}  // namespace

const char* field_type_name(FieldType t) {
  for (const auto& tn : kTypeNames)
    if (tn.type == t) return tn.name;
  return "string";
}

std::optional<FieldType> field_type_from_name(const std::string& name) {
  for (const auto& tn : kTypeNames)
    if (name == tn.name) return tn.type;
  return std::nullopt;
}

const std::vector<FieldType>& custom_field_types() {
  static const std::vector<FieldType> kTypes = {
      FieldType::String,   FieldType::Integer,  FieldType::Number,     FieldType::Boolean,
      FieldType::Date,     FieldType::DateTime, FieldType::List,       FieldType::Money,
      FieldType::Link,     FieldType::Address,  FieldType::File,       FieldType::Employee,
      FieldType::CrmBinding, FieldType::CrmDirectory};
  return kTypes;
}

const char* level_name(Level l) { return kLevelNames[static_cast<int>(l)]; }

std::optional<Level> level_from_name(const std::string& s) {
  for (int i = 0; i < 4; ++i)
    if (s == kLevelNames[i]) return static_cast<Level>(i);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Lookups
// ---------------------------------------------------------------------------------------------------------

const ListOption* FieldDef::option(const std::string& id) const {
  for (const auto& o : options)
    if (o.id == id) return &o;
  return nullptr;
}

const Stage* Pipeline::stage(const std::string& id) const {
  for (const auto& s : stages)
    if (s.id == id) return &s;
  return nullptr;
}

int Pipeline::stage_index(const std::string& id) const {
  for (size_t i = 0; i < stages.size(); ++i)
    if (stages[i].id == id) return static_cast<int>(i);
  return -1;
}

std::string check_stage_order(const std::vector<Stage>& stages) {
  if (stages.empty()) return "a pipeline needs stages";
  std::set<std::string> ids;
  int successes = 0;
  int phase = 0;  // 0 in progress, 1 success seen, 2 failure seen
  for (const auto& s : stages) {
    if (s.id.empty()) return "a stage has no id";
    if (!ids.insert(s.id).second) return "two stages have the id " + s.id;
    switch (s.semantics) {
      case StageSemantics::Process:
        if (phase > 0) return "in-progress stage " + s.id + " comes after a final stage";
        break;
      case StageSemantics::Success:
        if (phase > 1) return "the success stage comes after a failure stage";
        ++successes;
        phase = 1;
        break;
      case StageSemantics::Failure: phase = 2; break;
    }
  }
  if (successes != 1) return "a pipeline needs exactly one success stage";
  if (stages.front().semantics != StageSemantics::Process) return "a pipeline starts with an in-progress stage";
  return {};
}

const LayoutSection* Layout::section_of(const std::string& field) const {
  for (const auto& s : sections)
    for (const auto& e : s.elements)
      if (e.field == field) return &s;
  return nullptr;
}

bool Layout::has_field(const std::string& field) const { return section_of(field) != nullptr; }

std::string common_scope() { return "C"; }
std::string personal_scope(const std::string& user) { return "P:" + user; }
std::string view_scope(const std::string& view) { return "V:" + view; }

template <class T, class Pred>
static const T* find_if_ptr(const std::vector<T>& v, Pred p) {
  auto it = std::find_if(v.begin(), v.end(), p);
  return it == v.end() ? nullptr : &*it;
}

const EntityType* Schema::entity(const std::string& id) const {
  return find_if_ptr(entities, [&](const EntityType& e) { return e.id == id; });
}

const FieldDef* Schema::field(const std::string& entity, const std::string& id) const {
  return find_if_ptr(fields, [&](const FieldDef& f) { return f.entity == entity && f.id == id; });
}

FieldDef* Schema::field_mut(const std::string& entity, const std::string& id) {
  return const_cast<FieldDef*>(static_cast<const Schema*>(this)->field(entity, id));
}

std::vector<const FieldDef*> Schema::fields_of(const std::string& entity) const {
  std::vector<const FieldDef*> out;
  for (const auto& f : fields)
    if (f.entity == entity) out.push_back(&f);
  return out;
}

const Directory* Schema::directory(const std::string& id) const {
  return find_if_ptr(directories, [&](const Directory& d) { return d.id == id; });
}

const Pipeline* Schema::pipeline(const std::string& entity, const std::string& id) const {
  return find_if_ptr(pipelines, [&](const Pipeline& p) { return p.entity == entity && p.id == id; });
}

Pipeline* Schema::pipeline_mut(const std::string& entity, const std::string& id) {
  return const_cast<Pipeline*>(static_cast<const Schema*>(this)->pipeline(entity, id));
}

const Pipeline* Schema::default_pipeline(const std::string& entity) const {
  return find_if_ptr(pipelines, [&](const Pipeline& p) { return p.entity == entity && p.is_default; });
}

std::vector<const Pipeline*> Schema::pipelines_of(const std::string& entity) const {
  std::vector<const Pipeline*> out;
  for (const auto& p : pipelines)
    if (p.entity == entity) out.push_back(&p);
  return out;
}

const User* Schema::user(const std::string& id) const {
  return find_if_ptr(users, [&](const User& u) { return u.id == id; });
}

const Department* Schema::department(const std::string& id) const {
  return find_if_ptr(departments, [&](const Department& d) { return d.id == id; });
}

const Role* Schema::role(const std::string& id) const {
  return find_if_ptr(roles, [&](const Role& r) { return r.id == id; });
}

const View* Schema::view(const std::string& id) const {
  return find_if_ptr(views, [&](const View& v) { return v.id == id; });
}

const Layout* Schema::stored_layout(const std::string& family, const std::string& scope) const {
  auto it = layouts.find({family, scope});
  return it == layouts.end() ? nullptr : &it->second;
}

const Layout* Schema::default_layout(const std::string& family) const {
  auto it = default_layouts.find(family);
  if (it != default_layouts.end()) return &it->second;
  // "deal:3" -> the entity's default "deal"
  auto colon = family.find(':');
  if (colon != std::string::npos) {
    it = default_layouts.find(family.substr(0, colon));
    if (it != default_layouts.end()) return &it->second;
  }
  return nullptr;
}

const std::vector<ListOption>& Schema::options_of(const FieldDef& f) const {
  if (f.type == FieldType::CrmDirectory)
    if (const Directory* d = directory(f.directory)) return d->options;
  return f.options;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The configuration of a new workspace
// ---------------------------------------------------------------------------------------------------------

namespace {

class SchemaBuilder {
 public:
  explicit SchemaBuilder(Schema& s) : s_(s) {}

  FieldDef& field(const std::string& entity, const std::string& id, FieldType type, Labels label) {
    FieldDef f;
    f.id = id;
    f.entity = entity;
    f.type = type;
    f.system = true;
    f.label = std::move(label);
    s_.fields.push_back(std::move(f));
    return s_.fields.back();
  }

  FieldDef& directory_field(const std::string& entity, const std::string& id, Labels label,
                            const std::string& directory) {
    auto& f = field(entity, id, FieldType::CrmDirectory, std::move(label));
    f.directory = directory;
    return f;
  }

  FieldDef& binding(const std::string& entity, const std::string& id, Labels label,
                    std::vector<std::string> kinds, bool multiple = false) {
    auto& f = field(entity, id, FieldType::CrmBinding, std::move(label));
    f.binding_kinds = std::move(kinds);
    f.multiple = multiple;
    return f;
  }

  void title(const std::string& entity, Labels label) { field(entity, "TITLE", FieldType::String, std::move(label)); }
  void stage(const std::string& entity) { field(entity, "STAGE_ID", FieldType::Stage, {"Стадия", "Stage"}); }
  void amount(const std::string& entity) {
    field(entity, "OPPORTUNITY_WITH_CURRENCY", FieldType::Money, {"Сумма и валюта", "Amount and currency"});
    field(entity, "IS_MANUAL_OPPORTUNITY", FieldType::Boolean, {"Сумма указана вручную", "Amount set by hand"});
  }
  void client(const std::string& entity) {
    binding(entity, "CLIENT", {"Клиент", "Client"}, {"company", "contact"}, true);
  }
  void common(const std::string& entity) {
    field(entity, "ASSIGNED_BY_ID", FieldType::Employee, {"Ответственный", "Responsible"});
    field(entity, "COMMENTS", FieldType::String, {"Комментарий", "Comment"}).multiline = true;
  }
  void contact_channels(const std::string& entity) {
    field(entity, "PHONE", FieldType::Phone, {"Телефон", "Phone"}).multiple = true;
    field(entity, "EMAIL", FieldType::Email, {"E-mail", "E-mail"}).multiple = true;
  }

 private:
  Schema& s_;
};

LayoutElement el(const char* field) { return LayoutElement{field, true, {}}; }

Stage st(const char* id, Labels name, const char* color, StageSemantics sem = StageSemantics::Process) {
  return Stage{id, std::move(name), color, sem};
}

}  // namespace

Layout default_layout_for(const Schema& s, const std::string& entity) {
  const EntityType* et = s.entity(entity);
  Layout l;
  LayoutSection main{"main", {"Основное", "General"}, {}};
  main.elements.push_back(el("TITLE"));
  if (et && et->has_stages) main.elements.push_back(el("STAGE_ID"));
  if (s.field(entity, "OPPORTUNITY_WITH_CURRENCY")) main.elements.push_back(el("OPPORTUNITY_WITH_CURRENCY"));
  if (et && et->has_client) main.elements.push_back(el("CLIENT"));
  LayoutSection more{"additional", {"Ещё", "More"}, {}};
  for (const char* f : {"BEGINDATE", "CLOSEDATE", "ASSIGNED_BY_ID", "COMMENTS"})
    if (s.field(entity, f)) more.elements.push_back(el(f));
  l.sections = {main, more};
  return l;
}

const DocTemplate* Schema::doc_template(const std::string& id) const {
  for (const auto& t : templates)
    if (t.id == id) return &t;
  return nullptr;
}

const Numerator* Schema::numerator(const std::string& id) const {
  for (const auto& n : numerators)
    if (n.id == id) return &n;
  return nullptr;
}

Schema default_schema() {
  Schema s;
  SchemaBuilder b(s);

  s.entities = {
      {"lead", {"Лид", "Lead"}, {"Лиды", "Leads"}, true, false, false, true, "TITLE"},
      {"deal", {"Сделка", "Deal"}, {"Сделки", "Deals"}, true, true, true, true, "TITLE"},
      {"contact", {"Контакт", "Contact"}, {"Контакты", "Contacts"}, false, false, false, true, "FULL_NAME"},
      {"company", {"Компания", "Company"}, {"Компании", "Companies"}, false, false, false, true, "TITLE"},
      {"quote", {"Предложение", "Quote"}, {"Предложения", "Quotes"}, true, false, true, true, "TITLE"},
      {"invoice", {"Счёт", "Invoice"}, {"Счета", "Invoices"}, true, true, true, true, "TITLE"},
  };

  s.directories = {
      {"SOURCE",
       {"Источники", "Sources"},
       {{"CALL", {"Звонок", "Call"}},
        {"EMAIL", {"Электронная почта", "E-mail"}},
        {"WEB", {"Веб-сайт", "Website"}},
        {"ADVERTISING", {"Реклама", "Advertising"}},
        {"PARTNER", {"Существующий клиент", "Existing client"}},
        {"RECOMMENDATION", {"По рекомендации", "Recommendation"}},
        {"TRADE_SHOW", {"Выставка", "Trade show"}},
        {"OTHER", {"Другое", "Other"}}}},
      {"DEAL_TYPE",
       {"Типы сделок", "Deal types"},
       {{"SALE", {"Продажа", "Sale"}},
        {"COMPLEX", {"Комплексная продажа", "Complex sale"}},
        {"GOODS", {"Продажа товара", "Sale of goods"}},
        {"SERVICES", {"Продажа услуги", "Sale of services"}},
        {"SERVICE", {"Сервисное обслуживание", "After-sales service"}}}},
      {"COMPANY_TYPE",
       {"Типы компаний", "Company types"},
       {{"CUSTOMER", {"Клиент", "Client"}},
        {"SUPPLIER", {"Поставщик", "Supplier"}},
        {"PARTNER", {"Партнёр", "Partner"}},
        {"OTHER", {"Другое", "Other"}}}},
      {"INDUSTRY",
       {"Сферы деятельности", "Industries"},
       {{"IT", {"Информационные технологии", "Information technology"}},
        {"MANUFACTURING", {"Производство", "Manufacturing"}},
        {"RETAIL", {"Розничная торговля", "Retail"}},
        {"LOGISTICS", {"Логистика", "Logistics"}},
        {"FINANCE", {"Финансы", "Finance"}},
        {"OTHER", {"Другое", "Other"}}}},
  };

  // --- Deal ---
  b.title("deal", {"Название", "Deal name"});
  b.stage("deal");
  b.amount("deal");
  b.client("deal");
  b.field("deal", "CLOSEDATE", FieldType::Date, {"Дата завершения", "Close date"});
  b.field("deal", "BEGINDATE", FieldType::Date, {"Дата начала", "Start date"});
  b.directory_field("deal", "TYPE_ID", {"Тип", "Type"}, "DEAL_TYPE");
  b.directory_field("deal", "SOURCE_ID", {"Источник", "Source"}, "SOURCE");
  b.field("deal", "SOURCE_DESCRIPTION", FieldType::String, {"Дополнительно об источнике", "Source information"})
      .multiline = true;
  b.field("deal", "PROBABILITY", FieldType::Integer, {"Вероятность, %", "Probability, %"});
  b.field("deal", "OPENED", FieldType::Boolean, {"Доступна для всех", "Available to everyone"});
  b.binding("deal", "LEAD_ID", {"Лид", "Lead"}, {"lead"});
  b.binding("deal", "QUOTE_ID", {"Предложение", "Quote"}, {"quote"});
  b.common("deal");

  // --- Lead (simple and repeat) ---
  b.title("lead", {"Название лида", "Lead name"});
  b.stage("lead");
  b.field("lead", "NAME", FieldType::String, {"Имя", "First name"});
  b.field("lead", "LAST_NAME", FieldType::String, {"Фамилия", "Last name"});
  b.field("lead", "POST", FieldType::String, {"Должность", "Position"});
  b.field("lead", "COMPANY_TITLE", FieldType::String, {"Название компании", "Company name"});
  b.contact_channels("lead");
  b.field("lead", "ADDRESS", FieldType::Address, {"Адрес", "Address"});
  b.binding("lead", "CONTACT_ID", {"Контакт", "Contact"}, {"contact"});
  b.binding("lead", "COMPANY_ID", {"Компания", "Company"}, {"company"});
  b.amount("lead");
  b.directory_field("lead", "SOURCE_ID", {"Источник", "Source"}, "SOURCE");
  b.common("lead");

  // --- Contact ---
  b.field("contact", "NAME", FieldType::String, {"Имя", "First name"});
  b.field("contact", "LAST_NAME", FieldType::String, {"Фамилия", "Last name"});
  b.field("contact", "POST", FieldType::String, {"Должность", "Position"});
  b.contact_channels("contact");
  b.binding("contact", "COMPANY_ID", {"Компания", "Company"}, {"company"});
  b.field("contact", "BIRTHDATE", FieldType::Date, {"Дата рождения", "Date of birth"});
  b.field("contact", "ADDRESS", FieldType::Address, {"Адрес", "Address"});
  b.directory_field("contact", "SOURCE_ID", {"Источник", "Source"}, "SOURCE");
  b.binding("contact", "LEAD_ID", {"Лид", "Lead"}, {"lead"});
  b.common("contact");

  // --- Company ---
  b.title("company", {"Название компании", "Company name"});
  b.directory_field("company", "COMPANY_TYPE", {"Тип компании", "Company type"}, "COMPANY_TYPE");
  b.directory_field("company", "INDUSTRY", {"Сфера деятельности", "Industry"}, "INDUSTRY");
  b.contact_channels("company");
  b.field("company", "WEB", FieldType::Link, {"Сайт", "Website"});
  b.field("company", "ADDRESS", FieldType::Address, {"Адрес", "Address"});
  b.field("company", "REVENUE", FieldType::Money, {"Годовой оборот", "Annual revenue"});
  b.binding("company", "LEAD_ID", {"Лид", "Lead"}, {"lead"});
  b.common("company");

  // --- Quote ---
  b.title("quote", {"Название", "Title"});
  b.stage("quote");
  b.amount("quote");
  b.client("quote");
  b.binding("quote", "DEAL_ID", {"Сделка", "Deal"}, {"deal"});
  b.binding("quote", "LEAD_ID", {"Лид", "Lead"}, {"lead"});
  b.field("quote", "BEGINDATE", FieldType::Date, {"Дата выставления", "Issue date"});
  b.field("quote", "CLOSEDATE", FieldType::Date, {"Действительно до", "Valid until"});
  b.common("quote");

  // --- Invoice ---
  b.title("invoice", {"Название", "Title"});
  b.stage("invoice");
  b.amount("invoice");
  b.client("invoice");
  b.binding("invoice", "DEAL_ID", {"Сделка", "Deal"}, {"deal"});
  b.binding("invoice", "QUOTE_ID", {"Предложение", "Quote"}, {"quote"});
  b.field("invoice", "BEGINDATE", FieldType::Date, {"Дата выставления", "Issue date"});
  b.field("invoice", "CLOSEDATE", FieldType::Date, {"Срок оплаты", "Due date"});
  b.common("invoice");

  // --- Pipelines and stages ---
  s.pipelines = {
      {"0",
       "deal",
       {"Общая воронка", "General pipeline"},
       true,
       {st("NEW", {"Новая", "New"}, "#39a8ef"),
        st("PREPARATION", {"Подготовка документов", "Preparing documents"}, "#2fc6f6"),
        st("PREPAYMENT_INVOICE", {"Счёт на предоплату", "Prepayment invoice"}, "#55d0e0"),
        st("EXECUTING", {"В работе", "In progress"}, "#47e4c2"),
        st("FINAL_INVOICE", {"Финальный счёт", "Final invoice"}, "#ffa900"),
        st("WON", {"Сделка успешна", "Deal won"}, "#7bd500", StageSemantics::Success),
        st("LOSE", {"Сделка провалена", "Deal lost"}, "#ff5752", StageSemantics::Failure),
        st("APOLOGY", {"Анализ причины провала", "Analysing failure"}, "#ff5752", StageSemantics::Failure)}},
      {"0",
       "lead",
       {"Лиды", "Leads"},
       true,
       {st("NEW", {"Не обработан", "Unassigned"}, "#39a8ef"),
        st("IN_PROCESS", {"В работе", "In progress"}, "#2fc6f6"),
        st("PROCESSED", {"Обработан", "Processed"}, "#55d0e0"),
        st("CONVERTED", {"Качественный лид", "Good lead"}, "#7bd500", StageSemantics::Success),
        st("JUNK", {"Некачественный лид", "Junk lead"}, "#ff5752", StageSemantics::Failure)}},
      {"0",
       "quote",
       {"Предложения", "Quotes"},
       true,
       {st("DRAFT", {"Новое", "New"}, "#39a8ef"),
        st("SENT", {"Отправлено клиенту", "Sent to client"}, "#2fc6f6"),
        st("APPROVED", {"Принято", "Approved"}, "#7bd500", StageSemantics::Success),
        st("DECLINED", {"Отклонено", "Declined"}, "#ff5752", StageSemantics::Failure)}},
      {"0",
       "invoice",
       {"Счета", "Invoices"},
       true,
       {st("N", {"Новый", "New"}, "#39a8ef"),
        st("S", {"Отправлен клиенту", "Sent to client"}, "#2fc6f6"),
        st("P", {"Оплачен", "Paid"}, "#7bd500", StageSemantics::Success),
        st("D", {"Отклонён", "Declined"}, "#ff5752", StageSemantics::Failure)}},
  };

  // --- Default card layouts (inventory L-15) ---
  s.default_layouts["deal"] = Layout{{
      {"main", {"О сделке", "About the deal"},
       {el("TITLE"), el("STAGE_ID"), el("OPPORTUNITY_WITH_CURRENCY"), el("CLIENT"), el("CLOSEDATE")}},
      {"additional", {"Ещё", "More"},
       {el("TYPE_ID"), el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  s.default_layouts["lead:simple"] = Layout{{
      {"main", {"О лиде", "About the lead"},
       {el("TITLE"), el("STAGE_ID"), el("NAME"), el("LAST_NAME"), el("COMPANY_TITLE"), el("PHONE"),
        el("EMAIL"), el("OPPORTUNITY_WITH_CURRENCY")}},
      {"additional", {"Ещё", "More"}, {el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  // A repeat lead has a client instead of contact details (G-8).
  s.default_layouts["lead:repeat"] = Layout{{
      {"main", {"О лиде", "About the lead"},
       {el("TITLE"), el("STAGE_ID"), el("CONTACT_ID"), el("COMPANY_ID"), el("OPPORTUNITY_WITH_CURRENCY")}},
      {"additional", {"Ещё", "More"}, {el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  s.default_layouts["contact"] = Layout{{
      {"main", {"О контакте", "About the contact"},
       {el("LAST_NAME"), el("NAME"), el("POST"), el("PHONE"), el("EMAIL"), el("COMPANY_ID")}},
      {"additional", {"Ещё", "More"},
       {el("ADDRESS"), el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  s.default_layouts["company"] = Layout{{
      {"main", {"О компании", "About the company"},
       {el("TITLE"), el("COMPANY_TYPE"), el("INDUSTRY"), el("PHONE"), el("EMAIL"), el("WEB")}},
      {"additional", {"Ещё", "More"},
       {el("ADDRESS"), el("REVENUE"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  s.default_layouts["quote"] = Layout{{
      {"main", {"О предложении", "About the quote"},
       {el("TITLE"), el("STAGE_ID"), el("OPPORTUNITY_WITH_CURRENCY"), el("CLIENT"), el("DEAL_ID")}},
      {"additional", {"Ещё", "More"},
       {el("BEGINDATE"), el("CLOSEDATE"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  s.default_layouts["invoice"] = Layout{{
      {"main", {"О счёте", "About the invoice"},
       {el("TITLE"), el("STAGE_ID"), el("OPPORTUNITY_WITH_CURRENCY"), el("CLIENT"), el("DEAL_ID")}},
      {"additional", {"Ещё", "More"},
       {el("BEGINDATE"), el("CLOSEDATE"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }, {}};
  s.numerators = default_numerators();
  s.templates = default_templates();
  return s;
}

}  // namespace kt
