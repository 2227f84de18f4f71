#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/layouts.hpp"
#include "core/snapshot.hpp"
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
