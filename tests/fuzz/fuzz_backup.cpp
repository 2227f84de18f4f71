// libFuzzer target: a backup file as the restore dialog reads it (src/core/io/backup.cpp read_backup). The
// bytes are read as they are, and once more with the checksum made right when they are a JSON object with
// a "workspace" (the checksum guards against damage, not against an attacker, who can compute it), so that
// the fuzzer's changes reach the workspace decoder. A backup that reads is written again and reads again.
// The same bytes go to the server's reader of uploaded backups (src/core/io/backup_stream.cpp BackupStream,
// which must accept what read_backup accepts and refuse what it refuses) and to the restore planner, into
// the demo workspace and into an empty one, as an administrator's upload does: a restored workspace must
// store and read back, since the server keeps it.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/io/backup.hpp"
#include "core/io/backup_stream.hpp"
#include "core/io/restore.hpp"
#include "core/json_bounded.hpp"
#include "core/snapshot.hpp"
#include "fuzz_support.hpp"

using namespace kt;
using namespace kt::io;

namespace {

void restore_into(const Workspace& target, const BackupStream& in) {
  RestoreOptions o;
  o.admin = "u1";
  RestorePlan plan;
  Workspace result;
  if (!plan_restore(target, in, o, &plan, &result)) return;
  (void)restore_report_json(plan, target).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  fuzz::check_timelines(result);
  Workspace back{Schema()};
  const Status s = decode_workspace(encode_workspace(result, 1), &back, nullptr);
  if (!s) std::fprintf(stderr, "%s: %s\n", s.code.c_str(), s.message.c_str());
  KT_FUZZ_CHECK(s.ok());
  KT_FUZZ_CHECK(back.item_count() == result.item_count());
}

void read(std::string_view text) {
  Workspace ws;
  RestoreReport report;
  const Status by_dom = read_backup(text, fuzz::kNow, &ws, &report);
  Workspace streamed;
  RestoreReport rs;
  const Status by_stream = read_backup_stream(text, fuzz::kNow, &streamed, &rs);
  if (by_dom.ok() != by_stream.ok())
    std::fprintf(stderr, "read_backup: %s, read_backup_stream: %s (%s)\n", by_dom.code.c_str(),
                 by_stream.code.c_str(), by_stream.message.c_str());
  KT_FUZZ_CHECK(by_dom.ok() == by_stream.ok());
  if (!by_dom) return;
  KT_FUZZ_CHECK(streamed.item_count() == ws.item_count());
  fuzz::check_timelines(ws);
  (void)describe(ws);
  const std::string again = make_backup(ws, report.created_by, fuzz::kNow);
  Workspace ws2;
  RestoreReport report2;
  const Status s = read_backup(again, fuzz::kNow, &ws2, &report2);
  if (!s) std::fprintf(stderr, "%s: %s\n", s.code.c_str(), s.message.c_str());
  KT_FUZZ_CHECK(s.ok());
  KT_FUZZ_CHECK(ws2.item_count() == ws.item_count());
  BackupStream in;
  KT_FUZZ_CHECK(in.open(text, fuzz::kNow).ok());
  restore_into(fuzz::demo(), in);
  restore_into(Workspace(), in);
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
  const std::string fixed = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  read(fixed);
  return 0;
}
