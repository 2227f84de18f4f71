// The configuration of a workspace: entity types, their fields, pipelines with stages, card layouts and users.
// It is data (it syncs like items do); default_schema() builds the configuration of a new workspace.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace kt {

enum class Lang { Ru, En };

// A text in each UI language. get() falls back to the other language when one is missing.
struct Labels {
  std::string ru, en;
  const std::string& get(Lang lang) const;
  bool operator==(const Labels&) const = default;
};

enum class FieldType {
  String,        // one line, or several when FieldDef::multiline
  Integer,       // int64
  Number,        // double with FieldDef::precision decimals
  Boolean,       // yes/no; never multiple
  Date,          // "YYYY-MM-DD"
  DateTime,      // "YYYY-MM-DDTHH:MM" (UTC)
  List,          // option id of FieldDef::options
  Money,         // Money
  Link,          // URL string
  Address,       // free-form address string
  File,          // FileRef
  Employee,      // user id
  CrmBinding,    // item id of one of FieldDef::binding_kinds
  CrmDirectory,  // option id of a directory shared by the workspace (sources, types, ...)
  Stage,         // stage id of the item's pipeline (system field STAGE_ID)
  Phone,         // phone number string (system multi-fields of contacts, companies, leads)
  Email,         // e-mail string
};

const char* field_type_name(FieldType t);  // stable id used in JSON: "string", "money", ...
std::optional<FieldType> field_type_from_name(const std::string& name);

struct ListOption {
  std::string id;
  Labels label;
  bool operator==(const ListOption&) const = default;
};

struct FieldDef {
  std::string id;      // immutable: "TITLE", "OPPORTUNITY_WITH_CURRENCY", "UF_CRM_1"
  std::string entity;  // entity type id this field belongs to
  FieldType type = FieldType::String;
  bool system = false;     // system fields can be hidden, never deleted
  bool multiple = false;   // holds a Value::List
  bool mandatory = false;  // required always (on every stage of every pipeline)
  bool multiline = false;  // String only
  int precision = 2;       // Number only
  Labels label;
  Labels help;
  std::vector<ListOption> options;         // List and CrmDirectory
  std::vector<std::string> binding_kinds;  // CrmBinding: entity type ids it may point to
  Value default_value;

  const ListOption* option(const std::string& id) const;
};

enum class StageSemantics { Process, Success, Failure };

struct Stage {
  std::string id;  // unique within the workspace: "NEW", "C1:WON"
  Labels name;
  std::string color;  // "#rrggbb"
  StageSemantics semantics = StageSemantics::Process;
};

struct Pipeline {
  std::string id;      // "0" is the default pipeline of an entity type
  std::string entity;  // entity type id
  Labels name;
  bool is_default = false;
  std::vector<Stage> stages;  // in-progress stages, one success stage, then failure stages

  const Stage* stage(const std::string& id) const;
  int stage_index(const std::string& id) const;  // -1 when absent
};

struct EntityType {
  std::string id;  // "lead", "deal", "contact", "company", "quote", "invoice", "smart_<n>"
  Labels name;     // singular: "Сделка" / "Deal"
  Labels plural;   // "Сделки" / "Deals"
  bool has_stages = false;
  bool has_pipelines = false;
  bool has_client = false;
  std::string title_field = "TITLE";  // the field shown as the item's name
};

// One element of a layout section: a field reference with its per-layout options (inventory L-1, L-3, L-5).
struct LayoutElement {
  std::string field;
  bool show_always = false;  // optionFlags: 1 = always show, 0 = only when filled
  std::string title;         // per-layout label override; empty = the field's label
  bool operator==(const LayoutElement&) const = default;
};

struct LayoutSection {
  std::string id;  // unique within the layout
  Labels title;
  std::vector<LayoutElement> elements;
  bool operator==(const LayoutSection&) const = default;
};

struct Layout {
  std::vector<LayoutSection> sections;
  bool operator==(const Layout&) const = default;
};

struct User {
  std::string id;
  std::string name;
  std::string department;
  bool admin = false;
};

struct Schema {
  std::vector<EntityType> entities;
  std::vector<FieldDef> fields;  // of every entity type
  std::vector<Pipeline> pipelines;
  // Default layout per layout family ("deal:0", "lead:simple", "contact"); views come later.
  std::map<std::string, Layout> default_layouts;
  std::vector<User> users;

  const EntityType* entity(const std::string& id) const;
  const FieldDef* field(const std::string& entity, const std::string& id) const;
  const Pipeline* pipeline(const std::string& entity, const std::string& id) const;
  const Pipeline* default_pipeline(const std::string& entity) const;
  const User* user(const std::string& id) const;
  // The layout family of an item: entity + pipeline ("deal:0") for entities with pipelines.
  static std::string layout_family(const std::string& entity, const std::string& pipeline);
  const Layout* layout(const std::string& family) const;
};

// The configuration of a new workspace: the system entity types with their system fields, the default deal
// pipeline and the default card layouts, in Russian and English.
Schema default_schema();

}  // namespace kt
