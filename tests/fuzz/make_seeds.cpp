// Writes the seed corpora of the fuzz targets into <dir>/<target>/ (tests/fuzz/corpus): small real inputs made
// by the code itself from the demo workspace, so that the fuzzer starts from well-formed files and pages.
//   build/fuzz/tests/fuzz/kt_fuzz_seeds tests/fuzz/corpus     (shell/fuzz.sh --seeds)
// The CSV and vCard seeds also take the native tests' fixture files (real exports of Excel, Google, Apple).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/io/backup.hpp"
#include "core/io/csv.hpp"
#include "core/io/export.hpp"
#include "core/io/vcard.hpp"
#include "core/snapshot.hpp"
#include "fuzz_support.hpp"
#include "storage/journal_codec.hpp"
#include "sync/replica.hpp"

using namespace kt;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path out_dir;

void must(const Status& s) {
  if (s) return;
  std::cerr << "kt_fuzz_seeds: " << s.code << ": " << s.message << "\n";
  std::exit(1);
}

// Each seed is checked to read as what it stands for (a seed that the decoder refuses teaches the fuzzer little).
bool reads(const std::string& target, const std::string& bytes) {
  if (target == "fuzz_backup") {
    Workspace ws;
    io::RestoreReport r;
    return io::read_backup(bytes, fuzz::kNow, &ws, &r).ok();
  }
  if (target == "fuzz_pull") {
    sync::PullPage p;
    return sync::parse_pull(bytes, &p).ok();
  }
  if (target == "fuzz_base") {
    Workspace ws;
    return bytes.substr(0, 4) != "KTWS" || decode_workspace(bytes, &ws, nullptr).ok();
  }
  if (target == "fuzz_journal") return !storage::decode_records(bytes).payloads.empty();
  return true;
}

void put(const std::string& target, const std::string& name, const std::string& bytes) {
  if (!reads(target, bytes)) {
    std::cerr << "kt_fuzz_seeds: " << target << "/" << name << " does not read\n";
    std::exit(1);
  }
  const fs::path dir = out_dir / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  std::cout << target << "/" << name << ": " << bytes.size() << " bytes\n";
}

// A small workspace: the default schema and a few items of the demo with their history, a comment, a to-do
// and a product row (the whole demo would make seeds of a hundred KB).
Workspace small_workspace() {
  Workspace ws;
  Session s(ws, "seed", "u1");
  const std::int64_t t = fuzz::kNow;
  must(s.dispatch(CreateItem{"CO1", "company", "", {{"TITLE", Value("ООО «Север»")}, {"PHONE", Value(Value::List{Value("+7 812 555-01-10")})}}}, t, false));
  must(s.dispatch(CreateItem{"C1", "contact", "", {{"LAST_NAME", Value("Иванов")}, {"NAME", Value("Пётр")},
                                                    {"EMAIL", Value(Value::List{Value("p@example.com")})},
                                                    {"COMPANY_ID", Value("CO1")}}}, t + 1, false));
  must(s.dispatch(CreateItem{"D1", "deal", "", {{"TITLE", Value("Поставка")}, {"OPPORTUNITY_WITH_CURRENCY", Value(Money{15000050, "RUB"})},
                                                 {"CLIENT", Value(Value::List{Value("CO1"), Value("C1")})}}}, t + 2, false));
  must(s.dispatch(SetField{"D1", "TITLE", Value("Поставка ноутбуков"), {}}, t + 3));
  must(s.dispatch(AddComment{"D1", "Позвонить «завтра»\nи уточнить"}, t + 4));
  Activity a;
  a.id = "t1";
  a.subject = "Звонок";
  a.deadline_ms = t + 86400000;
  must(s.dispatch(PutTodo{"D1", a}, t + 5));
  return ws;
}

// The schema of `ws` cut down to what its items use: the fields they hold, and no templates, default layouts,
// directories or numerators (a schema without them reads with the built-in ones). The whole default schema
// is 50 KB, ten times the rest of a seed.
json seed_schema(const Workspace& ws) {
  json j = schema_json(ws.schema(), nullptr);
  std::set<std::string> used;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id))
      for (const auto& [fid, cell] : ws.item(id)->fields) used.insert(et.id + "/" + fid);
  json fields = json::array();
  for (const auto& f : j["fields"])
    if (used.count(f["entity"].get<std::string>() + "/" + f["id"].get<std::string>())) fields.push_back(f);
  j["fields"] = std::move(fields);
  json pipelines = json::array();
  for (const auto& p : j["pipelines"])
    if (!ws.item_ids(p["entity"].get<std::string>()).empty()) pipelines.push_back(p);
  j["pipelines"] = std::move(pipelines);
  for (const char* k : {"templates", "defaultLayouts", "directories", "numerators", "myCompany"}) j.erase(k);
  return j;
}

void put_uv(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::string journal_segment(const std::vector<Mutation>& ms) {
  std::string out;
  for (const auto& m : ms) out += storage::encode_record(json(m).dump());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kt_fuzz_seeds <corpus dir>\n";
    return 2;
  }
  out_dir = argv[1];
  const Workspace& demo = fuzz::demo();

  // --- csv: the demo's deals and contacts as the export writes them (both delimiters), and cp1251 --------
  {
    const std::vector<std::string> few{"D1", "D2", "D3"};
    put("fuzz_csv", "deals_ru.csv",
        io::export_csv(demo, "u1", "deal", few, {"TITLE", "STAGE_ID", "OPPORTUNITY_WITH_CURRENCY", "CLIENT", "BEGINDATE", "ASSIGNED_BY_ID", "COMPANY_ID"}, Lang::Ru));
    put("fuzz_csv", "contacts_en.csv",
        io::export_csv(demo, "u1", "contact", {"C1", "C2"}, {"TITLE", "PHONE", "EMAIL", "BIRTHDATE", "COMPANY_ID"}, Lang::En));
    put("fuzz_csv", "companies_cp1251.csv",
        io::utf8_to_cp1251("Название;Телефон;Сайт\r\n\"ООО \"\"Север\"\"\";+7 812 555-01-10;https://sever.ru\r\n"
                           "ИП Кузнецов;\"+7 903 555-44-12\n+7 903 555-44-13\";\r\n"));
  }
  // --- vcard: the demo's contacts in both versions ---------------------------------------------------------
  put("fuzz_vcard", "demo_v3.vcf", io::export_vcards(demo, "u1", {"C1", "C2"}, io::VCardVersion::V3));
  put("fuzz_vcard", "demo_v4.vcf", io::export_vcards(demo, "u1", {"C3"}, io::VCardVersion::V4));
  put("fuzz_vcard", "qp_21.vcf",
      "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2;=\r\n"
      "=D0=9F=D1=91=D1=82=D1=80\r\nitem1.TEL;TYPE=CELL:+7 900 000-00-00\r\nBDAY:--0415\r\nNOTE:line\\none\\, two\r\n"
      " folded\r\nEND:VCARD\r\n");

  // --- journal: the mutations of a small workspace, as segments (whole, and with a torn tail) -------------
  {
    Workspace ws = demo;
    Session s(ws, "seed", "u1");
    std::vector<Mutation> ms;
    s.set_sink([&](const Mutation& m) { ms.push_back(m); });
    const std::int64_t t = fuzz::kNow;
    must(s.dispatch(CreateItem{"D99", "deal", "", {{"TITLE", Value("Поставка")}}}, t, false));
    must(s.dispatch(SetField{"D1", "OPPORTUNITY_WITH_CURRENCY", Value(Money{4800000, "RUB"}), {}}, t + 1));
    must(s.dispatch(AddComment{"D1", "Комментарий"}, t + 2));
    must(s.dispatch(MoveStage{"D1", "EXECUTING", {}}, t + 3));
    put("fuzz_journal", "segment.log", journal_segment(ms));
    std::string torn = journal_segment({ms.at(0), ms.at(1)});
    put("fuzz_journal", "torn.log", torn.substr(0, torn.size() - 7));

    // More kinds of command, so that the fuzzer changes the values of each: to-dos, calls, products, a custom
    // field, the recycle bin, comments edited, pinned and noted, a pipeline change, and the
    // configuration commands of the demo (users, roles, departments, pipelines).
    ms.clear();
    auto may = [](const Status& st) {
      if (!st) std::cerr << "kt_fuzz_seeds: journal: " << st.code << ": " << st.message << "\n";
    };
    Activity todo;
    todo.id = "t9";
    todo.subject = "Позвонить";
    todo.deadline_ms = t + 86400000;
    todo.responsible = "u2";
    todo.reminders = {15};
    may(s.dispatch(PutTodo{"D2", todo}, t + 10));
    may(s.dispatch(CompleteTodo{"D2", "t9", true}, t + 11));
    may(s.dispatch(LogCommunication{"C1", "call", "out", "+7 912 555-10-01", "reached", 95, "Договорились"}, t + 12));
    ProductRow row;
    row.id = "r1";
    row.name = "Ноутбук";
    row.price = 8990000;
    row.quantity = 3;
    row.discount_percent = 5;
    row.tax_rate = 20;
    may(s.dispatch(SetProducts{"D2", {row}, Value()}, t + 13));
    FieldDef f;
    f.id = "UF_CRM_REGION";
    f.entity = "deal";
    f.type = FieldType::List;
    f.multiple = true;
    f.label = {"Регион", "Region"};
    f.options = {{"N", {"Север", "North"}}, {"S", {"Юг", "South"}}};
    f.visible_to = {"U1", "D2"};
    may(s.dispatch(PutField{f}, t + 14));
    may(s.dispatch(SetField{"D2", "UF_CRM_REGION", Value(Value::List{Value("N"), Value("S")}), {}}, t + 16));
    may(s.dispatch(DeleteItem{"D3"}, t + 17));
    may(s.dispatch(RestoreItem{"D3"}, t + 18));
    may(s.dispatch(AddComment{"D2", "Первый"}, t + 19));
    const std::string entry = "seed:" + std::to_string(s.last_seq());
    may(s.dispatch(EditComment{"D2", entry, "Исправленный", false}, t + 20));
    may(s.dispatch(PinEntry{"D2", entry, true}, t + 21));
    may(s.dispatch(SetNote{"D2", entry, "заметка"}, t + 22));
    may(s.dispatch(ChangePipeline{"D4", "1", {}}, t + 23));
    put("fuzz_journal", "commands.log", journal_segment(ms));
    ms.clear();
    Workspace fresh;
    Session d(fresh, "demo", "u1");
    d.set_sink([&](const Mutation& m) {
      const json j = m;
      const std::string op = j["cmd"].value("op", "");
      if (op != "item.create" && op != "item.set") ms.push_back(m);
    });
    seed_demo(d, t);
    put("fuzz_journal", "config.log", journal_segment(ms));
  }

  const Workspace small = small_workspace();
  // --- backup: make_backup of the small workspace ----------------------------------------------------------
  const json schema = seed_schema(small);
  {
    json b = json::parse(io::make_backup(small, "u1", fuzz::kNow));
    b["workspace"]["schema"] = schema;
    b["checksum"] = io::backup_checksum(b["workspace"]);
    put("fuzz_backup", "small.json", b.dump());
  }

  // --- pull: JSON and binary pages as the server writes them --------------------------------------------
  {
    json items = json::array();
    for (const char* id : {"D1", "C1"}) items.push_back(item_json(demo, *demo.item(id), nullptr));
    json page{{"cursor", "v12"}, {"more", false}, {"reset", false}, {"items", items},
              {"removed", {"D5"}}, {"lastMutationIds", {{"fz", 1}}}};
    put("fuzz_pull", "changes.json", page.dump());
    json reset{{"cursor", "v1"}, {"more", false}, {"reset", true}, {"snapshotDone", true},
               {"schema", schema}, {"items", json::array()}};
    for (const char* id : {"CO1", "C1"}) reset["items"].push_back(item_json(small, *small.item(id), nullptr));
    put("fuzz_pull", "reset.json", reset.dump());

    ItemBlockWriter w(demo.schema(), nullptr);
    w.add(*demo.item("D2"), demo.timeline("D2"));
    w.add(*demo.item("C2"), demo.timeline("C2"), 1);
    json head{{"cursor", "v13"}, {"more", false}, {"reset", false}, {"removed", json::array()},
              {"lastMutationIds", json::object()}, {"partialTimelines", {"C2"}}, {"timelineFrom", 1}};
    put("fuzz_pull", "binary.bin", binary_pull_page(head.dump(), w.finish()));

    ItemBlockWriter c(demo.schema(), nullptr);
    c.add_changes(*demo.item("D1"), demo.timeline("D1"), 1, [](const std::string& f) { return f == "TITLE"; },
                  {"COMMENTS"}, true);
    put("fuzz_pull", "binary_changes.bin", binary_pull_page(head.dump(), c.finish()));

    ItemBlockWriter r(small.schema(), nullptr);
    for (const char* id : {"CO1", "C1", "D1"}) r.add(*small.item(id), small.timeline(id));
    json rhead{{"cursor", "v2"}, {"more", false}, {"reset", true}, {"snapshotDone", true},
               {"schema", schema}, {"lastMutationIds", json::object()}};
    put("fuzz_pull", "binary_reset.bin", binary_pull_page(rhead.dump(), r.finish()));
    // The same from a server of the page format without item numbers.
    ItemBlockWriter u(small.schema(), nullptr);
    u.without_numbers();
    for (const char* id : {"CO1", "C1", "D1"}) u.add(*small.item(id), small.timeline(id));
    put("fuzz_pull", "binary_reset_unnumbered.bin", binary_pull_page(rhead.dump(), u.finish(), kBinaryPullPageUnnumbered));
  }

  // --- base: the small workspace as a version 3 file, as a version 4 base of blocks, and as a version 1 file
  // of a build from before item numbers (still read) ---------------------------------------------------------
  {
    ItemBlockWriter a(small.schema(), nullptr), b(small.schema(), nullptr), all(small.schema(), nullptr);
    ItemBlockWriter old(small.schema(), nullptr);
    old.without_numbers();
    a.add(*small.item("CO1"), small.timeline("CO1"));
    for (const char* id : {"C1", "D1"}) b.add(*small.item(id), small.timeline(id));
    for (const char* id : {"CO1", "C1", "D1"}) {
      all.add(*small.item(id), small.timeline(id));
      old.add(*small.item(id), small.timeline(id));
    }
    // encode_workspace's layout, with the small schema: the header (with the last numbers in version 3),
    // then one list of items, which is laid out as a block.
    const std::string text = schema.dump();
    const auto header = [&](std::uint32_t version) {
      std::string h = "KTWS";
      put_uv(h, version);
      put_uv(h, 7);
      put_uv(h, text.size());
      return h + text;
    };
    std::string v3 = header(kBinarySnapshotVersion);
    put_uv(v3, 1);
    put_uv(v3, 4);
    v3 += "deal";
    put_uv(v3, 5);  // deal: the last number 5 (one purged)
    put("fuzz_base", "small_v3.bin", v3 + all.finish());
    put("fuzz_base", "small_v1.bin", header(1) + old.finish());
    const std::string blocks = a.finish() + b.finish() + std::string(1, kBinaryBlocksEnd[0]);
    put("fuzz_base", "small_v4.bin", binary_base_header(text, 3) + blocks);
    // The blocks alone (fuzz_base.cpp puts a header with a small schema before them).
    put("fuzz_base", "blocks.bin", blocks);
  }
  return 0;
}
