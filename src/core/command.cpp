#include "core/command.hpp"

#include <nlohmann/json.hpp>

namespace kt {

using nlohmann::json;

const char* command_name(const Command& c) {
  return std::visit(
      [](const auto& x) -> const char* {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, CreateItem>) return "item.create";
        if constexpr (std::is_same_v<T, SetField>) return "item.set";
      },
      c);
}

void to_json(json& j, const Command& c) {
  j = json::object();
  j["op"] = command_name(c);
  std::visit(
      [&j](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, CreateItem>) {
          j["item"] = x.item;
          j["entity"] = x.entity;
          if (!x.pipeline.empty()) j["pipeline"] = x.pipeline;
          json fields = json::object();
          for (const auto& [k, v] : x.fields) fields[k] = v;
          j["fields"] = std::move(fields);
        } else if constexpr (std::is_same_v<T, SetField>) {
          j["item"] = x.item;
          j["field"] = x.field;
          j["value"] = x.value;
          if (!x.previous.is_null()) j["prev"] = x.previous;
        }
      },
      c);
}

void from_json(const json& j, Command& c) {
  const std::string op = j.at("op").get<std::string>();
  if (op == "item.create") {
    CreateItem x;
    x.item = j.at("item").get<std::string>();
    x.entity = j.at("entity").get<std::string>();
    x.pipeline = j.value("pipeline", "");
    if (auto it = j.find("fields"); it != j.end())
      for (const auto& [k, v] : it->items()) x.fields.emplace_back(k, v.get<Value>());
    c = std::move(x);
  } else if (op == "item.set") {
    SetField x;
    x.item = j.at("item").get<std::string>();
    x.field = j.at("field").get<std::string>();
    x.value = j.at("value").get<Value>();
    if (auto it = j.find("prev"); it != j.end()) x.previous = it->get<Value>();
    c = std::move(x);
  } else {
    throw json::other_error::create(501, "unknown command: " + op, &j);
  }
}

void to_json(json& j, const Mutation& m) {
  j = json{{"c", m.client}, {"s", m.seq}, {"h", m.hlc.str()},
           {"a", m.author}, {"t", m.time_ms}, {"cmd", m.cmd}};
}

void from_json(const json& j, Mutation& m) {
  m.client = j.at("c").get<std::string>();
  m.seq = j.at("s").get<std::uint64_t>();
  if (!Hlc::parse(j.at("h").get<std::string>(), &m.hlc))
    throw json::other_error::create(501, "bad hlc", &j);
  m.author = j.at("a").get<std::string>();
  m.time_ms = j.at("t").get<std::int64_t>();
  m.cmd = j.at("cmd").get<Command>();
}

}  // namespace kt
