#include "core/schema.hpp"

#include <algorithm>

namespace kt {

const std::string& Labels::get(Lang lang) const {
  if (lang == Lang::En) return en.empty() ? ru : en;
  return ru.empty() ? en : ru;
}

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

const EntityType* Schema::entity(const std::string& id) const {
  for (const auto& e : entities)
    if (e.id == id) return &e;
  return nullptr;
}

const FieldDef* Schema::field(const std::string& entity, const std::string& id) const {
  for (const auto& f : fields)
    if (f.entity == entity && f.id == id) return &f;
  return nullptr;
}

const Pipeline* Schema::pipeline(const std::string& entity, const std::string& id) const {
  for (const auto& p : pipelines)
    if (p.entity == entity && p.id == id) return &p;
  return nullptr;
}

const Pipeline* Schema::default_pipeline(const std::string& entity) const {
  for (const auto& p : pipelines)
    if (p.entity == entity && p.is_default) return &p;
  return nullptr;
}

const User* Schema::user(const std::string& id) const {
  for (const auto& u : users)
    if (u.id == id) return &u;
  return nullptr;
}

std::string Schema::layout_family(const std::string& entity, const std::string& pipeline) {
  return pipeline.empty() ? entity : entity + ":" + pipeline;
}

const Layout* Schema::layout(const std::string& family) const {
  auto it = default_layouts.find(family);
  return it == default_layouts.end() ? nullptr : &it->second;
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

  FieldDef& list(const std::string& entity, const std::string& id, Labels label,
                 std::vector<ListOption> options) {
    auto& f = field(entity, id, FieldType::List, std::move(label));
    f.options = std::move(options);
    return f;
  }

  // The fields most entity kinds share.
  void common(const std::string& entity) {
    field(entity, "ASSIGNED_BY_ID", FieldType::Employee, {"Ответственный", "Responsible"});
    field(entity, "COMMENTS", FieldType::String, {"Комментарий", "Comment"}).multiline = true;
  }

  FieldDef& source(const std::string& entity) {
    return list(entity, "SOURCE_ID", {"Источник", "Source"},
                {{"CALL", {"Звонок", "Call"}},
                 {"EMAIL", {"Электронная почта", "E-mail"}},
                 {"WEB", {"Веб-сайт", "Website"}},
                 {"ADVERTISING", {"Реклама", "Advertising"}},
                 {"PARTNER", {"Существующий клиент", "Existing client"}},
                 {"RECOMMENDATION", {"По рекомендации", "Recommendation"}},
                 {"TRADE_SHOW", {"Выставка", "Trade show"}},
                 {"OTHER", {"Другое", "Other"}}});
  }

  void contact_channels(const std::string& entity) {
    field(entity, "PHONE", FieldType::Phone, {"Телефон", "Phone"}).multiple = true;
    field(entity, "EMAIL", FieldType::Email, {"E-mail", "E-mail"}).multiple = true;
  }

 private:
  Schema& s_;
};

LayoutElement el(const char* field) { return LayoutElement{field, true, {}}; }

}  // namespace

Schema default_schema() {
  Schema s;
  SchemaBuilder b(s);

  s.entities = {
      {"lead", {"Лид", "Lead"}, {"Лиды", "Leads"}, true, false, false, "TITLE"},
      {"deal", {"Сделка", "Deal"}, {"Сделки", "Deals"}, true, true, true, "TITLE"},
      {"contact", {"Контакт", "Contact"}, {"Контакты", "Contacts"}, false, false, false, "FULL_NAME"},
      {"company", {"Компания", "Company"}, {"Компании", "Companies"}, false, false, false, "TITLE"},
  };

  // --- Deal ---
  b.field("deal", "TITLE", FieldType::String, {"Название", "Deal name"});
  b.field("deal", "STAGE_ID", FieldType::Stage, {"Стадия", "Stage"});
  b.field("deal", "OPPORTUNITY_WITH_CURRENCY", FieldType::Money, {"Сумма и валюта", "Amount and currency"});
  {
    auto& client = b.field("deal", "CLIENT", FieldType::CrmBinding, {"Клиент", "Client"});
    client.multiple = true;
    client.binding_kinds = {"company", "contact"};
  }
  b.field("deal", "CLOSEDATE", FieldType::Date, {"Дата завершения", "Close date"});
  b.field("deal", "BEGINDATE", FieldType::Date, {"Дата начала", "Start date"});
  b.list("deal", "TYPE_ID", {"Тип", "Type"},
         {{"SALE", {"Продажа", "Sale"}},
          {"COMPLEX", {"Комплексная продажа", "Complex sale"}},
          {"GOODS", {"Продажа товара", "Sale of goods"}},
          {"SERVICES", {"Продажа услуги", "Sale of services"}},
          {"SERVICE", {"Сервисное обслуживание", "After-sales service"}}});
  b.source("deal");
  b.field("deal", "SOURCE_DESCRIPTION", FieldType::String,
          {"Дополнительно об источнике", "Source information"})
      .multiline = true;
  b.field("deal", "PROBABILITY", FieldType::Integer, {"Вероятность, %", "Probability, %"});
  b.field("deal", "OPENED", FieldType::Boolean, {"Доступна для всех", "Available to everyone"});
  b.common("deal");

  // --- Lead ---
  b.field("lead", "TITLE", FieldType::String, {"Название лида", "Lead name"});
  b.field("lead", "STAGE_ID", FieldType::Stage, {"Стадия", "Stage"});
  b.field("lead", "NAME", FieldType::String, {"Имя", "First name"});
  b.field("lead", "LAST_NAME", FieldType::String, {"Фамилия", "Last name"});
  b.field("lead", "COMPANY_TITLE", FieldType::String, {"Название компании", "Company name"});
  b.contact_channels("lead");
  b.field("lead", "OPPORTUNITY_WITH_CURRENCY", FieldType::Money, {"Сумма и валюта", "Amount and currency"});
  b.source("lead");
  b.common("lead");

  // --- Contact ---
  b.field("contact", "NAME", FieldType::String, {"Имя", "First name"});
  b.field("contact", "LAST_NAME", FieldType::String, {"Фамилия", "Last name"});
  b.field("contact", "POST", FieldType::String, {"Должность", "Position"});
  b.contact_channels("contact");
  {
    auto& company = b.field("contact", "COMPANY_ID", FieldType::CrmBinding, {"Компания", "Company"});
    company.binding_kinds = {"company"};
  }
  b.field("contact", "ADDRESS", FieldType::Address, {"Адрес", "Address"});
  b.source("contact");
  b.common("contact");

  // --- Company ---
  b.field("company", "TITLE", FieldType::String, {"Название компании", "Company name"});
  b.list("company", "COMPANY_TYPE", {"Тип компании", "Company type"},
         {{"CUSTOMER", {"Клиент", "Client"}},
          {"SUPPLIER", {"Поставщик", "Supplier"}},
          {"PARTNER", {"Партнёр", "Partner"}},
          {"OTHER", {"Другое", "Other"}}});
  b.list("company", "INDUSTRY", {"Сфера деятельности", "Industry"},
         {{"IT", {"Информационные технологии", "Information technology"}},
          {"MANUFACTURING", {"Производство", "Manufacturing"}},
          {"RETAIL", {"Розничная торговля", "Retail"}},
          {"LOGISTICS", {"Логистика", "Logistics"}},
          {"FINANCE", {"Финансы", "Finance"}},
          {"OTHER", {"Другое", "Other"}}});
  b.contact_channels("company");
  b.field("company", "WEB", FieldType::Link, {"Сайт", "Website"});
  b.field("company", "ADDRESS", FieldType::Address, {"Адрес", "Address"});
  b.field("company", "REVENUE", FieldType::Money, {"Годовой оборот", "Annual revenue"});
  b.common("company");

  // --- Pipelines and stages ---
  s.pipelines.push_back(Pipeline{
      "0",
      "deal",
      {"Общая воронка", "General pipeline"},
      true,
      {{"NEW", {"Новая", "New"}, "#39a8ef", StageSemantics::Process},
       {"PREPARATION", {"Подготовка документов", "Preparing documents"}, "#2fc6f6",
        StageSemantics::Process},
       {"PREPAYMENT_INVOICE", {"Счёт на предоплату", "Prepayment invoice"}, "#55d0e0",
        StageSemantics::Process},
       {"EXECUTING", {"В работе", "In progress"}, "#47e4c2", StageSemantics::Process},
       {"FINAL_INVOICE", {"Финальный счёт", "Final invoice"}, "#ffa900", StageSemantics::Process},
       {"WON", {"Сделка успешна", "Deal won"}, "#7bd500", StageSemantics::Success},
       {"LOSE", {"Сделка провалена", "Deal lost"}, "#ff5752", StageSemantics::Failure},
       {"APOLOGY", {"Анализ причины провала", "Analysing failure"}, "#ff5752",
        StageSemantics::Failure}}});
  s.pipelines.push_back(Pipeline{
      "",
      "lead",
      {"Лиды", "Leads"},
      true,
      {{"NEW", {"Не обработан", "Unassigned"}, "#39a8ef", StageSemantics::Process},
       {"IN_PROCESS", {"В работе", "In progress"}, "#2fc6f6", StageSemantics::Process},
       {"PROCESSED", {"Обработан", "Processed"}, "#55d0e0", StageSemantics::Process},
       {"CONVERTED", {"Качественный лид", "Good lead"}, "#7bd500", StageSemantics::Success},
       {"JUNK", {"Некачественный лид", "Junk lead"}, "#ff5752", StageSemantics::Failure}}});

  // --- Default card layouts (inventory L-15) ---
  s.default_layouts["deal:0"] = Layout{{
      {"main", {"О сделке", "About the deal"},
       {el("TITLE"), el("STAGE_ID"), el("OPPORTUNITY_WITH_CURRENCY"), el("CLIENT"), el("CLOSEDATE")}},
      {"additional", {"Ещё", "More"},
       {el("TYPE_ID"), el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }};
  s.default_layouts["lead"] = Layout{{
      {"main", {"О лиде", "About the lead"},
       {el("TITLE"), el("STAGE_ID"), el("NAME"), el("LAST_NAME"), el("COMPANY_TITLE"), el("PHONE"),
        el("EMAIL"), el("OPPORTUNITY_WITH_CURRENCY")}},
      {"additional", {"Ещё", "More"}, {el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }};
  s.default_layouts["contact"] = Layout{{
      {"main", {"О контакте", "About the contact"},
       {el("LAST_NAME"), el("NAME"), el("POST"), el("PHONE"), el("EMAIL"), el("COMPANY_ID")}},
      {"additional", {"Ещё", "More"},
       {el("ADDRESS"), el("SOURCE_ID"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }};
  s.default_layouts["company"] = Layout{{
      {"main", {"О компании", "About the company"},
       {el("TITLE"), el("COMPANY_TYPE"), el("INDUSTRY"), el("PHONE"), el("EMAIL"), el("WEB")}},
      {"additional", {"Ещё", "More"},
       {el("ADDRESS"), el("REVENUE"), el("ASSIGNED_BY_ID"), el("COMMENTS")}},
  }};

  s.users = {
      {"u1", "Анна Смирнова", "sales", true},
      {"u2", "Иван Петров", "sales", false},
      {"u3", "Мария Козлова", "support", false},
      {"u4", "Дмитрий Волков", "sales", false},
  };
  return s;
}

}  // namespace kt
