#include "core/demo.hpp"

#include "core/documents_json.hpp"

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/assets.hpp"
#include "core/calendar.hpp"
#include "core/json_bounded.hpp"
#include "core/schema_json.hpp"

namespace kt {

namespace {

using nlohmann::json;

constexpr std::int64_t kMinute = 60000;
constexpr std::int64_t kDay = 86400000;

// A key no part of the description knows is a typing error ("minuts"): refused rather than ignored.
void only_keys(const json& j, const char* what, std::initializer_list<const char*> known) {
  if (!j.is_object()) throw std::runtime_error(std::string(what) + " is not an object");
  for (const auto& item : j.items()) {
    const std::string& key = item.key();  // (clang 14 captures no structured binding)
    if (std::none_of(known.begin(), known.end(), [&key](const char* k) { return key == k; }))
      throw std::runtime_error(std::string(what) + ": unknown key \"" + key + "\"");
  }
}

// A field value as backups write it, or {"today": n}: the date n days from now_ms's day.
Value value_of(const json& j, std::int64_t now_ms) {
  if (j.is_object() && j.size() == 1 && j.contains("today"))
    return Value(iso(civil_from_days(now_ms / kDay + j.at("today").get<std::int64_t>())));
  return j.get<Value>();
}

void add_steps(const json& d, std::int64_t now_ms, std::vector<DemoStep>& out) {
  only_keys(d, "the demo", {"about", "days_before_now", "stage_minutes", "departments", "roles", "users",
                            "pipelines", "my_company", "items", "changes"});
  std::int64_t t = now_ms - d.value("days_before_now", std::int64_t{30}) * kDay;
  const std::int64_t stage_gap = d.value("stage_minutes", std::int64_t{120}) * kMinute;
  auto list = [&d](const char* key) { return d.contains(key) ? d.at(key) : json::array(); };

  // The organisation, issued as config commands so that it is journaled and synced like any configuration.
  t += 1000;
  for (const auto& j : list("departments")) out.push_back({t, PutDepartment{j.get<Department>(), false}});
  for (const auto& j : list("roles")) out.push_back({t, PutRole{j.get<Role>(), false}});
  for (const auto& j : list("users")) out.push_back({t, PutUser{j.get<User>()}});
  for (const auto& j : list("pipelines")) out.push_back({t, PutPipeline{j.get<Pipeline>(), false}});
  // The company's own details, so that a demo invoice is complete (bank, tax ids, who signs).
  if (d.contains("my_company")) {
    only_keys(d.at("my_company"), "my_company", {"name", "inn", "kpp", "ogrn", "address", "phone", "email", "bank",
                                                 "bik", "account", "corr_account", "director", "accountant"});
    out.push_back({t, SetMyCompany{d.at("my_company").get<MyCompany>()}});
  }

  for (const auto& j : list("items")) {
    only_keys(j, "an item", {"id", "entity", "pipeline", "minutes", "fields", "stages"});
    CreateItem cmd{j.at("id").get<std::string>(), j.at("entity").get<std::string>(), j.value("pipeline", ""), {}};
    if (!j.at("fields").is_object()) throw std::runtime_error("the fields of an item are not an object");
    for (const auto& [field, v] : j.at("fields").items()) cmd.fields.emplace_back(field, value_of(v, now_ms));
    t += j.value("minutes", std::int64_t{60}) * kMinute;
    out.push_back({t, cmd});
    // The stages it went through after its first, so that its timeline has history.
    for (const auto& stage : j.value("stages", json::array()))
      out.push_back({t += stage_gap, SetField{cmd.item, "STAGE_ID", Value(stage.get<std::string>()), {}}});
  }
  for (const auto& j : list("changes")) {
    only_keys(j, "a change", {"item", "field", "value", "minutes"});
    t += j.value("minutes", std::int64_t{60}) * kMinute;
    out.push_back({t, SetField{j.at("item").get<std::string>(), j.at("field").get<std::string>(),
                               value_of(j.at("value"), now_ms), {}}});
  }
}

}  // namespace

Status demo_steps(std::string_view json_text, std::int64_t now_ms, std::vector<DemoStep>* out) {
  out->clear();
  Status why;
  const json d = parse_json_bounded(json_text, &why);
  if (d.is_discarded()) return Status::Fail("invalid_demo", why.message);
  try {
    add_steps(d, now_ms, *out);
  } catch (const std::exception& e) {  // nlohmann's type and key errors, and only_keys
    out->clear();
    return Status::Fail("invalid_demo", e.what());
  }
  return Status::Ok();
}

Status seed_demo(Session& s, std::int64_t now_ms) {
  std::vector<DemoStep> steps;
  if (Status st = demo_steps(core_asset("demo/workspace.json"), now_ms, &steps); !st) return st;
  for (auto& step : steps)
    if (Status st = s.dispatch(std::move(step.cmd), step.time_ms, false); !st) return st;
  return Status::Ok();
}

}  // namespace kt
