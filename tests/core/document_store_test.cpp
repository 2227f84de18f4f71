// Documents in the workspace (issue 7): the GenerateDocument command, numbering across devices, templates
// and numerators as configuration.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/documents.hpp"
#include "core/snapshot.hpp"
#include "core/workspace.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

struct Demo : test::DemoWorkspace {
  Status as(Session& s, Command c) { return s.dispatch(std::move(c), ++t, false); }
  // What the card's "Document" button issues.
  GenerateDocument make(const std::string& user, const std::string& item, const std::string& tmpl, const std::string& id) {
    const Schema& s = ws.schema();
    const DocTemplate* dt = s.doc_template(tmpl);
    REQUIRE(dt);
    const Numerator* n = s.numerator(dt->numerator_id);
    auto st = s.numerator_states.find(dt->numerator_id);
    const NumeratorState state = st == s.numerator_states.end() ? NumeratorState{} : st->second;
    GeneratedDocument g = generate_document(ws, user, item, *dt, s.my_company, n, state, id, kNow, 180);
    REQUIRE(g.status.ok());
    return GenerateDocument{item, g.document, dt->numerator_id, state, g.numerator_state};
  }
};

}  // namespace

TEST_CASE("a generated invoice is stored on the deal with its number, and the timeline says so") {
  Demo d;
  REQUIRE(d.ws.schema().doc_template("invoice"));
  GenerateDocument first = d.make("u1", "D2", "invoice", "doc1");
  REQUIRE(d.as(d.admin, first).ok());
  const Item& deal = *d.ws.item("D2");
  REQUIRE(deal.documents.size() == 1);
  CHECK(deal.documents[0].number == first.document.number);
  CHECK(deal.documents[0].created_by == "u1");
  CHECK(deal.documents[0].html.find(html_escape(d.ws.display_name(deal))) != std::string::npos);
  const TimelineEntry& e = d.ws.timeline("D2").back();
  CHECK(e.kind == TimelineKind::Document);
  CHECK(e.text == first.document.title);
  CHECK(json::parse(e.payload)["document"] == "doc1");

  // The next one takes the next number.
  GenerateDocument second = d.make("u1", "D3", "invoice", "doc2");
  CHECK(second.document.number != first.document.number);
  REQUIRE(d.as(d.admin, second).ok());
  CHECK(d.ws.schema().numerator_states.at("invoice") == second.next);

  SUBCASE("a number taken meanwhile by another device is refused, and nothing is stored") {
    GenerateDocument stale = second;  // made from the state before `second` was applied
    stale.document.id = "doc3";
    stale.item = "D4";
    CHECK(d.as(d.admin, stale).code == "number_taken");
    CHECK(d.ws.item("D4")->documents.empty());
  }
  SUBCASE("the same document cannot be stored twice") {
    GenerateDocument again = d.make("u1", "D2", "invoice", "doc1");
    CHECK(d.as(d.admin, again).code == "duplicate_id");
  }
}

TEST_CASE("documents: templates not meant for the item, unknown templates and unreadable items are refused") {
  Demo d;
  GenerateDocument g = d.make("u1", "D2", "invoice", "x1");
  GenerateDocument contact = g;
  contact.item = "C1";
  CHECK(d.as(d.admin, contact).code == "template_not_applicable");
  GenerateDocument unknown = g;
  unknown.document.template_id = "nope";
  CHECK(d.as(d.admin, unknown).code == "not_found");
  GenerateDocument wrong_numerator = g;
  wrong_numerator.numerator = "quote";
  CHECK(d.as(d.admin, wrong_numerator).code == "invalid_numerator");
}

TEST_CASE("templates, numerators and the seller's details are configuration: administrators only, validated, synced") {
  Demo d;
  DocTemplate t = *d.ws.schema().doc_template("quote");
  t.id = "short";
  t.name = {"Короткое КП", "Short quote"};
  t.body = "<p>{Title}</p>";
  CHECK(d.as(d.ivan, PutTemplate{t, false}).code == "forbidden");
  REQUIRE(d.as(d.admin, PutTemplate{t, false}).ok());
  CHECK(d.ws.schema().doc_template("short")->created_by == "u1");
  DocTemplate broken = t;
  broken.body = "{#Products}<tr>";
  CHECK(d.as(d.admin, PutTemplate{broken, false}).code == "invalid_template");
  CHECK(d.ws.schema().doc_template("short")->body == "<p>{Title}</p>");

  Numerator n;
  n.id = "acts";
  n.name = {"Акты", "Acts"};
  n.pattern = "А-{NUMBER}";
  n.step = 0;
  CHECK(d.as(d.admin, PutNumerator{n, false}).code == "invalid_numerator");
  n.step = 1;
  REQUIRE(d.as(d.admin, PutNumerator{n, false}).ok());
  CHECK(d.as(d.admin, PutNumerator{*d.ws.schema().numerator("invoice"), true}).code == "numerator_in_use");

  MyCompany me;
  me.name = "ООО «Картотека»";
  me.inn = "7701234567";
  CHECK(d.as(d.ivan, SetMyCompany{me}).code == "forbidden");
  REQUIRE(d.as(d.admin, SetMyCompany{me}).ok());
  REQUIRE(d.as(d.admin, d.make("u1", "D2", "invoice", "z1")).ok());
  CHECK(d.ws.item("D2")->documents.back().html.find("7701234567") != std::string::npos);

  // Everything survives the schema's JSON form (snapshots, pulls), counters included.
  Schema back;
  REQUIRE(load_schema(schema_json(d.ws.schema(), nullptr), &back).ok());
  CHECK(back.templates == d.ws.schema().templates);
  CHECK(back.numerators == d.ws.schema().numerators);
  CHECK(back.numerator_states == d.ws.schema().numerator_states);
  CHECK(back.my_company == me);
}
