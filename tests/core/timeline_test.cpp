// Timeline kinds (comments, pins, notes, links), pipeline changes and the recycle bin (issue 4).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/snapshot.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

struct Demo : test::DemoWorkspace {
  const TimelineEntry* find(const std::string& item, const std::string& id) {
    for (const auto& e : ws.timeline(item))
      if (e.id == id) return &e;
    return nullptr;
  }
};

}  // namespace

TEST_CASE("comments: added, edited and deleted by their author only; empty ones refused") {
  Demo d;
  REQUIRE(d.as(d.ivan, AddComment{"D2", "Позвонить в понедельник"}).ok());
  const std::string id = d.last("D2").id;
  CHECK(d.last("D2").kind == TimelineKind::Comment);
  CHECK(d.last("D2").author == "u2");
  CHECK(d.as(d.ivan, AddComment{"D2", "   "}).code == "comment_empty");
  CHECK(d.as(d.admin, EditComment{"D2", id, "чужой", false}).code == "not_author");
  REQUIRE(d.as(d.ivan, EditComment{"D2", id, "Позвонить во вторник", false}).ok());
  CHECK(d.find("D2", id)->text == "Позвонить во вторник");
  CHECK(d.find("D2", id)->edited_ms > 0);
  REQUIRE(d.ivan.undo(++d.t).ok());
  CHECK(d.find("D2", id)->text == "Позвонить в понедельник");
  REQUIRE(d.as(d.ivan, EditComment{"D2", id, "", true}).ok());
  CHECK(d.find("D2", id)->removed);
  CHECK(d.as(d.ivan, EditComment{"D2", id, "снова", false}).code == "unknown_entry");
  // Support may not comment on deals it does not own (edit rights).
  CHECK(d.as(d.maria, AddComment{"D1", "x"}).code == "forbidden");
}

TEST_CASE("undoing a new comment deletes it") {
  Demo d;
  REQUIRE(d.as(d.ivan, AddComment{"D2", "черновик"}).ok());
  const std::string id = d.last("D2").id;
  REQUIRE(d.ivan.undo(++d.t).ok());
  CHECK(d.find("D2", id)->removed);
}

TEST_CASE("pins: at most seven per item; unpinning frees a place; notes attach to entries") {
  Demo d;
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    REQUIRE(d.as(d.admin, AddComment{"D1", "c" + std::to_string(i)}).ok());
    ids.push_back(d.last("D1").id);
  }
  for (int i = 0; i < 7; ++i) REQUIRE(d.as(d.admin, PinEntry{"D1", ids[i], true}).ok());
  CHECK(d.as(d.admin, PinEntry{"D1", ids[7], true}).code == "pin_limit");
  REQUIRE(d.as(d.admin, PinEntry{"D1", ids[0], false}).ok());
  CHECK(d.as(d.admin, PinEntry{"D1", ids[7], true}).ok());
  CHECK(d.as(d.admin, PinEntry{"D1", "nope", true}).code == "unknown_entry");
  const std::string created = d.ws.timeline("D1").front().id;
  REQUIRE(d.as(d.admin, SetNote{"D1", created, "Клиент из выставки"}).ok());
  CHECK(d.find("D1", created)->note == "Клиент из выставки");
  REQUIRE(d.admin.undo(++d.t).ok());
  CHECK(d.find("D1", created)->note.empty());
}

TEST_CASE("linking an item records it in the linked item's timeline, and unlinking too") {
  Demo d;
  const size_t before = d.ws.timeline("CO5").size();
  REQUIRE(d.as(d.admin, SetField{"D1", "CLIENT", Value(Value::List{Value("CO5"), Value("C2")}), {}}).ok());
  REQUIRE(d.ws.timeline("CO5").size() == before + 1);
  CHECK(d.last("CO5").kind == TimelineKind::Linked);
  CHECK(d.last("CO5").target == "D1");
  CHECK(d.last("CO2").kind == TimelineKind::Unlinked);  // D1's company was CO2
  auto affected = d.ws.affected_items(SetField{"D1", "CLIENT", Value(Value::List{Value("CO1")}), {}});
  CHECK(affected == std::vector<std::string>{"C2", "CO1", "CO5", "D1"});
}

TEST_CASE("a deal moves to another pipeline: first stage there, its required rules, both recorded") {
  Demo d;
  FieldDef f;
  f.id = "UF_CRM_PARTNER";
  f.entity = "deal";
  f.label = {"Партнёр", "Partner"};
  REQUIRE(d.as(d.admin, PutField{f}).ok());
  REQUIRE(d.as(d.admin, SetRequired{"deal", "UF_CRM_PARTNER", false,
                                    {RequiredRange{"deal", "1", "UF_CRM_PARTNER", RangeGroup::Pipeline, "C1:NEW", "C1:WON"}}})
              .ok());
  Status s = d.as(d.admin, ChangePipeline{"D2", "1", {}});
  CHECK(s.code == "required_missing");
  CHECK(d.ws.item("D2")->pipeline == "0");
  REQUIRE(d.as(d.admin, ChangePipeline{"D2", "1", {{"UF_CRM_PARTNER", Value("ООО Партнёр")}}}).ok());
  const Item& it = *d.ws.item("D2");
  CHECK(it.pipeline == "1");
  CHECK(it.get("STAGE_ID") == Value("C1:NEW"));
  const auto& tl = d.ws.timeline("D2");
  CHECK(tl[tl.size() - 3].kind == TimelineKind::PipelineChanged);
  CHECK(tl[tl.size() - 3].new_value == Value("1"));
  CHECK(tl.back().kind == TimelineKind::StageChanged);
  CHECK(d.as(d.admin, ChangePipeline{"D2", "9", {}}).code == "unknown_pipeline");
  CHECK(d.as(d.admin, ChangePipeline{"L1", "0", {}}).code == "no_pipelines");
}

TEST_CASE("the recycle bin keeps items with their history; restore; purge by an admin or after 30 days") {
  Demo d;
  const size_t history = d.ws.timeline("D4").size();
  CHECK(d.as(d.maria, DeleteItem{"D4"}).code == "forbidden");
  REQUIRE(d.as(d.ivan, DeleteItem{"D4"}).ok());
  CHECK(d.ws.item("D4")->deleted);
  CHECK(d.ws.item("D4")->deleted_by == "u2");
  CHECK(d.as(d.ivan, SetField{"D4", "TITLE", Value("x"), {}}).code == "item_deleted");
  CHECK(d.as(d.ivan, DeleteItem{"D4"}).code == "item_deleted");
  REQUIRE(d.as(d.ivan, RestoreItem{"D4"}).ok());
  CHECK_FALSE(d.ws.item("D4")->deleted);
  CHECK(d.ws.timeline("D4").size() == history + 2);
  CHECK(d.last("D4").kind == TimelineKind::Restored);
  // Undo of a deletion restores.
  REQUIRE(d.as(d.ivan, DeleteItem{"D4"}).ok());
  REQUIRE(d.ivan.undo(++d.t).ok());
  CHECK_FALSE(d.ws.item("D4")->deleted);
  // Purge: refused for an item not in the bin, for a non-admin before 30 days; an admin may.
  CHECK(d.as(d.admin, PurgeItem{"D4"}).code == "not_deleted");
  REQUIRE(d.as(d.ivan, DeleteItem{"D4"}, false).ok());
  CHECK(d.as(d.ivan, PurgeItem{"D4"}).code == "forbidden");
  CHECK(d.ivan.dispatch(PurgeItem{"D4"}, d.t + 31LL * 86400000, false).ok());
  CHECK_FALSE(d.ws.item("D4"));
  REQUIRE(d.as(d.admin, DeleteItem{"D5"}, false).ok());
  CHECK(d.as(d.admin, PurgeItem{"D5"}, false).ok());
}

TEST_CASE("new commands and entry fields survive JSON and snapshots") {
  Demo d;
  std::vector<Command> cmds = {ChangePipeline{"D1", "1", {{"COMMENTS", Value("x")}}}, AddComment{"D1", "текст"},
                               EditComment{"D1", "a:1", "t", true},                  PinEntry{"D1", "a:1", false},
                               SetNote{"D1", "a:1", "n"},                             DeleteItem{"D1"},
                               RestoreItem{"D1"},                                     PurgeItem{"D1"}};
  for (const auto& c : cmds) {
    json j = c;
    Command back = json::parse(j.dump()).get<Command>();
    CHECK(back == c);
    CHECK(command_item(back) == "D1");
    CHECK(is_item_command(back));
  }
  CHECK_FALSE(is_item_command(ForceCommonScope{"deal:0"}));
  REQUIRE(d.as(d.admin, AddComment{"D1", "закреплённый"}).ok());
  REQUIRE(d.as(d.admin, PinEntry{"D1", d.last("D1").id, true}).ok());
  REQUIRE(d.as(d.admin, DeleteItem{"D2"}).ok());
  Workspace back;
  REQUIRE(load_snapshot(json::parse(snapshot_json(d.ws, nullptr).dump()), &back).ok());
  CHECK(back.timeline("D1").back().text == "закреплённый");
  CHECK(back.timeline("D1").back().pinned);
  CHECK(back.item("D2")->deleted);
  CHECK(back.item("D2")->deleted_by == "u1");
}
