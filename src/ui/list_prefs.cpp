#include "ui/list_prefs.hpp"

#include <nlohmann/json.hpp>

namespace kt::ui {

using nlohmann::json;

ListPrefs& list_prefs() {
  static ListPrefs prefs;
  return prefs;
}

json list_prefs_json() {
  json saved = json::object();
  for (const auto& [entity, list] : list_prefs().saved) {
    json arr = json::array();
    for (const auto& f : list) arr.push_back({{"name", f.name}, {"query", f.query}});
    saved[entity] = std::move(arr);
  }
  return json{{"columns", list_prefs().columns}, {"saved", std::move(saved)}};
}

void load_list_prefs(const json& j) {
  ListPrefs p;
  try {
    if (j.contains("columns")) p.columns = j["columns"].get<std::map<std::string, std::vector<std::string>>>();
    if (j.contains("saved"))
      for (const auto& [entity, arr] : j["saved"].items())
        for (const auto& f : arr) p.saved[entity].push_back({f.value("name", ""), f.value("query", json::object()).get<Query>()});
  } catch (const std::exception&) {
    // Damaged list settings cost only the columns and saved filters.
    p = ListPrefs{};
  }
  list_prefs() = std::move(p);
}

}  // namespace kt::ui
