// libFuzzer target: the local store's binary base file (src/core/snapshot_binary.cpp decode_workspace, both
// versions: one list of items, or item blocks; or item blocks alone, given a header here), read whole and streamed from a source that hands out a few
// bytes at a time (the two must agree). A base that reads has timelines that unpack, and its items write
// and read back.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"
#include "fuzz_support.hpp"

using namespace kt;

namespace {

// Inputs that are not a whole file ("KTWS") are item blocks: they get the header of a version 2 base with a
// small schema (the entity types only), so that the fuzzer spends its time on the items rather than on 7 KB
// of schema JSON.
std::string as_file(std::string_view input) {
  if (input.substr(0, 4) == "KTWS") return std::string(input);
  static const std::string header = [] {
    nlohmann::json j = schema_json(default_schema(), nullptr);
    j["fields"] = nlohmann::json::array();
    j["pipelines"] = nlohmann::json::array();
    for (const char* k : {"templates", "defaultLayouts", "directories", "numerators", "myCompany"}) j.erase(k);
    return binary_base_header(j.dump(), 5);
  }();
  return header + std::string(input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string file = as_file(fuzz::bytes_of(data, size));
  const std::string_view bytes = file;
  Workspace ws{Schema()};  // not the default schema: built per run, it cost a tenth of each
  std::uint64_t tag = 0;
  const Status whole = decode_workspace(bytes, &ws, &tag);

  // Streamed: pieces of 1..13 bytes, as reads of a file may come short.
  size_t at = 0, turn = 0;
  const ByteSource source = [&](char* out, size_t n) -> size_t {
    const size_t k = std::min({n, bytes.size() - at, 1 + (turn++ % 13)});
    std::memcpy(out, bytes.data() + at, k);
    at += k;
    return k;
  };
  Workspace streamed{Schema()};
  std::uint64_t tag2 = 0;
  const Status part = decode_workspace(source, bytes.size(), &streamed, &tag2);
  if (whole.ok() != part.ok())
    std::fprintf(stderr, "whole: %s %s / streamed: %s %s\n", whole.code.c_str(), whole.message.c_str(),
                 part.code.c_str(), part.message.c_str());
  KT_FUZZ_CHECK(whole.ok() == part.ok());
  if (!whole) return 0;
  KT_FUZZ_CHECK(tag == tag2 && ws.item_count() == streamed.item_count());

  fuzz::check_timelines(ws);
  // The items written again as a block read back (the schema's JSON, 50 KB once its defaults are filled
  // in, is left out: writing and reading it again cost most of each run).
  ItemBlockWriter w(ws.schema(), nullptr);
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) w.add(*ws.item(id), ws.timeline(id));
  std::vector<BlockItem> back;
  KT_FUZZ_CHECK(decode_item_block(w.finish(), &back).ok());
  KT_FUZZ_CHECK(back.size() == ws.item_count());
  return 0;
}
