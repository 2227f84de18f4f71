#include "storage/journal_codec.hpp"

#include <array>

namespace kt::storage {

namespace {

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::uint32_t get_u32(std::string_view s, size_t pos) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + i])) << (8 * i);
  return v;
}

}  // namespace

std::uint32_t crc32(std::string_view data) {
  static const auto kTable = make_crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string encode_record(std::string_view payload) {
  std::string out;
  out.reserve(kRecordHeaderSize + payload.size());
  out += 'K';
  out += 'T';
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  put_u32(out, crc32(payload));
  out.append(payload);
  return out;
}

DecodedSegment decode_records(std::string_view bytes) {
  DecodedSegment out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < kRecordHeaderSize || bytes[pos] != 'K' || bytes[pos + 1] != 'T') break;
    const std::uint32_t len = get_u32(bytes, pos + 2);
    const std::uint32_t crc = get_u32(bytes, pos + 6);
    if (len > kMaxRecordSize || bytes.size() - pos - kRecordHeaderSize < len) break;
    std::string_view payload = bytes.substr(pos + kRecordHeaderSize, len);
    if (crc32(payload) != crc) break;
    out.payloads.emplace_back(payload);
    pos += kRecordHeaderSize + len;
  }
  out.valid_bytes = pos;
  out.torn = pos < bytes.size();
  return out;
}

}  // namespace kt::storage
