// The byte format of journal segments, with no file access (so it is tested natively, byte for byte).
//
// A segment is a sequence of records:  'K' 'T' | u32 length (LE) | u32 CRC-32 of the payload (LE) | payload
// A crash or a killed tab can leave the last record incomplete ("torn"); decoding stops at the first record
// whose header or checksum does not hold and reports how many bytes were valid.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kt::storage {

constexpr size_t kRecordHeaderSize = 10;
constexpr std::uint32_t kMaxRecordSize = 16 * 1024 * 1024;

std::uint32_t crc32(std::string_view data);

// One record with its header.
std::string encode_record(std::string_view payload);

struct DecodedSegment {
  std::vector<std::string> payloads;
  size_t valid_bytes = 0;  // length of the prefix made of whole, intact records
  bool torn = false;       // bytes after valid_bytes were not a whole, intact record
};

DecodedSegment decode_records(std::string_view bytes);

}  // namespace kt::storage
