#include "sync/cursor.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace kt::sync {

namespace {

constexpr int kCursorFormat = 1;
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string to_base64(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, kVariant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool from_base64(const std::string& text, std::string* out) {
  out->assign(text.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), text.data(),
                        text.size(), nullptr, &n, nullptr, kVariant) != 0)
    return false;
  out->resize(n);
  return true;
}

}  // namespace

CursorCodec::CursorCodec(const std::string& secret) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  crypto_generichash(key_, sizeof key_, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
}

std::string CursorCodec::encode(const Cursor& c) const {
  const std::string payload =
      nlohmann::json::array({kCursorFormat, c.user, c.epoch, c.base, c.schema, c.snapshot,
                             c.pos_ver, c.pos_id, c.whole})
          .dump();
  const std::string body =
      to_base64(reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                         key_);
  return body + "." + to_base64(mac, sizeof mac);
}

std::optional<Cursor> CursorCodec::decode(const std::string& text) const {
  if (text.size() > 4096) return std::nullopt;
  const auto dot = text.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string body = text.substr(0, dot);
  std::string mac;
  if (!from_base64(text.substr(dot + 1), &mac) || mac.size() != crypto_auth_hmacsha256_BYTES)
    return std::nullopt;
  if (crypto_auth_hmacsha256_verify(reinterpret_cast<const unsigned char*>(mac.data()),
                                    reinterpret_cast<const unsigned char*>(body.data()),
                                    body.size(), key_) != 0)
    return std::nullopt;
  std::string payload;
  if (!from_base64(body, &payload)) return std::nullopt;
  // Signed by us, so well-formed unless the format changed; still read defensively.
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_array() || j.size() != 9 || j[0] != kCursorFormat) return std::nullopt;
  try {
    Cursor c;
    c.user = j[1].get<std::string>();
    c.epoch = j[2].get<std::uint64_t>();
    c.base = j[3].get<std::uint64_t>();
    c.schema = j[4].get<std::uint64_t>();
    c.snapshot = j[5].get<std::uint64_t>();
    c.pos_ver = j[6].get<std::uint64_t>();
    c.pos_id = j[7].get<std::string>();
    c.whole = j[8].get<bool>();
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace kt::sync
