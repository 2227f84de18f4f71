#include "generate.hpp"

#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/demo.hpp"
#include "core/layouts.hpp"

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

// The big card of GenOptions::card_fields: fields "UF_CRM_C<n>" of five types in sections "big<k>" of the
// common layout of deal:0, every one filled on GD1, then GD1's timeline grown to card_timeline entries.
template <class Run>
void big_card(Session& s, const GenOptions& o, Rng& r, Run& run) {
  const std::string id = "GD1";
  const FieldType kTypes[] = {FieldType::String, FieldType::Number, FieldType::Date, FieldType::List, FieldType::Boolean};
  std::vector<std::string> ids;
  for (int i = 1; i <= o.card_fields; ++i) {
    char fid[32];
    std::snprintf(fid, sizeof fid, "UF_CRM_C%03d", i);
    const FieldType type = kTypes[(i - 1) % 5];
    const std::string n = std::to_string(i);
    FieldDef f = custom(fid, type, ("Поле " + n + " " + pick(r, kObjects)).c_str(), ("Field " + n).c_str());
    if (type == FieldType::List)
      for (int k = 0; k < 5; ++k) f.options.push_back({"O" + std::to_string(k + 1), {kCity[k], kCity[k]}});
    run(PutField{f}, 1000);
    ids.push_back(fid);
  }
  const std::string family = layout_family(s.workspace().schema(), "deal", "0");
  const Layout* base = effective_layout(s.workspace().schema(), family, common_scope());
  Layout l = base ? *base : Layout{};
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i % 30 == 0) {
      const std::string k = std::to_string(i / 30 + 1);
      l.sections.push_back({"big" + k, {"Раздел " + k, "Section " + k}, {}});
    }
    l.sections.back().elements.push_back({ids[i], false, {}});
  }
  run(PutLayout{family, common_scope(), l, false}, 1000);
  auto value_of = [&](int i, int version) -> Value {
    const std::int64_t day = 20000 + r.below(800);
    switch (kTypes[i % 5]) {
      case FieldType::String:
        return Value(std::string(pick(r, kWords)) + " " + pick(r, kObjects) + ", версия " + std::to_string(version));
      case FieldType::Number: return Value(static_cast<double>(r.below(10000000)) / 100.0);
      case FieldType::Date: return Value(iso(civil_from_days(day)));
      case FieldType::List: return Value("O" + std::to_string(1 + r.below(5)));
      default: return Value(version % 2 == 0);
    }
  };
  for (size_t i = 0; i < ids.size(); ++i) run(SetField{id, ids[i], value_of(static_cast<int>(i), 0), {}}, 1000);
  // The rest of the timeline: six comments (one to five sentences, some on several lines) to three field
  // changes and one stage change in ten.
  const char* kSentences[] = {"Созвонились с клиентом, ждёт коммерческое предложение.",
                              "Отправили договор на согласование юристам.",
                              "Client asked for a discount on the second batch.",
                              "Перенесли встречу на следующую неделю.",
                              "Нужно уточнить сроки поставки у склада.",
                              "Бюджет подтверждён, ждём подписи."};
  for (int k = 0; static_cast<int>(s.workspace().timeline(id).size()) < o.card_timeline; ++k) {
    const int kind = k % 10;
    if (kind < 6) {
      std::string text = "#" + std::to_string(k) + " ";
      const int n = 1 + r.below(5);
      for (int j = 0; j < n; ++j) text += std::string(j && r.below(3) == 0 ? "\n" : j ? " " : "") + pick(r, kSentences);
      run(AddComment{id, text}, 1000);
    } else if (kind < 9) {
      const int i = r.below(static_cast<int>(ids.size()));
      run(SetField{id, ids[static_cast<size_t>(i)], value_of(i, k), {}}, 1000);
    } else {
      run(SetField{id, "STAGE_ID", Value(kPath[r.below(4)]), {}}, 1000);
    }
  }
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
  if (o.card_fields > 0 && o.deals >= 1) big_card(s, o, r, run);
  st.items = s.workspace().item_count();
  return st;
}

}  // namespace kt::bench
