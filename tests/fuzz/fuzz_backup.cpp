// libFuzzer target: a backup file as the restore dialog reads it (src/core/io/backup.cpp read_backup). The
// bytes are read as they are, and once more with the checksum made right when they are a JSON object with
// a "workspace" (the checksum guards against damage, not against an attacker, who can compute it), so that
// the fuzzer's changes reach the workspace decoder. A backup that reads is written again and reads again.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/io/backup.hpp"
#include "core/json_bounded.hpp"
#include "fuzz_support.hpp"

using namespace kt;
using namespace kt::io;

namespace {

void read(std::string_view text) {
  Workspace ws;
  RestoreReport report;
  if (!read_backup(text, fuzz::kNow, &ws, &report)) return;
  fuzz::check_timelines(ws);
  (void)describe(ws);
  const std::string again = make_backup(ws, report.created_by, fuzz::kNow);
  Workspace ws2;
  RestoreReport report2;
  const Status s = read_backup(again, fuzz::kNow, &ws2, &report2);
  if (!s) std::fprintf(stderr, "%s: %s\n", s.code.c_str(), s.message.c_str());
  KT_FUZZ_CHECK(s.ok());
  KT_FUZZ_CHECK(ws2.item_count() == ws.item_count());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text = fuzz::bytes_of(data, size);
  read(text);
  nlohmann::json j = parse_json_bounded(text);  // bounded: dump() below recurses per level
  if (j.is_discarded() || !j.is_object() || !j.contains("workspace") || !j["workspace"].is_object()) return 0;
  const std::string sum = backup_checksum(j["workspace"]);
  if (j.contains("checksum") && j["checksum"] == sum) return 0;  // read above already
  j["checksum"] = sum;
  read(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return 0;
}
