#include "generate.hpp"

#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/demo.hpp"

namespace kt::bench {

namespace {

const char* kWords[] = {"Поставка", "Внедрение", "Обслуживание", "Аудит", "Лицензии", "Модернизация",
                        "Обучение", "Монтаж", "Аренда", "Консалтинг", "Разработка", "Интеграция"};
const char* kObjects[] = {"серверов", "CRM", "склада", "сети", "ноутбуков", "терминалов", "ПО", "касс",
                          "видеонаблюдения", "телефонии", "сайта", "мебели"};
const char* kLast[] = {"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
                       "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"};
const char* kFirst[] = {"Анна", "Иван", "Мария", "Сергей", "Ольга", "Павел", "Елена", "Дмитрий", "John", "Anna"};
const char* kCity[] = {"Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Самара", "Новосибирск"};
const char* kPath[] = {"NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"};
const char* kUsers[] = {"u1", "u2", "u3", "u4"};

template <class T, size_t N>
const T& pick(Rng& r, const T (&a)[N]) {
  return a[r.below(static_cast<int>(N))];
}

FieldDef custom(std::string id, FieldType type, const char* ru, const char* en) {
  FieldDef f;
  f.id = std::move(id);
  f.entity = "deal";
  f.type = type;
  f.label = Labels{ru, en};
  f.created_by = "u1";
  return f;
}

}  // namespace

std::string deal_id(int n) { return "GD" + std::to_string(n); }

GenStats generate(Session& s, const GenOptions& o) {
  GenStats st;
  Rng r(o.seed);
  std::int64_t t = o.now_ms - 400ll * 86400000;
  auto run = [&](Command c, std::int64_t step_ms) {
    t += step_ms;
    ++st.mutations;
    if (!s.dispatch(std::move(c), t, false)) ++st.refused;
  };
  seed_demo(s, t);
  t += 1000;

  // Custom fields of deals: a list, a number, a string, a date, a yes/no.
  FieldDef region = custom("UF_CRM_REGION", FieldType::List, "Регион", "Region");
  for (int i = 0; i < 6; ++i) region.options.push_back({"R" + std::to_string(i + 1), {kCity[i], kCity[i]}});
  run(PutField{region}, 1000);
  FieldDef budget = custom("UF_CRM_BUDGET", FieldType::Number, "Бюджет клиента", "Client budget");
  run(PutField{budget}, 1000);
  run(PutField{custom("UF_CRM_NOTE", FieldType::String, "Заметка", "Note")}, 1000);
  run(PutField{custom("UF_CRM_DUE", FieldType::Date, "Срок ответа", "Reply by")}, 1000);
  run(PutField{custom("UF_CRM_VIP", FieldType::Boolean, "VIP", "VIP")}, 1000);

  const int companies = std::max(1, o.deals / 10);
  const int contacts = std::max(1, o.deals / 5);
  const std::int64_t span = 360ll * 86400000;
  const std::int64_t step = std::max<std::int64_t>(1, span / (companies + contacts + o.deals * 4));
  char phone[32];
  for (int i = 1; i <= companies; ++i) {
    std::snprintf(phone, sizeof phone, "+7 495 %03d-%02d-%02d", i / 10000 % 1000, i / 100 % 100, i % 100);
    run(CreateItem{"GO" + std::to_string(i), "company", "",
                   {{"TITLE", Value(std::string("ООО «") + pick(r, kObjects) + " " + std::to_string(i) + "»")},
                    {"PHONE", Value(Value::List{Value(phone)})},
                    {"ASSIGNED_BY_ID", Value(pick(r, kUsers))}}},
        step);
  }
  for (int i = 1; i <= contacts; ++i) {
    std::snprintf(phone, sizeof phone, "+7 9%02d %03d-%02d-%02d", i % 100, i / 10000 % 1000, i / 100 % 100, i % 100);
    run(CreateItem{"GC" + std::to_string(i), "contact", "",
                   {{"LAST_NAME", Value(pick(r, kLast))},
                    {"NAME", Value(pick(r, kFirst))},
                    {"PHONE", Value(Value::List{Value(phone)})},
                    {"EMAIL", Value(Value::List{Value("contact" + std::to_string(i) + "@example.com")})},
                    {"COMPANY_ID", Value("GO" + std::to_string(1 + r.below(companies)))},
                    {"ASSIGNED_BY_ID", Value(pick(r, kUsers))}}},
        step);
  }
  const std::int64_t day = 86400000;
  for (int i = 1; i <= o.deals; ++i) {
    const std::string id = deal_id(i);
    const int company = 1 + r.below(companies), contact = 1 + r.below(contacts);
    const std::int64_t begin_day = t / day;
    FieldValues f = {
        {"TITLE", Value(std::string(pick(r, kWords)) + " " + pick(r, kObjects) + " №" + std::to_string(i))},
        {"OPPORTUNITY_WITH_CURRENCY", Value(Money{(1000 + r.below(5000000)) * 100ll, "RUB"})},
        {"CLIENT", Value(Value::List{Value("GO" + std::to_string(company)), Value("GC" + std::to_string(contact))})},
        {"ASSIGNED_BY_ID", Value(pick(r, kUsers))},
        {"BEGINDATE", Value(iso(civil_from_days(begin_day)))},
        {"CLOSEDATE", Value(iso(civil_from_days(begin_day + 5 + r.below(90))))},
        {"UF_CRM_REGION", Value("R" + std::to_string(1 + r.below(6)))},
        {"UF_CRM_BUDGET", Value(static_cast<double>(r.below(1000000)) / 10.0)},
        {"UF_CRM_NOTE", Value(std::string("Клиент из ") + pick(r, kCity) + ", заметка " + std::to_string(i))},
        {"UF_CRM_DUE", Value(iso(civil_from_days(begin_day + r.below(30))))},
        {"UF_CRM_VIP", Value(r.below(10) == 0)},
    };
    run(CreateItem{id, "deal", "0", std::move(f)}, step);
    // Its history: a walk along the pipeline (0 to 3 moves) and one comment.
    const int moves = r.below(4);
    for (int k = 1; k <= moves; ++k) run(SetField{id, "STAGE_ID", Value(kPath[k]), {}}, step);
    run(AddComment{id, "Созвонились, клиент ждёт предложение до " + iso(civil_from_days(begin_day + 7))}, step);
  }
  st.items = s.workspace().item_count();
  return st;
}

}  // namespace kt::bench
