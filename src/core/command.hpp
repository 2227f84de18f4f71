// Commands: every change to data is one of these small serialisable values. The same values are the undo
// stack, the local journal and the sync outbox. Item commands change items; config commands change the
// schema (fields, layouts, views, pipelines, users). Workspace::apply validates each one, including who
// issued it, so the server re-checks exactly what the client checked.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/hlc.hpp"
#include "core/item.hpp"
#include "core/schema.hpp"
#include "core/value.hpp"

namespace kt {

using FieldValues = std::vector<std::pair<std::string, Value>>;

// ---------------------------------------------------------------------------------------------------------
// Item commands
// ---------------------------------------------------------------------------------------------------------

// Creates an item. Fields not given take their defaults; an entity with stages starts on the first stage of
// its pipeline (the default pipeline when `pipeline` is empty). Refused while a field required on that stage
// is empty.
struct CreateItem {
  std::string item;
  std::string entity;
  std::string pipeline;
  FieldValues fields;
  bool operator==(const CreateItem&) const = default;
};

// Sets one field of one item. `previous` is the value the writer saw (filled in by Session::dispatch); it
// makes the command its own undo record. Emptying a field required on the item's stage is refused.
struct SetField {
  std::string item;
  std::string field;
  Value value;
  Value previous;
  bool operator==(const SetField&) const = default;
};

// Moves an item to another stage of its pipeline, writing `fills` first (the fill-in prompt of R-4). Refused,
// changing nothing, while a field required on the target stage stays empty.
struct MoveStage {
  std::string item;
  std::string stage;
  FieldValues fills;
  bool operator==(const MoveStage&) const = default;
};

// Moves an item to another pipeline of its entity type: its stage becomes the first stage there (S-2), and
// that pipeline's layouts and required rules apply from then on; `fills` as for MoveStage.
struct ChangePipeline {
  std::string item;
  std::string pipeline;
  FieldValues fills;
  bool operator==(const ChangePipeline&) const = default;
};

// A comment in the item's timeline; the mutation names the entry ("client:seq").
struct AddComment {
  std::string item;
  std::string text;
  bool operator==(const AddComment&) const = default;
};

// Changes or deletes a comment (`remove`); only its author may.
struct EditComment {
  std::string item;
  std::string entry;
  std::string text;
  bool remove = false;
  bool operator==(const EditComment&) const = default;
};

// Pins or unpins a timeline entry (at most 7 pinned per item), or sets the note attached to it.
struct PinEntry {
  std::string item;
  std::string entry;
  bool pinned = true;
  bool operator==(const PinEntry&) const = default;
};

struct SetNote {
  std::string item;
  std::string entry;
  std::string text;  // "" removes the note
  bool operator==(const SetNote&) const = default;
};

// The recycle bin: delete (kept 30 days, restorable with its history), restore, purge for good.
struct DeleteItem {
  std::string item;
  bool operator==(const DeleteItem&) const = default;
};

struct RestoreItem {
  std::string item;
  bool operator==(const RestoreItem&) const = default;
};

struct PurgeItem {
  std::string item;
  bool operator==(const PurgeItem&) const = default;
};

// Plans a to-do on an item or changes one (same id). A new one is recorded in the timeline.
struct PutTodo {
  std::string item;
  Activity todo;
  bool operator==(const PutTodo&) const = default;
};

// Marks a to-do done (recorded in the timeline) or open again.
struct CompleteTodo {
  std::string item;
  std::string todo;
  bool completed = true;
  bool operator==(const CompleteTodo&) const = default;
};

struct RemoveTodo {
  std::string item;
  std::string todo;
  bool operator==(const RemoveTodo&) const = default;
};

// A call, e-mail, SMS or messenger contact made from the card, with what the user noted about it.
struct LogCommunication {
  std::string item;
  std::string channel;    // "call", "email", "sms", "whatsapp"
  std::string direction;  // "out", "in"
  std::string address;    // the phone number or e-mail address used
  std::string outcome;    // "reached", "no_answer", "busy", "left_message", "sent", "received"
  int duration_s = 0;     // calls
  std::string note;
  bool operator==(const LogCommunication&) const = default;
};

// Replaces the product rows of an item. Unless the amount is set by hand (IS_MANUAL_OPPORTUNITY), the total
// becomes the item's amount.
struct SetProducts {
  std::string item;
  std::vector<ProductRow> rows;
  Value amount;  // when not null, written as the amount instead of the total (undo restores the old amount)
  bool operator==(const SetProducts&) const = default;
};

// One item a conversion creates, with every value it starts with (mapped by plan_conversion in convert.hpp,
// completed by the user: required fields of the destination).
struct ConvertTarget {
  std::string item;  // id of the new item
  std::string entity;
  std::string pipeline;
  std::vector<std::pair<std::string, Value>> fields;
  std::vector<ProductRow> products;
  bool operator==(const ConvertTarget&) const = default;
};

// Creates items from another one (inventory §6): lead → deal / contact / company, deal → invoice or quote,
// quote → deal or invoice. The targets are created in order (a company before the contact and the deal that
// link to it), the source takes `source_fields` (a lead its new contact and company, a quote its new deal),
// a lead moves to its success stage, and every timeline involved records the conversion. All or nothing.
struct Convert {
  std::string item;  // the source
  std::vector<ConvertTarget> targets;
  std::vector<std::pair<std::string, Value>> source_fields;
  bool operator==(const Convert&) const = default;
};

// Stores a document generated from a template (documents.hpp: generate_document), with the number it took.
// The command carries the rendered page, so that replaying never renders again. The numerator's counter
// moves from `previous` to `next`; when another document took the number meanwhile (two devices offline),
// the command is refused with "number_taken" and the user generates the document again. A server trusts
// none of the page, number, title or `next`: it renders them again (regenerate_document) before applying.
struct GenerateDocument {
  std::string item;
  Document document;
  std::string numerator;  // "" when the template's documents get no number
  NumeratorState previous, next;
  int tz = 0;  // the UTC offset (minutes) the document's date is shown at, so that a server renders it the same
  bool operator==(const GenerateDocument&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// Config commands
// ---------------------------------------------------------------------------------------------------------

// Creates a custom field or changes one (label, help, options, default, visibility, display settings).
// Type, multiplicity and entity of an existing field never change (L-13). System fields accept only label,
// help and visibility changes.
struct PutField {
  FieldDef def;
  bool operator==(const PutField&) const = default;
};

// Deletes a custom field: its values in every item, its required rules; layouts naming it ignore it (L-12).
struct DeleteField {
  std::string entity;
  std::string field;
  bool operator==(const DeleteField&) const = default;
};

// Sets when a field is required: always (`mandatory`, which drops every range, R-5), or on the stage
// ranges given (all pipelines of the field; they replace the field's ranges).
struct SetRequired {
  std::string entity;
  std::string field;
  bool mandatory = false;
  std::vector<RequiredRange> ranges;
  bool operator==(const SetRequired&) const = default;
};

// Stores the layout of a family in a scope ("C", "P:<user>", "V:<view>"), or removes the stored one
// (`reset`, V-7: the scope falls back). Refused when it would hide a required field or delete a section
// holding one.
struct PutLayout {
  std::string family;
  std::string scope;
  Layout layout;
  bool reset = false;
  bool operator==(const PutLayout&) const = default;
};

// Creates, changes or (remove) deletes a named view. Deleting it clears members' selections of it (V-12);
// auto-apply makes it the selected scope of every member (V-10).
struct PutView {
  View view;
  bool remove = false;
  bool operator==(const PutView&) const = default;
};

// A user's choice of scope for a family: "C", "P:<user>" or "V:<view>" ("" = no choice).
struct SelectScope {
  std::string user;
  std::string family;
  std::string scope;
  bool operator==(const SelectScope&) const = default;
};

// Drops every personal layout and every scope choice of a family, so that everybody sees the common
// view (V-6). Views themselves stay.
struct ForceCommonScope {
  std::string family;
  bool operator==(const ForceCommonScope&) const = default;
};

// Creates or changes an entity type (smart processes; system types accept only name changes).
struct PutEntityType {
  EntityType type;
  bool operator==(const PutEntityType&) const = default;
};

// Creates or changes a pipeline and its stages (stage ranges follow, R-6..R-8), or deletes it (`remove`).
// Deleting a stage or a pipeline that items stand on is refused; so is deleting the default pipeline.
struct PutPipeline {
  Pipeline pipeline;
  bool remove = false;
  bool operator==(const PutPipeline&) const = default;
};

struct PutUser {
  User user;
  bool operator==(const PutUser&) const = default;
};

struct PutDepartment {
  Department department;
  bool remove = false;
  bool operator==(const PutDepartment&) const = default;
};

struct PutRole {
  Role role;
  bool remove = false;
  bool operator==(const PutRole&) const = default;
};

// Creates, changes or removes a document template (administrators).
struct PutTemplate {
  DocTemplate tmpl;
  bool remove = false;
  bool operator==(const PutTemplate&) const = default;
};

// Creates, changes or removes a numerator (administrators). A numerator in use by a template stays.
struct PutNumerator {
  Numerator numerator;
  bool remove = false;
  bool operator==(const PutNumerator&) const = default;
};

// The seller's details for documents (administrators).
struct SetMyCompany {
  MyCompany company;
  bool operator==(const SetMyCompany&) const = default;
};

using Command = std::variant<CreateItem, SetField, MoveStage, PutField, DeleteField, SetRequired, PutLayout,
                             PutView, SelectScope, ForceCommonScope, PutEntityType, PutPipeline, PutUser,
                             PutDepartment, PutRole, ChangePipeline, AddComment, EditComment, PinEntry, SetNote,
                             DeleteItem, RestoreItem, PurgeItem, PutTodo, CompleteTodo, RemoveTodo,
                             LogCommunication, SetProducts, Convert, GenerateDocument, PutTemplate,
                             PutNumerator, SetMyCompany>;

// Commands that change one item (and the item they change); all others change the configuration.
bool is_item_command(const Command& c);
std::string command_item(const Command& c);
// Whether a command changes the configuration: every config command, and an item command that also moves
// a configuration value (a document takes a number from a numerator's counter).
bool changes_config(const Command& c);

const char* command_name(const Command& c);  // "item.create", "item.set", "field.put", ...

// A command as it was issued: by whom, when, from which client, in which order.
struct Mutation {
  std::string client;        // id of the app instance that issued it
  std::uint64_t seq = 0;     // per-client sequence number, from 1, no gaps
  Hlc hlc;                   // orders concurrent writes to the same field
  std::string author;        // user id
  std::int64_t time_ms = 0;  // wall clock of the author, for display
  Command cmd;
};

void to_json(nlohmann::json& j, const Command& c);
void from_json(const nlohmann::json& j, Command& c);
void to_json(nlohmann::json& j, const Mutation& m);
void from_json(const nlohmann::json& j, Mutation& m);

}  // namespace kt
