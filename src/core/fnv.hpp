// FNV-1a, 64 bits: a print of bytes that is the same on every platform and in every build (checksums kept
// in files, keys of saved data), unlike std::hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace kt {

struct Fnv1a {
  static constexpr std::uint64_t kStart = 1469598103934665603ull;
  std::uint64_t h = kStart;
  void bytes(const void* p, size_t n) {
    const unsigned char* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
  void bytes(std::string_view s) { bytes(s.data(), s.size()); }
  // Values' bytes as they are in memory (numbers, plain structs without padding), in turn.
  template <typename... T>
  void pod(const T&... v) {
    (bytes(&v, sizeof v), ...);
  }
};

// A print as 16 lowercase hex digits (keys, checksums, names made of prints).
inline std::string hex16(std::uint64_t v) {
  char s[17];
  std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(v));
  return s;
}

inline std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  Fnv1a f{h};
  f.bytes(s);
  return f.h;
}

}  // namespace kt
