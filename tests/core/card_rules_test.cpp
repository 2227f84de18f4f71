// The rules of the card (issue 3; inventory 1A-1D and §2), one test per rule with its edge cases.
#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/layouts.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/session.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

// The demo workspace (users u1 admin; u2, u4 managers with own view; u3 support without it) and a session
// per user on the same workspace.
using Demo = test::DemoWorkspace;

FieldDef custom(const std::string& id, FieldType type, const std::string& entity = "deal") {
  FieldDef f;
  f.id = id;
  f.entity = entity;
  f.type = type;
  f.label = {"Поле " + id, "Field " + id};
  if (type == FieldType::List) f.options = {{"A", {"Первый", "First"}}, {"B", {"Второй", "Second"}}};
  if (type == FieldType::CrmDirectory) f.directory = "SOURCE";
  if (type == FieldType::CrmBinding) f.binding_kinds = {"contact"};
  return f;
}

RequiredRange range(const std::string& field, const std::string& start, const std::string& finish,
                    RangeGroup g = RangeGroup::Pipeline, const std::string& pipeline = "0") {
  return RequiredRange{"deal", pipeline, field, g, start, finish};
}

std::vector<RequiredRange> ranges_of(const Schema& s, const std::string& field) {
  std::vector<RequiredRange> out;
  for (const auto& r : s.required)
    if (r.field == field) out.push_back(r);
  return out;
}

Layout layout_of(const Demo& d, const std::string& family, const std::string& scope = "C") {
  return *effective_layout(d.schema(), family, scope);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Custom fields (§2, L-11, L-13)
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("custom fields of every type are created and hold values of their type") {
  Demo d;
  struct Case {
    FieldType type;
    Value good;
    Value bad;
    const char* bad_code;
  };
  const Case cases[] = {
      {FieldType::String, Value("текст"), Value(std::int64_t{1}), "invalid_value"},
      {FieldType::Integer, Value(std::int64_t{42}), Value(1.5), "invalid_integer"},
      {FieldType::Number, Value(2.75), Value("x"), "invalid_number"},
      {FieldType::Boolean, Value(true), Value("да"), "invalid_value"},
      {FieldType::Date, Value("2026-12-31"), Value("2026-02-30"), "invalid_date"},
      {FieldType::DateTime, Value("2026-12-31T23:59"), Value("2026-12-31T24:00"), "invalid_datetime"},
      {FieldType::List, Value("B"), Value("Z"), "unknown_option"},
      {FieldType::Money, Value(Money{100, "USD"}), Value(Money{100, "usd"}), "invalid_currency"},
      {FieldType::Link, Value("https://example.com/a"), Value("not a link"), "invalid_url"},
      {FieldType::Address, Value("Москва, Тверская, 1"), Value(true), "invalid_value"},
      {FieldType::File, Value(FileRef{"f1", "a.pdf", "application/pdf", 10}), Value("a.pdf"), "invalid_value"},
      {FieldType::Employee, Value("u3"), Value("u99"), "unknown_user"},
      {FieldType::CrmBinding, Value("C1"), Value("CO1"), "wrong_kind"},
      {FieldType::CrmDirectory, Value("WEB"), Value("NOPE"), "unknown_option"},
  };
  int n = 0;
  for (const auto& c : cases) {
    const std::string id = "UF_CRM_T" + std::to_string(++n);
    CAPTURE(id);
    REQUIRE(d.as(d.admin, PutField{custom(id, c.type)}).ok());
    CHECK(d.as(d.admin, SetField{"D1", id, c.good, {}}).ok());
    CHECK(d.item("D1").get(id) == c.good);
    CHECK(d.as(d.admin, SetField{"D1", id, c.bad, {}}).code == c.bad_code);
    CHECK(d.item("D1").get(id) == c.good);
  }
}

TEST_CASE("multiple fields hold lists of their type; yes/no is never multiple") {
  Demo d;
  FieldDef tags = custom("UF_CRM_TAGS", FieldType::String);
  tags.multiple = true;
  REQUIRE(d.as(d.admin, PutField{tags}).ok());
  CHECK(d.as(d.admin, SetField{"D1", "UF_CRM_TAGS", Value(Value::List{Value("a"), Value("b")}), {}}).ok());
  CHECK(d.as(d.admin, SetField{"D1", "UF_CRM_TAGS", Value("a"), {}}).code == "not_a_list");
  FieldDef flag = custom("UF_CRM_FLAG", FieldType::Boolean);
  flag.multiple = true;
  CHECK(d.as(d.admin, PutField{flag}).code == "boolean_multiple");
  CHECK_FALSE(d.schema().field("deal", "UF_CRM_FLAG"));
}

TEST_CASE("type and multiplicity cannot change after creation (L-13); labels, help and options can") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_X", FieldType::String)}).ok());
  FieldDef changed = custom("UF_CRM_X", FieldType::Integer);
  CHECK(d.as(d.admin, PutField{changed}).code == "immutable_type");
  changed = custom("UF_CRM_X", FieldType::String);
  changed.multiple = true;
  CHECK(d.as(d.admin, PutField{changed}).code == "immutable_multiple");
  changed = custom("UF_CRM_X", FieldType::String);
  changed.label = {"Новое имя", "New name"};
  changed.help = {"Подсказка", "Hint"};
  REQUIRE(d.as(d.admin, PutField{changed}).ok());
  CHECK(d.schema().field("deal", "UF_CRM_X")->label.get(Lang::En) == "New name");
  CHECK(d.schema().field("deal", "UF_CRM_X")->help.get(Lang::Ru) == "Подсказка");
}

TEST_CASE("a field needs a name, valid id and well-formed options; bad definitions change nothing") {
  Demo d;
  FieldDef f = custom("UF_CRM_L", FieldType::List);
  f.label = {};
  CHECK(d.as(d.admin, PutField{f}).code == "label_empty");
  f = custom("uf crm", FieldType::String);
  CHECK(d.as(d.admin, PutField{f}).code == "invalid_field_id");
  f = custom("UF_CRM_L", FieldType::List);
  f.options.push_back({"A", {"Дубль", "Dup"}});
  CHECK(d.as(d.admin, PutField{f}).code == "invalid_options");
  f = custom("UF_CRM_S", FieldType::Stage);
  CHECK(d.as(d.admin, PutField{f}).code == "invalid_type");
  f = custom("UF_CRM_B", FieldType::CrmBinding);
  f.binding_kinds.clear();
  CHECK(d.as(d.admin, PutField{f}).code == "binding_kinds_empty");
  f = custom("UF_CRM_D", FieldType::CrmDirectory);
  f.directory = "NOPE";
  CHECK(d.as(d.admin, PutField{f}).code == "unknown_directory");
  f = custom("UF_CRM_N", FieldType::Number);
  f.default_value = Value("abc");
  CHECK(d.as(d.admin, PutField{f}).code == "invalid_number");
  for (const char* id : {"UF_CRM_L", "UF_CRM_S", "UF_CRM_B", "UF_CRM_D", "UF_CRM_N"})
    CHECK_FALSE(d.schema().field("deal", id));
}

TEST_CASE("a default value fills new items; a list's default is one of its options") {
  Demo d;
  FieldDef f = custom("UF_CRM_PRIO", FieldType::List);
  f.default_value = Value("B");
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  REQUIRE(d.as(d.admin, CreateItem{"N1", "deal", "", {{"TITLE", Value("x")}}}).ok());
  CHECK(d.item("N1").get("UF_CRM_PRIO") == Value("B"));
  f.default_value = Value("Z");
  CHECK(d.as(d.admin, PutField{f}).code == "unknown_option");
}

TEST_CASE("removing a list option clears the values that used it") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_L", FieldType::List)}).ok());
  REQUIRE(d.as(d.admin, SetField{"D1", "UF_CRM_L", Value("A"), {}}).ok());
  REQUIRE(d.as(d.admin, SetField{"D2", "UF_CRM_L", Value("B"), {}}).ok());
  FieldDef f = custom("UF_CRM_L", FieldType::List);
  f.options.erase(f.options.begin());
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  CHECK(d.item("D1").get("UF_CRM_L").is_null());
  CHECK(d.item("D2").get("UF_CRM_L") == Value("B"));
}

TEST_CASE("a file larger than the field's limit is refused with the reason") {
  Demo d;
  FieldDef f = custom("UF_CRM_FILE", FieldType::File);
  f.max_file_size = 1000;
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  CHECK(d.as(d.admin, SetField{"D1", "UF_CRM_FILE", Value(FileRef{"f", "big.bin", "", 1001}), {}}).code ==
        "file_too_large");
  CHECK(d.as(d.admin, SetField{"D1", "UF_CRM_FILE", Value(FileRef{"f", "ok.bin", "", 1000}), {}}).ok());
}

TEST_CASE("system fields: only name and help change; they cannot be deleted") {
  Demo d;
  FieldDef title = *d.schema().field("deal", "TITLE");
  title.label = {"Заголовок", "Heading"};
  REQUIRE(d.as(d.admin, PutField{title}).ok());
  CHECK(d.schema().field("deal", "TITLE")->label.ru == "Заголовок");
  title.multiline = true;
  CHECK(d.as(d.admin, PutField{title}).code == "system_field");
  CHECK(d.as(d.admin, DeleteField{"deal", "TITLE"}).code == "system_field");
}

TEST_CASE("deleting a custom field removes its data everywhere and its rules; layouts naming it are ignored") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_DEL", FieldType::String)}).ok());
  REQUIRE(d.as(d.admin, SetField{"D1", "UF_CRM_DEL", Value("a"), {}}).ok());
  REQUIRE(d.as(d.admin, SetField{"D2", "UF_CRM_DEL", Value("b"), {}}).ok());
  CHECK(d.ws.count_values("deal", "UF_CRM_DEL") == 2);
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_DEL", false, {range("UF_CRM_DEL", "WON", "WON")}}).ok());
  Layout l = layout_of(d, "deal:0");
  l.sections[1].elements.push_back({"UF_CRM_DEL", true, {}});
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", l, false}).ok());

  REQUIRE(d.as(d.admin, DeleteField{"deal", "UF_CRM_DEL"}, false).ok());
  CHECK_FALSE(d.schema().field("deal", "UF_CRM_DEL"));
  CHECK(d.item("D1").cell("UF_CRM_DEL") == nullptr);
  CHECK(d.ws.count_values("deal", "UF_CRM_DEL") == 0);
  CHECK(ranges_of(d.schema(), "UF_CRM_DEL").empty());  // R-9
  // The dead reference stays in the stored layout and is harmless: the layout still validates.
  CHECK(d.schema().stored_layout("deal:0", "C")->has_field("UF_CRM_DEL"));
  CHECK(check_layout(*d.schema().stored_layout("deal:0", "C")).ok());
  // And the layout can still be edited (the dead field is not "required").
  Layout again = *d.schema().stored_layout("deal:0", "C");
  again.sections[1].elements.pop_back();
  CHECK(d.as(d.admin, PutLayout{"deal:0", "C", again, false}).ok());
}

TEST_CASE("only users with the configuration right change fields") {
  Demo d;
  CHECK(d.as(d.ivan, PutField{custom("UF_CRM_X", FieldType::String)}).code == "forbidden");
  CHECK(d.as(d.ivan, DeleteField{"deal", "TITLE"}).code == "forbidden");
  CHECK(d.as(d.ivan, SetRequired{"deal", "TITLE", true, {}}).code == "forbidden");
}

// ---------------------------------------------------------------------------------------------------------
// Required fields (1C)
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("R-1/R-4: an always-required field must be filled to create, and cannot be emptied") {
  Demo d;
  FieldDef f = custom("UF_CRM_REQ", FieldType::String);
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_REQ", true, {}}).ok());
  Status s = d.as(d.admin, CreateItem{"N1", "deal", "", {{"TITLE", Value("x")}}});
  CHECK(s.code == "required_missing");
  CHECK(s.missing == std::vector<std::string>{"UF_CRM_REQ"});
  CHECK_FALSE(d.ws.item("N1"));
  REQUIRE(d.as(d.admin, CreateItem{"N1", "deal", "", {{"TITLE", Value("x")}, {"UF_CRM_REQ", Value("y")}}}).ok());
  CHECK(d.as(d.admin, SetField{"N1", "UF_CRM_REQ", Value(""), {}}).code == "required");
  CHECK(d.item("N1").get("UF_CRM_REQ") == Value("y"));
  // Existing items that break the new rule can still have other fields edited (R-4).
  CHECK(d.as(d.admin, SetField{"D1", "TITLE", Value("Другое"), {}}).ok());
}

TEST_CASE("R-2/R-3/R-4: required on a stage range blocks moving into it until filled; fills move it") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_CONTRACT", FieldType::String)}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_CONTRACT", false,
                                    {range("UF_CRM_CONTRACT", "PREPAYMENT_INVOICE", "FINAL_INVOICE")}})
              .ok());
  const FieldDef& f = *d.schema().field("deal", "UF_CRM_CONTRACT");
  CHECK_FALSE(required_on_stage(d.schema(), f, "0", "PREPARATION"));
  CHECK(required_on_stage(d.schema(), f, "0", "PREPAYMENT_INVOICE"));
  CHECK(required_on_stage(d.schema(), f, "0", "FINAL_INVOICE"));
  CHECK_FALSE(required_on_stage(d.schema(), f, "0", "WON"));
  CHECK_FALSE(required_on_stage(d.schema(), f, "1", "C1:NEGOTIATION"));  // per pipeline

  // D3 stands on NEW.
  const size_t entries = d.ws.timeline("D3").size();
  Status s = d.as(d.admin, MoveStage{"D3", "EXECUTING", {}});
  CHECK(s.code == "required_missing");
  CHECK(s.missing == std::vector<std::string>{"UF_CRM_CONTRACT"});
  CHECK(d.item("D3").get("STAGE_ID") == Value("NEW"));
  CHECK(d.ws.timeline("D3").size() == entries);
  // The stage bar sends a plain SetField of the stage: the same rule applies.
  CHECK(d.as(d.admin, SetField{"D3", "STAGE_ID", Value("EXECUTING"), {}}).code == "required_missing");
  CHECK(d.as(d.admin, MoveStage{"D3", "PREPARATION", {}}).ok());  // outside the range
  REQUIRE(d.as(d.admin, MoveStage{"D3", "EXECUTING", {{"UF_CRM_CONTRACT", Value("№ 15")}}}).ok());
  CHECK(d.item("D3").get("STAGE_ID") == Value("EXECUTING"));
  CHECK(d.item("D3").get("UF_CRM_CONTRACT") == Value("№ 15"));
  const auto& tl = d.ws.timeline("D3");
  CHECK(tl[tl.size() - 2].kind == TimelineKind::FieldChanged);
  CHECK(tl.back().kind == TimelineKind::StageChanged);
  CHECK(tl.back().id != tl[tl.size() - 2].id);
  // Inside the range the field cannot be emptied.
  CHECK(d.as(d.admin, SetField{"D3", "UF_CRM_CONTRACT", Value(), {}}).code == "required");
}

TEST_CASE("R-3: for entities without stages any rule means always required") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_INN", FieldType::String, "company")}).ok());
  RequiredRange all{"company", "", "UF_CRM_INN", RangeGroup::All, "", ""};
  REQUIRE(d.as(d.admin, SetRequired{"company", "UF_CRM_INN", false, {all}}).ok());
  CHECK(d.as(d.admin, CreateItem{"CX", "company", "", {{"TITLE", Value("ООО")}}}).code == "required_missing");
  RequiredRange bad{"company", "", "UF_CRM_INN", RangeGroup::Pipeline, "NEW", "WON"};
  CHECK(d.as(d.admin, SetRequired{"company", "UF_CRM_INN", false, {bad}}).code == "invalid_ranges");
}

TEST_CASE("R-5: making a field always required drops its ranges; undo brings them back") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_R5", FieldType::String)}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_R5", false,
                                    {range("UF_CRM_R5", "NEW", "PREPARATION"), range("UF_CRM_R5", "C1:NEW", "C1:NEW", RangeGroup::Pipeline, "1")}})
              .ok());
  CHECK(ranges_of(d.schema(), "UF_CRM_R5").size() == 2);
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_R5", true, {range("UF_CRM_R5", "NEW", "NEW")}}).ok());
  CHECK(ranges_of(d.schema(), "UF_CRM_R5").empty());
  CHECK(d.schema().field("deal", "UF_CRM_R5")->mandatory);
  REQUIRE(d.admin.undo(++d.t).ok());
  CHECK(ranges_of(d.schema(), "UF_CRM_R5").size() == 2);
  CHECK_FALSE(d.schema().field("deal", "UF_CRM_R5")->mandatory);
}

TEST_CASE("ranges are checked: stages exist, start before finish, failure stages apart") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_RC", FieldType::String)}).ok());
  auto set = [&](RequiredRange r) { return d.as(d.admin, SetRequired{"deal", "UF_CRM_RC", false, {r}}).code; };
  CHECK(set(range("UF_CRM_RC", "EXECUTING", "NEW")) == "invalid_ranges");
  CHECK(set(range("UF_CRM_RC", "NEW", "LOSE")) == "invalid_ranges");
  CHECK(set(range("UF_CRM_RC", "LOSE", "APOLOGY", RangeGroup::Junk)) == "");
  CHECK(set(range("UF_CRM_RC", "NEW", "NOPE")) == "invalid_ranges");
  CHECK(set(range("UF_CRM_RC", "NEW", "WON", RangeGroup::Junk)) == "invalid_ranges");
  CHECK(set(range("UF_CRM_RC", "C1:NEW", "C1:WON", RangeGroup::Pipeline, "0")) == "invalid_ranges");
}

TEST_CASE("R-6: a stage inserted after a range's last stage extends it, or gets its own failure range") {
  std::vector<Stage> before = {{"A", {}, "", StageSemantics::Process}, {"B", {}, "", StageSemantics::Process},
                               {"W", {}, "", StageSemantics::Success}, {"F", {}, "", StageSemantics::Failure}};
  std::vector<Stage> after = before;
  after.insert(after.begin() + 2, {"B2", {}, "", StageSemantics::Process});
  after.push_back({"F2", {}, "", StageSemantics::Failure});
  std::vector<RequiredRange> ranges = {{"deal", "0", "X", RangeGroup::Pipeline, "A", "B"},
                                       {"deal", "0", "Y", RangeGroup::Junk, "F", "F"},
                                       {"deal", "1", "Z", RangeGroup::Pipeline, "A", "B"}};
  auto out = adjust_ranges(ranges, "deal", "0", before, after);
  REQUIRE(out.size() == 4);
  CHECK(out[0].finish == "B2");
  CHECK(out[1].start == "F");
  CHECK(out[2].finish == "B");  // another pipeline is untouched
  CHECK(out[3].start == "F2");
  CHECK(out[3].finish == "F2");
  CHECK(out[3].group == RangeGroup::Junk);
}

TEST_CASE("R-7: deleting stages moves range ends to neighbours or drops the range") {
  std::vector<Stage> before = {{"A", {}, "", StageSemantics::Process}, {"B", {}, "", StageSemantics::Process},
                               {"C", {}, "", StageSemantics::Process}, {"W", {}, "", StageSemantics::Success},
                               {"F", {}, "", StageSemantics::Failure}};
  std::vector<Stage> after = {before[0], before[2], before[3], before[4]};  // B deleted
  std::vector<RequiredRange> ranges = {{"deal", "0", "S", RangeGroup::Pipeline, "B", "C"},   // start moves to C
                                       {"deal", "0", "E", RangeGroup::Pipeline, "A", "B"},   // finish moves to A
                                       {"deal", "0", "O", RangeGroup::Pipeline, "B", "B"}};  // dropped
  auto out = adjust_ranges(ranges, "deal", "0", before, after);
  REQUIRE(out.size() == 2);
  CHECK((out[0].start == "C" && out[0].finish == "C"));
  CHECK((out[1].start == "A" && out[1].finish == "A"));
}

TEST_CASE("R-7/R-8 through commands: stages with items cannot go; reordering drops inverted ranges") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_R8", FieldType::String)}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_R8", false, {range("UF_CRM_R8", "PREPARATION", "EXECUTING")}}).ok());
  Pipeline p = *d.schema().pipeline("deal", "0");
  Pipeline without_new = p;
  without_new.stages.erase(without_new.stages.begin());  // NEW holds demo deals
  CHECK(d.as(d.admin, PutPipeline{without_new, false}).code == "stage_has_items");
  Pipeline reordered = p;
  std::swap(reordered.stages[1], reordered.stages[3]);  // EXECUTING before PREPARATION
  REQUIRE(d.as(d.admin, PutPipeline{reordered, false}).ok());
  CHECK(ranges_of(d.schema(), "UF_CRM_R8").empty());
  Pipeline bad = p;
  std::swap(bad.stages[0], bad.stages[5]);  // success first
  CHECK(d.as(d.admin, PutPipeline{bad, false}).code == "invalid_stages");
  Pipeline renamed = *d.schema().pipeline("deal", "0");
  renamed.stages[5].semantics = StageSemantics::Process;
  CHECK(d.as(d.admin, PutPipeline{renamed, false}).code != "");
}

TEST_CASE("R-10/F-2: a restricted field is invisible, unwritable and not required for users outside its list") {
  Demo d;
  FieldDef secret = custom("UF_CRM_MARGIN", FieldType::Money);
  secret.visible_to = {"DRd2"};  // the sales department and below
  REQUIRE(d.as(d.admin, PutField{secret}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_MARGIN", true, {}}).ok());
  const FieldDef& f = *d.schema().field("deal", "UF_CRM_MARGIN");
  CHECK(can_see_field(d.schema(), "u1", f));   // administrator
  CHECK(can_see_field(d.schema(), "u2", f));   // in d2
  CHECK(can_see_field(d.schema(), "u4", f));   // in d4, under d2
  CHECK_FALSE(can_see_field(d.schema(), "u3", f));  // support
  // Maria (support) creates a deal without it: not required for her.
  CHECK(d.as(d.maria, CreateItem{"NM", "deal", "", {{"TITLE", Value("x")}}}).ok());
  CHECK(d.as(d.maria, SetField{"NM", "UF_CRM_MARGIN", Value(Money{1, "RUB"}), {}}).code == "unknown_field");
  // Ivan must fill it.
  CHECK(d.as(d.ivan, CreateItem{"NI", "deal", "", {{"TITLE", Value("x")}}}).code == "required_missing");
  FieldDef only_dept = secret;
  only_dept.visible_to = {"Dd2"};  // the department itself, not below
  REQUIRE(d.as(d.admin, PutField{only_dept}).ok());
  CHECK(can_see_field(d.schema(), "u2", *d.schema().field("deal", "UF_CRM_MARGIN")));
  CHECK_FALSE(can_see_field(d.schema(), "u4", *d.schema().field("deal", "UF_CRM_MARGIN")));
  FieldDef bad = secret;
  bad.visible_to = {"X9"};
  CHECK(d.as(d.admin, PutField{bad}).code == "invalid_access_code");
}

// ---------------------------------------------------------------------------------------------------------
// Layouts (1A)
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("L-14/L-15: families per pipeline and lead kind; without a stored layout the default shows") {
  Demo d;
  CHECK(layout_family(d.schema(), d.item("D1")) == "deal:0");
  CHECK(layout_family(d.schema(), d.item("D13")) == "deal:1");
  CHECK(layout_family(d.schema(), d.item("L1")) == "lead:simple");
  CHECK(layout_family(d.schema(), d.item("L2")) == "lead:repeat");
  CHECK(layout_family(d.schema(), d.item("C1")) == "contact");
  CHECK(layout_family(d.schema(), d.item("Q1")) == "quote");
  CHECK(layout_family(d.schema(), d.item("I1")) == "invoice:0");
  ResolvedLayout r = resolve_layout(d.schema(), "u2", "deal:0");
  CHECK(r.scope == "C");
  CHECK_FALSE(r.stored);
  CHECK(r.layout->sections[0].title.ru == "О сделке");
  // Pipeline 1 has its own family: changing pipeline 0's layout leaves it alone.
  Layout l = layout_of(d, "deal:0");
  l.sections[0].title = {"Главное", "Main"};
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", l, false}).ok());
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").layout->sections[0].title.ru == "Главное");
  CHECK(resolve_layout(d.schema(), "u2", "deal:1").layout->sections[0].title.ru == "О сделке");
  CHECK(resolve_layout(d.schema(), "u2", "lead:repeat").layout->has_field("CONTACT_ID"));
  CHECK_FALSE(resolve_layout(d.schema(), "u2", "lead:repeat").layout->has_field("PHONE"));
  // Reset goes back to the default (V-7).
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", {}, true}).ok());
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").layout->sections[0].title.ru == "О сделке");
}

TEST_CASE("L-7: a section holding a required field cannot be deleted; others can, their fields come back") {
  Demo d;
  REQUIRE(d.as(d.admin, PutField{custom("UF_CRM_Q", FieldType::String)}).ok());
  Layout l = layout_of(d, "deal:0");
  l.sections.push_back({"extra", {"Доп.", "Extra"}, {{"UF_CRM_Q", true, {}}}});
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", l, false}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_Q", false, {range("UF_CRM_Q", "WON", "WON")}}).ok());
  Layout without = l;
  without.sections.pop_back();
  Status s = d.as(d.admin, PutLayout{"deal:0", "C", without, false});
  CHECK(s.code == "section_has_required");
  CHECK(s.message.find("The section includes required fields") == 0);
  CHECK(d.schema().stored_layout("deal:0", "C")->sections.size() == 3);
  // A required field in pipeline 0 only: in pipeline 1 the same section may go.
  Layout l1 = layout_of(d, "deal:1");
  l1.sections.push_back({"extra", {"Доп.", "Extra"}, {{"UF_CRM_Q", true, {}}}});
  REQUIRE(d.as(d.admin, PutLayout{"deal:1", "C", l1, false}).ok());
  l1.sections.pop_back();
  CHECK(d.as(d.admin, PutLayout{"deal:1", "C", l1, false}).ok());
  // Deleting the "More" section of pipeline 0 (no required field): its fields are hidden, data untouched.
  Layout no_more = *d.schema().stored_layout("deal:0", "C");
  no_more.sections.erase(no_more.sections.begin() + 1);
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", no_more, false}).ok());
  auto hidden = hidden_fields(d.schema(), "u1", "deal", no_more);
  auto has = [&](const char* id) {
    return std::any_of(hidden.begin(), hidden.end(), [&](const FieldDef* f) { return f->id == id; });
  };
  CHECK(has("TYPE_ID"));
  CHECK(has("COMMENTS"));
  CHECK_FALSE(has("TITLE"));
  CHECK(d.item("D1").get("TYPE_ID") == Value("GOODS"));
}

TEST_CASE("L-8: a required field cannot be hidden; an optional one can, and comes back in Select field") {
  Demo d;
  REQUIRE(d.as(d.admin, SetRequired{"deal", "CLOSEDATE", true, {}}).ok());
  Layout l = layout_of(d, "deal:0");
  auto& main = l.sections[0].elements;
  main.erase(std::remove_if(main.begin(), main.end(), [](const LayoutElement& e) { return e.field == "CLOSEDATE"; }),
             main.end());
  CHECK(d.as(d.admin, PutLayout{"deal:0", "C", l, false}).code == "required_hidden");
  Layout ok = layout_of(d, "deal:0");
  auto& more = ok.sections[1].elements;
  more.erase(more.begin());  // TYPE_ID
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", ok, false}).ok());
  auto hidden = hidden_fields(d.schema(), "u1", "deal", ok);
  CHECK(std::any_of(hidden.begin(), hidden.end(), [](const FieldDef* f) { return f->id == "TYPE_ID"; }));
}

TEST_CASE("L-3: in view mode a field shows when filled or when 'show always' is set") {
  CHECK(shown_in_view_mode({"X", true, {}}, Value()));
  CHECK_FALSE(shown_in_view_mode({"X", false, {}}, Value()));
  CHECK_FALSE(shown_in_view_mode({"X", false, {}}, Value("")));
  CHECK(shown_in_view_mode({"X", false, {}}, Value(false)));
  CHECK(shown_in_view_mode({"X", false, {}}, Value("x")));
}

TEST_CASE("layout structure: unique sections with titles, a field at most once") {
  Layout l;
  l.sections = {{"a", {"A", "A"}, {{"TITLE", true, {}}}}, {"a", {"B", "B"}, {}}};
  CHECK(check_layout(l).code == "invalid_layout");
  l.sections = {{"a", {"", ""}, {}}};
  CHECK(check_layout(l).code == "section_title_empty");
  l.sections = {{"a", {"A", "A"}, {{"TITLE", true, {}}}}, {"b", {"B", "B"}, {{"TITLE", true, {}}}}};
  CHECK(check_layout(l).code == "invalid_layout");
}

TEST_CASE("L-1/L-2: export and import in Bitrix24's shape, with its validation messages") {
  Demo d;
  Layout l = layout_of(d, "deal:0");
  l.sections[0].elements[0].title = "Сделка";
  l.sections[0].elements[1].show_always = false;
  json exported = export_layout(l, Lang::Ru);
  CHECK(exported[0]["name"] == "main");
  CHECK(exported[0]["title"] == "О сделке");
  CHECK(exported[0]["type"] == "section");
  CHECK(exported[0]["elements"][0]["name"] == "TITLE");
  CHECK(exported[0]["elements"][0]["optionFlags"] == 1);
  CHECK(exported[0]["elements"][1]["optionFlags"] == 0);
  Layout back;
  REQUIRE(import_layout(json::parse(exported.dump()), &back).ok());
  REQUIRE(back.sections.size() == l.sections.size());
  CHECK(back.sections[0].elements == l.sections[0].elements);

  auto err = [](const char* text) {
    Layout out;
    return import_layout(json::parse(text), &out).message;
  };
  CHECK(err("[]") == "There are no data to write");
  CHECK(err("{}") == "There are no data to write");
  CHECK(err(R"([{"title":"A"}])") == "Section at index 0 does not have name");
  CHECK(err(R"([{"name":"a","title":"A"},{"name":"b"}])") == "Section at index 1 does not have title");
  CHECK(err(R"([{"name":"a","title":"A","elements":[{"name":"TITLE"},{"optionFlags":1}]}])") ==
        "Element at index 1 in section at index 0 does not have name");
  CHECK(err(R"([{"name":"a","title":"A","type":"column"}])").find("only \"section\"") != std::string::npos);
  // Unknown keys of elements are dropped; a missing type defaults to section.
  Layout out;
  REQUIRE(import_layout(json::parse(R"([{"name":"a","title":"A","elements":[{"name":"TITLE","optionFlags":"1","junk":5}]}])"), &out).ok());
  CHECK(out.sections[0].elements[0] == LayoutElement{"TITLE", true, {}});
}

// ---------------------------------------------------------------------------------------------------------
// Views and scopes (1B)
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("V-2/V-8: personal layouts only with the own-view right; without a choice a stored personal one wins") {
  Demo d;
  Layout mine = layout_of(d, "deal:0");
  mine.sections[0].title = {"Моё", "Mine"};
  // Ivan (manager) may have his own view.
  REQUIRE(d.as(d.ivan, PutLayout{"deal:0", "P:u2", mine, false}).ok());
  ResolvedLayout r = resolve_layout(d.schema(), "u2", "deal:0");
  CHECK(r.scope == "P:u2");
  CHECK(r.layout->sections[0].title.ru == "Моё");
  // Others still see the common view.
  CHECK(resolve_layout(d.schema(), "u4", "deal:0").scope == "C");
  // Maria (support) may not.
  CHECK(d.as(d.maria, PutLayout{"deal:0", "P:u3", mine, false}).code == "forbidden");
  CHECK(d.as(d.maria, SelectScope{"u3", "deal:0", "P:u3"}).code == "own_view_forbidden");
  // Ivan switches to common explicitly, then back.
  REQUIRE(d.as(d.ivan, SelectScope{"u2", "deal:0", "C"}).ok());
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").scope == "C");
  REQUIRE(d.as(d.ivan, SelectScope{"u2", "deal:0", "P:u2"}).ok());
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").scope == "P:u2");
  // The right is taken away from his role: his P selection silently becomes C (V-8).
  Role manager = *d.schema().role("manager");
  manager.defaults.own_view = false;
  REQUIRE(d.as(d.admin, PutRole{manager, false}).ok());
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").scope == "C");
  // Someone else's personal scope is never picked.
  CHECK(d.as(d.dmitry, SelectScope{"u4", "deal:0", "P:u2"}).code == "invalid_scope");
  CHECK(d.as(d.dmitry, SelectScope{"u2", "deal:0", "C"}).code == "forbidden");
}

TEST_CASE("V-4: who edits which scope") {
  Demo d;
  const Schema& s = d.schema();
  CHECK(can_edit_scope(s, "u2", "deal:0", "P:u2"));
  CHECK_FALSE(can_edit_scope(s, "u2", "deal:0", "P:u4"));
  CHECK(can_edit_scope(s, "u1", "deal:0", "P:u4"));  // an administrator
  CHECK_FALSE(can_edit_scope(s, "u2", "deal:0", "C"));
  CHECK(can_edit_scope(s, "u1", "deal:0", "C"));
  CHECK_FALSE(can_edit_scope(s, "u3", "deal:0", "P:u3"));
  // A role with the configuration right edits the common view.
  Role manager = *s.role("manager");
  manager.entities["deal"] = manager.defaults;
  manager.entities["deal"].configure = true;
  REQUIRE(d.as(d.admin, PutRole{manager, false}).ok());
  CHECK(can_edit_scope(d.schema(), "u2", "deal:0", "C"));
  CHECK_FALSE(can_edit_scope(d.schema(), "u2", "company", "C"));
}

TEST_CASE("V-9/V-2(1)/V-12: named views by user and department tree; deleted or unassigned views fall back") {
  Demo d;
  View v{"v1", "deal:0", "Для продаж", {"DRd2"}, false, ""};
  CHECK(d.as(d.ivan, PutView{v, false}).code == "forbidden");
  REQUIRE(d.as(d.admin, PutView{v, false}).ok());
  // The view starts as a full copy of the common layout.
  REQUIRE(d.schema().stored_layout("deal:0", "V:v1"));
  CHECK(*d.schema().stored_layout("deal:0", "V:v1") == layout_of(d, "deal:0", "C"));
  auto names = [&](const std::string& user) {
    std::vector<std::string> out;
    for (const View* x : views_for(d.schema(), user, "deal:0")) out.push_back(x->id);
    return out;
  };
  CHECK(names("u2") == std::vector<std::string>{"v1"});
  CHECK(names("u4") == std::vector<std::string>{"v1"});  // sub-department
  CHECK(names("u3").empty());
  CHECK(names("u1") == std::vector<std::string>{"v1"});  // administrators see all views
  CHECK(d.as(d.maria, SelectScope{"u3", "deal:0", "V:v1"}).code == "view_not_assigned");
  REQUIRE(d.as(d.dmitry, SelectScope{"u4", "deal:0", "V:v1"}).ok());
  CHECK(resolve_layout(d.schema(), "u4", "deal:0").scope == "V:v1");
  // Unassigning Dmitry's department: he falls back.
  v.assigned = {"Dd2"};
  REQUIRE(d.as(d.admin, PutView{v, false}).ok());
  CHECK(resolve_layout(d.schema(), "u4", "deal:0").scope == "C");
  // Deleting the view clears the selections that pointed at it.
  REQUIRE(d.as(d.ivan, SelectScope{"u2", "deal:0", "V:v1"}).ok());
  REQUIRE(d.as(d.admin, PutView{v, true}).ok());
  CHECK(d.schema().scope_choices.count({"u2", "deal:0"}) == 0);
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").scope == "C");
  CHECK_FALSE(d.schema().stored_layout("deal:0", "V:v1"));
  // A view needs a name and members.
  CHECK(d.as(d.admin, PutView{View{"v2", "deal:0", "", {"Uu2"}, false, ""}, false}).code == "view_name_empty");
  CHECK(d.as(d.admin, PutView{View{"v2", "deal:0", "x", {}, false, ""}, false}).code == "view_unassigned");
}

TEST_CASE("V-10: auto-applied views become members' selection, also for people who join later") {
  Demo d;
  REQUIRE(d.as(d.admin, PutView{View{"va", "deal:0", "Продажи", {"DRd2"}, true, ""}, false}).ok());
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").scope == "V:va");
  CHECK(resolve_layout(d.schema(), "u4", "deal:0").scope == "V:va");
  CHECK(resolve_layout(d.schema(), "u3", "deal:0").scope == "C");
  User maria = *d.schema().user("u3");
  maria.department = "d4";
  REQUIRE(d.as(d.admin, PutUser{maria}).ok());
  CHECK(resolve_layout(d.schema(), "u3", "deal:0").scope == "V:va");
  REQUIRE(d.as(d.admin, PutUser{User{"u5", "Новый сотрудник", "d2", false, {"manager"}, true}}).ok());
  CHECK(resolve_layout(d.schema(), "u5", "deal:0").scope == "V:va");
}

TEST_CASE("V-6: forcing the common view drops personal layouts and choices, keeps views") {
  Demo d;
  REQUIRE(d.as(d.ivan, PutLayout{"deal:0", "P:u2", layout_of(d, "deal:0"), false}).ok());
  REQUIRE(d.as(d.admin, PutView{View{"v1", "deal:0", "В", {"Uu4"}, true, ""}, false}).ok());
  CHECK(d.as(d.ivan, ForceCommonScope{"deal:0"}).code == "forbidden");
  REQUIRE(d.as(d.admin, ForceCommonScope{"deal:0"}, false).ok());
  CHECK_FALSE(d.schema().stored_layout("deal:0", "P:u2"));
  CHECK(resolve_layout(d.schema(), "u2", "deal:0").scope == "C");
  CHECK(resolve_layout(d.schema(), "u4", "deal:0").scope == "C");
  CHECK(d.schema().view("v1"));
}

TEST_CASE("V-7: a personal reset keeps the user on his (now inherited) personal scope") {
  Demo d;
  Layout common = layout_of(d, "deal:0");
  common.sections[0].title = {"Общий", "Common"};
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", common, false}).ok());
  Layout mine = common;
  mine.sections[0].title = {"Мой", "Mine"};
  REQUIRE(d.as(d.ivan, PutLayout{"deal:0", "P:u2", mine, false}).ok());
  REQUIRE(d.as(d.ivan, PutLayout{"deal:0", "P:u2", {}, true}).ok());
  ResolvedLayout r = resolve_layout(d.schema(), "u2", "deal:0");
  CHECK(r.scope == "P:u2");
  CHECK(r.layout->sections[0].title.ru == "Общий");
}

TEST_CASE("V-14: tabs are stored with the layout of the scope; unknown tabs are appended") {
  Demo d;
  Layout l = layout_of(d, "deal:0");
  // Deals (and leads, quotes, invoices) have a products tab; contacts and companies do not.
  CHECK(tabs_of(l, "deal").size() == 4);
  CHECK(tabs_of(l, "contact").size() == 3);
  l.tabs = {{"history", false}, {"main", false}, {"links", true}, {"products", false}};
  REQUIRE(d.as(d.ivan, PutLayout{"deal:0", "P:u2", l, false}).ok());
  auto tabs = tabs_of(*resolve_layout(d.schema(), "u2", "deal:0").layout, "deal");
  REQUIRE(tabs.size() == 4);
  CHECK(tabs[0].id == "history");
  CHECK(tabs[2].hidden);
  CHECK(tabs_of(*resolve_layout(d.schema(), "u4", "deal:0").layout, "deal")[0].id == "main");
  Layout partial = l;
  partial.tabs = {{"links", false}};
  auto merged = tabs_of(partial, "deal");
  CHECK(merged[0].id == "links");
  CHECK(merged.size() == 4);
}

// ---------------------------------------------------------------------------------------------------------
// Rights, entity types, pipelines, organisation
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("access codes follow the department tree") {
  Demo d;
  auto codes = access_codes(d.schema(), "u4");
  CHECK(codes == std::vector<std::string>{"Uu4", "Dd4", "DRd4", "DRd2", "DRd1"});
  CHECK(matches_codes(d.schema(), "u4", {"DRd1"}));
  CHECK_FALSE(matches_codes(d.schema(), "u4", {"Dd2"}));
}

TEST_CASE("entity rights by level: own, department, all") {
  Demo d;
  // Maria (support) edits only her own items.
  const Item& d1 = d.item("D1");  // responsible u1
  CHECK(can_act(d.schema(), "u3", d1, Action::Read));
  CHECK_FALSE(can_act(d.schema(), "u3", d1, Action::Edit));
  CHECK(d.as(d.maria, SetField{"D1", "TITLE", Value("x"), {}}).code == "forbidden");
  CHECK(d.as(d.maria, SetField{"D8", "TITLE", Value("Пилот"), {}}).ok());  // responsible u3
  Role support = *d.schema().role("support");
  support.defaults.edit = Level::Department;
  REQUIRE(d.as(d.admin, PutRole{support, false}).ok());
  User maria = *d.schema().user("u3");
  maria.department = "d2";
  REQUIRE(d.as(d.admin, PutUser{maria}).ok());
  CHECK(can_act(d.schema(), "u3", d.item("D4"), Action::Edit));  // responsible u4 in d4, under d2
  CHECK_FALSE(can_act(d.schema(), "u3", d1, Action::Edit));       // u1 in d1, above
  support.defaults.add = Level::None;
  REQUIRE(d.as(d.admin, PutRole{support, false}).ok());
  CHECK(d.as(d.maria, CreateItem{"NX", "deal", "", {{"TITLE", Value("x")}}}).code == "forbidden");
}

TEST_CASE("only administrators manage users, departments and roles; the last administrator stays") {
  Demo d;
  CHECK(d.as(d.ivan, PutUser{User{"u9", "X", "", false, {}, true}}).code == "forbidden");
  CHECK(d.as(d.admin, PutUser{User{"u9", "X", "nope", false, {}, true}}).code == "unknown_department");
  CHECK(d.as(d.admin, PutUser{User{"u9", "X", "", false, {"nope"}, true}}).code == "unknown_role");
  User me = *d.schema().user("u1");
  me.admin = false;
  CHECK(d.as(d.admin, PutUser{me}).code == "last_admin");
  CHECK(d.as(d.admin, PutDepartment{Department{"d2", "Отдел продаж", "d4"}, false}).code == "department_cycle");
  CHECK(d.as(d.admin, PutDepartment{Department{"d2", "", ""}, true}).code == "department_not_empty");
  REQUIRE(d.as(d.admin, PutDepartment{Department{"d9", "Склад", "d1"}, false}).ok());
  REQUIRE(d.as(d.admin, PutDepartment{Department{"d9", "", ""}, true}).ok());
  REQUIRE(d.as(d.admin, PutRole{Role{"manager", "", {}, {}}, true}).ok());
  CHECK(d.schema().user("u2")->roles.empty());
}

TEST_CASE("a settings form asks the core first: check() answers what apply() would, and changes nothing") {
  Demo d;
  const std::string before = d.schema().users.front().name;
  User me = *d.schema().user("u1");
  me.admin = false;
  const size_t users = d.schema().users.size(), departments = d.schema().departments.size();
  // Each refusal the forms say in place, and the same answer from apply().
  CHECK(d.ws.check("u1", PutUser{me}).code == "last_admin");
  CHECK(d.ws.check("u2", PutUser{User{"u9", "X", "", false, {}, true}}).code == "forbidden");
  CHECK(d.ws.check("u1", PutUser{User{"u9", "   ", "", false, {}, true}}).code == "name_empty");
  CHECK(d.ws.check("u1", PutDepartment{Department{"d2", "Отдел продаж", "d4"}, false}).code == "department_cycle");
  CHECK(d.ws.check("u1", PutDepartment{Department{"d2", "", ""}, true}).code == "department_not_empty");
  CHECK(d.ws.check("u1", PutDepartment{Department{"d9", " \t", ""}, false}).code == "name_empty");
  CHECK(d.ws.check("u1", PutRole{Role{"r9", "  ", {}, {}}, false}).code == "name_empty");
  CHECK(d.ws.check("u1", PutRole{Role{"r9", "Склад", {}, {}}, false}).ok());
  Pipeline deals = *d.schema().default_pipeline("deal");
  CHECK(d.ws.check("u1", PutPipeline{deals, true}).code == "default_pipeline");
  deals.stages.front().name = {" ", " "};
  CHECK(d.ws.check("u1", PutPipeline{deals, false}).code == "stage_name_empty");
  CHECK(d.as(d.admin, PutPipeline{deals, false}).code == "stage_name_empty");
  deals = *d.schema().default_pipeline("deal");
  const std::string on_it = d.item("D2").get("STAGE_ID").str_or_empty();
  REQUIRE(d.ws.items_in("deal", deals.id, &on_it) > 0);
  std::erase_if(deals.stages, [&](const Stage& s) { return s.id == on_it; });
  CHECK(d.ws.check("u1", PutPipeline{deals, false}).code == "stage_has_items");
  CHECK(d.as(d.admin, PutPipeline{deals, false}).code == "stage_has_items");
  CHECK(d.as(d.admin, PutUser{me}).code == "last_admin");
  // Nothing changed by asking.
  CHECK(d.schema().user("u1")->admin);
  CHECK(d.schema().users.size() == users);
  CHECK(d.schema().departments.size() == departments);
  CHECK(d.schema().users.front().name == before);
  CHECK_FALSE(d.schema().role("r9"));
}

TEST_CASE("views, entity types, templates and numerators: check() answers what apply() would, and changes nothing") {
  Demo d;
  const size_t views = d.schema().views.size(), types = d.schema().entities.size();
  // Names of only spaces are no names, in the forms and from the network alike.
  const View spaces{"v2", "deal:0", "  ", {"Uu2"}, false, ""};
  CHECK(d.ws.check("u1", PutView{spaces, false}).code == "view_name_empty");
  CHECK(d.as(d.admin, PutView{spaces, false}).code == "view_name_empty");
  CHECK(d.ws.check("u1", PutView{View{"v2", "deal:0", "x", {}, false, ""}, false}).code == "view_unassigned");
  CHECK(d.ws.check("u1", PutView{View{"v2", "deal:0", "x", {"Zz"}, false, ""}, false}).code == "invalid_access_code");
  CHECK(d.ws.check("u2", PutView{View{"v2", "deal:0", "x", {"Uu2"}, false, ""}, false}).code == "forbidden");
  CHECK(d.ws.check("u1", PutView{View{"v9", "deal:0", "x", {"Uu2"}, false, ""}, true}).code == "unknown_view");
  CHECK(d.ws.check("u1", PutView{View{"v2", "deal:0", "Для продаж", {"Uu2"}, false, ""}, false}).ok());

  EntityType blank_type{"smart_9", {" ", " "}, {"Проекты", "Projects"}, true, true, true, false, "TITLE"};
  CHECK(d.ws.check("u1", PutEntityType{blank_type}).code == "name_empty");
  CHECK(d.as(d.admin, PutEntityType{blank_type}).code == "name_empty");
  EntityType deal = *d.schema().entity("deal");
  deal.has_stages = false;
  CHECK(d.ws.check("u1", PutEntityType{deal}).code == "immutable_entity");
  EntityType bad_id{"project", {"Проект", "Project"}, {"Проекты", "Projects"}, true, true, true, false, "TITLE"};
  CHECK(d.ws.check("u1", PutEntityType{bad_id}).code == "invalid_id");
  bad_id.id = "smart_9";
  CHECK(d.ws.check("u2", PutEntityType{bad_id}).code == "forbidden");
  CHECK(d.ws.check("u1", PutEntityType{bad_id}).ok());

  DocTemplate t = *d.schema().doc_template("invoice");
  t.name = {"   ", ""};
  CHECK(d.ws.check("u1", PutTemplate{t, false}).code == "name_empty");
  CHECK(d.as(d.admin, PutTemplate{t, false}).code == "name_empty");
  t.name = {"Счёт", "Invoice"};
  t.numerator_id = "nowhere";
  CHECK(d.ws.check("u1", PutTemplate{t, false}).code == "invalid_numerator");
  CHECK(d.ws.check("u2", PutTemplate{t, true}).code == "forbidden");
  t.id = "gone";
  CHECK(d.ws.check("u1", PutTemplate{t, true}).code == "not_found");

  Numerator n = *d.schema().numerator("invoice");
  CHECK(d.ws.check("u1", PutNumerator{n, true}).code == "numerator_in_use");
  n.name = {" ", ""};
  CHECK(d.ws.check("u1", PutNumerator{n, false}).code == "name_empty");
  CHECK(d.as(d.admin, PutNumerator{n, false}).code == "name_empty");
  n.name = {"Счета", "Invoices"};
  n.step = 0;
  CHECK(d.ws.check("u1", PutNumerator{n, false}).code == "invalid_numerator");
  n.step = 1;
  CHECK(d.ws.check("u1", PutNumerator{n, false}).ok());
  // Nothing changed by asking.
  CHECK(d.schema().views.size() == views);
  CHECK(d.schema().entities.size() == types);
  CHECK(d.schema().doc_template("invoice")->name.ru != "   ");
  CHECK(d.schema().numerator("invoice")->name.ru != " ");
}

TEST_CASE("an administrator switched off can still be renamed while another administrator is active") {
  Demo d;
  REQUIRE(d.as(d.admin, PutUser{User{"u9", "Второй админ", "", true, {}, true}}).ok());
  User second = *d.schema().user("u9");
  second.active = false;
  REQUIRE(d.as(d.admin, PutUser{second}).ok());  // u1 stays the active one
  second.name = "Бывший админ";
  CHECK(d.as(d.admin, PutUser{second}).ok());
  CHECK(d.schema().user("u9")->name == "Бывший админ");
  User me = *d.schema().user("u1");
  me.active = false;
  CHECK(d.as(d.admin, PutUser{me}).code == "last_admin");
}

TEST_CASE("smart processes: an administrator creates the type with its fields, pipeline and layout") {
  Demo d;
  EntityType t{"smart_1", {"Проект", "Project"}, {"Проекты", "Projects"}, true, true, true, false, "TITLE"};
  CHECK(d.as(d.ivan, PutEntityType{t}).code == "forbidden");
  REQUIRE(d.as(d.admin, PutEntityType{t}).ok());
  CHECK(d.schema().field("smart_1", "TITLE"));
  CHECK(d.schema().field("smart_1", "STAGE_ID"));
  CHECK(d.schema().field("smart_1", "CLIENT"));
  REQUIRE(d.schema().default_pipeline("smart_1"));
  CHECK(d.schema().default_pipeline("smart_1")->stages.size() == 4);
  CHECK(resolve_layout(d.schema(), "u2", "smart_1:0").layout->has_field("STAGE_ID"));
  REQUIRE(d.as(d.admin, CreateItem{"S1", "smart_1", "", {{"TITLE", Value("Проект А")}}}).ok());
  CHECK(d.item("S1").get("STAGE_ID") == Value("NEW"));
  EntityType flat{"smart_2", {"Справка", "Note"}, {"Справки", "Notes"}, false, false, false, false, "TITLE"};
  REQUIRE(d.as(d.admin, PutEntityType{flat}).ok());
  CHECK_FALSE(d.schema().field("smart_2", "STAGE_ID"));
  REQUIRE(d.as(d.admin, CreateItem{"S2", "smart_2", "", {{"TITLE", Value("x")}}}).ok());
  CHECK(layout_family(d.schema(), d.item("S2")) == "smart_2");
  // Given a client later: the field comes, and the card shows it, in the default layout and in one kept.
  CHECK_FALSE(resolve_layout(d.schema(), "u2", "smart_2").layout->has_field("CLIENT"));
  Layout kept = *resolve_layout(d.schema(), "u1", "smart_2").layout;
  REQUIRE(d.as(d.admin, PutLayout{"smart_2", personal_scope("u1"), kept, false}).ok());
  EntityType with_client = flat;
  with_client.has_client = true;
  REQUIRE(d.as(d.admin, PutEntityType{with_client}).ok());
  CHECK(d.schema().field("smart_2", "CLIENT"));
  CHECK(resolve_layout(d.schema(), "u2", "smart_2").layout->has_field("CLIENT"));
  CHECK(d.schema().stored_layout("smart_2", personal_scope("u1"))->has_field("CLIENT"));
  EntityType renamed = t;
  renamed.name = {"Задача", "Task"};
  CHECK(d.as(d.admin, PutEntityType{renamed}).ok());
  renamed.has_stages = false;
  CHECK(d.as(d.admin, PutEntityType{renamed}).code == "immutable_entity");
  CHECK(d.as(d.admin, PutEntityType{EntityType{"project", {"a", "a"}, {"b", "b"}}}).code == "invalid_id");
}

TEST_CASE("pipelines: the default cannot go, nor one with items; stage ids stay unique in the entity") {
  Demo d;
  Pipeline p0 = *d.schema().pipeline("deal", "0");
  CHECK(d.as(d.admin, PutPipeline{p0, true}).code == "default_pipeline");
  CHECK(d.as(d.admin, PutPipeline{*d.schema().pipeline("deal", "1"), true}).code == "pipeline_has_items");
  Pipeline p2{"2", "deal", {"Тендеры", "Tenders"}, false, {{"NEW", {"x", "x"}, "#000000", StageSemantics::Process},
                                                           {"C2:WON", {"y", "y"}, "#000000", StageSemantics::Success}}};
  CHECK(d.as(d.admin, PutPipeline{p2, false}).code == "stage_id_taken");
  p2.stages[0].id = "C2:NEW";
  REQUIRE(d.as(d.admin, PutPipeline{p2, false}).ok());
  REQUIRE(d.as(d.admin, PutPipeline{p2, true}).ok());
  CHECK_FALSE(d.schema().pipeline("deal", "2"));
  Pipeline q{"1", "quote", {"x", "x"}, false, p2.stages};
  CHECK(d.as(d.admin, PutPipeline{q, false}).code == "no_pipelines");
}

TEST_CASE("config changes are undoable and redoable") {
  Demo d;
  FieldDef f = custom("UF_CRM_U", FieldType::String);
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  f.label = {"Переименовано", "Renamed"};
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  REQUIRE(d.admin.undo(++d.t).ok());
  CHECK(d.schema().field("deal", "UF_CRM_U")->label.ru == "Поле UF_CRM_U");
  REQUIRE(d.admin.undo(++d.t).ok());
  CHECK_FALSE(d.schema().field("deal", "UF_CRM_U"));  // creation undone
  REQUIRE(d.admin.redo(++d.t).ok());
  REQUIRE(d.admin.redo(++d.t).ok());
  CHECK(d.schema().field("deal", "UF_CRM_U")->label.ru == "Переименовано");

  Layout l = layout_of(d, "deal:0");
  l.sections[0].title = {"Изменено", "Changed"};
  REQUIRE(d.as(d.admin, PutLayout{"deal:0", "C", l, false}).ok());
  REQUIRE(d.admin.undo(++d.t).ok());
  CHECK_FALSE(d.schema().stored_layout("deal:0", "C"));
  REQUIRE(d.admin.redo(++d.t).ok());
  CHECK(d.schema().stored_layout("deal:0", "C")->sections[0].title.ru == "Изменено");

  REQUIRE(d.as(d.admin, MoveStage{"D3", "PREPARATION", {}}).ok());
  REQUIRE(d.admin.undo(++d.t).ok());
  CHECK(d.item("D3").get("STAGE_ID") == Value("NEW"));
}

TEST_CASE("every command survives the journal's JSON") {
  Demo d;
  std::vector<Command> cmds = {
      CreateItem{"X", "deal", "1", {{"TITLE", Value("t")}}},
      SetField{"X", "TITLE", Value("a"), Value("b")},
      MoveStage{"X", "C1:WON", {{"COMMENTS", Value("c")}}},
      PutField{custom("UF_CRM_J", FieldType::List)},
      DeleteField{"deal", "UF_CRM_J"},
      SetRequired{"deal", "UF_CRM_J", false, {range("UF_CRM_J", "NEW", "EXECUTING")}},
      PutLayout{"deal:0", "P:u2", layout_of(d, "deal:0"), false},
      PutView{View{"v", "deal:0", "n", {"Uu1", "DRd2"}, true, "u1"}, true},
      SelectScope{"u2", "deal:0", "V:v"},
      ForceCommonScope{"deal:0"},
      PutEntityType{EntityType{"smart_9", {"a", "b"}, {"c", "d"}, true, false, true, false, "TITLE"}},
      PutPipeline{*d.schema().pipeline("deal", "1"), false},
      PutUser{*d.schema().user("u4")},
      PutDepartment{*d.schema().department("d4"), true},
      PutRole{*d.schema().role("support"), false},
  };
  for (const auto& c : cmds) {
    CAPTURE(command_name(c));
    json j = c;
    Command back = json::parse(j.dump()).get<Command>();
    CHECK(back.index() == c.index());
    CHECK(json(back) == j);
    CHECK(back == c);
  }
  CHECK_THROWS(json::parse(R"({"op":"nope"})").get<Command>());
}
