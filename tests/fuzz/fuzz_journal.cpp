// libFuzzer target: a journal segment as the app reads it at start (src/storage/journal.cpp Journal::load):
// its records (header, length, CRC-32), each payload decoded as a mutation and replayed into the demo
// workspace, which must then store and read back (binary base, items as JSON). The bytes are read as they are,
// and once more with every record's checksum made right, so that the fuzzer's changes to a payload reach the
// mutation decoder instead of stopping at the checksum.
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"
#include "core/snapshot.hpp"
#include "fuzz_support.hpp"
#include "storage/journal_codec.hpp"

using namespace kt;
using namespace kt::storage;

namespace {

void replay(const DecodedSegment& seg) {
  if (seg.payloads.empty()) return;
  Workspace ws = fuzz::demo();
  Session s(ws, "fz", "u1");
  bool applied = false;
  for (const auto& payload : seg.payloads) {
    // As Journal::load: a record that does not parse (or nests too deep) or does not decode is skipped.
    const nlohmann::json record = parse_json_bounded(payload);
    if (record.is_discarded()) continue;
    try {
      const Mutation m = record.get<Mutation>();
      applied = s.replay(m, fuzz::kNow).ok() || applied;
    } catch (const std::exception&) {
    }
  }
  fuzz::check_timelines(ws);
  if (!applied) return;
  // What the mutations made is stored again as the app stores it (a binary base; items as JSON) and must read
  // back: otherwise the next start fails on it.
  Workspace back{Schema()};
  const Status st = decode_workspace(encode_workspace(ws, 1), &back, nullptr);
  if (!st) std::fprintf(stderr, "%s: %s\n", st.code.c_str(), st.message.c_str());
  KT_FUZZ_CHECK(st.ok());
  KT_FUZZ_CHECK(back.item_count() == ws.item_count());
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      Item it;
      std::vector<TimelineEntry> tl;
      KT_FUZZ_CHECK(load_item(item_json(ws, *ws.item(id), nullptr), &it, &tl).ok());
    }
}

// The records of `bytes` with their CRC fields rewritten to match (the framing as it is).
std::string with_checksums(std::string bytes) {
  size_t pos = 0;
  while (bytes.size() - pos >= kRecordHeaderSize && bytes[pos] == 'K' && bytes[pos + 1] == 'T') {
    std::uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[pos + 2 + i])) << (8 * i);
    if (len > kMaxRecordSize || bytes.size() - pos - kRecordHeaderSize < len) break;
    const std::uint32_t crc = crc32(std::string_view(bytes).substr(pos + kRecordHeaderSize, len));
    for (int i = 0; i < 4; ++i) bytes[pos + 6 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
    pos += kRecordHeaderSize + len;
  }
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  const DecodedSegment seg = decode_records(bytes);
  KT_FUZZ_CHECK(seg.valid_bytes <= bytes.size());
  KT_FUZZ_CHECK(seg.torn == (seg.valid_bytes < bytes.size()));
  // The valid prefix decodes to the same records, and the records encode back to it.
  std::string again;
  for (const auto& p : seg.payloads) again += encode_record(p);
  KT_FUZZ_CHECK(again == bytes.substr(0, seg.valid_bytes));

  const DecodedSegment fixed = decode_records(with_checksums(std::string(bytes)));
  KT_FUZZ_CHECK(fixed.payloads.size() >= seg.payloads.size());
  replay(fixed);
  return 0;
}
