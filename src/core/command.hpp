// Commands: every change to data is one of these small serialisable values. The same values are the undo
// stack, the local journal and the sync outbox.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/hlc.hpp"
#include "core/value.hpp"

namespace kt {

// Creates an item. Fields not given take their defaults; an entity with stages starts on the first stage of
// its pipeline (the default pipeline when `pipeline` is empty).
struct CreateItem {
  std::string item;
  std::string entity;
  std::string pipeline;
  std::vector<std::pair<std::string, Value>> fields;
  bool operator==(const CreateItem&) const = default;
};

// Sets one field of one item. `previous` is the value the writer saw (filled in by Session::dispatch); it
// makes the command its own undo record and lets history show what the writer replaced.
struct SetField {
  std::string item;
  std::string field;
  Value value;
  Value previous;
  bool operator==(const SetField&) const = default;
};

using Command = std::variant<CreateItem, SetField>;

const char* command_name(const Command& c);  // "item.create", "item.set"

// A command as it was issued: by whom, when, from which client, in which order.
struct Mutation {
  std::string client;      // id of the app instance that issued it
  std::uint64_t seq = 0;   // per-client sequence number, from 1, no gaps
  Hlc hlc;                 // orders concurrent writes to the same field
  std::string author;      // user id
  std::int64_t time_ms = 0;  // wall clock of the author, for display
  Command cmd;
};

void to_json(nlohmann::json& j, const Command& c);
void from_json(const nlohmann::json& j, Command& c);
void to_json(nlohmann::json& j, const Mutation& m);
void from_json(const nlohmann::json& j, Mutation& m);

}  // namespace kt
