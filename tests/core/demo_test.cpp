// The demo workspace from assets/demo/workspace.json (src/core/demo.hpp): the same workspace the C++ tables
// of src/core/demo.cpp made before issue 23, and a description that is not one is refused with the reason.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/assets.hpp"
#include "core/calendar.hpp"
#include "core/demo.hpp"
#include "core/session.hpp"
#include "core/snapshot.hpp"
#include "test_support.hpp"

using namespace kt;
using nlohmann::json;

namespace legacy {
namespace {

struct DemoCompany {
  const char* title;
  const char* type;
  const char* industry;
  const char* phone;
  const char* web;
};

struct DemoContact {
  const char* last;
  const char* first;
  const char* post;
  const char* phone;
  const char* email;
  int company;  // index into kCompanies, -1 for none
};

struct DemoDeal {
  const char* title;
  const char* stage;
  std::int64_t amount;  // whole roubles
  int company;
  int contact;
  const char* type;
  const char* source;
  const char* responsible;
  int close_in_days;
};

constexpr DemoCompany kCompanies[] = {
    {"ООО «Северный ветер»", "CUSTOMER", "LOGISTICS", "+7 812 555-01-10", "https://sever-veter.ru"},
    {"АО «Техностандарт»", "CUSTOMER", "MANUFACTURING", "+7 495 555-22-33", "https://technostandart.ru"},
    {"ИП Кузнецов А. В.", "CUSTOMER", "RETAIL", "+7 903 555-44-12", ""},
    {"ООО «Облако»", "PARTNER", "IT", "+7 499 555-77-00", "https://oblako.example"},
    {"ПАО «Уральские сети»", "CUSTOMER", "FINANCE", "+7 343 555-90-90", "https://uralseti.ru"},
    {"ООО «Зелёный дом»", "SUPPLIER", "RETAIL", "+7 846 555-12-12", "https://zeldom.ru"},
};

constexpr DemoContact kContacts[] = {
    {"Орлова", "Екатерина", "Директор по закупкам", "+7 912 555-10-01", "orlova@sever-veter.ru", 0},
    {"Белов", "Сергей", "Главный инженер", "+7 916 555-20-02", "belov@technostandart.ru", 1},
    {"Кузнецов", "Алексей", "Владелец", "+7 903 555-44-12", "kuznetsov.av@mail.example", 2},
    {"Ли", "Виктория", "Руководитель отдела ИТ", "+7 925 555-30-03", "v.li@oblako.example", 3},
    {"Гусев", "Павел", "Финансовый директор", "+7 922 555-40-04", "gusev@uralseti.ru", 4},
    {"Соколова", "Ольга", "Менеджер", "+7 937 555-50-05", "sokolova@zeldom.ru", 5},
    {"Миллер", "John", "Procurement manager", "+1 415 555 0100", "john.miller@example.com", -1},
};

constexpr DemoDeal kDeals[] = {
    {"Поставка серверного оборудования", "EXECUTING", 1250000, 1, 1, "GOODS", "WEB", "u1", 14},
    {"Внедрение CRM для отдела продаж", "PREPARATION", 480000, 3, 3, "SERVICES", "RECOMMENDATION", "u2", 30},
    {"Годовое обслуживание склада", "NEW", 360000, 0, 0, "SERVICE", "CALL", "u1", 45},
    {"Оснащение розничной точки", "PREPAYMENT_INVOICE", 95500, 2, 2, "SALE", "ADVERTISING", "u4", 10},
    {"Аудит сетевой инфраструктуры", "FINAL_INVOICE", 210000, 4, 4, "SERVICES", "PARTNER", "u2", 5},
    {"Закупка упаковочных материалов", "WON", 74200, 5, 5, "GOODS", "EMAIL", "u4", -3},
    {"Лицензии на офисное ПО", "LOSE", 156000, 3, 3, "SALE", "WEB", "u1", -10},
    {"Пилотный проект: мобильное приложение", "NEW", 890000, -1, 6, "COMPLEX", "TRADE_SHOW", "u3", 60},
    {"Модернизация серверной", "PREPARATION", 2300000, 1, 1, "COMPLEX", "PARTNER", "u1", 75},
    {"Поставка ноутбуков для филиала", "EXECUTING", 540000, 4, 4, "GOODS", "CALL", "u2", 20},
    {"Обучение сотрудников", "NEW", 65000, 0, 0, "SERVICES", "EMAIL", "u3", 25},
    {"Расширенная гарантия", "PREPAYMENT_INVOICE", 43000, 2, 2, "SERVICE", "OTHER", "u4", 12},
};

Value money(std::int64_t roubles) { return Value(Money{roubles * 100, "RUB"}); }

}  // namespace

// The organisation of the demo workspace: a department tree, two roles, four people, a second deal
// pipeline. Issued as config commands, so that it is journaled and synced like any configuration.
static void seed_organisation(Session& s, std::int64_t t) {
  for (const auto& d : {Department{"d1", "ООО «Картотека»", ""}, Department{"d2", "Отдел продаж", "d1"},
                        Department{"d3", "Служба поддержки", "d1"}, Department{"d4", "Продажи: Москва", "d2"}})
    s.dispatch(PutDepartment{d, false}, t, false);
  Role manager{"manager", "Менеджер по продажам", {}, {}};
  manager.defaults.own_view = true;
  Role support{"support", "Сотрудник поддержки", {}, {}};
  support.defaults.edit = Level::Own;
  support.defaults.remove = Level::None;
  support.defaults.own_view = false;
  s.dispatch(PutRole{manager, false}, t, false);
  s.dispatch(PutRole{support, false}, t, false);
  for (const auto& u : {User{"u1", "Анна Смирнова", "d1", true, {}, true},
                        User{"u2", "Иван Петров", "d2", false, {"manager"}, true},
                        User{"u3", "Мария Козлова", "d3", false, {"support"}, true},
                        User{"u4", "Дмитрий Волков", "d4", false, {"manager"}, true}})
    s.dispatch(PutUser{u}, t, false);
  Pipeline partners{"1", "deal", {"Партнёрские продажи", "Partner sales"}, false,
                    {{"C1:NEW", {"Новая заявка", "New request"}, "#39a8ef", StageSemantics::Process},
                     {"C1:NEGOTIATION", {"Переговоры", "Negotiation"}, "#ffa900", StageSemantics::Process},
                     {"C1:WON", {"Договор подписан", "Contract signed"}, "#7bd500", StageSemantics::Success},
                     {"C1:LOSE", {"Отказ", "Declined"}, "#ff5752", StageSemantics::Failure}}};
  s.dispatch(PutPipeline{partners, false}, t, false);
}

void seed_demo_cpp(Session& s, std::int64_t now_ms) {
  constexpr std::int64_t kDay = 86400000;
  std::int64_t t = now_ms - 30 * kDay;
  auto step = [&t](std::int64_t ms) { return t += ms; };
  seed_organisation(s, step(1000));

  for (size_t i = 0; i < std::size(kCompanies); ++i) {
    const auto& c = kCompanies[i];
    CreateItem cmd{"CO" + std::to_string(i + 1), "company", "", {}};
    cmd.fields = {{"TITLE", Value(c.title)},
                  {"COMPANY_TYPE", Value(c.type)},
                  {"INDUSTRY", Value(c.industry)},
                  {"PHONE", Value(Value::List{Value(c.phone)})},
                  {"ASSIGNED_BY_ID", Value("u1")}};
    if (*c.web) cmd.fields.push_back({"WEB", Value(c.web)});
    s.dispatch(std::move(cmd), step(600000), false);
  }
  for (size_t i = 0; i < std::size(kContacts); ++i) {
    const auto& c = kContacts[i];
    CreateItem cmd{"C" + std::to_string(i + 1), "contact", "", {}};
    cmd.fields = {{"LAST_NAME", Value(c.last)},
                  {"NAME", Value(c.first)},
                  {"POST", Value(c.post)},
                  {"PHONE", Value(Value::List{Value(c.phone)})},
                  {"EMAIL", Value(Value::List{Value(c.email)})},
                  {"ASSIGNED_BY_ID", Value("u2")}};
    if (c.company >= 0) cmd.fields.push_back({"COMPANY_ID", Value("CO" + std::to_string(c.company + 1))});
    s.dispatch(std::move(cmd), step(600000), false);
  }

  static const char* kPath[] = {"NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE"};
  const Date today = civil_from_days(now_ms / kDay);
  for (size_t i = 0; i < std::size(kDeals); ++i) {
    const auto& d = kDeals[i];
    const std::string id = "D" + std::to_string(i + 1);
    Value::List client;
    if (d.company >= 0) client.push_back(Value("CO" + std::to_string(d.company + 1)));
    if (d.contact >= 0) client.push_back(Value("C" + std::to_string(d.contact + 1)));
    CreateItem cmd{id, "deal", "0", {}};
    cmd.fields = {{"TITLE", Value(d.title)},
                  {"OPPORTUNITY_WITH_CURRENCY", money(d.amount)},
                  {"CLIENT", Value(std::move(client))},
                  {"TYPE_ID", Value(d.type)},
                  {"SOURCE_ID", Value(d.source)},
                  {"ASSIGNED_BY_ID", Value(d.responsible)},
                  {"BEGINDATE", Value(iso(civil_from_days(now_ms / kDay - 20 + static_cast<int>(i))))},
                  {"CLOSEDATE", Value(iso(civil_from_days(days_from_civil(today) + d.close_in_days)))}};
    s.dispatch(std::move(cmd), step(3600000), false);
    // Walk the deal along the pipeline to its stage, so that its timeline has history. Won and lost deals
    // go as far as "In progress" first.
    const std::string target = d.stage;
    const bool final_stage = target == "WON" || target == "LOSE";
    int last = 3;
    for (int k = 0; k < 5; ++k)
      if (kPath[k] == target) last = k;
    for (int k = 1; k <= last; ++k)
      s.dispatch(SetField{id, "STAGE_ID", Value(kPath[k]), {}}, step(7200000), false);
    if (final_stage) s.dispatch(SetField{id, "STAGE_ID", Value(target), {}}, step(7200000), false);
  }
  // Leads, a partner deal, a quote and an invoice, so that every kind has something to open.
  s.dispatch(CreateItem{"L1", "lead", "", {{"TITLE", Value("Заявка с сайта: складской учёт")}, {"NAME", Value("Пётр")},
                                          {"LAST_NAME", Value("Семёнов")}, {"COMPANY_TITLE", Value("ООО «Вектор»")},
                                          {"PHONE", Value(Value::List{Value("+7 915 555-66-77")})},
                                          {"SOURCE_ID", Value("WEB")}, {"ASSIGNED_BY_ID", Value("u2")}}},
             step(3600000), false);
  s.dispatch(CreateItem{"L2", "lead", "", {{"TITLE", Value("Повторное обращение: расширение лицензий")},
                                          {"CONTACT_ID", Value("C4")}, {"COMPANY_ID", Value("CO4")},
                                          {"SOURCE_ID", Value("PARTNER")}, {"ASSIGNED_BY_ID", Value("u4")}}},
             step(3600000), false);
  s.dispatch(CreateItem{"D13", "deal", "1", {{"TITLE", Value("Партнёрская поставка терминалов")},
                                            {"OPPORTUNITY_WITH_CURRENCY", money(640000)},
                                            {"CLIENT", Value(Value::List{Value("CO6"), Value("C6")})},
                                            {"ASSIGNED_BY_ID", Value("u4")}}},
             step(3600000), false);
  s.dispatch(CreateItem{"Q1", "quote", "", {{"TITLE", Value("КП на модернизацию серверной")},
                                           {"OPPORTUNITY_WITH_CURRENCY", money(2300000)},
                                           {"CLIENT", Value(Value::List{Value("CO2"), Value("C2")})},
                                           {"DEAL_ID", Value("D9")}, {"ASSIGNED_BY_ID", Value("u1")}}},
             step(3600000), false);
  s.dispatch(CreateItem{"I1", "invoice", "", {{"TITLE", Value("Счёт № 12 на предоплату")},
                                             {"OPPORTUNITY_WITH_CURRENCY", money(95500)},
                                             {"CLIENT", Value(Value::List{Value("CO3"), Value("C3")})},
                                             {"DEAL_ID", Value("D4")}, {"ASSIGNED_BY_ID", Value("u4")}}},
             step(3600000), false);
  s.dispatch(SetField{"D1", "COMMENTS", Value("Клиент просит поставку до конца квартала. Согласовать "
                                              "график монтажа с главным инженером."), {}},
             step(3600000), false);
}

}  // namespace legacy

namespace {

struct Seeded {
  Workspace ws;
  std::vector<json> steps;  // {t: time_ms, cmd}, with the fields of a created item in name order
};

json normalised(const Mutation& m) {
  json cmd = m.cmd;
  if (cmd.contains("fields")) std::sort(cmd["fields"].begin(), cmd["fields"].end());
  return json{{"t", m.time_ms}, {"cmd", cmd}};
}

template <typename Seed>
void seed(Seeded& out, Seed&& fn) {
  Session s(out.ws, "seed", "u1");
  s.set_sink([&out](const Mutation& m) { out.steps.push_back(normalised(m)); });
  fn(s);
}

}  // namespace

TEST_CASE("the demo from assets/demo/workspace.json is the workspace the C++ tables made") {
  Seeded before, after;
  seed(before, [](Session& s) { legacy::seed_demo_cpp(s, test::kNow); });
  seed(after, [](Session& s) {
    const Status st = seed_demo(s, test::kNow);
    REQUIRE_MESSAGE(st.ok(), st.code << ": " << st.message);
  });
  REQUIRE(before.steps.size() == after.steps.size());
  for (size_t i = 0; i < before.steps.size(); ++i) CHECK(before.steps[i] == after.steps[i]);
  CHECK(snapshot_json(before.ws, nullptr) == snapshot_json(after.ws, nullptr));
  // The C++ tables' commands, kept as the fixture the demo is compared with once the tables are gone.
  if (std::getenv("KT_WRITE_DEMO_FIXTURE")) {
    std::ofstream f(std::string(KT_FIXTURES) + "/demo_steps.json", std::ios::binary);
    f << "[\n";
    for (size_t i = 0; i < before.steps.size(); ++i) {
      json step = before.steps[i];
      step["t"] = step["t"].get<std::int64_t>() - test::kNow;
      f << step.dump() << (i + 1 < before.steps.size() ? ",\n" : "\n");
    }
    f << "]\n";
  }
}
