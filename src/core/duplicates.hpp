// Likely duplicates of a contact, company or lead: another item of the same kind with the same phone
// number or e-mail address, compared in a normalised form (SPEC §7: the warning when creating a client).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace kt {

class Workspace;

// The last ten digits of a phone number ("+7 (915) 555-66-77", "8 915 5556677" -> "9155556677"); numbers
// with fewer than five digits give "". An e-mail address trimmed and folded to lower case; "" without '@'.
std::string phone_key(const std::string& phone);
std::string email_key(const std::string& email);

// The normalised keys of the PHONE and EMAIL values among `fields`.
std::vector<std::string> contact_keys(const std::vector<std::pair<std::string, Value>>& fields);

struct DuplicateMatch {
  std::string item;
  std::string key;  // the phone or e-mail key they share
};

// Items of `entity` (not deleted, readable by `user`, other than `except`) sharing a key with `fields`.
std::vector<DuplicateMatch> find_duplicates(const Workspace& ws, const std::string& user, const std::string& entity,
                                            const std::vector<std::pair<std::string, Value>>& fields,
                                            const std::string& except = {});

}  // namespace kt
