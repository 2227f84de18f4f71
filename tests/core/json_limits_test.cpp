// Nesting depth: every reader of JSON from the network or a file refuses a text nested deeper than
// kMaxJsonDepth, and every Value decoder one deeper than kMaxValueDepth, without recursing into it (a value
// nested 17,000 deep used to kill the server with SIGSEGV, a 20,000-deep backup the page). Each reader is
// tried just under its limit (it works), just over it, and 20,000 and 1,000,000 levels deep.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/demo.hpp"
#include "core/io/backup.hpp"
#include "core/json_bounded.hpp"
#include "core/json_reader.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "storage/journal.hpp"
#include "storage/journal_codec.hpp"
#include "storage/snapshot_store.hpp"
#include "sync/replica.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;
using nlohmann::json;

namespace {

// `depth` arrays inside one another around `core`: nested("1", 2) is "[[1]]".
std::string nested(int depth, const std::string& core = "") {
  std::string s;
  s.reserve(2 * static_cast<size_t>(depth) + core.size());
  s.append(static_cast<size_t>(depth), '[');
  s += core;
  s.append(static_cast<size_t>(depth), ']');
  return s;
}

// The same with objects: {"a":{"a":...}}.
std::string nested_objects(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s.append(static_cast<size_t>(depth), '}');
  return s;
}

constexpr int kHuge[] = {20000, 1000000};

json to_json_of(const Value& v) { return json(v); }

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kt-limits-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

}  // namespace

TEST_CASE("the depth pre-scan counts brackets outside strings only") {
  CHECK(json_depth_within("1", 0));
  CHECK(json_depth_within("[]", 1));
  CHECK_FALSE(json_depth_within("[]", 0));
  CHECK(json_depth_within(nested(64), 64));
  CHECK_FALSE(json_depth_within(nested(65), 64));
  CHECK(json_depth_within(nested_objects(64), 64));
  CHECK_FALSE(json_depth_within(nested_objects(65), 64));
  // Brackets in strings, also after escaped quotes and backslashes, are text.
  CHECK(json_depth_within(R"(["[[[[", "\"[[[[", "\\", "{{{{"])", 1));
  CHECK_FALSE(json_depth_within(R"(["\\", [[]]])", 2));
  // Siblings do not add up.
  CHECK(json_depth_within("[[1],[2],{\"a\":3}]", 2));
  CHECK_FALSE(json_depth_within("[[1],[2],{\"a\":[3]}]", 2));
}

TEST_CASE("parse_json_bounded parses up to the limit and refuses deeper text without building it") {
  json j = parse_json_bounded(nested(kMaxJsonDepth, "1"));
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j.dump() == nested(kMaxJsonDepth, "1"));
  CHECK_FALSE(parse_json_bounded(nested_objects(kMaxJsonDepth)).is_discarded());
  for (int depth : {kMaxJsonDepth + 1, kHuge[0], kHuge[1]}) {
    Status why;
    CHECK(parse_json_bounded(nested(depth, "1"), &why).is_discarded());
    CHECK(why.code == "too_deep");
    CHECK(parse_json_bounded(nested_objects(depth), &why).is_discarded());
    CHECK(why.code == "too_deep");
    // Unclosed: the nesting is refused before the parser sees that the text ends early.
    CHECK(parse_json_bounded(std::string(static_cast<size_t>(depth), '['), &why).is_discarded());
    CHECK(why.code == "too_deep");
  }
  Status why;
  CHECK(parse_json_bounded("{\"a\": ", &why).is_discarded());
  CHECK(why.code == "malformed_json");
  CHECK(parse_json_bounded("]]]][[[[", &why).is_discarded());
  CHECK(why.code == "malformed_json");
}

TEST_CASE("what the app writes nests far less than the limit") {
  Workspace ws;
  Session admin(ws, "c0123456789", "u1");
  std::vector<Mutation> mutations;
  admin.set_sink([&](const Mutation& m) { mutations.push_back(m); });
  seed_demo(admin, kNow);
  constexpr int kQuarter = kMaxJsonDepth / 4;
  CHECK(json_depth_within(io::make_backup(ws, "Анна", kNow), kQuarter));
  CHECK(json_depth_within(snapshot_json(ws, nullptr).dump(), kQuarter));
  json push{{"protocol", 1}, {"schema", 1}, {"mutations", mutations}};
  CHECK(json_depth_within(push.dump(), kQuarter));
}

TEST_CASE("the DOM-free reader refuses nesting beyond the limit, also when skipping") {
  // The reader keeps a view: each text is held in a variable.
  auto skips = [](const std::string& text) {
    JsonReader r(text);
    return r.skip() && r.at_end();
  };
  CHECK(skips(nested(kMaxJsonDepth, "1")));
  CHECK(skips(nested_objects(kMaxJsonDepth)));
  // Depth is per level, not per container read: many siblings at depth 2 are fine.
  std::string many = "[";
  for (int i = 0; i < 1000; ++i) many += i ? ",[1]" : "[1]";
  many += "]";
  CHECK(skips(many));
  for (int depth : {kMaxJsonDepth + 1, kHuge[0], kHuge[1]}) {
    CHECK_FALSE(skips(nested(depth, "1")));
    CHECK_FALSE(skips(nested_objects(depth)));
    const std::string member = "{\"x\": " + nested(depth) + "}";
    JsonReader w(member);
    CHECK(w.begin_object());
    std::string key;
    CHECK(w.member(true, key));
    std::string_view raw;
    CHECK_FALSE(w.raw(raw));
    CHECK_FALSE(w.ok());
  }
}

TEST_CASE("a value nested deeper than kMaxValueDepth does not convert, either way") {
  // A DOM built by the unbounded parser (nlohmann's parser itself does not recurse).
  Value v = json::parse(nested(kMaxValueDepth, "1")).get<Value>();
  CHECK(json(v).dump() == nested(kMaxValueDepth, "1"));
  CHECK_THROWS_AS(json::parse(nested(kMaxValueDepth + 1, "1")).get<Value>(), json::type_error);
  CHECK_THROWS_AS(json::parse(nested(kHuge[0], "1")).get<Value>(), json::type_error);
  // Money and files count as a level too, as in the binary form.
  CHECK_NOTHROW(json::parse(nested(kMaxValueDepth, R"({"m": 1, "c": "RUB"})")).get<Value>());
  CHECK_THROWS(json::parse(nested(kMaxValueDepth + 1, R"({"m": 1, "c": "RUB"})")).get<Value>());

  Value deep(1);
  for (int i = 0; i <= kMaxValueDepth; ++i) deep = Value(Value::List{deep});
  CHECK_THROWS_AS(to_json_of(deep), json::type_error);
}

TEST_CASE("items and pull pages with values or members nested too deep are refused, not crashed on") {
  auto page = [](const std::string& value) {
    return R"({"items": [{"id": "D1", "entity": "deal", "fields": {"TITLE": {"v": )" + value +
           R"(, "h": "00000000000003e8-0000-a"}}}], "more": false, "cursor": "c"})";
  };
  sync::PullPage ok;
  REQUIRE(sync::parse_pull(page(nested(kMaxValueDepth, "\"x\"")), &ok).ok());
  REQUIRE(ok.items.size() == 1);
  CHECK(ok.items[0].item.get("TITLE") == json::parse(nested(kMaxValueDepth, "\"x\"")).get<Value>());
  {
    // The DOM-free item reader (pull pages, the app's stores) refuses it as the DOM path does.
    const std::string item = R"({"id": "D1", "entity": "deal", "fields": {"TITLE": {"v": )" +
                             nested(kMaxValueDepth + 1, "1") + "}}}";
    JsonReader r(item);
    Item it;
    CHECK_FALSE(read_item(r, &it, nullptr, nullptr));
    Item dom;
    CHECK_FALSE(load_item(json::parse(item), &dom, nullptr).ok());
  }
  sync::PullPage p;
  p.cursor = "untouched";
  CHECK_FALSE(sync::parse_pull(page(nested(kMaxValueDepth + 1, "1")), &p).ok());
  for (int depth : {kMaxJsonDepth, kHuge[0], kHuge[1]}) {
    Status s = sync::parse_pull(page(nested(depth, "1")), &p);
    CHECK_FALSE(s.ok());
    CHECK(s.code == "malformed_response");
    s = sync::parse_pull(R"({"more": false, "extra": )" + nested(depth) + "}", &p);
    CHECK_FALSE(s.ok());
    CHECK(s.message.find("nested more than") != std::string::npos);
    // A binary page's JSON header goes through the same reader.
    CHECK_FALSE(sync::parse_pull(binary_pull_page(R"({"x": )" + nested(depth) + "}", std::string(1, '\0')), &p).ok());
  }
  CHECK(p.cursor == "untouched");
}

TEST_CASE("a binary item block refuses a value nested deeper than kMaxValueDepth") {
  Workspace ws;
  Session admin(ws, "c0123456789", "u1");
  seed_demo(admin, kNow);
  const Item* some = ws.item(ws.item_ids("deal").front());
  REQUIRE(some);
  auto block_with = [&](const Value& v) {
    Item it = *some;
    it.cell_for_write("TITLE").value = v;
    ItemBlockWriter w(ws.schema(), nullptr);
    w.add(it, {});
    return w.finish();
  };
  Value deep("x");
  for (int i = 0; i < kMaxValueDepth; ++i) deep = Value(Value::List{deep});
  std::vector<BlockItem> out;
  REQUIRE(decode_item_block(block_with(deep), &out).ok());
  CHECK(out.at(0).item.get("TITLE") == deep);
  out.clear();
  CHECK_FALSE(decode_item_block(block_with(Value(Value::List{deep})), &out).ok());
  CHECK(out.empty());
}

TEST_CASE("a backup nested too deep is refused as foreign, and one just under the limit still reads") {
  Workspace target;
  io::RestoreReport report;
  for (int depth : {kMaxJsonDepth + 1, kHuge[0], kHuge[1]}) {
    Status s = io::read_backup(nested(depth), kNow, &target, &report);
    CHECK(s.code == "backup_foreign");
    CHECK(s.message.find("nested more than") != std::string::npos);
    s = io::read_backup(R"({"format": "kartoteka-backup", "x": )" + nested(depth) + "}", kNow, &target, &report);
    CHECK(s.code == "backup_foreign");
  }
  CHECK(target.item_count() == 0);
  // Just under the limit it is read, and refused for what it is: no "format" member.
  Status s = io::read_backup(R"({"x": )" + nested(kMaxJsonDepth - 1) + "}", kNow, &target, &report);
  CHECK(s.code == "backup_foreign");
  CHECK(s.message.find("no \"format\"") != std::string::npos);
  // A real one reads.
  Workspace ws;
  Session admin(ws, "c0123456789", "u1");
  seed_demo(admin, kNow);
  CHECK(io::read_backup(io::make_backup(ws, "Анна", kNow), kNow, &target, &report).ok());
}

TEST_CASE("the journal skips a record nested too deep; the snapshot store calls such a file damaged") {
  TempDir dir;
  Workspace ws;
  Session s(ws, "cl", "u1");
  std::vector<Mutation> ms;
  s.set_sink([&](const Mutation& m) { ms.push_back(m); });
  REQUIRE(s.dispatch(CreateItem{"D1", "deal", "", {{"TITLE", Value("x")}}}, kNow).ok());
  REQUIRE(ms.size() == 1);
  json deep_value = json(ms[0]);
  std::string deep = deep_value.dump();
  deep.insert(deep.size() - 1, ", \"x\": " + nested(kHuge[1]));
  write(dir.path + "/seg-000001.log",
        storage::encode_record(json(ms[0]).dump()) + storage::encode_record(deep) +
            storage::encode_record(nested(kHuge[0])));
  storage::Journal journal(dir.path);
  size_t loaded = 0;
  storage::LoadReport r = journal.load([&](Mutation&&) { ++loaded; });
  CHECK(loaded == 1);
  CHECK(r.records == 1);
  CHECK(r.skipped == 2);

  TempDir store_dir;
  storage::SnapshotStore store(store_dir.path);
  write(store_dir.path + "/meta.json", "{\"a\": " + nested(kHuge[0]) + "}");
  Workspace loaded_ws;
  json meta;
  Status st = store.load(&loaded_ws, &meta);
  CHECK(st.code == "storage_damaged");
}

TEST_CASE("a member's text and an array member's texts: anything else gives none, and no more than asked") {
  const json o = json::parse(R"({"s": "a", "n": 5, "list": ["x", 1, "y", {"z": 1}, "w"], "not_list": "x"})");
  CHECK(json_text(o, "s") == "a");
  CHECK(json_text(o, "n").empty());
  CHECK(json_text(o, "missing").empty());
  CHECK(json_text(json::array({"s"}), "s").empty());
  CHECK(json_texts(o, "list", 10) == std::vector<std::string>{"x", "y", "w"});
  CHECK(json_texts(o, "list", 2) == std::vector<std::string>{"x", "y"});
  CHECK(json_texts(o, "not_list", 10).empty());
  CHECK(json_texts(o, "missing", 10).empty());
  CHECK(json_texts(json(7), "list", 10).empty());
}
