// Item numbers (issue 21: routes a person can read, #/deal/12): per entity type, in the order creations are
// applied, never given twice; carried by every stored form; stores from before numbers get them in creation
// order, the same way on every machine.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::DemoWorkspace;
using nlohmann::json;

namespace {

// Every item's number, unique per entity type (0 for none).
bool numbers_unique(const Workspace& ws) {
  std::set<std::pair<std::string, std::uint64_t>> seen;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id))
      if (!seen.emplace(et.id, ws.item(id)->number).second || ws.item(id)->number == 0) return false;
  return true;
}

std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

// The workspace as the stored file of a build from before numbers (format 1: one count and the items).
std::string file_before_numbers(const Workspace& ws) {
  const std::string schema = schema_json(ws.schema(), nullptr).dump();
  ItemBlockWriter w(ws.schema(), nullptr);
  w.without_numbers();
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) w.add(*ws.item(id), ws.timeline(id));
  return std::string("KTWS") + varint(1) + varint(5) + varint(schema.size()) + schema + w.finish();
}

}  // namespace

TEST_CASE("items are numbered per entity type in creation order; a refused creation or a purge gives none back") {
  DemoWorkspace d;
  CHECK(numbers_unique(d.ws));
  const auto& deals = d.ws.item_ids("deal");
  for (size_t i = 0; i < deals.size(); ++i) CHECK(d.item(deals[i]).number == i + 1);
  const std::uint64_t last = d.ws.last_number("deal");
  CHECK(last == deals.size());
  CHECK(d.ws.item_by_number("deal", 2)->id == deals[1]);
  CHECK(d.ws.item_by_number("deal", last + 1) == nullptr);
  CHECK(d.ws.item_by_number("lead", 0) == nullptr);

  CHECK_FALSE(d.as(d.admin, CreateItem{"BAD", "deal", "nope", {}}).ok());  // an unknown pipeline
  CHECK(d.ws.last_number("deal") == last);
  REQUIRE(d.as(d.admin, CreateItem{"N1", "deal", "", {{"TITLE", Value("Новая")}}}).ok());
  CHECK(d.item("N1").number == last + 1);
  // A contact counts on its own.
  REQUIRE(d.as(d.admin, CreateItem{"NC", "contact", "", {{"NAME", Value("Анна")}}}).ok());
  CHECK(d.item("NC").number == d.ws.item_ids("contact").size());

  // Purged, its number stays taken.
  REQUIRE(d.as(d.admin, DeleteItem{"N1"}).ok());
  REQUIRE(d.as(d.admin, PurgeItem{"N1"}).ok());
  REQUIRE(d.as(d.admin, CreateItem{"N2", "deal", "", {{"TITLE", Value("Ещё")}}}).ok());
  CHECK(d.item("N2").number == last + 2);
  CHECK(numbers_unique(d.ws));
}

TEST_CASE("numbers and the last numbers survive the binary file and JSON; out of range ones are refused") {
  DemoWorkspace d;
  const std::uint64_t last = d.ws.last_number("deal");
  REQUIRE(d.as(d.admin, CreateItem{"N1", "deal", "", {{"TITLE", Value("Новая")}}}).ok());
  REQUIRE(d.as(d.admin, DeleteItem{"N1"}).ok());
  REQUIRE(d.as(d.admin, PurgeItem{"N1"}).ok());

  Workspace back;
  REQUIRE(decode_workspace(encode_workspace(d.ws, 1), &back, nullptr).ok());
  CHECK(back.last_number("deal") == last + 1);  // the purged item's number is still taken
  CHECK(back.item("D3")->number == d.item("D3").number);
  CHECK(snapshot_json(back, nullptr) == snapshot_json(d.ws, nullptr));

  // JSON (pull pages, backups): "number" on each item.
  const json j = item_json(d.ws, d.item("D3"), nullptr);
  CHECK(j["number"] == d.item("D3").number);
  Item it;
  REQUIRE(load_item(j, &it, nullptr).ok());
  CHECK(it.number == d.item("D3").number);
  Workspace streamed;
  REQUIRE(load_snapshot(snapshot_json(d.ws, nullptr), &streamed).ok());
  CHECK(streamed.item("D3")->number == d.item("D3").number);
  for (const json bad : {json(-1), json("7"), json(1.5), json(std::uint64_t{1} << 51)}) {
    json k = j;
    k["number"] = bad;
    CHECK(load_item(k, &it, nullptr).code == "invalid_snapshot");
    json snap = snapshot_json(d.ws, nullptr);
    snap["items"][0]["number"] = bad;
    Workspace w;
    CHECK_FALSE(load_snapshot(snap, &w).ok());
  }
}

TEST_CASE("a store from before numbers reads; its items are numbered in creation order, the same everywhere") {
  DemoWorkspace d;
  // Created out of id order: the time decides, then the id.
  REQUIRE(d.as(d.admin, CreateItem{"ZZ", "deal", "", {{"TITLE", Value("Раньше")}}}).ok());
  REQUIRE(d.as(d.admin, CreateItem{"AA", "deal", "", {{"TITLE", Value("Позже")}}}).ok());
  Workspace old;
  REQUIRE(decode_workspace(file_before_numbers(d.ws), &old, nullptr).ok());
  CHECK(old.item("D1")->number == 0);
  CHECK(old.has_unnumbered());
  CHECK(old.last_number("deal") == 0);
  const size_t all = old.item_count();
  CHECK(old.number_unnumbered() == all);
  CHECK_FALSE(old.has_unnumbered());
  CHECK(numbers_unique(old));
  CHECK(old.item("ZZ")->number + 1 == old.item("AA")->number);
  CHECK(old.last_number("deal") == d.ws.item_ids("deal").size());
  // Numbered twice, nothing changes; another machine holding the same items numbers them the same.
  CHECK(old.number_unnumbered() == 0);
  Workspace again;
  REQUIRE(decode_workspace(file_before_numbers(d.ws), &again, nullptr).ok());
  again.number_unnumbered();
  for (const auto& id : d.ws.item_ids("deal")) CHECK(again.item(id)->number == old.item(id)->number);
}

TEST_CASE("an item whose number another item holds gets the next free one") {
  DemoWorkspace d;
  Item twin = d.item("D2");
  twin.id = "TWIN";
  twin.created_ms += 1;
  d.ws.put_item(twin, nullptr, false);  // a hostile backup's copy: same number as D2
  REQUIRE(d.item("TWIN").number == d.item("D2").number);
  const std::uint64_t last = d.ws.last_number("deal");
  CHECK(d.ws.number_unnumbered() == 1);
  CHECK(d.item("D2").number == 2);  // the first in creation order keeps it
  CHECK(d.item("TWIN").number == last + 1);
  CHECK(numbers_unique(d.ws));
}

TEST_CASE("the number a text names: digits only, within range") {
  CHECK(item_number_of("12") == 12);
  CHECK(item_number_of("007") == 7);
  for (const char* bad : {"", "0", "1a", "-1", " 1", "1.5", "1234567890123456", "1125899906842625"})
    CHECK_MESSAGE(item_number_of(bad) == 0, bad);
  CHECK(item_number_of("1125899906842624") == 0);  // 16 digits: past what a route or a search takes
  CHECK(item_number_of("999999999999999") == 999999999999999ull);
}
