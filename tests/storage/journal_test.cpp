#include <doctest/doctest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/demo.hpp"
#include "storage/journal.hpp"
#include "storage/journal_codec.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::storage;
using kt::test::kNow;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kt-journal-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::vector<Mutation> demo_mutations() {
  Workspace ws;
  Session s(ws, "cl", "u1");
  std::vector<Mutation> out;
  s.set_sink([&out](const Mutation& m) { out.push_back(m); });
  seed_demo(s, kNow);
  return out;
}

size_t file_size(const std::string& p) {
  std::ifstream f(p, std::ios::binary | std::ios::ate);
  return static_cast<size_t>(f.tellg());
}

}  // namespace

TEST_CASE("CRC-32 matches the standard check value") { CHECK(crc32("123456789") == 0xCBF43926u); }

TEST_CASE("records round-trip, and decoding stops at a torn or corrupt record") {
  std::string bytes = encode_record("один") + encode_record("") + encode_record("three");
  auto all = decode_records(bytes);
  CHECK(all.payloads == std::vector<std::string>{"один", "", "three"});
  CHECK_FALSE(all.torn);
  CHECK(all.valid_bytes == bytes.size());

  for (size_t cut = 1; cut < encode_record("three").size(); ++cut) {
    auto torn = decode_records(std::string_view(bytes).substr(0, bytes.size() - cut));
    CHECK(torn.payloads.size() == 2);
    CHECK(torn.torn);
  }
  std::string flipped = bytes;
  flipped[bytes.size() - 1] ^= 0x20;
  auto corrupt = decode_records(flipped);
  CHECK(corrupt.payloads.size() == 2);
  CHECK(corrupt.torn);
  CHECK(decode_records("garbage").payloads.empty());
}

TEST_CASE("the journal appends mutations to segments and loads them back in order") {
  TempDir dir;
  auto muts = demo_mutations();
  {
    Journal j(dir.path + "/ws", 4096);
    j.load([](Mutation&&) { FAIL("empty journal yields nothing"); });
    for (const auto& m : muts) REQUIRE(j.append(m).ok());
    CHECK(j.segment_count() > 1);  // small limit: it rotated
  }
  Journal j(dir.path + "/ws", 4096);
  std::vector<Mutation> back;
  auto report = j.load([&back](Mutation&& m) { back.push_back(std::move(m)); });
  CHECK(report.records == muts.size());
  CHECK(report.dropped_bytes == 0);
  REQUIRE(back.size() == muts.size());
  for (size_t i = 0; i < muts.size(); ++i) {
    CHECK(back[i].seq == muts[i].seq);
    CHECK(back[i].hlc == muts[i].hlc);
    CHECK(command_name(back[i].cmd) == std::string(command_name(muts[i].cmd)));
  }
  // Replaying the loaded journal rebuilds the same workspace.
  Workspace ws;
  Session s(ws, "new", "u1");
  for (const auto& m : back) REQUIRE(s.replay(m, kNow).ok());
  CHECK(ws.item_ids("deal").size() == 13);
}

TEST_CASE("a torn last record is cut at load and later appends follow a clean record") {
  TempDir dir;
  auto muts = demo_mutations();
  std::string seg;
  {
    Journal j(dir.path, 1 << 20);
    j.load([](Mutation&&) {});
    for (size_t i = 0; i < 5; ++i) REQUIRE(j.append(muts[i]).ok());
    seg = dir.path + "/" + Journal::segment_name(1);
  }
  // Simulate a tab killed in the middle of writing record 6.
  std::string rec6 = encode_record(nlohmann::json(muts[5]).dump());
  {
    std::ofstream f(seg, std::ios::binary | std::ios::app);
    f.write(rec6.data(), static_cast<std::streamsize>(rec6.size() / 2));
  }
  const size_t intact = file_size(seg) - rec6.size() / 2;
  {
    Journal j(dir.path, 1 << 20);
    size_t n = 0;
    auto report = j.load([&n](Mutation&&) { ++n; });
    CHECK(n == 5);
    CHECK(report.dropped_bytes == rec6.size() / 2);
    CHECK(file_size(seg) == intact);
    REQUIRE(j.append(muts[5]).ok());
  }
  Journal j(dir.path, 1 << 20);
  size_t n = 0;
  auto report = j.load([&n](Mutation&&) { ++n; });
  CHECK(n == 6);
  CHECK(report.dropped_bytes == 0);
}

TEST_CASE("an intact record that is not a mutation is skipped with a warning, not fatal") {
  TempDir dir;
  {
    std::ofstream f(dir.path + "/" + Journal::segment_name(1), std::ios::binary);
    std::string r = encode_record("{\"not\":\"a mutation\"}");
    f.write(r.data(), static_cast<std::streamsize>(r.size()));
  }
  Journal j(dir.path);
  auto muts = demo_mutations();
  size_t n = 0;
  auto report = j.load([&n](Mutation&&) { ++n; });
  CHECK(n == 0);
  CHECK(report.skipped == 1);
  CHECK_FALSE(report.warnings.empty());
  REQUIRE(j.append(muts[0]).ok());
  n = 0;
  Journal j2(dir.path);
  j2.load([&n](Mutation&&) { ++n; });
  CHECK(n == 1);
}

TEST_CASE("compaction: sealed segments are dropped, later appends go to new numbers, and a load after a stored base skips them") {
  TempDir dir;
  const auto muts = demo_mutations();
  REQUIRE(muts.size() > 10);
  const std::string seg_dir = dir.path + "/journal";
  Journal j(seg_dir, 2048);
  j.load([](Mutation&&) {});
  const size_t half = muts.size() / 2;
  for (size_t i = 0; i < half; ++i) REQUIRE(j.append(muts[i]).ok());
  const std::uint64_t upto = j.last_segment();
  REQUIRE(upto >= 2);
  // The state up to `upto` is stored elsewhere now: seal, drop, and go on appending.
  j.seal();
  j.drop_through(upto);
  CHECK(j.segment_count() == 0);
  for (size_t i = half; i < muts.size(); ++i) REQUIRE(j.append(muts[i]).ok());
  CHECK(j.last_segment() > upto);

  // A later start with the base's number reads exactly the records after it.
  Journal again(seg_dir, 2048);
  std::vector<Mutation> read;
  again.load([&](Mutation&& m) { read.push_back(std::move(m)); }, upto);
  REQUIRE(read.size() == muts.size() - half);
  CHECK(read.front().seq == muts[half].seq);
  CHECK(read.back().seq == muts.back().seq);

  // A compaction interrupted before it deleted its segments: the load deletes them instead of replaying.
  Journal crash(dir.path + "/j2", 2048);
  crash.load([](Mutation&&) {});
  for (size_t i = 0; i < half; ++i) REQUIRE(crash.append(muts[i]).ok());
  const std::uint64_t stored = crash.last_segment();
  Journal after(dir.path + "/j2", 2048);
  size_t n = 0;
  after.load([&](Mutation&&) { ++n; }, stored);
  CHECK(n == 0);
  CHECK(after.segment_count() == 0);
  REQUIRE(after.append(muts[half]).ok());
  CHECK(after.last_segment() == stored + 1);  // never reuses a number the stored base covers
}
