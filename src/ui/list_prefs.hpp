// Per-browser list settings of the user: chosen columns and saved filters per entity type. View state:
// kept in the preferences file, never synced.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/query.hpp"

namespace kt::ui {

struct SavedFilter {
  std::string name;
  Query query;
};

struct ListPrefs {
  std::map<std::string, std::vector<std::string>> columns;  // entity -> field ids ("" = the default set)
  std::map<std::string, std::vector<SavedFilter>> saved;
};

ListPrefs& list_prefs();
nlohmann::json list_prefs_json();
void load_list_prefs(const nlohmann::json& j);

}  // namespace kt::ui
