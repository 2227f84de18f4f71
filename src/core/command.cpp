#include "core/command.hpp"

#include <nlohmann/json.hpp>

#include "core/documents_json.hpp"
#include "core/schema_json.hpp"

namespace kt {

using nlohmann::json;

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CreateItem, item, entity, pipeline, fields)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutTodo, item, todo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CompleteTodo, item, todo, completed)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RemoveTodo, item, todo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LogCommunication, item, channel, direction, address, outcome,
                                                duration_s, note)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetProducts, item, rows, amount)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ConvertTarget, item, entity, pipeline, fields, products)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Convert, item, targets, source_fields)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GenerateDocument, item, document, numerator, previous, next, tz)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutTemplate, tmpl, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutNumerator, numerator, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetMyCompany, company)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetField, item, field, value, previous)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MoveStage, item, stage, fills)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutField, def)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeleteField, entity, field)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetRequired, entity, field, mandatory, ranges)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutLayout, family, scope, layout, reset)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutView, view, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SelectScope, user, family, scope)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ForceCommonScope, family)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutEntityType, type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutPipeline, pipeline, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutUser, user)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutDepartment, department, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PutRole, role, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ChangePipeline, item, pipeline, fills)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AddComment, item, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EditComment, item, entry, text, remove)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PinEntry, item, entry, pinned)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SetNote, item, entry, text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeleteItem, item)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RestoreItem, item)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PurgeItem, item)

namespace {

// The wire name of each command, in the order of the Command variant.
constexpr const char* kNames[] = {
    "item.create",  "item.set",      "item.move_stage", "field.put",     "field.delete",
    "field.required", "layout.put",  "view.put",        "scope.select",  "scope.force_common",
    "entity.put",   "pipeline.put",  "user.put",        "department.put", "role.put",
    "item.change_pipeline", "comment.add", "comment.edit", "entry.pin", "entry.note",
    "item.delete",  "item.restore",  "item.purge",
    "todo.put",     "todo.complete", "todo.remove",     "communication.log", "products.set", "item.convert",
    "document.generate", "template.put", "numerator.put", "mycompany.set",
};
static_assert(std::size(kNames) == std::variant_size_v<Command>);

template <size_t I = 0>
bool parse_alternative(const std::string& op, const json& j, Command& c) {
  if constexpr (I < std::variant_size_v<Command>) {
    if (op == kNames[I]) {
      c = j.get<std::variant_alternative_t<I, Command>>();
      return true;
    }
    return parse_alternative<I + 1>(op, j, c);
  }
  return false;
}

}  // namespace

const char* command_name(const Command& c) { return kNames[c.index()]; }

std::string command_item(const Command& c) {
  return std::visit(
      [](const auto& x) -> std::string {
        if constexpr (requires { x.item; }) return x.item;
        else return {};
      },
      c);
}

bool is_item_command(const Command& c) { return !command_item(c).empty() || std::holds_alternative<CreateItem>(c); }

bool changes_config(const Command& c) { return !is_item_command(c) || std::holds_alternative<GenerateDocument>(c); }

void to_json(json& j, const Command& c) {
  std::visit([&j](const auto& x) { j = x; }, c);
  j["op"] = command_name(c);
}

void from_json(const json& j, Command& c) {
  const std::string op = j.at("op").get<std::string>();
  if (!parse_alternative(op, j, c)) throw json::other_error::create(501, "unknown command: " + op, &j);
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
