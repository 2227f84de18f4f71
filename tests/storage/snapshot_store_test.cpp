#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>

#include "core/demo.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "storage/files.hpp"
#include "storage/snapshot_store.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::storage;
using kt::test::kNow;
using nlohmann::json;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kt-snap-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::vector<json> all_items(const Workspace& ws) {
  std::vector<json> out;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) out.push_back(item_json(ws, *ws.item(id), nullptr));
  return out;
}
}  // namespace

TEST_CASE("the sharded store saves and loads a whole workspace with its meta") {
  TempDir dir;
  Workspace ws;
  Session s(ws, "a", "u1");
  seed_demo(s, kNow);
  SnapshotStore store(dir.path + "/u1", 8);
  CHECK_FALSE(store.exists());
  REQUIRE(store.save_all(schema_json(ws.schema(), nullptr), all_items(ws), json{{"cursor", "c1"}}).ok());
  CHECK(store.exists());
  Workspace back;
  json meta;
  REQUIRE(store.load(&back, &meta).ok());
  CHECK(meta["cursor"] == "c1");
  CHECK(back.item_count() == ws.item_count());
  CHECK(back.item("D1")->get("TITLE") == ws.item("D1")->get("TITLE"));
  CHECK(back.timeline("D1").size() == ws.timeline("D1").size());
  CHECK(back.schema().users == ws.schema().users);
}

TEST_CASE("saving changed items rewrites only their shards; removed items go") {
  TempDir dir;
  Workspace ws;
  Session s(ws, "a", "u1");
  seed_demo(s, kNow);
  SnapshotStore store(dir.path, 16);
  REQUIRE(store.save_all(schema_json(ws.schema(), nullptr), all_items(ws), json::object()).ok());
  REQUIRE(s.dispatch(SetField{"D1", "TITLE", Value("Изменено"), {}}, kNow + 1).ok());
  // Touch one shard: change D1, remove D2 (maybe another shard).
  std::string before;
  const int untouched = (store.shard_of("D1") + 1) % 16 == store.shard_of("D2") ? (store.shard_of("D1") + 2) % 16
                                                                                 : (store.shard_of("D1") + 1) % 16;
  char name[32];
  std::snprintf(name, sizeof name, "/items-%03d.json", untouched);
  read_file(dir.path + name, &before);
  REQUIRE(store.save(nullptr, {"D1", "D2"},
                     [&](const std::string& id) -> json {
                       if (id == "D2") return nullptr;
                       return item_json(ws, *ws.item(id), nullptr);
                     },
                     json{{"cursor", "c2"}})
              .ok());
  std::string after;
  read_file(dir.path + name, &after);
  CHECK(before == after);
  Workspace back;
  json meta;
  REQUIRE(store.load(&back, &meta).ok());
  CHECK(back.item("D1")->get("TITLE") == Value("Изменено"));
  CHECK_FALSE(back.item("D2"));
  CHECK(meta["cursor"] == "c2");
}

TEST_CASE("a damaged shard is reported by name and the workspace stays as it was") {
  TempDir dir;
  Workspace ws;
  Session s(ws, "a", "u1");
  seed_demo(s, kNow);
  SnapshotStore store(dir.path, 4);
  REQUIRE(store.save_all(schema_json(ws.schema(), nullptr), all_items(ws), json::object()).ok());
  REQUIRE(write_file_atomic(dir.path + "/items-002.json", "{not json"));
  Workspace target = ws;
  json meta;
  Status st = store.load(&target, &meta);
  CHECK(st.code == "storage_damaged");
  CHECK(st.message.find("items-002.json") != std::string::npos);
  CHECK(target.item_count() == ws.item_count());
  REQUIRE(store.clear().ok());
  CHECK_FALSE(store.exists());
}

TEST_CASE("a stored base is written and read through the file in pieces: the same workspace, the same bytes") {
  TempDir dir;
  kt::test::DemoWorkspace d;
  const std::string deal = d.ws.item_ids("deal").front();
  for (int i = 0; i < 30; ++i) REQUIRE(d.as(d.admin, AddComment{deal, std::string(60000, 'a' + i % 26)}).ok());
  const std::string path = dir.path + "/base.bin";
  REQUIRE(write_workspace(path, d.ws, 12));
  std::string bytes;
  REQUIRE(read_file(path, &bytes));
  CHECK(bytes.size() > (1u << 20));  // more than one piece
  CHECK(bytes == encode_workspace(d.ws, 12));
  Workspace back;
  std::uint64_t tag = 0;
  Status s;
  REQUIRE(read_workspace(path, &back, &tag, &s));
  REQUIRE_MESSAGE(s.ok(), s.message);
  CHECK(tag == 12);
  CHECK(all_items(back) == all_items(d.ws));
  // Stored again from the decoded workspace (its timelines still packed): the same file.
  REQUIRE(write_workspace(dir.path + "/again.bin", back, 12));
  std::string again;
  REQUIRE(read_file(dir.path + "/again.bin", &again));
  CHECK(again == bytes);
  // No file: false. A cut file: a failed status, the workspace untouched.
  Workspace untouched;
  CHECK_FALSE(read_workspace(dir.path + "/none.bin", &untouched, &tag, &s));
  REQUIRE(write_file_atomic(dir.path + "/cut.bin", bytes.substr(0, bytes.size() - 100)));
  const size_t before = untouched.item_count();
  REQUIRE(read_workspace(dir.path + "/cut.bin", &untouched, &tag, &s));
  CHECK(s.code == "invalid_snapshot");
  CHECK(untouched.item_count() == before);
}

TEST_CASE("a store starts over from the confirmed state: a base file, no shards, the same workspace") {
  TempDir dir;
  kt::test::DemoWorkspace d;
  SnapshotStore store(dir.path, 8);
  REQUIRE(store.save_all(schema_json(d.ws.schema(), nullptr), all_items(d.ws), json{{"cursor", "c1"}}).ok());
  const std::string deal = d.ws.item_ids("deal").front();
  REQUIRE(d.as(d.admin, SetField{deal, "TITLE", Value("После базы"), {}}).ok());
  REQUIRE(d.as(d.admin, AddComment{deal, "комментарий"}).ok());
  REQUIRE(store.rebase(d.ws, schema_json(d.ws.schema(), nullptr), json{{"cursor", "c2"}, {"sinceBase", 0}}).ok());
  CHECK(store.has_base());
  for (const auto& f : list_dir(dir.path)) CHECK_MESSAGE(f.rfind("items-", 0) != 0, f);  // every shard is gone
  Workspace back;
  json meta;
  REQUIRE(store.load(&back, &meta).ok());
  CHECK(meta["cursor"] == "c2");
  CHECK(all_items(back) == all_items(d.ws));
  CHECK(back.item(deal)->get("TITLE") == Value("После базы"));
  CHECK(back.timeline(deal).size() == d.ws.timeline(deal).size());
  CHECK(back.schema().users == d.ws.schema().users);
  // Later changes go to the shards over the new base, and a removal there hides the base's copy.
  const std::string other = d.ws.item_ids("deal").back();
  REQUIRE(d.as(d.admin, SetField{deal, "TITLE", Value("После базы, снова"), {}}).ok());
  REQUIRE(store.save(nullptr, {deal, other},
                     [&](const std::string& id) -> json {
                       if (id == other) return nullptr;
                       return item_json(d.ws, *d.ws.item(id), nullptr);
                     },
                     json{{"cursor", "c3"}})
              .ok());
  REQUIRE(store.load(&back, &meta).ok());
  CHECK(back.item(deal)->get("TITLE") == Value("После базы, снова"));
  CHECK_FALSE(back.item(other));
  CHECK(back.item_count() == d.ws.item_count() - 1);
}

TEST_CASE("the connected store starts over once its shards hold an eighth of the workspace, at least 2,000 writes") {
  CHECK_FALSE(SnapshotStore::rebase_due(0, 100));
  CHECK_FALSE(SnapshotStore::rebase_due(1999, 100));
  CHECK(SnapshotStore::rebase_due(2000, 100));
  CHECK_FALSE(SnapshotStore::rebase_due(12499, 100000));
  CHECK(SnapshotStore::rebase_due(12500, 100000));
}
