// The configuration of a workspace: entity types, their fields, directories, pipelines with stages,
// required-field rules, card layouts and views, users, departments and roles. It is data: it changes only
// through commands (config commands in command.hpp) and syncs like items do. default_schema() builds the
// configuration of a new workspace.
//
// Index: [Labels and types] [Fields] [Stages and pipelines] [Entity types] [Required rules]
//        [Layouts, views, scopes] [Users, departments, roles] [Schema]
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace kt {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Labels and types
// ---------------------------------------------------------------------------------------------------------

enum class Lang { Ru, En };

// A text in each UI language. get() falls back to the other language when one is missing.
struct Labels {
  std::string ru, en;
  const std::string& get(Lang lang) const;
  bool empty() const { return ru.empty() && en.empty(); }
  bool operator==(const Labels&) const = default;
};
// Whether both texts are blank (text.hpp): no name in either language.
bool blank(const Labels& name);

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
  CrmDirectory,  // option id of the workspace directory FieldDef::directory (sources, deal types, ...)
  Stage,         // stage id of the item's pipeline (system field STAGE_ID)
  Phone,         // phone number string (system multi-fields of contacts, companies, leads)
  Email,         // e-mail string
};

const char* field_type_name(FieldType t);  // stable id used in JSON: "string", "money", ...
std::optional<FieldType> field_type_from_name(const std::string& name);
// The types a user may give a custom field (all but the system-only Stage, Phone and Email).
const std::vector<FieldType>& custom_field_types();

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Fields
// ---------------------------------------------------------------------------------------------------------

struct ListOption {
  std::string id;
  Labels label;
  bool operator==(const ListOption&) const = default;
};

struct FieldDef {
  std::string id;      // immutable: "TITLE", "OPPORTUNITY_WITH_CURRENCY", "UF_CRM_..."
  std::string entity;  // entity type id this field belongs to (immutable)
  FieldType type = FieldType::String;  // immutable after creation (L-13)
  bool system = false;     // system fields can be hidden, never deleted
  bool multiple = false;   // holds a Value::List; immutable after creation; never for Boolean
  bool mandatory = false;  // required always, on every stage of every pipeline
  bool multiline = false;  // String only
  int precision = 2;       // Number only: decimals shown
  std::int64_t max_file_size = 10 * 1024 * 1024;  // File only: bytes
  Labels label;
  Labels help;
  std::vector<ListOption> options;         // List: in display order
  std::string directory;                   // CrmDirectory: id of a workspace directory
  std::vector<std::string> binding_kinds;  // CrmBinding: entity type ids it may point to
  Value default_value;                     // value of new items; for List the default option id
  // Restricted visibility (F-2): access codes ("U1", "D2", "DR2") of who may see the field and its value.
  // Empty = everyone. Administrators always see.
  std::vector<std::string> visible_to;
  std::string created_by;  // user who created a custom field

  const ListOption* option(const std::string& id) const;
  bool operator==(const FieldDef&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Stages and pipelines
// ---------------------------------------------------------------------------------------------------------

enum class StageSemantics { Process, Success, Failure };

struct Stage {
  std::string id;  // unique within its entity type: "NEW", "C1:WON"
  Labels name;
  std::string color;  // "#rrggbb"
  StageSemantics semantics = StageSemantics::Process;
  bool operator==(const Stage&) const = default;
};

struct Pipeline {
  std::string id;      // "0" is the default pipeline of every entity type with stages
  std::string entity;  // entity type id
  Labels name;
  bool is_default = false;
  std::vector<Stage> stages;  // in-progress stages, one success stage, then failure stages

  const Stage* stage(const std::string& id) const;
  int stage_index(const std::string& id) const;  // -1 when absent
  bool operator==(const Pipeline&) const = default;
};

// Checks the stage order rule: in-progress stages, exactly one success stage, then failure stages;
// unique non-empty ids. Returns an empty string or the reason.
std::string check_stage_order(const std::vector<Stage>& stages);

// A shared list of values (sources, deal types, industries) used by CrmDirectory fields.
struct Directory {
  std::string id;
  Labels name;
  std::vector<ListOption> options;
  bool operator==(const Directory&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Entity types
// ---------------------------------------------------------------------------------------------------------

struct EntityType {
  std::string id;  // "lead", "deal", "contact", "company", "quote", "invoice", "smart_<n>"
  Labels name;     // singular: "Сделка" / "Deal"
  Labels plural;   // "Сделки" / "Deals"
  bool has_stages = false;
  bool has_pipelines = false;  // users may add pipelines besides the default one
  bool has_client = false;     // the CLIENT field (company + contacts)
  bool system = true;          // false for smart processes created by an administrator
  std::string title_field = "TITLE";  // the field shown as the item's name
  bool operator==(const EntityType&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Required rules (inventory 1C)
// ---------------------------------------------------------------------------------------------------------

enum class RangeGroup {
  All,       // required on every stage (start/finish empty)
  Pipeline,  // a range of in-progress/success stages
  Junk,      // a range of failure stages
};

// "Field F is required on stages start..finish of pipeline P". Stored per field and pipeline.
struct RequiredRange {
  std::string entity;
  std::string pipeline;  // "" for entity types without stages
  std::string field;
  RangeGroup group = RangeGroup::All;
  std::string start, finish;  // stage ids; empty for All
  bool operator==(const RequiredRange&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Layouts, views, scopes (inventory 1A, 1B)
// ---------------------------------------------------------------------------------------------------------

// One element of a layout section: a field reference with its per-layout options (L-1, L-3, L-5).
struct LayoutElement {
  std::string field;
  bool show_always = false;  // optionFlags: 1 = always show, 0 = only when filled
  std::string title;         // per-layout label override; empty = the field's label
  bool operator==(const LayoutElement&) const = default;
};

struct LayoutSection {
  std::string id;  // unique within the layout
  Labels title;    // built-in sections are translated; a name a user types is stored in both languages
  std::vector<LayoutElement> elements;
  bool operator==(const LayoutSection&) const = default;
};

// The tabs of the card in this layout's order; hidden ones are kept so that they can come back (V-14).
struct TabState {
  std::string id;  // "main", "links", "history", ...
  bool hidden = false;
  bool operator==(const TabState&) const = default;
};

struct Layout {
  std::vector<LayoutSection> sections;
  std::vector<TabState> tabs;  // empty = the default tab order, nothing hidden

  const LayoutSection* section_of(const std::string& field) const;
  bool has_field(const std::string& field) const;
  bool operator==(const Layout&) const = default;
};

// Scopes of a layout family (V-1): "C" common, "P:<user>" personal, "V:<view>" a named view.
std::string common_scope();
std::string personal_scope(const std::string& user);
std::string view_scope(const std::string& view);

// A named view ("представление", V-9): a full layout copy assigned to users and departments.
struct View {
  std::string id;
  std::string family;  // layout family it belongs to: "deal:0", "lead:simple", ...
  std::string name;
  std::vector<std::string> assigned;  // access codes: "U1", "D2", "DR2" (department and sub-departments)
  bool auto_apply = false;            // members get it as their selected scope (V-10)
  std::string created_by;
  bool operator==(const View&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Users, departments, roles
// ---------------------------------------------------------------------------------------------------------

enum class Level { None, Own, Department, All };

const char* level_name(Level l);
std::optional<Level> level_from_name(const std::string& s);

// What a role allows on one entity type (or one pipeline of it).
struct EntityRights {
  Level read = Level::All;
  Level add = Level::All;
  Level edit = Level::All;
  Level remove = Level::All;
  bool own_view = false;   // "allow own card view" (V-8)
  bool configure = false;  // change fields, layouts, pipelines of the entity type
  bool operator==(const EntityRights&) const = default;
};

struct Role {
  std::string id;
  std::string name;
  EntityRights defaults;                        // for entity types not listed
  std::map<std::string, EntityRights> entities;  // by "entity" or "entity:pipeline"
  bool operator==(const Role&) const = default;
};

struct Department {
  std::string id;
  std::string name;
  std::string parent;  // "" for the root
  bool operator==(const Department&) const = default;
};

struct User {
  std::string id;
  std::string name;
  std::string department;
  bool admin = false;
  std::vector<std::string> roles;
  bool active = true;
  bool operator==(const User&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Documents: numerators, templates, the seller (used by documents.hpp)
// ---------------------------------------------------------------------------------------------------------

// How documents are numbered. Several templates may share one numerator (and so one counter).
struct Numerator {
  std::string id;
  Labels name;
  // Tokens: {NUMBER} (required), {YEAR} "2026", {MONTH} "11", {DAY} "26" (the document's local date).
  std::string pattern = "{NUMBER}";
  std::int64_t start = 1;  // the first number, and the number after a periodic reset; >= 1
  std::int64_t step = 1;   // >= 1
  int length = 0;          // minimum digits of {NUMBER}, padded on the left with `pad`; 0..20
  std::string pad = "0";   // one character (UTF-8)
  std::string periodic;    // "" (never reset), "year", "month" or "day"
  bool operator==(const Numerator&) const = default;
};

// The counter of one numerator. The default value means "nothing issued yet".
struct NumeratorState {
  std::int64_t last = 0;   // the last number issued in the latest period; 0 = none
  std::string period_key;  // the latest period: "2026", "2026-11", "2026-11-26"; "" when not periodic
  // Periodic numerators only: the last number of each earlier period that issued one, so that a back-dated
  // document (dated in an earlier period than `period_key`) continues its own period's count instead of
  // repeating a number. One entry per period that was used.
  std::map<std::string, std::int64_t> earlier;
  bool operator==(const NumeratorState&) const = default;
};

// An entity type and, optionally, one pipeline of it that a template is offered for.
struct TemplateTarget {
  std::string entity;    // "deal", "invoice", ...
  std::string pipeline;  // "" = every pipeline
  bool operator==(const TemplateTarget&) const = default;
};

struct DocTemplate {
  std::string id;
  Labels name;               // "Счёт на оплату"
  std::string numerator_id;  // "" = documents get no number
  std::string region = "ru";  // "ru" | "en": month names, number formats, amounts in words
  std::vector<TemplateTarget> targets;
  // Who may use it (access codes as in rights.hpp): "UA" every user, "U<id>", "D<dept>", "DR<dept>".
  // Empty = only its creator (and administrators).
  std::vector<std::string> access;
  bool active = true;
  int sort = 500;  // ascending in the "Documents" menu
  std::string body;  // the HTML template, see the syntax at the top of this file
  std::string created_by;
  bool operator==(const DocTemplate&) const = default;
};

// The seller's details (settings of the workspace), for MyCompany.* placeholders.
struct MyCompany {
  std::string name;          // MyCompany.Name: "ООО «Ромашка»"
  std::string inn;           // MyCompany.INN
  std::string kpp;           // MyCompany.KPP
  std::string ogrn;          // MyCompany.OGRN
  std::string address;       // MyCompany.Address
  std::string phone;         // MyCompany.Phone
  std::string email;         // MyCompany.Email
  std::string bank;          // MyCompany.BankName
  std::string bik;           // MyCompany.BIK
  std::string account;       // MyCompany.Account (расчётный счёт)
  std::string corr_account;  // MyCompany.CorrAccount (корр. счёт)
  std::string director;      // MyCompany.Director
  std::string accountant;    // MyCompany.Accountant
  bool operator==(const MyCompany&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Schema
// ---------------------------------------------------------------------------------------------------------

struct Schema {
  std::vector<EntityType> entities;
  std::vector<FieldDef> fields;  // of every entity type
  std::vector<Directory> directories;
  std::vector<Pipeline> pipelines;
  std::vector<RequiredRange> required;
  // Built-in default layout per family (L-15); not data, rebuilt by default_schema().
  std::map<std::string, Layout> default_layouts;
  // Stored layouts: (family, scope) -> layout. Absent = fall back (V-2).
  std::map<std::pair<std::string, std::string>, Layout> layouts;
  std::vector<View> views;
  // The scope each user selected per family (V-2): (user, family) -> scope.
  std::map<std::pair<std::string, std::string>, std::string> scope_choices;
  std::vector<User> users;
  std::vector<Department> departments;
  std::vector<Role> roles;
  // Documents (documents.hpp): templates, numerators and their counters, the seller's details.
  std::vector<DocTemplate> templates;
  std::vector<Numerator> numerators;
  std::map<std::string, NumeratorState> numerator_states;  // numerator id -> counter
  MyCompany my_company;

  const EntityType* entity(const std::string& id) const;
  const FieldDef* field(const std::string& entity, const std::string& id) const;
  FieldDef* field_mut(const std::string& entity, const std::string& id);
  std::vector<const FieldDef*> fields_of(const std::string& entity) const;
  const Directory* directory(const std::string& id) const;
  const Pipeline* pipeline(const std::string& entity, const std::string& id) const;
  Pipeline* pipeline_mut(const std::string& entity, const std::string& id);
  const Pipeline* default_pipeline(const std::string& entity) const;
  std::vector<const Pipeline*> pipelines_of(const std::string& entity) const;
  const User* user(const std::string& id) const;
  const Department* department(const std::string& id) const;
  const Role* role(const std::string& id) const;
  const View* view(const std::string& id) const;
  const Layout* stored_layout(const std::string& family, const std::string& scope) const;
  const Layout* default_layout(const std::string& family) const;
  const DocTemplate* doc_template(const std::string& id) const;
  const Numerator* numerator(const std::string& id) const;

  // The options of a List or CrmDirectory field.
  const std::vector<ListOption>& options_of(const FieldDef& f) const;
};

// The configuration of a new workspace: the system entity types with their system fields, directories,
// default pipelines and default card layouts, in Russian and English. No users: the first user created
// becomes the workspace's administrator.
Schema default_schema();

// The default layout of a new entity type or pipeline (for smart processes and added pipelines).
Layout default_layout_for(const Schema& s, const std::string& entity);

}  // namespace kt
