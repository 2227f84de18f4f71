// Helpers of the restore tests (issue 19): the demo workspace with every kind of data a user makes in the
// app (the scenario), and comparing workspaces as their backups see them.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/convert.hpp"
#include "core/documents.hpp"
#include "core/snapshot.hpp"
#include "test_support.hpp"

namespace kt::test {

// The demo, then what the user did: the deal «Обучение сотрудников» (D11) moved to
// «Подготовка документов» with the stage bar, commented (by another user too), a to-do planned, product
// rows and an invoice; a custom list field (restricted to u2) with a value, a smart-process type with an
// item; a personal layout and a named view chosen by u2, a pinned entry with a note, a call logged, the
// lead L1 converted, a deal in the recycle bin, the seller's details.
struct RichDemo : DemoWorkspace {
  RichDemo() {
    auto ok = [](const Status& s) { REQUIRE_MESSAGE(s.ok(), s.code << ": " << s.message); };
    ok(as(admin, MoveStage{"D11", "PREPARATION", {}}, false));
    ok(as(admin, AddComment{"D11", "Клиент подтвердил состав группы"}, false));
    ok(as(ivan, AddComment{"D11", "Созвонился, ждут счёт"}, false));
    Activity a;
    a.id = "todo-1";
    a.subject = "Отправить программу курса";
    a.deadline_ms = kNow + 86400000;
    a.responsible = "u2";
    a.participants = {"u3"};
    ok(as(admin, PutTodo{"D11", a}, false));
    ProductRow row;
    row.id = "row-1";
    row.name = "Курс «Продажи»";
    row.price = 3250000;
    row.quantity = 2;
    ok(as(admin, SetProducts{"D11", {row}, Value()}, false));
    {
      const Schema& s = ws.schema();
      const DocTemplate* dt = s.doc_template("invoice");
      REQUIRE(dt);
      const Numerator* n = s.numerator(dt->numerator_id);
      GeneratedDocument g = generate_document(ws, "u1", "D11", *dt, s.my_company, n, NumeratorState{}, "doc-1", kNow, 180);
      REQUIRE(g.status.ok());
      ok(as(admin, GenerateDocument{"D11", g.document, dt->numerator_id, NumeratorState{}, g.numerator_state}, false));
    }
    ok(as(admin,
          PutField{list_field("deal", "UF_CRM_REGION", {"Регион", "Region"},
                              {{"N", {"Север", "North"}}, {"S", {"Юг", "South"}}}, {"Uu2"})},
          false));
    ok(as(admin, SetField{"D11", "UF_CRM_REGION", Value("S"), {}}, false));
    FieldDef helper;
    helper.id = "UF_CRM_HELPER";
    helper.entity = "deal";
    helper.type = FieldType::Employee;
    helper.label = {"Помощник", "Helper"};
    ok(as(admin, PutField{helper}, false));
    ok(as(admin, SetField{"D11", "UF_CRM_HELPER", Value("u4"), {}}, false));
    ok(as(admin, SetField{"D11", "ASSIGNED_BY_ID", Value("u2"), {}}, false));
    ok(as(admin, PutEntityType{EntityType{"smart_1", {"Проект", "Project"}, {"Проекты", "Projects"}, true, false,
                                          true, false, "TITLE"}},
          false));
    ok(as(admin, CreateItem{"SP1", "smart_1", "", {{"TITLE", Value("Выставка в Казани")}, {"CLIENT", Value(Value::List{Value("CO1")})}}},
          false));
    Layout personal = *ws.schema().default_layout("deal:0");
    std::reverse(personal.sections.begin(), personal.sections.end());
    ok(as(ivan, PutLayout{"deal:0", "P:u2", personal, false}, false));
    ok(as(admin, PutView{View{"view-1", "deal:0", "Продажи", {"Uu2", "Dd4"}, false, "u1"}, false}, false));
    ok(as(ivan, SelectScope{"u2", "deal:0", "V:view-1"}, false));
    ok(as(admin, PinEntry{"D11", ws.timeline("D11").front().id, true}, false));
    ok(as(admin, SetNote{"D11", ws.timeline("D11").front().id, "Важно"}, false));
    ok(as(admin, LogCommunication{"D11", "call", "out", "+7 912 555-10-01", "reached", 120, "Договорились"}, false));
    ConversionPlan plan;
    int next = 0;
    ok(plan_conversion(ws, "u1", "L1", {"deal", "contact", "company"},
                       [&](const std::string& prefix) { return "N" + prefix + std::to_string(++next); }, &plan));
    ok(as(admin, plan.command, false));
    ok(as(admin, DeleteItem{"D7"}, false));
    MyCompany me;
    me.name = "ООО «Картотека»";
    me.inn = "7700000000";
    ok(as(admin, SetMyCompany{me}, false));
  }
};

// A workspace as its backup holds it, with the server's confirmation of timeline entries left out (a
// restored workspace's entries carry the restore's version, the backup's those of the local app).
inline nlohmann::json comparable(const Workspace& ws) {
  nlohmann::json j = snapshot_json(ws, nullptr);
  for (auto& item : j["items"])
    for (auto& e : item["timeline"]) e.erase("ver");
  return j;
}

// The first difference of two JSON documents, as a path (for messages).
inline std::string first_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& at = "") {
  if (a.type() != b.type()) return at + ": " + a.dump().substr(0, 200) + " vs " + b.dump().substr(0, 200);
  if (a.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) return at + "/" + k + ": only on the left";
      if (auto d = first_difference(v, b[k], at + "/" + k); !d.empty()) return d;
    }
    for (const auto& [k, v] : b.items())
      if (!a.contains(k)) return at + "/" + k + ": only on the right";
    return {};
  }
  if (a.is_array()) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
      if (auto d = first_difference(a[i], b[i], at + "/" + std::to_string(i)); !d.empty()) return d;
    if (a.size() != b.size()) return at + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements";
    return {};
  }
  return a == b ? std::string() : at + ": " + a.dump().substr(0, 200) + " vs " + b.dump().substr(0, 200);
}

}  // namespace kt::test
