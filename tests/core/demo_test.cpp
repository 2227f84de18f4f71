// The demo workspace from assets/demo/workspace.json (src/core/demo.hpp). It is the workspace the C++ tables
// of src/core/demo.cpp made before issue 23: fixtures/demo_steps.json holds the commands those tables issued
// (written by them, with their times relative to now), and the description makes exactly those. After a
// deliberate change of the demo, write the fixture again: KT_WRITE_DEMO_FIXTURE=1 build/native/kt_tests
// -tc="the demo is*".
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/assets.hpp"
#include "core/demo.hpp"
#include "core/documents.hpp"
#include "core/session.hpp"
#include "core/snapshot.hpp"
#include "test_support.hpp"

using namespace kt;
using nlohmann::json;

namespace {

// A step as the journal sees it ({t, cmd}, t relative to now), the fields of a created item in name order
// (the description is a JSON object, whose keys come in name order).
json step_json(std::int64_t t, const Command& c) {
  json cmd = c;
  if (cmd.contains("fields")) std::sort(cmd["fields"].begin(), cmd["fields"].end());
  return json{{"t", t - test::kNow}, {"cmd", cmd}};
}

std::vector<json> seeded_steps(Workspace& ws) {
  std::vector<json> steps;
  Session s(ws, "seed", "u1");
  s.set_sink([&steps](const Mutation& m) { steps.push_back(step_json(m.time_ms, m.cmd)); });
  const Status st = seed_demo(s, test::kNow);
  REQUIRE_MESSAGE(st.ok(), st.code << ": " << st.message);
  return steps;
}

std::string fixture(const char* name) {
  std::ifstream f(std::string(KT_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Status steps_of(const std::string& text) {
  std::vector<DemoStep> steps;
  Status st = demo_steps(text, test::kNow, &steps);
  if (!st) CHECK(steps.empty());
  return st;
}

}  // namespace

TEST_CASE("the demo is the one the C++ tables made: the same commands at the same times") {
  Workspace ws;
  const std::vector<json> got = seeded_steps(ws);
  if (std::getenv("KT_WRITE_DEMO_FIXTURE")) {
    std::ofstream f(std::string(KT_FIXTURES) + "/demo_steps.json", std::ios::binary);
    f << "[\n";
    for (size_t i = 0; i < got.size(); ++i) f << got[i].dump() << (i + 1 < got.size() ? ",\n" : "\n");
    f << "]\n";
  }
  // Compared as commands, so that a member added to a command later (with its default) changes nothing here.
  const json before = json::parse(fixture("demo_steps.json"));
  REQUIRE(before.size() == got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const Command want = before[i]["cmd"].get<Command>(), have = got[i]["cmd"].get<Command>();
    CHECK_MESSAGE(want == have, "step " << i << ": " << got[i].dump());
    CHECK(before[i]["t"] == got[i]["t"]);
  }
  CHECK(ws.item_count() == 30);
  CHECK(ws.schema().users.size() >= 4);
}

TEST_CASE("the demo's dates are counted from today, and its deals walk the pipeline to their stage") {
  std::vector<DemoStep> steps;
  REQUIRE(demo_steps(core_asset("demo/workspace.json"), test::kNow, &steps).ok());
  Workspace ws;
  Session s(ws, "seed", "u1");
  REQUIRE(seed_demo(s, test::kNow).ok());
  const Item* d1 = ws.item("D1");
  REQUIRE(d1);
  CHECK(d1->get("BEGINDATE") == Value("2026-10-29"));  // kNow is 2026-11-18: 20 days before
  CHECK(d1->get("CLOSEDATE") == Value("2026-12-02"));  // 14 days after
  CHECK(d1->get("STAGE_ID") == Value("EXECUTING"));
  CHECK(ws.item("D6")->get("STAGE_ID") == Value("WON"));
  CHECK(d1->get("OPPORTUNITY_WITH_CURRENCY") == Value(Money{125000000, "RUB"}));
  CHECK(steps.front().time_ms == test::kNow - 30LL * 86400000 + 1000);
  CHECK(steps.back().time_ms < test::kNow);
}

TEST_CASE("a demo description that is not one is refused with the reason, and gives no command") {
  CHECK(steps_of("{}").ok());  // nothing to make
  CHECK(steps_of("").code == "invalid_demo");
  CHECK(steps_of("[1, 2").code == "invalid_demo");
  CHECK(steps_of(std::string(100, '[') + std::string(100, ']')).code == "invalid_demo");  // too deep
  CHECK(steps_of("[]").code == "invalid_demo");
  const Status typo = steps_of(R"({"items": [{"id": "X", "entity": "deal", "minuts": 5, "fields": {}}]})");
  CHECK(typo.code == "invalid_demo");
  CHECK(typo.message.find("minuts") != std::string::npos);
  CHECK(steps_of(R"({"itemz": []})").code == "invalid_demo");
  CHECK(steps_of(R"({"items": [{"id": "X", "entity": "deal", "fields": []}]})").code == "invalid_demo");
  CHECK(steps_of(R"({"items": [{"id": "X", "entity": "deal", "fields": {"A": {"x": 1}}}]})").code == "invalid_demo");
  CHECK(steps_of(R"({"items": [{"id": 5, "entity": "deal", "fields": {}}]})").code == "invalid_demo");
  CHECK(steps_of(R"({"items": [{"entity": "deal", "fields": {}}]})").code == "invalid_demo");
  CHECK(steps_of(R"({"users": [{"id": "u9", "admin": "yes"}]})").code == "invalid_demo");
  CHECK(steps_of(R"({"changes": [{"item": "D1", "field": "TITLE"}]})").code == "invalid_demo");
  CHECK(steps_of(R"({"items": [{"id": "X", "entity": "deal", "fields": {"D": {"today": "soon"}}}]})").code ==
        "invalid_demo");
}

TEST_CASE("a demo invoice is complete: the company's details and bank, and a deal without rows billed its amount") {
  Workspace ws;
  Session s(ws, "seed", "u1");
  REQUIRE(seed_demo(s, test::kNow).ok());
  const Schema& sc = ws.schema();
  CHECK(sc.my_company.inn == "7701234567");
  const DocTemplate* invoice = nullptr;
  for (const auto& t : sc.templates)
    if (t.id == "invoice") invoice = &t;
  REQUIRE(invoice);
  auto page = [&](const char* item) {
    const GeneratedDocument made = generate_document(ws, "u1", item, *invoice, sc.my_company,
                                                     sc.numerator(invoice->numerator_id), NumeratorState{}, "doc1", test::kNow);
    REQUIRE_MESSAGE(made.status.ok(), made.status.message);
    return made.document.html;
  };
  // D2 has no product rows: one row, the deal, for its amount (480 000 ₽), and the totals say the same.
  REQUIRE(ws.item("D2")->products.empty());
  const std::string d2 = page("D2");
  for (const char* part : {"ООО «Картотека»", "7701234567", "044525225", "40702810938000012345", "Смирнова А. В.",
                           "<td>Внедрение CRM для отдела продаж</td>", "480 000,00", "Четыреста восемьдесят тысяч"})
    CHECK_MESSAGE(d2.find(part) != std::string::npos, part);
  CHECK(d2.find("Нет товаров") == std::string::npos);
  // A deal without an amount has nothing to bill.
  Session edit(ws, "c", "u1");
  REQUIRE(edit.dispatch(SetField{"D2", "OPPORTUNITY_WITH_CURRENCY", Value{}, {}}, test::kNow).ok());
  CHECK(page("D2").find("Нет товаров") != std::string::npos);
}
