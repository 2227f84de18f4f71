#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/layouts.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

struct Demo {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  Demo() {
    seed_demo(admin, kNow);
    FieldDef secret;
    secret.id = "UF_CRM_SECRET";
    secret.entity = "deal";
    secret.label = {"Секрет", "Secret"};
    secret.visible_to = {"DRd2"};
    REQUIRE(admin.dispatch(PutField{secret}, kNow + 1).ok());
    REQUIRE(admin.dispatch(SetField{"D1", "UF_CRM_SECRET", Value("тайна"), {}}, kNow + 2).ok());
    Session ivan(ws, "i", "u2");
    REQUIRE(ivan.dispatch(PutLayout{"deal:0", "P:u2", *effective_layout(ws.schema(), "deal:0", "C"), false}, kNow + 3).ok());
  }
};

}  // namespace

TEST_CASE("a whole snapshot loads back into the same workspace") {
  Demo d;
  json j = json::parse(snapshot_json(d.ws, nullptr).dump());
  Workspace back;
  REQUIRE(load_snapshot(j, &back).ok());
  CHECK(back.item_count() == d.ws.item_count());
  CHECK(back.schema().fields.size() == d.ws.schema().fields.size());
  CHECK(back.schema().users == d.ws.schema().users);
  CHECK(back.schema().pipelines == d.ws.schema().pipelines);
  CHECK(back.schema().layouts == d.ws.schema().layouts);
  for (const auto& et : d.ws.schema().entities) {
    CHECK(back.item_ids(et.id) == d.ws.item_ids(et.id));
    for (const auto& id : d.ws.item_ids(et.id)) {
      const Item& a = *d.ws.item(id);
      const Item& b = *back.item(id);
      REQUIRE(a.fields.size() == b.fields.size());
      for (size_t i = 0; i < a.fields.size(); ++i) {
        CHECK(a.fields[i].first == b.fields[i].first);
        CHECK(a.fields[i].second.value == b.fields[i].second.value);
        CHECK(a.fields[i].second.hlc == b.fields[i].second.hlc);
      }
      REQUIRE(d.ws.timeline(id).size() == back.timeline(id).size());
      for (size_t i = 0; i < d.ws.timeline(id).size(); ++i) {
        CHECK(d.ws.timeline(id)[i].id == back.timeline(id)[i].id);
        CHECK(d.ws.timeline(id)[i].new_value == back.timeline(id)[i].new_value);
      }
    }
  }
  // Editing continues on the loaded copy with the same rules.
  Session s(back, "z", "u1");
  CHECK(s.dispatch(SetField{"D1", "CLOSEDATE", Value("31.12"), {}}, kNow + 10).code == "invalid_date");
  CHECK(s.dispatch(SetField{"D1", "TITLE", Value("Новое"), {}}, kNow + 10).ok());
}

TEST_CASE("a projected snapshot holds nothing the user may not see") {
  Demo d;
  const std::string maria = "u3";
  const std::string text = snapshot_json(d.ws, &maria).dump();
  CHECK(text.find("UF_CRM_SECRET") == std::string::npos);
  CHECK(text.find("тайна") == std::string::npos);
  CHECK(text.find("P:u2") == std::string::npos);  // Ivan's personal layout
  Workspace back;
  REQUIRE(load_snapshot(json::parse(text), &back).ok());
  CHECK_FALSE(back.schema().field("deal", "UF_CRM_SECRET"));
  CHECK(back.item("D1")->cell("UF_CRM_SECRET") == nullptr);
  // Ivan, in the sales department, gets the field, the value and his own layout.
  const std::string ivan = "u2";
  const std::string his = snapshot_json(d.ws, &ivan).dump();
  CHECK(his.find("тайна") != std::string::npos);
  CHECK(his.find("P:u2") != std::string::npos);
}

TEST_CASE("a layout placing a hidden field does not name it to those who may not see it") {
  Demo d;
  Layout common = *effective_layout(d.ws.schema(), "deal:0", "C");
  REQUIRE_FALSE(common.sections.empty());
  common.sections[0].elements.push_back({"UF_CRM_SECRET", true, ""});
  REQUIRE(d.admin.dispatch(PutLayout{"deal:0", "C", common, false}, kNow + 10).ok());
  const std::string maria = "u3";
  CHECK(snapshot_json(d.ws, &maria).dump().find("UF_CRM_SECRET") == std::string::npos);
  // Those who see the field, and the unprojected snapshot, keep it in the layout.
  const std::string ivan = "u2";
  json his = schema_json(d.ws.schema(), &ivan);
  bool found = false;
  for (const auto& l : his["layouts"])
    if (l["family"] == "deal:0" && l["scope"] == "C") found = l.dump().find("UF_CRM_SECRET") != std::string::npos;
  CHECK(found);
  CHECK(snapshot_json(d.ws, nullptr).dump().find("UF_CRM_SECRET") != std::string::npos);
}

TEST_CASE("items a user may not read are left out of his snapshot") {
  Demo d;
  Role support = *d.ws.schema().role("support");
  support.defaults.read = Level::Own;
  REQUIRE(d.admin.dispatch(PutRole{support, false}, kNow + 20).ok());
  const std::string maria = "u3";
  json j = snapshot_json(d.ws, &maria);
  std::vector<std::string> ids;
  for (const auto& it : j["items"]) ids.push_back(it["id"]);
  CHECK(std::find(ids.begin(), ids.end(), "D8") != ids.end());   // hers
  CHECK(std::find(ids.begin(), ids.end(), "D1") == ids.end());   // Anna's
}

TEST_CASE("a link entry goes with the field of the item that links: JSON and blocks, projected") {
  Demo d;
  // D2 now names C3 as its client: C3's timeline says so, through the deal's field CLIENT (a contact has none).
  Value client = d.ws.item("D2")->get("CLIENT");
  Value::List ids = client.is_list() ? client.as_list() : Value::List{};
  ids.push_back(Value("C3"));
  REQUIRE(d.admin.dispatch(SetField{"D2", "CLIENT", Value(ids), {}}, kNow + 10).ok());
  auto linked_by = [&](const std::vector<TimelineEntry>& tl, const char* field) {
    return std::count_if(tl.begin(), tl.end(), [&](const TimelineEntry& e) {
      return e.kind == TimelineKind::Linked && e.target == "D2" && e.field == field;
    });
  };
  // C3's timeline as a user receives it: as item JSON, and in a pull page's block.
  auto json_timeline = [&](const std::string& user) {
    return item_json(d.ws, *d.ws.item("C3"), &user)["timeline"].get<std::vector<TimelineEntry>>();
  };
  auto block_timeline = [&](const std::string& user) {
    ItemBlockWriter w(d.ws.schema(), &user, {}, [&](const std::string& id) {
      const Item* it = d.ws.item(id);
      return it ? it->entity : std::string();
    });
    w.add(*d.ws.item("C3"), d.ws.timeline("C3"));
    std::vector<BlockItem> out;
    REQUIRE(decode_item_block(w.finish(), &out).ok());
    REQUIRE(out.size() == 1);
    return out[0].timeline;
  };
  REQUIRE(linked_by(d.ws.timeline("C3"), "CLIENT") == 1);
  REQUIRE_FALSE(d.ws.schema().field("contact", "CLIENT"));
  const std::string maria = "u3";
  CHECK(linked_by(json_timeline(maria), "CLIENT") == 1);
  CHECK(linked_by(block_timeline(maria), "CLIENT") == 1);
  // A binding field restricted to another department: Maria does not learn of the links it makes.
  FieldDef partner;
  partner.id = "UF_CRM_PARTNER";
  partner.entity = "deal";
  partner.label = {"Партнёр", "Partner"};
  partner.type = FieldType::CrmBinding;
  partner.binding_kinds = {"contact"};
  partner.visible_to = {"DRd2"};
  REQUIRE(d.admin.dispatch(PutField{partner}, kNow + 11).ok());
  REQUIRE(d.admin.dispatch(SetField{"D2", "UF_CRM_PARTNER", Value("C3"), {}}, kNow + 12).ok());
  REQUIRE(linked_by(d.ws.timeline("C3"), "UF_CRM_PARTNER") == 1);
  CHECK(linked_by(json_timeline(maria), "UF_CRM_PARTNER") == 0);
  CHECK(linked_by(block_timeline(maria), "UF_CRM_PARTNER") == 0);
  CHECK(linked_by(json_timeline(maria), "CLIENT") == 1);
  const std::string ivan = "u2";  // in that department
  CHECK(linked_by(json_timeline(ivan), "UF_CRM_PARTNER") == 1);
  CHECK(linked_by(block_timeline(ivan), "UF_CRM_PARTNER") == 1);
}

TEST_CASE("item JSON can carry only the timeline after a server version") {
  Workspace ws;
  Session s(ws, "a", "u1");
  seed_demo(s, kNow);
  ws.confirm_entries("D1", ws.timeline("D1")[0].id, 5);
  for (size_t i = 1; i < ws.timeline("D1").size(); ++i) ws.confirm_entries("D1", ws.timeline("D1")[i].id, 5 + i);
  json j = item_json(ws, *ws.item("D1"), nullptr, 6);
  CHECK(j["timeline"].size() == ws.timeline("D1").size() - 2);
  CHECK(j["timelineFrom"] == 6);
  Item item;
  std::vector<TimelineEntry> tl;
  REQUIRE(load_item(j, &item, &tl).ok());
  CHECK(tl.front().ver == 7);
}

TEST_CASE("put_item merges timelines: confirmed entries in server order, local ones after") {
  Workspace ws;
  Session s(ws, "a", "u1");
  seed_demo(s, kNow);
  Item d1 = *ws.item("D1");
  TimelineEntry local = ws.timeline("D1").back();  // ver 0
  TimelineEntry confirmed = local;
  confirmed.id = "server:1";
  confirmed.ver = 3;
  std::vector<TimelineEntry> incoming{confirmed};
  ws.put_item(d1, &incoming, true);
  const auto& tl = ws.timeline("D1");
  CHECK(tl.front().id == "server:1");
  CHECK(tl.back().ver == 0);
}

TEST_CASE("corrupt or foreign snapshots are refused and change nothing") {
  Workspace ws;
  Session s(ws, "a", "u1");
  seed_demo(s, kNow);
  const size_t n = ws.item_count();
  CHECK(load_snapshot(json::parse(R"({"hello":"world"})"), &ws).code == "invalid_snapshot");
  CHECK(load_snapshot(json::parse(R"({"format":99,"schema":{},"items":[]})"), &ws).code == "unsupported_format");
  CHECK(load_snapshot(json::parse(R"({"format":"1","schema":{},"items":[]})"), &ws).code == "unsupported_format");
  CHECK(load_snapshot(json::parse(R"({"format":[],"schema":{},"items":[]})"), &ws).code == "unsupported_format");
  // Found by fuzz_backup (issue 20): an entity type, field or pipeline given twice listed items twice.
  for (const char* part : {"entities", "fields", "pipelines"}) {
    json twice = snapshot_json(ws, nullptr);
    twice["schema"][part].push_back(twice["schema"][part][1]);
    CAPTURE(part);
    CHECK(load_snapshot(twice, &ws).code == "invalid_snapshot");
    Schema sc;
    CHECK(load_schema(twice["schema"], &sc).code == "invalid_snapshot");
  }
  json j = snapshot_json(ws, nullptr);
  j["items"][0]["entity"] = "spaceship";
  CHECK(load_snapshot(j, &ws).code == "invalid_snapshot");
  j = snapshot_json(ws, nullptr);
  j["items"].push_back(j["items"][0]);
  CHECK(load_snapshot(j, &ws).code == "invalid_snapshot");
  CHECK(ws.item_count() == n);
}
