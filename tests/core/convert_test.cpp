// Conversion (issue 7; inventory §6): lead → deal / contact / company, deal → invoice / quote, quote → deal.
#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/convert.hpp"
#include "core/demo.hpp"
#include "core/workspace.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

struct Demo : test::DemoWorkspace {
  int next = 0;
  ConversionPlan plan(const std::string& user, const std::string& source, std::vector<std::string> dest,
                      Status* status = nullptr) {
    ConversionPlan p;
    Status s = plan_conversion(ws, user, source, dest, [&](const std::string& prefix) {
      return "N" + prefix + std::to_string(++next);
    }, &p);
    if (status) *status = s;
    return p;
  }
  const ConvertTarget* target(const ConversionPlan& p, const std::string& entity) {
    for (const auto& t : p.command.targets)
      if (t.entity == entity) return &t;
    return nullptr;
  }
  bool has_entry(const std::string& item, TimelineKind kind) {
    const auto& tl = ws.timeline(item);
    return std::any_of(tl.begin(), tl.end(), [&](const TimelineEntry& e) { return e.kind == kind; });
  }
};

FieldDef custom(const std::string& entity, const std::string& id, FieldType type, const std::string& label) {
  FieldDef f;
  f.entity = entity;
  f.id = id;
  f.type = type;
  f.label = {label, ""};
  return f;
}

}  // namespace

TEST_CASE("conversion schemes: a lead offers seven, a deal two, a quote two, the rest none") {
  CHECK(conversion_schemes("lead").size() == 7);
  CHECK(conversion_schemes("lead").front() == std::vector<std::string>{"deal", "contact", "company"});
  CHECK(conversion_schemes("deal") == std::vector<std::vector<std::string>>{{"invoice"}, {"quote"}});
  CHECK(conversion_schemes("quote").size() == 2);
  CHECK(conversion_schemes("contact").empty());
  CHECK(conversion_schemes("invoice").empty());
}

TEST_CASE("lead → deal + contact + company: system fields carried, items linked both ways, lead converted") {
  Demo d;
  ConversionPlan p = d.plan("u1", "L1", {"deal", "contact", "company"});
  REQUIRE(p.command.targets.size() == 3);
  // Created in link order: the company first, then the contact, then the deal.
  CHECK(p.command.targets[0].entity == "company");
  CHECK(p.command.targets[1].entity == "contact");
  CHECK(p.command.targets[2].entity == "deal");
  CHECK(p.missing.empty());
  REQUIRE(d.as(d.admin, p.command).ok());

  const std::string co = p.command.targets[0].item, c = p.command.targets[1].item, deal = p.command.targets[2].item;
  CHECK(d.item(co).get("TITLE") == Value("ООО «Вектор»"));
  CHECK(d.item(c).get("NAME") == Value("Пётр"));
  CHECK(d.item(c).get("LAST_NAME") == Value("Семёнов"));
  CHECK(d.item(c).get("PHONE") == Value(Value::List{Value("+7 915 555-66-77")}));
  CHECK(d.item(c).get("COMPANY_ID") == Value(co));
  CHECK(d.item(c).get("LEAD_ID") == Value("L1"));
  CHECK(d.item(deal).get("TITLE") == Value("Заявка с сайта: складской учёт"));
  CHECK(d.item(deal).get("SOURCE_ID") == Value("WEB"));
  CHECK(d.item(deal).get("ASSIGNED_BY_ID") == Value("u2"));
  CHECK(d.item(deal).get("LEAD_ID") == Value("L1"));
  CHECK(d.item(deal).get("CLIENT") == Value(Value::List{Value(co), Value(c)}));
  // The lead now names its client and stands on its success stage.
  CHECK(d.item("L1").get("CONTACT_ID") == Value(c));
  CHECK(d.item("L1").get("COMPANY_ID") == Value(co));
  CHECK(d.item("L1").get("STAGE_ID") == Value("CONVERTED"));
  // Every timeline involved says so: the targets name the lead, the lead names what was made.
  for (const auto& id : {co, c, deal}) {
    const TimelineEntry* conv = nullptr;
    for (const auto& e : d.ws.timeline(id))
      if (e.kind == TimelineKind::Conversion) conv = &e;
    REQUIRE(conv);
    CHECK(conv->target == "L1");
    CHECK(json::parse(conv->payload)["entity"] == "lead");
  }
  const auto& lead_tl = d.ws.timeline("L1");
  auto conv = std::find_if(lead_tl.begin(), lead_tl.end(), [](const auto& e) { return e.kind == TimelineKind::Conversion; });
  REQUIRE(conv != lead_tl.end());
  CHECK(json::parse(conv->payload)["to"].size() == 3);
  // Entry ids stay unique even though one mutation wrote several entries on the same item.
  std::vector<std::string> ids;
  for (const auto& e : lead_tl) ids.push_back(e.id);
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());

  SUBCASE("a converted lead cannot be converted again") {
    Status s;
    d.plan("u1", "L1", {"deal"}, &s);
    CHECK(s.code == "already_converted");
    CHECK(d.as(d.admin, p.command).code == "already_converted");
  }
}

TEST_CASE("a repeat lead reuses its contact and company instead of creating them again") {
  Demo d;
  ConversionPlan p = d.plan("u1", "L2", {"deal", "contact", "company"});
  CHECK(p.reused == std::vector<std::string>{"CO4", "C4"});
  REQUIRE(p.command.targets.size() == 1);
  CHECK(p.command.targets[0].entity == "deal");
  CHECK(p.command.targets[0].fields.size() > 0);
  const size_t contacts = d.ws.item_ids("contact").size();
  REQUIRE(d.as(d.admin, p.command).ok());
  CHECK(d.ws.item_ids("contact").size() == contacts);
  CHECK(d.item(p.command.targets[0].item).get("CLIENT") == Value(Value::List{Value("CO4"), Value("C4")}));
}

TEST_CASE("custom fields are matched by type, multiplicity and label; list options by label; the rest proposed") {
  Demo d;
  FieldDef budget = custom("lead", "UF_BUDGET", FieldType::Integer, "Бюджет");
  FieldDef region = custom("lead", "UF_REGION", FieldType::List, "Регион");
  region.options = {{"R1", {"Москва", "Moscow"}}, {"R2", {"Казань", "Kazan"}}};
  FieldDef secret = custom("lead", "UF_SECRET", FieldType::String, "Тайна");
  secret.visible_to = {"U1"};
  REQUIRE(d.as(d.admin, PutField{budget}).ok());
  REQUIRE(d.as(d.admin, PutField{region}).ok());
  REQUIRE(d.as(d.admin, PutField{secret}).ok());
  // The deal has a "регион" list with other ids, in another order, and no budget.
  FieldDef deal_region = custom("deal", "UF_DEAL_REGION", FieldType::List, "регион");
  deal_region.options = {{"K", {"Казань", "Kazan"}}, {"M", {"Москва", "Moscow"}}};
  REQUIRE(d.as(d.admin, PutField{deal_region}).ok());
  REQUIRE(d.as(d.admin, SetField{"L1", "UF_BUDGET", Value(std::int64_t{500000}), {}}).ok());
  REQUIRE(d.as(d.admin, SetField{"L1", "UF_REGION", Value("R2"), {}}).ok());
  REQUIRE(d.as(d.admin, SetField{"L1", "UF_SECRET", Value("x"), {}}).ok());

  ConversionPlan p = d.plan("u1", "L1", {"deal"});
  const ConvertTarget* deal = d.target(p, "deal");
  REQUIRE(deal);
  auto value_of = [&](const std::string& f) {
    for (const auto& [id, v] : deal->fields)
      if (id == f) return v;
    return Value();
  };
  CHECK(value_of("UF_DEAL_REGION") == Value("K"));
  // Budget and the secret field have no counterpart: proposed with the same settings and visibility.
  std::vector<std::string> proposed;
  for (const auto& u : p.unmatched) proposed.push_back(u.source_field);
  CHECK(std::count(proposed.begin(), proposed.end(), "UF_BUDGET") == 1);
  CHECK(std::count(proposed.begin(), proposed.end(), "UF_SECRET") == 1);
  for (const auto& u : p.unmatched) {
    CHECK(u.proposed.entity == "deal");
    if (u.source_field == "UF_SECRET") CHECK(u.proposed.visible_to == std::vector<std::string>{"U1"});
  }

  SUBCASE("creating the proposed fields, then planning again, carries the values") {
    for (const auto& u : p.unmatched) REQUIRE(d.as(d.admin, PutField{u.proposed}).ok());
    ConversionPlan again = d.plan("u1", "L1", {"deal"});
    CHECK(again.unmatched.empty());
    REQUIRE(d.as(d.admin, again.command).ok());
    const Item& made = d.item(again.command.targets[0].item);
    CHECK(made.get("UF_BUDGET") == Value(std::int64_t{500000}));
    CHECK(made.get("UF_SECRET") == Value("x"));
  }
  SUBCASE("a user who may not see a field neither carries it nor is offered to create it") {
    REQUIRE(d.as(d.admin, SetField{"L1", "ASSIGNED_BY_ID", Value("u2"), {}}).ok());
    ConversionPlan ivans = d.plan("u2", "L1", {"deal"});
    for (const auto& u : ivans.unmatched) CHECK(u.source_field != "UF_SECRET");
    for (const auto& [id, v] : ivans.command.targets[0].fields) CHECK(id != "UF_SECRET");
  }
}

TEST_CASE("required fields of a destination are reported, and the command is refused until they are filled") {
  Demo d;
  FieldDef contract = custom("deal", "UF_CONTRACT", FieldType::String, "Договор");
  contract.mandatory = true;
  REQUIRE(d.as(d.admin, PutField{contract}).ok());
  ConversionPlan p = d.plan("u1", "L1", {"deal", "contact"});
  REQUIRE(p.missing.size() == 1);
  const int deal_index = p.missing[0].target;
  CHECK(p.command.targets.at(static_cast<size_t>(deal_index)).entity == "deal");
  CHECK(p.missing[0].fields == std::vector<std::string>{"UF_CONTRACT"});

  const size_t deals = d.ws.item_ids("deal").size(), contacts = d.ws.item_ids("contact").size();
  const std::uint64_t last_deal = d.ws.last_number("deal"), last_contact = d.ws.last_number("contact");
  const size_t lead_entries = d.ws.timeline("L1").size();
  const Item lead_before = d.item("L1");
  // All or nothing: the contact made before the failing deal is removed again, the lead is untouched.
  CHECK(d.as(d.admin, p.command).code == "required_missing");
  CHECK(d.ws.item_ids("deal").size() == deals);
  CHECK(d.ws.item_ids("contact").size() == contacts);
  CHECK(d.ws.item(p.command.targets[0].item) == nullptr);
  CHECK(d.item("L1").get("STAGE_ID") == lead_before.get("STAGE_ID"));
  CHECK(d.item("L1").get("CONTACT_ID").empty());
  CHECK(d.ws.timeline("L1").size() == lead_entries);
  // Nor are numbers used up by what was taken back.
  CHECK(d.ws.last_number("contact") == last_contact);
  CHECK(d.ws.last_number("deal") == last_deal);

  set_planned_value(&p, deal_index, "UF_CONTRACT", Value("№ 7/2026"));
  REQUIRE(d.as(d.admin, p.command).ok());
  for (const auto& t : p.command.targets)
    CHECK(d.item(t.item).number == (t.entity == "deal" ? last_deal : last_contact) + 1);
  CHECK(d.item(p.command.targets[static_cast<size_t>(deal_index)].item).get("UF_CONTRACT") == Value("№ 7/2026"));
}

TEST_CASE("a lead's success stage may require fields: the plan asks for them on the lead itself") {
  Demo d;
  RequiredRange r;
  r.entity = "lead";
  r.pipeline = d.item("L1").pipeline;
  r.field = "POST";
  r.group = RangeGroup::Pipeline;
  r.start = r.finish = "CONVERTED";
  REQUIRE(d.as(d.admin, SetRequired{"lead", "POST", false, {r}}).ok());
  ConversionPlan p = d.plan("u1", "L1", {"contact"});
  auto lead_missing = std::find_if(p.missing.begin(), p.missing.end(), [](const auto& m) { return m.target == -1; });
  REQUIRE(lead_missing != p.missing.end());
  CHECK(lead_missing->fields == std::vector<std::string>{"POST"});
  CHECK(!d.as(d.admin, p.command).ok());
  CHECK(d.ws.item(p.command.targets[0].item) == nullptr);
  set_planned_value(&p, -1, "POST", Value("Директор"));
  REQUIRE(d.as(d.admin, p.command).ok());
  CHECK(d.item("L1").get("POST") == Value("Директор"));
  CHECK(d.item("L1").get("STAGE_ID") == Value("CONVERTED"));
}

TEST_CASE("deal → invoice and quote: products, amount and client carried, the invoice links to the deal") {
  Demo d;
  ProductRow r;
  r.id = "p1";
  r.name = "Терминал сбора данных";
  r.price = 4500000;
  r.quantity = 2;
  REQUIRE(d.as(d.admin, SetProducts{"D2", {r}, {}}).ok());
  ConversionPlan p = d.plan("u1", "D2", {"invoice"});
  REQUIRE(p.command.targets.size() == 1);
  REQUIRE(d.as(d.admin, p.command).ok());
  const Item& inv = d.item(p.command.targets[0].item);
  CHECK(inv.entity == "invoice");
  CHECK(inv.products.size() == 1);
  CHECK(inv.get("OPPORTUNITY_WITH_CURRENCY") == d.item("D2").get("OPPORTUNITY_WITH_CURRENCY"));
  CHECK(inv.get("CLIENT") == d.item("D2").get("CLIENT"));
  CHECK(inv.get("DEAL_ID") == Value("D2"));
  CHECK(d.has_entry("D2", TimelineKind::Conversion));
  // A deal stays where it is and can be converted again (a second invoice).
  ConversionPlan second = d.plan("u1", "D2", {"quote"});
  REQUIRE(d.as(d.admin, second.command).ok());
  CHECK(d.item(second.command.targets[0].item).get("DEAL_ID") == Value("D2"));
}

TEST_CASE("quote → deal: the quote then names its deal") {
  Demo d;
  REQUIRE(d.as(d.admin, SetField{"Q1", "DEAL_ID", Value(), {}}).ok());
  ConversionPlan p = d.plan("u1", "Q1", {"deal"});
  REQUIRE(d.as(d.admin, p.command).ok());
  CHECK(d.item("Q1").get("DEAL_ID") == Value(p.command.targets[0].item));
  CHECK(d.item(p.command.targets[0].item).get("QUOTE_ID") == Value("Q1"));
}

TEST_CASE("conversion refuses bad schemes, foreign items and users without rights; it is not undoable") {
  Demo d;
  Status s;
  d.plan("u1", "L1", {"invoice"}, &s);
  CHECK(s.code == "invalid_scheme");
  d.plan("u1", "C1", {"deal"}, &s);
  CHECK(s.code == "invalid_scheme");
  d.plan("u1", "NOPE", {"deal"}, &s);
  CHECK(s.code == "unknown_item");
  // Maria (support, edits only her own) may not convert Ivan's lead.
  d.plan("u3", "L1", {"deal"}, &s);
  CHECK(s.code == "forbidden");
  ConversionPlan p = d.plan("u1", "L1", {"deal"});
  CHECK(d.as(d.maria, p.command).code == "forbidden");
  // A hand-made command naming two deals is refused too.
  Convert twice = p.command;
  twice.targets.push_back(p.command.targets[0]);
  twice.targets.back().item = "NX";
  CHECK(d.as(d.admin, twice).code == "invalid_scheme");

  REQUIRE(d.as(d.admin, p.command).ok());
  CHECK_FALSE(d.admin.can_undo());
  // It survives the command's JSON form (journal and outbox).
  const json j = Command{p.command};
  const Command back = j.get<Command>();
  CHECK(std::get<Convert>(back) == p.command);
}
