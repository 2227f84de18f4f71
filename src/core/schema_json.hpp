// JSON forms of the configuration types (for commands, sync, backups). Missing keys take the defaults of
// the C++ types, so older documents still read.
#pragma once

#include <nlohmann/json.hpp>

#include "core/item.hpp"
#include "core/schema.hpp"

namespace kt {

NLOHMANN_JSON_SERIALIZE_ENUM(FieldType, {
    {FieldType::String, "string"}, {FieldType::Integer, "integer"}, {FieldType::Number, "double"},
    {FieldType::Boolean, "boolean"}, {FieldType::Date, "date"}, {FieldType::DateTime, "datetime"},
    {FieldType::List, "enumeration"}, {FieldType::Money, "money"}, {FieldType::Link, "url"},
    {FieldType::Address, "address"}, {FieldType::File, "file"}, {FieldType::Employee, "employee"},
    {FieldType::CrmBinding, "crm"}, {FieldType::CrmDirectory, "crm_status"}, {FieldType::Stage, "crm_stage"},
    {FieldType::Phone, "phone"}, {FieldType::Email, "email"},
})

NLOHMANN_JSON_SERIALIZE_ENUM(StageSemantics, {
    {StageSemantics::Process, "process"}, {StageSemantics::Success, "success"},
    {StageSemantics::Failure, "failure"},
})

NLOHMANN_JSON_SERIALIZE_ENUM(RangeGroup, {
    {RangeGroup::All, "all"}, {RangeGroup::Pipeline, "pipeline"}, {RangeGroup::Junk, "junk"},
})

NLOHMANN_JSON_SERIALIZE_ENUM(Level, {
    {Level::None, "none"}, {Level::Own, "own"}, {Level::Department, "department"}, {Level::All, "all"},
})

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Labels, ru, en)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ListOption, id, label)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FieldDef, id, entity, type, system, multiple, mandatory,
                                                multiline, precision, max_file_size, label, help, options,
                                                directory, binding_kinds, default_value, visible_to, created_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Stage, id, name, color, semantics)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Pipeline, id, entity, name, is_default, stages)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Directory, id, name, options)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EntityType, id, name, plural, has_stages, has_pipelines,
                                                has_client, system, title_field)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RequiredRange, entity, pipeline, field, group, start, finish)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LayoutElement, field, show_always, title)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LayoutSection, id, title, elements)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TabState, id, hidden)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Layout, sections, tabs)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(View, id, family, name, assigned, auto_apply, created_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EntityRights, read, add, edit, remove, own_view, configure)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Role, id, name, defaults, entities)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Department, id, name, parent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(User, id, name, department, admin, roles, active)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Activity, id, subject, description, deadline_ms, responsible, reminders,
                                                color, participants, location, completed, completed_ms, created_by,
                                                created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ProductRow, id, name, price, quantity, unit, discount_percent, tax_rate,
                                                tax_included)

}  // namespace kt
