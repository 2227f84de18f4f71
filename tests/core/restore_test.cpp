// Restoring backups into a workspace (issue 19): renaming ids everywhere they live, reading large backups
// without a DOM, and the planner (into an empty workspace: the backup; into one with data: a merge that
// renames what collides and lists what it does).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <nlohmann/json.hpp>

#include "core/io/backup.hpp"
#include "core/io/backup_stream.hpp"
#include "core/io/restore.hpp"
#include "core/layouts.hpp"
#include "core/rename.hpp"
#include "core/rights.hpp"
#include "restore_support.hpp"

using namespace kt;
using namespace kt::io;
using kt::test::kNow;
using nlohmann::json;

namespace {

void ok(const Status& s) { REQUIRE_MESSAGE(s.ok(), s.code << ": " << s.message); }

// A workspace whose every id is distinctive ("USRX", "ITMX", "smart_QQX", "UF_CRM_..X"), with a reference
// of each kind the app makes: once renamed, no trace of them may be left anywhere in its backup.
struct XWorkspace {
  Workspace ws;
  Session admin{ws, "cl1", "USRX1"};
  Session other{ws, "cl2", "USRX2"};
  std::int64_t t = kNow;
  Status as(Session& s, Command c) { return s.dispatch(std::move(c), ++t, false); }

  XWorkspace() {
    ok(as(admin, PutUser{User{"USRX1", "Админ", "", true, {}, true}}));
    ok(as(admin, PutDepartment{Department{"dep1", "Отдел", ""}, false}));
    ok(as(admin, PutEntityType{EntityType{"smart_QQX", {"Проект", "Project"}, {"Проекты", "Projects"}, true, true,
                                          true, false, "TITLE"}}));
    Role role{"role1", "Роль", {}, {}};
    role.defaults.own_view = true;
    role.entities["smart_QQX"] = EntityRights{};
    role.entities["smart_QQX:0"].own_view = true;
    ok(as(admin, PutRole{role, false}));
    ok(as(admin, PutUser{User{"USRX2", "Сотрудник", "dep1", false, {"role1"}, true}}));

    FieldDef emp;
    emp.id = "UF_CRM_EMPX";
    emp.entity = "deal";
    emp.type = FieldType::Employee;
    emp.label = {"Куратор", "Curator"};
    emp.default_value = Value("USRX2");
    emp.visible_to = {"UUSRX2", "Ddep1"};
    ok(as(admin, PutField{emp}));
    FieldDef link;
    link.id = "UF_CRM_LINKX";
    link.entity = "deal";
    link.type = FieldType::CrmBinding;
    link.label = {"Проект", "Project"};
    link.binding_kinds = {"company", "smart_QQX"};
    ok(as(admin, PutField{link}));
    FieldDef sm;
    sm.id = "UF_CRM_SMX";
    sm.entity = "smart_QQX";
    sm.type = FieldType::String;
    sm.label = {"Код", "Code"};
    ok(as(admin, PutField{sm}));

    ok(as(admin, CreateItem{"ITMXC1", "company", "", {{"TITLE", Value("Ромашка")}, {"ASSIGNED_BY_ID", Value("USRX2")}}}));
    ok(as(admin, CreateItem{"ITMXP1", "contact", "", {{"LAST_NAME", Value("Иванов")}, {"COMPANY_ID", Value("ITMXC1")}}}));
    ok(as(admin, CreateItem{"ITMXS1", "smart_QQX", "0",
                            {{"TITLE", Value("Выставка")}, {"CLIENT", Value(Value::List{Value("ITMXC1")})},
                             {"UF_CRM_SMX", Value("K-1")}}}));
    ok(as(admin, CreateItem{"ITMXD1", "deal", "0",
                            {{"TITLE", Value("Поставка")},
                             {"CLIENT", Value(Value::List{Value("ITMXC1"), Value("ITMXP1")})},
                             {"UF_CRM_LINKX", Value("ITMXS1")}}}));
    ok(as(admin, SetField{"ITMXD1", "ASSIGNED_BY_ID", Value("USRX2"), {}}));
    ok(as(admin, SetField{"ITMXD1", "ASSIGNED_BY_ID", Value("USRX1"), {}}));
    ok(as(admin, SetField{"ITMXD1", "UF_CRM_LINKX", Value("ITMXC1"), {}}));
    ok(as(admin, SetField{"ITMXD1", "UF_CRM_EMPX", Value("USRX1"), {}}));
    ok(as(admin, MoveStage{"ITMXS1", "IN_PROGRESS", {}}));
    ok(as(other, AddComment{"ITMXD1", "Комментарий"}));
    Activity a;
    a.id = "todo-1";
    a.subject = "Позвонить";
    a.deadline_ms = kNow + 86400000;
    a.responsible = "USRX2";
    a.participants = {"USRX1"};
    ok(as(admin, PutTodo{"ITMXD1", a}));
    ok(as(admin, CompleteTodo{"ITMXD1", "todo-1", true}));
    ProductRow row;
    row.id = "row-1";
    row.name = "Товар";
    row.price = 10000;
    ok(as(admin, SetProducts{"ITMXD1", {row}, Value()}));
    const Schema& s = ws.schema();
    const DocTemplate* dt = s.doc_template("invoice");
    GeneratedDocument g = generate_document(ws, "USRX1", "ITMXD1", *dt, s.my_company, s.numerator(dt->numerator_id),
                                            NumeratorState{}, "doc-1", kNow, 0);
    REQUIRE(g.status.ok());
    ok(as(admin, GenerateDocument{"ITMXD1", g.document, dt->numerator_id, NumeratorState{}, g.numerator_state}));
    ok(as(admin, PinEntry{"ITMXD1", ws.timeline("ITMXD1").back().id, true}));
    ok(as(admin, SetNote{"ITMXD1", ws.timeline("ITMXD1").back().id, "Заметка"}));
    ok(as(admin, LogCommunication{"ITMXD1", "call", "out", "+7 900 000-00-00", "reached", 60, "ок"}));
    ok(as(admin, CreateItem{"ITMXL1", "lead", "", {{"TITLE", Value("Заявка")}, {"NAME", Value("Пётр")}}}));
    ConversionPlan plan;
    int next = 0;
    ok(plan_conversion(ws, "USRX1", "ITMXL1", {"deal", "contact", "company"},
                       [&](const std::string& prefix) { return "ITMXN" + prefix + std::to_string(++next); }, &plan));
    ok(as(admin, plan.command));
    ok(as(admin, DeleteItem{"ITMXP1"}));

    Layout common = *ws.schema().default_layout("smart_QQX:0");
    common.sections.front().elements.push_back({"UF_CRM_SMX", true, ""});
    ok(as(admin, PutLayout{"smart_QQX:0", "C", common, false}));
    ok(as(other, PutLayout{"smart_QQX:0", "P:USRX2", common, false}));
    ok(as(admin, PutView{View{"viewx", "smart_QQX:0", "Вид", {"UUSRX2"}, false, "USRX1"}, false}));
    ok(as(admin, PutLayout{"smart_QQX:0", "V:viewx", common, false}));
    ok(as(other, SelectScope{"USRX2", "smart_QQX:0", "V:viewx"}));
    RequiredRange range{"smart_QQX", "0", "UF_CRM_SMX", RangeGroup::Pipeline, "IN_PROGRESS", "IN_PROGRESS"};
    ok(as(admin, SetRequired{"smart_QQX", "UF_CRM_SMX", false, {range}}));
    DocTemplate tpl = *dt;
    tpl.id = "tplx";
    tpl.targets = {{"smart_QQX", ""}};
    tpl.access = {"UUSRX2"};
    ok(as(admin, PutTemplate{tpl, false}));
  }
};

IdRenames x_renames(const Workspace& ws) {
  IdRenames r;
  r.users = {{"USRX1", "NEWA1"}, {"USRX2", "NEWA2"}};
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) r.items[id] = "NEWI" + id.substr(4);
  r.entities = {{"smart_QQX", "smart_NEWE"}};
  r.fields = {{{"deal", "UF_CRM_LINKX"}, "UF_CRM_LINKNEW"}, {{"smart_QQX", "UF_CRM_SMX"}, "UF_CRM_SMNEW"}};
  return r;
}

Workspace server_with_admin(const std::string& name = "admin") {
  Workspace ws;
  Session s(ws, "~server", "u1");
  REQUIRE(s.dispatch(PutUser{User{"u1", name, "", true, {}, true}}, kNow - 5000000, false).ok());
  return ws;
}

const RestorePlan::Renamed* renamed(const RestorePlan& p, const std::string& kind, const std::string& from) {
  for (const auto& r : p.rename)
    if (r.kind == kind && r.from == from) return &r;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Renaming
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("renaming users, items, an entity type and fields leaves no trace of the old ids anywhere") {
  XWorkspace x;
  const std::string before = make_backup(x.ws, "t", kNow);
  for (const char* token : {"USRX", "ITMX", "QQX", "UF_CRM_LINKX", "UF_CRM_SMX"})
    REQUIRE_MESSAGE(before.find(token) != std::string::npos, token);  // the test means something

  const Workspace out = rename_workspace(x.ws, x_renames(x.ws));
  const std::string after = make_backup(out, "t", kNow);
  for (const char* token : {"USRX", "ITMX", "QQX", "UF_CRM_LINKX", "UF_CRM_SMX"}) {
    const auto at = after.find(token);
    CHECK_MESSAGE(at == std::string::npos, std::string(token) << " is still in «" << after.substr(at < 80 ? 0 : at - 80, 160) << "»");
  }
  // Still the same workspace: it reads back, and the references land where they did.
  Workspace back;
  RestoreReport report;
  ok(read_backup(after, kNow + 1, &back, &report));
  CHECK(out.item_count() == x.ws.item_count());
  const Item& deal = *out.item("NEWID1");
  CHECK(deal.get("CLIENT") == Value(Value::List{Value("NEWIC1"), Value("NEWIP1")}));
  CHECK(deal.get("UF_CRM_LINKNEW") == Value("NEWIC1"));
  CHECK(deal.get("UF_CRM_EMPX") == Value("NEWA1"));
  CHECK(deal.get("ASSIGNED_BY_ID") == Value("NEWA1"));
  CHECK(deal.activities.at(0).responsible == "NEWA2");
  CHECK(out.item("NEWIS1")->entity == "smart_NEWE");
  CHECK(out.item("NEWIS1")->get("UF_CRM_SMNEW") == Value("K-1"));
  CHECK(out.schema().field("deal", "UF_CRM_EMPX")->default_value == Value("NEWA2"));
  CHECK(out.schema().field("deal", "UF_CRM_EMPX")->visible_to == std::vector<std::string>{"UNEWA2", "Ddep1"});
  CHECK(out.schema().stored_layout("smart_NEWE:0", "P:NEWA2"));
  CHECK(out.schema().scope_choices.at({"NEWA2", "smart_NEWE:0"}) == "V:viewx");
  CHECK(out.schema().role("role1")->entities.count("smart_NEWE:0"));
  const auto& links = out.timeline("NEWIC1");
  CHECK(std::any_of(links.begin(), links.end(), [](const TimelineEntry& e) {
    return e.kind == TimelineKind::Linked && e.target == "NEWID1" && e.field == "UF_CRM_LINKNEW";
  }));
  // The renamed people may work on: the administrator edits, the other one sees what he saw.
  Workspace live = rename_workspace(x.ws, x_renames(x.ws));
  Session a(live, "cl3", "NEWA1");
  ok(a.dispatch(SetField{"NEWID1", "TITLE", Value("Поставка 2"), {}}, kNow + 100, false));
  ok(a.dispatch(MoveStage{"NEWIS1", "NEW", {}}, kNow + 101, false));
  CHECK(can_see_field(live.schema(), "NEWA2", *live.schema().field("deal", "UF_CRM_EMPX")));
  CHECK(resolve_layout(live.schema(), "NEWA2", "smart_NEWE:0").scope == "V:viewx");
}

TEST_CASE("a stage rename follows into pipelines, items, history and required ranges") {
  XWorkspace x;
  IdRenames r;
  r.stages[{"smart_QQX", "IN_PROGRESS"}] = "WORKING";
  const Workspace out = rename_workspace(x.ws, r);
  const Pipeline* p = out.schema().pipeline("smart_QQX", "0");
  CHECK(p->stage("WORKING"));
  CHECK_FALSE(p->stage("IN_PROGRESS"));
  CHECK(out.item("ITMXS1")->get("STAGE_ID") == Value("WORKING"));
  const auto& tl = out.timeline("ITMXS1");
  CHECK(std::any_of(tl.begin(), tl.end(), [](const TimelineEntry& e) {
    return e.kind == TimelineKind::StageChanged && e.new_value == Value("WORKING");
  }));
  for (const auto& q : out.schema().required)
    if (q.entity == "smart_QQX") CHECK(q.start == "WORKING");
}

// ---------------------------------------------------------------------------------------------------------
// Reading large backups
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("the streaming reader reads a backup into the same workspace and report as read_backup") {
  test::RichDemo d;
  const std::string text = make_backup(d.ws, "Анна", kNow);
  Workspace a, b;
  RestoreReport ra, rb;
  ok(read_backup(text, kNow, &a, &ra));
  ok(read_backup_stream(text, kNow, &b, &rb));
  CHECK(snapshot_json(a, nullptr) == snapshot_json(b, nullptr));
  CHECK(report_counts_json(ra) == report_counts_json(rb));
  CHECK(rb.items == d.ws.item_count());
  CHECK(rb.created_by == "Анна");
  // Reformatted by hand (pretty-printed): the checksum is of the content, as read_backup checks it.
  const std::string pretty = json::parse(text).dump(2);
  Workspace c;
  ok(read_backup_stream(pretty, kNow, &c, &rb));
  CHECK(snapshot_json(c, nullptr) == snapshot_json(a, nullptr));
}

TEST_CASE("the streaming reader refuses what read_backup refuses, with the same codes, and deep nesting") {
  test::RichDemo d;
  const std::string good = make_backup(d.ws, "Анна", kNow);
  json j = json::parse(good);
  auto with = [&](auto change) {
    json c = j;
    change(c);
    return c.dump();
  };
  auto resigned = [&](auto change) {
    json c = j;
    change(c["workspace"]);
    c["checksum"] = backup_checksum(c["workspace"]);
    return c.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "backup_empty"},
      {"  \n", "backup_empty"},
      {"{\"format\": ", "backup_not_json"},
      {good.substr(0, good.size() / 2), "backup_not_json"},
      {good + "x", "backup_not_json"},
      {"[1, 2]", "backup_foreign"},
      {"{\"name\": \"a contact list\"}", "backup_foreign"},
      {with([](json& c) { c["version"] = 99; }), "backup_newer"},
      {with([](json& c) { c.erase("version"); }), "backup_damaged"},
      {with([](json& c) { c["workspace"]["items"][3]["fields"]["TITLE"]["v"] = "changed"; }), "backup_damaged"},
      {with([](json& c) { c.erase("workspace"); }), "backup_damaged"},
      {resigned([](json& w) { w["items"][40]["entity"] = "nothing"; }), "backup_invalid"},
      {resigned([](json& w) { w["items"].push_back(w["items"][0]); }), "backup_invalid"},
      {resigned([](json& w) { w["items"][2]["pipeline"] = "77"; }), "backup_invalid"},
      {resigned([](json& w) { w["items"][5]["fields"]["TITLE"] = 5; }), "backup_invalid"},
      {resigned([](json& w) { w["schema"]["fields"] = "none"; }), "backup_invalid"},
  };
  for (const auto& [text, code] : cases) {
    Workspace ws, before;
    RestoreReport r;
    Status s = read_backup_stream(text, kNow, &ws, &r);
    CHECK_MESSAGE(s.code == code, text.substr(0, 60) << " -> " << s.code << ": " << s.message);
    Workspace old;
    RestoreReport ro;
    CHECK(read_backup(text, kNow, &old, &ro).code == code);  // the same as the DOM reader says
    CHECK(ws.item_count() == 0);
  }
  // Nesting that would take a recursive parser's stack is refused before any parsing.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Workspace ws;
  RestoreReport r;
  CHECK(read_backup_stream(deep, kNow, &ws, &r).code == "backup_too_deep");
  CHECK(read_backup_stream("{\"format\": \"kartoteka-backup\", \"x\": " + std::string(70, '[') + std::string(70, ']') + "}",
                           kNow, &ws, &r)
            .code == "backup_too_deep");
  CHECK(json_depth("[\"[[[[\", {\"a\": [1]}]", 10) == 3);
}

// ---------------------------------------------------------------------------------------------------------
// Planning into an empty workspace
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("into an empty workspace the result equals the backup, the admin's own user mapped to him") {
  test::RichDemo d;
  const Workspace target = server_with_admin("admin");
  RestoreOptions o;
  o.me = "u1";
  o.admin = "u1";
  RestorePlan plan;
  Workspace result;
  ok(plan_restore(target, d.ws, o, &plan, &result));
  CHECK(plan.empty);
  CHECK(plan.rename.empty());
  CHECK(plan.dropped.empty());
  const json want = test::comparable(d.ws), got = test::comparable(result);
  CHECK_MESSAGE(want == got, test::first_difference(want, got));
  REQUIRE(plan.users.size() == 4);
  CHECK(plan.users[0].action == "map");
  CHECK(plan.users[1].action == "create");
  CHECK(result.schema().user("u1")->admin);
  // The same through the text of the backup (the server's way).
  const std::string text = make_backup(d.ws, "Анна", kNow);
  BackupStream in;
  ok(in.open(text, kNow + 1000));
  RestorePlan plan2;
  Workspace result2;
  ok(plan_restore(target, in, o, &plan2, &result2));
  CHECK(test::comparable(result2) == want);
  auto without_origin = [&](const RestorePlan& p) {
    json j = restore_report_json(p, target);
    j["backup"].erase("created");
    j["backup"].erase("createdBy");
    return j;
  };
  CHECK(without_origin(plan2) == without_origin(plan));
  CHECK(restore_report_json(plan2, target)["backup"]["createdBy"] == "Анна");
  // Without the result: the same report (the check of the server).
  RestorePlan plan3;
  ok(plan_restore(target, in, o, &plan3, nullptr));
  CHECK(restore_report_json(plan3, target) == restore_report_json(plan2, target));
}

TEST_CASE("into an empty workspace without a choice, a backup user whose id the server has is created anew") {
  test::RichDemo d;
  const Workspace target = server_with_admin("admin");
  RestoreOptions o;
  o.admin = "u1";
  RestorePlan plan;
  Workspace result;
  ok(plan_restore(target, d.ws, o, &plan, &result));
  const auto* r = renamed(plan, "user", "u1");
  REQUIRE(r);
  CHECK(r->to == "u5");
  CHECK(plan.users[0].action == "create");
  CHECK(plan.users[0].to == "u5");
  // Everything of the backup's u1 is now u5's; the server's administrator is still there.
  IdRenames map;
  map.users["u1"] = "u5";
  json want = test::comparable(rename_workspace(d.ws, map));
  json got = test::comparable(result);
  CHECK(got["schema"]["users"].size() == want["schema"]["users"].size() + 1);
  CHECK(got["schema"]["users"].back()["name"] == "admin");
  got["schema"]["users"].erase(got["schema"]["users"].size() - 1);
  CHECK_MESSAGE(want == got, test::first_difference(want, got));
  CHECK(result.item("D1")->get("ASSIGNED_BY_ID") == Value("u5"));
}

TEST_CASE("choices of people: map to a server user, create, and bad choices refused") {
  test::RichDemo d;
  Workspace target = server_with_admin("admin");
  Session s(target, "~server", "u1");
  ok(s.dispatch(PutUser{User{"u7", "Иван Петров", "", false, {}, true}}, kNow, false));
  RestoreOptions o;
  o.admin = "u1";
  o.users["u3"] = "u1";
  RestorePlan plan;
  Workspace result;
  ok(plan_restore(target, d.ws, o, &plan, &result));
  CHECK(plan.users[1].suggested == "u7");  // same name
  CHECK(plan.users[1].action == "map");
  CHECK(plan.users[1].to == "u7");
  CHECK(plan.users[2].to == "u1");
  CHECK(result.item("D2")->get("ASSIGNED_BY_ID") == Value("u7"));
  CHECK(result.item("D8")->get("ASSIGNED_BY_ID") == Value("u1"));
  CHECK(result.schema().user("u1")->admin);  // mapped to a non-admin: still the administrator
  CHECK_FALSE(result.schema().user("u3"));
  CHECK(result.schema().users.size() == 4);  // u5 (backup u1), u7, u1, u4

  for (auto [local, to] : {std::pair{"u9", "u1"}, std::pair{"u2", "u99"}}) {
    RestoreOptions bad;
    bad.users[local] = to;
    CHECK(plan_restore(target, d.ws, bad, &plan, &result).code == "invalid_mapping");
  }
  RestoreOptions bad_me;
  bad_me.me = "nobody";
  CHECK(plan_restore(target, d.ws, bad_me, &plan, &result).code == "invalid_mapping");
}

// ---------------------------------------------------------------------------------------------------------
// Merging into a workspace with data
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("the demo into the demo: every colliding item renamed, nothing merged, the server's items as they were") {
  test::RichDemo server;
  test::RichDemo backup;
  REQUIRE(backup.as(backup.admin, AddComment{"D1", "только в копии"}, false).ok());
  RestoreOptions o;
  o.admin = "u1";
  o.me = "u1";
  RestorePlan plan;
  Workspace result;
  ok(plan_restore(server.ws, backup.ws, o, &plan, &result));
  CHECK_FALSE(plan.empty);
  CHECK(result.item_count() == 2 * server.ws.item_count());
  // The server's items are untouched.
  for (const auto& et : server.ws.schema().entities)
    for (const auto& id : server.ws.item_ids(et.id)) {
      const json a = item_json(server.ws, *server.ws.item(id), nullptr);
      const json b = item_json(result, *result.item(id), nullptr);
      CHECK_MESSAGE(a == b, id << ": " << test::first_difference(a, b));
    }
  // Every backup item got a new id, listed; its references follow.
  for (const auto& et : backup.ws.schema().entities)
    for (const auto& id : backup.ws.item_ids(et.id)) CHECK_MESSAGE(renamed(plan, "item", id), id);
  CHECK(renamed(plan, "item", "D1")->to == "D14");
  CHECK(renamed(plan, "item", "D1")->why.text() == "the server has D1 «Поставка серверного оборудования»");
  CHECK(renamed(plan, "item", "D1")->why.code == "taken");
  CHECK(renamed(plan, "item", "D1")->why.args == std::vector<std::string>{"D1 «Поставка серверного оборудования»"});
  const std::string d11 = renamed(plan, "item", "D11")->to;
  const Item& copy = *result.item(d11);
  CHECK(copy.get("STAGE_ID") == Value("PREPARATION"));
  CHECK(copy.get("CLIENT") == Value(Value::List{Value(renamed(plan, "item", "CO1")->to), Value(renamed(plan, "item", "C1")->to)}));
  CHECK(copy.documents.at(0).item_id == d11);
  CHECK(copy.products.size() == 1);
  CHECK(result.timeline(d11).size() == backup.ws.timeline("D11").size());
  const std::string d1 = renamed(plan, "item", "D1")->to;
  CHECK(result.timeline(d1).back().text == "только в копии");
  // Item numbers: the server's keep theirs; the backup's, all taken, come after the server's last ones.
  for (const auto& et : result.schema().entities) {
    std::set<std::uint64_t> numbers;
    for (const auto& id : result.item_ids(et.id)) CHECK(numbers.insert(result.item(id)->number).second);
    CHECK(result.last_number(et.id) == 2 * server.ws.item_ids(et.id).size());
  }
  CHECK(result.item("D1")->number == 1);
  CHECK(result.item(d1)->number > server.ws.last_number("deal"));
  CHECK(result.timeline("D1").back().text != "только в копии");
  // People matched by name; the configuration is the same on both sides: nothing else to say.
  for (const auto& u : plan.users) CHECK(u.action == "map");
  CHECK(plan.dropped.empty());
  CHECK(plan.merge.empty());
  const json report = restore_report_json(plan, server.ws);
  CHECK(report["create"][0]["kind"] == "item");
  // Each line carries its reason as a code and values (the page says it in the user's language) and in English.
  const json& first = report["rename"][0];
  CHECK(first["code"] == "taken");
  CHECK(first["args"].size() == 1);
  CHECK(first["why"] == "the server has " + first["args"][0].get<std::string>());
  CHECK(report["create"][0]["count"] == server.ws.item_count());
  CHECK(report["totals"]["rename"] == server.ws.item_count());
  CHECK(report["rename"].size() == server.ws.item_count());
  const json small = restore_report_json(plan, server.ws, 5);
  CHECK(small["rename"].size() == 5);
  CHECK(small["truncated"] == true);
  CHECK(small["totals"]["rename"] == server.ws.item_count());
}

TEST_CASE("a merge renames a different smart process and a custom field of another type, and unites options and stages") {
  test::DemoWorkspace server, backup;
  auto ok2 = [](const Status& s) { REQUIRE_MESSAGE(s.ok(), s.code << ": " << s.message); };
  ok2(server.as(server.admin, PutEntityType{EntityType{"smart_1", {"Тендер", "Tender"}, {"Тендеры", "Tenders"}, true, false, false, false, "TITLE"}}, false));
  ok2(backup.as(backup.admin, PutEntityType{EntityType{"smart_1", {"Проект", "Project"}, {"Проекты", "Projects"}, true, false, false, false, "TITLE"}}, false));
  ok2(backup.as(backup.admin, CreateItem{"SP1", "smart_1", "", {{"TITLE", Value("Проект 1")}}}, false));
  FieldDef f;
  f.id = "UF_CRM_KIND";
  f.entity = "deal";
  f.type = FieldType::String;
  f.label = {"Вид", "Kind"};
  ok2(server.as(server.admin, PutField{f}, false));
  f.type = FieldType::List;
  f.options = {{"A", {"А", "A"}}};
  ok2(backup.as(backup.admin, PutField{f}, false));
  ok2(backup.as(backup.admin, SetField{"D2", "UF_CRM_KIND", Value("A"), {}}, false));
  FieldDef g;
  g.id = "UF_CRM_SIZE";
  g.entity = "deal";
  g.type = FieldType::List;
  g.label = {"Размер", "Size"};
  g.options = {{"S", {"Малый", "Small"}}};
  ok2(server.as(server.admin, PutField{g}, false));
  g.options = {{"S", {"Малый", "Small"}}, {"L", {"Большой", "Large"}}};
  ok2(backup.as(backup.admin, PutField{g}, false));
  ok2(backup.as(backup.admin, SetField{"D3", "UF_CRM_SIZE", Value("L"), {}}, false));
  Pipeline p = *backup.ws.schema().pipeline("deal", "1");
  p.stages.insert(p.stages.begin() + 1, Stage{"C1:DEMO", {"Демонстрация", "Demo"}, "#aaaaaa", StageSemantics::Process});
  ok2(backup.as(backup.admin, PutPipeline{p, false}, false));
  ok2(backup.as(backup.admin, SetField{"D13", "STAGE_ID", Value("C1:DEMO"), {}}, false));

  RestoreOptions o;
  o.admin = "u1";
  RestorePlan plan;
  Workspace result;
  ok(plan_restore(server.ws, backup.ws, o, &plan, &result));
  const auto* st = renamed(plan, "entityType", "smart_1");
  REQUIRE(st);
  CHECK(st->to == "smart_2");
  CHECK(result.schema().entity("smart_1")->name.ru == "Тендер");
  CHECK(result.schema().entity("smart_2")->name.ru == "Проект");
  const std::string sp1 = renamed(plan, "item", "SP1") ? renamed(plan, "item", "SP1")->to : "SP1";
  CHECK(result.item(sp1)->entity == "smart_2");
  CHECK(result.schema().pipeline("smart_2", "0"));
  const auto* field = renamed(plan, "field", "deal.UF_CRM_KIND");
  REQUIRE(field);
  CHECK(field->to == "deal.UF_CRM_KIND_2");
  CHECK(result.schema().field("deal", "UF_CRM_KIND")->type == FieldType::String);
  CHECK(result.schema().field("deal", "UF_CRM_KIND_2")->type == FieldType::List);
  const std::string d2 = renamed(plan, "item", "D2")->to;
  CHECK(result.item(d2)->get("UF_CRM_KIND_2") == Value("A"));
  CHECK_FALSE(result.item(d2)->cell("UF_CRM_KIND"));
  CHECK(result.schema().field("deal", "UF_CRM_SIZE")->options.size() == 2);
  CHECK(result.item(renamed(plan, "item", "D3")->to)->get("UF_CRM_SIZE") == Value("L"));
  CHECK(result.schema().pipeline("deal", "1")->stage("C1:DEMO"));
  CHECK(check_stage_order(result.schema().pipeline("deal", "1")->stages).empty());
  CHECK(result.item(renamed(plan, "item", "D13")->to)->get("STAGE_ID") == Value("C1:DEMO"));
  bool said_options = false, said_stages = false;
  for (const auto& n : plan.merge) {
    said_options = said_options || (n.kind == "field" && n.id == "deal.UF_CRM_SIZE");
    said_stages = said_stages || (n.kind == "pipeline" && n.id == "deal:1");
  }
  CHECK(said_options);
  CHECK(said_stages);
  // The result is a workspace the app can work in: a new deal in the united pipeline, the new type's item.
  Session s(result, "x", "u1");
  ok(s.dispatch(MoveStage{"D13", "C1:DEMO", {}}, kNow + 10, false));
  ok(s.dispatch(SetField{sp1, "TITLE", Value("Проект 2"), {}}, kNow + 11, false));
}

TEST_CASE("a merge keeps the server's layout and required rules and lists the backup's as not carried") {
  test::DemoWorkspace server, backup;
  Layout l = *server.ws.schema().default_layout("deal:0");
  std::reverse(l.sections.begin(), l.sections.end());
  REQUIRE(server.as(server.admin, PutLayout{"deal:0", "C", l, false}, false).ok());
  REQUIRE(backup.as(backup.admin, PutLayout{"deal:0", "C", *backup.ws.schema().default_layout("deal:0"), false}, false).ok());
  MyCompany mc;
  mc.name = "Сервер";
  REQUIRE(server.as(server.admin, SetMyCompany{mc}, false).ok());
  mc.name = "Копия";
  REQUIRE(backup.as(backup.admin, SetMyCompany{mc}, false).ok());
  RestoreOptions o;
  RestorePlan plan;
  Workspace result;
  ok(plan_restore(server.ws, backup.ws, o, &plan, &result));
  CHECK(*result.schema().stored_layout("deal:0", "C") == *server.ws.schema().stored_layout("deal:0", "C"));
  CHECK(result.schema().my_company.name == "Сервер");
  std::set<std::string> dropped;
  for (const auto& n : plan.dropped) dropped.insert(n.kind + " " + n.id);
  CHECK(dropped.count("layout deal:0 C"));
  CHECK(dropped.count("myCompany "));
}

TEST_CASE("a backup whose configuration does not hold is refused by the plan, nothing built") {
  test::RichDemo d;
  json j = json::parse(make_backup(d.ws, "Анна", kNow));
  for (auto& p : j["workspace"]["schema"]["pipelines"])
    if (p["entity"] == "deal" && p["id"] == "1") p["stages"].erase(2);  // no success stage left
  j["checksum"] = backup_checksum(j["workspace"]);
  const std::string text = j.dump();
  BackupStream in;
  ok(in.open(text, kNow));
  RestorePlan plan;
  Workspace result;
  const Workspace target = server_with_admin();
  Status s = plan_restore(target, in, RestoreOptions{}, &plan, &result);
  CHECK(s.code == "backup_invalid");
  CHECK(s.message.find("deal:1") != std::string::npos);
  CHECK(result.item_count() == 0);
}
