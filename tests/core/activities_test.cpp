// To-dos, communications and product rows (issue 7; inventory §4, G-6).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/snapshot.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

using Demo = test::DemoWorkspace;

Activity todo(const std::string& id, std::int64_t deadline, const std::string& subject = "Перезвонить") {
  Activity a;
  a.id = id;
  a.subject = subject;
  a.deadline_ms = deadline;
  a.reminders = {15, 60};
  return a;
}

ProductRow row(const std::string& id, const std::string& name, std::int64_t price, double qty) {
  ProductRow r;
  r.id = id;
  r.name = name;
  r.price = price;
  r.quantity = qty;
  return r;
}

}  // namespace

TEST_CASE("to-dos: planned, postponed, completed and reopened; the timeline records planning and completion") {
  Demo d;
  const size_t before = d.item("D2").open_todos();
  REQUIRE(d.as(d.ivan, PutTodo{"D2", todo("t1", kNow + 3600000)}).ok());
  CHECK(d.item("D2").open_todos() == before + 1);
  const Activity* a = d.item("D2").activity("t1");
  REQUIRE(a);
  CHECK(a->responsible == "u2");  // defaults to the author
  CHECK(a->created_by == "u2");
  CHECK(d.last("D2").kind == TimelineKind::TodoPlanned);
  CHECK(d.last("D2").text == "Перезвонить");
  CHECK(json::parse(d.last("D2").payload)["todo"] == "t1");

  // Postponing is a put with a new deadline; it keeps who created it and adds no second "planned" entry.
  const size_t entries = d.ws.timeline("D2").size();
  Activity later = *a;
  later.deadline_ms = kNow + 86400000;
  REQUIRE(d.as(d.ivan, PutTodo{"D2", later}).ok());
  CHECK(d.item("D2").activity("t1")->deadline_ms == kNow + 86400000);
  CHECK(d.ws.timeline("D2").size() == entries);
  REQUIRE(d.ivan.undo(++d.t).ok());
  CHECK(d.item("D2").activity("t1")->deadline_ms == kNow + 3600000);

  REQUIRE(d.as(d.ivan, CompleteTodo{"D2", "t1", true}).ok());
  CHECK(d.item("D2").activity("t1")->completed);
  CHECK(d.item("D2").open_todos() == before);
  CHECK(d.last("D2").kind == TimelineKind::TodoCompleted);
  REQUIRE(d.ivan.undo(++d.t).ok());
  CHECK_FALSE(d.item("D2").activity("t1")->completed);
  CHECK(d.item("D2").open_todos() == before + 1);
}

TEST_CASE("to-dos: bad input is refused and changes nothing") {
  Demo d;
  const auto rev = d.item("D2").rev;
  CHECK(d.as(d.ivan, PutTodo{"D2", todo("t", 0)}).code == "deadline_missing");
  CHECK(d.as(d.ivan, PutTodo{"D2", todo("", kNow)}).code == "invalid_id");
  Activity bad = todo("t", kNow);
  bad.responsible = "nobody";
  CHECK(d.as(d.ivan, PutTodo{"D2", bad}).code == "unknown_user");
  bad = todo("t", kNow);
  bad.reminders = {-5};
  CHECK(d.as(d.ivan, PutTodo{"D2", bad}).code == "invalid_reminder");
  bad = todo("t", kNow);
  bad.color = "red";
  CHECK(d.as(d.ivan, PutTodo{"D2", bad}).code == "invalid_color");
  CHECK(d.as(d.ivan, PutTodo{"NOPE", todo("t", kNow)}).code == "unknown_item");
  CHECK(d.as(d.ivan, CompleteTodo{"D2", "missing", true}).code == "unknown_todo");
  // Support edits only its own items.
  CHECK(d.as(d.maria, PutTodo{"D1", todo("t", kNow)}).code == "forbidden");
  CHECK(d.item("D2").rev == rev);
  CHECK(d.item("D2").activity("t") == nullptr);
}

TEST_CASE("to-dos: removing one is undone with its content") {
  Demo d;
  Activity a = todo("t1", kNow + 1000, "Встреча");
  a.location = "Офис";
  a.participants = {"u1"};
  REQUIRE(d.as(d.ivan, PutTodo{"D2", a}).ok());
  REQUIRE(d.as(d.ivan, RemoveTodo{"D2", "t1"}).ok());
  CHECK(d.item("D2").activity("t1") == nullptr);
  REQUIRE(d.ivan.undo(++d.t).ok());
  REQUIRE(d.item("D2").activity("t1"));
  CHECK(d.item("D2").activity("t1")->location == "Офис");
  CHECK(d.item("D2").activity("t1")->participants == std::vector<std::string>{"u1"});
}

TEST_CASE("communications: logged with channel, direction, outcome, duration and note; bad ones refused") {
  Demo d;
  REQUIRE(d.as(d.ivan, LogCommunication{"D2", "call", "out", "+7 900 111-22-33", "reached", 95, "Обсудили скидку"}).ok());
  const auto& e = d.last("D2");
  CHECK(e.kind == TimelineKind::Communication);
  CHECK(e.text == "Обсудили скидку");
  const json p = json::parse(e.payload);
  CHECK(p["channel"] == "call");
  CHECK(p["duration"] == 95);
  CHECK(p["outcome"] == "reached");
  const size_t n = d.ws.timeline("D2").size();
  CHECK(d.as(d.ivan, LogCommunication{"D2", "pigeon", "out", "", "", 0, ""}).code == "invalid_channel");
  CHECK(d.as(d.ivan, LogCommunication{"D2", "call", "sideways", "", "", 0, ""}).code == "invalid_direction");
  CHECK(d.as(d.ivan, LogCommunication{"D2", "call", "out", "", "", -1, ""}).code == "invalid_duration");
  CHECK(d.ws.timeline("D2").size() == n);
}

TEST_CASE("product rows: totals with discounts and taxes, included or added") {
  ProductRow r = row("p", "Стол", 10000, 3);  // 100.00 × 3
  CHECK(row_total(r) == 30000);
  r.discount_percent = 10;
  CHECK(row_total(r) == 27000);
  r.tax_rate = 20;  // included: the tax is a sixth of the price
  CHECK(row_total(r) == 27000);
  CHECK(row_tax(r) == 4500);
  r.tax_included = false;  // added on top
  CHECK(row_tax(r) == 5400);
  CHECK(row_total(r) == 32400);
  r.quantity = 0.5;
  r.discount_percent = 0;
  r.tax_rate = 0;
  CHECK(row_total(r) == 5000);
}

TEST_CASE("product rows feed the amount unless it is set by hand; undo brings both back") {
  Demo d;
  const Value amount0 = d.item("D2").get("OPPORTUNITY_WITH_CURRENCY");
  REQUIRE(d.as(d.ivan, SetProducts{"D2", {row("p1", "Стол", 10000, 2), row("p2", "Стул", 2500, 4)}}).ok());
  CHECK(d.item("D2").products.size() == 2);
  CHECK(d.item("D2").get("OPPORTUNITY_WITH_CURRENCY").as_money().minor == 30000);
  REQUIRE(d.ivan.undo(++d.t).ok());
  CHECK(d.item("D2").products.empty());
  CHECK(d.item("D2").get("OPPORTUNITY_WITH_CURRENCY") == amount0);

  REQUIRE(d.as(d.ivan, SetField{"D2", "IS_MANUAL_OPPORTUNITY", Value(true)}).ok());
  REQUIRE(d.as(d.ivan, SetProducts{"D2", {row("p1", "Стол", 10000, 2)}}).ok());
  CHECK(d.item("D2").get("OPPORTUNITY_WITH_CURRENCY") == amount0);
}

TEST_CASE("product rows: invalid rows are refused; entities without an amount have none") {
  Demo d;
  CHECK(d.as(d.ivan, SetProducts{"D2", {row("p", " ", 100, 1)}}).code == "product_name_empty");
  CHECK(d.as(d.ivan, SetProducts{"D2", {row("p", "x", -1, 1)}}).code == "invalid_price");
  CHECK(d.as(d.ivan, SetProducts{"D2", {row("p", "x", 1, 0)}}).code == "invalid_quantity");
  ProductRow r = row("p", "x", 1, 1);
  r.discount_percent = 120;
  CHECK(d.as(d.ivan, SetProducts{"D2", {r}}).code == "invalid_discount");
  CHECK(d.as(d.admin, SetProducts{"C1", {row("p", "x", 1, 1)}}).code == "no_products");
  CHECK(d.item("D2").products.empty());
}

TEST_CASE("activities, products and payloads survive the snapshot and command JSON") {
  Demo d;
  ProductRow r = row("p1", "Стол", 10000, 2);
  r.tax_rate = 20;
  REQUIRE(d.as(d.ivan, SetProducts{"D2", {r}}).ok());
  REQUIRE(d.as(d.ivan, PutTodo{"D2", todo("t1", kNow + 5000)}).ok());
  REQUIRE(d.as(d.ivan, LogCommunication{"D2", "email", "out", "a@b.ru", "sent", 0, "КП"}).ok());
  Workspace copy;
  REQUIRE(load_snapshot(snapshot_json(d.ws, nullptr), &copy).ok());
  CHECK(copy.item("D2")->products == d.item("D2").products);
  CHECK(copy.item("D2")->activities == d.item("D2").activities);
  CHECK(copy.timeline("D2").back().payload == d.last("D2").payload);

  for (const Command& c : std::vector<Command>{PutTodo{"D2", todo("t1", 5)}, CompleteTodo{"D2", "t1", false},
                                               RemoveTodo{"D2", "t1"}, SetProducts{"D2", {r}},
                                               LogCommunication{"D2", "call", "in", "1", "busy", 3, "n"}}) {
    CHECK(json(c).get<Command>() == c);
  }
}
