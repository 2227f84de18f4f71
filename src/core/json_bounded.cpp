#include "core/json_bounded.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace kt {

bool json_depth_within(std::string_view text, int max_depth) {
  const char* p = text.data();
  const char* const end = p + text.size();
  int depth = 0;
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      while (p < end) {
        const char s = *p++;
        if (s == '"') break;
        if (s == '\\' && p < end) ++p;  // the escaped character, also an escaped quote
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      // A closing bracket without its opening one: the parser stops there, and everything before it
      // was counted.
      if (--depth < 0) return true;
    }
  }
  return true;
}

nlohmann::json parse_json_bounded(std::string_view text, Status* why, int max_depth) {
  if (!json_depth_within(text, max_depth)) {
    if (why)
      *why = Status::Fail("too_deep", "the JSON is nested more than " + std::to_string(max_depth) + " levels deep");
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() && why) *why = Status::Fail("malformed_json", "the text is not JSON");
  return j;
}

std::string json_text(const nlohmann::json& o, const char* key) {
  const auto it = o.is_object() ? o.find(key) : o.end();
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> json_texts(const nlohmann::json& o, const char* key, size_t max) {
  std::vector<std::string> out;
  const auto it = o.is_object() ? o.find(key) : o.end();
  if (it == o.end() || !it->is_array()) return out;
  for (const auto& e : *it)
    if (e.is_string() && out.size() < max) out.push_back(e.get<std::string>());
  return out;
}

}  // namespace kt
