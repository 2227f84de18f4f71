#include "core/duplicates.hpp"

#include <algorithm>

#include "core/rights.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"

namespace kt {

std::string phone_key(const std::string& phone) {
  std::string digits;
  for (char ch : phone)
    if (ch >= '0' && ch <= '9') digits += ch;
  if (digits.size() < 5) return {};
  return digits.size() > 10 ? digits.substr(digits.size() - 10) : digits;
}

std::string email_key(const std::string& email) {
  const auto a = email.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  const auto b = email.find_last_not_of(" \t\r\n");
  std::string e = fold(email.substr(a, b - a + 1));
  const auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == e.size()) return {};
  return e;
}

namespace {

void add_keys(const std::string& field, const Value& v, std::vector<std::string>* keys) {
  const bool phone = field == "PHONE", email = field == "EMAIL";
  if (!phone && !email) return;
  for (const auto& e : v.elements()) {
    std::string k = phone ? phone_key(e.str_or_empty()) : email_key(e.str_or_empty());
    if (!k.empty() && std::find(keys->begin(), keys->end(), k) == keys->end()) keys->push_back(std::move(k));
  }
}

}  // namespace

std::vector<std::string> contact_keys(const std::vector<std::pair<std::string, Value>>& fields) {
  std::vector<std::string> keys;
  for (const auto& [fid, v] : fields) add_keys(fid, v, &keys);
  return keys;
}

std::vector<DuplicateMatch> find_duplicates(const Workspace& ws, const std::string& user, const std::string& entity,
                                            const std::vector<std::pair<std::string, Value>>& fields,
                                            const std::string& except) {
  std::vector<DuplicateMatch> out;
  const std::vector<std::string> wanted = contact_keys(fields);
  if (wanted.empty()) return out;
  for (const auto& id : ws.item_ids(entity)) {
    const Item* it = ws.item(id);
    if (!it || it->deleted || id == except || !can_act(ws.schema(), user, *it, Action::Read)) continue;
    std::vector<std::string> keys;
    add_keys("PHONE", it->get("PHONE"), &keys);
    add_keys("EMAIL", it->get("EMAIL"), &keys);
    for (const auto& k : keys)
      if (std::find(wanted.begin(), wanted.end(), k) != wanted.end()) {
        out.push_back({id, k});
        break;
      }
  }
  return out;
}

}  // namespace kt
