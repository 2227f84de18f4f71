// Applying config commands: fields, required rules, layouts, views and scopes, entity types, pipelines,
// users, departments and roles. Every handler checks everything first and changes state only at the end,
// so that a refused command changes nothing.
#include <algorithm>
#include <set>

#include "core/layouts.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"

namespace kt {

namespace {

Status forbidden(const std::string& what) { return Status::Fail("forbidden", "you may not " + what); }

bool valid_field_id(const std::string& id) {
  if (id.empty() || id.size() > 50) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool valid_code(const std::string& c) {
  return (c.size() > 1 && c[0] == 'U') || (c.size() > 1 && c[0] == 'D' && c[1] != 'R') ||
         (c.size() > 2 && c.rfind("DR", 0) == 0);
}

Status check_codes(const std::vector<std::string>& codes) {
  for (const auto& c : codes)
    if (!valid_code(c)) return Status::Fail("invalid_access_code", "not an access code: " + c);
  return Status::Ok();
}

Status check_options(const std::vector<ListOption>& options) {
  std::set<std::string> ids;
  for (const auto& o : options) {
    if (o.id.empty() || !ids.insert(o.id).second)
      return Status::Fail("invalid_options", "list options need unique ids");
    if (o.label.empty()) return Status::Fail("option_label_empty", "a list option has no label");
  }
  return Status::Ok();
}

template <class T, class Pred>
void erase_if(std::vector<T>& v, Pred p) {
  v.erase(std::remove_if(v.begin(), v.end(), p), v.end());
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Fields
// ---------------------------------------------------------------------------------------------------------

Status Workspace::apply_config(const Mutation& m, const PutField& c) {
  const FieldDef& d = c.def;
  if (!schema_.entity(d.entity)) return Status::Fail("unknown_entity", "no such entity type: " + d.entity);
  if (!can_configure(schema_, m.author, d.entity)) return forbidden("configure fields of " + d.entity);
  if (d.label.empty()) return Status::Fail("label_empty", "a field needs a name", d.id);
  if (auto s = check_codes(d.visible_to); !s) return s;
  FieldDef* existing = schema_.field_mut(d.entity, d.id);
  // A field hidden from the author does not exist for him, in configuration either: he cannot change it
  // (nor lift its restriction to read it), and learns only that its id is taken.
  if (existing && !can_see_field(schema_, m.author, *existing))
    return Status::Fail("field_id_taken", "this field id is taken; choose another", d.id);
  // Who may see a field is for administrators (a configuration right covers the rest of a field).
  if (!is_admin(schema_, m.author)) {
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      return v;
    };
    if (sorted(d.visible_to) != sorted(existing ? existing->visible_to : std::vector<std::string>{}))
      return forbidden("change who may see a field: only administrators may");
  }

  if (existing && existing->system) {
    // System fields: only their names and help change (visibility is for custom fields, F-1).
    FieldDef allowed = *existing;
    allowed.label = d.label;
    allowed.help = d.help;
    if (!(allowed == d)) return Status::Fail("system_field", "only the name and help of a system field change", d.id);
    existing->label = d.label;
    existing->help = d.help;
    return Status::Ok();
  }
  if (d.system) return Status::Fail("system_field", "system fields cannot be created", d.id);
  if (!valid_field_id(d.id)) return Status::Fail("invalid_field_id", "field ids use A-Z, 0-9 and _", d.id);
  const auto& types = custom_field_types();
  if (std::find(types.begin(), types.end(), d.type) == types.end())
    return Status::Fail("invalid_type", "this type cannot be used for a custom field", d.id);
  if (existing && existing->type != d.type)
    return Status::Fail("immutable_type", "the type of a field cannot change", d.id);
  if (existing && existing->multiple != d.multiple)
    return Status::Fail("immutable_multiple", "whether a field holds several values cannot change", d.id);
  if (d.type == FieldType::Boolean && d.multiple)
    return Status::Fail("boolean_multiple", "a yes/no field holds one value", d.id);
  if (d.type == FieldType::List) {
    if (auto s = check_options(d.options); !s) return s;
  }
  if (d.type == FieldType::CrmDirectory && !schema_.directory(d.directory))
    return Status::Fail("unknown_directory", "no such directory: " + d.directory, d.id);
  if (d.type == FieldType::CrmBinding) {
    if (d.binding_kinds.empty()) return Status::Fail("binding_kinds_empty", "choose what the field links to", d.id);
    for (const auto& k : d.binding_kinds)
      if (!schema_.entity(k)) return Status::Fail("unknown_entity", "no such entity type: " + k, d.id);
  }
  if (d.type == FieldType::Number && (d.precision < 0 || d.precision > 10))
    return Status::Fail("invalid_precision", "precision is 0 to 10 digits", d.id);
  if (d.type == FieldType::File && d.max_file_size <= 0)
    return Status::Fail("invalid_size", "the size limit must be positive", d.id);
  if (!d.default_value.is_null()) {
    Item probe;
    probe.entity = d.entity;
    if (auto s = validate_value(d, probe, d.default_value); !s) return s;
  }

  if (!existing) {
    FieldDef f = d;
    if (f.created_by.empty()) f.created_by = m.author;
    schema_.fields.push_back(std::move(f));
    return Status::Ok();
  }
  // Removed list options take their values with them; so do visibility-independent settings.
  if (d.type == FieldType::List) {
    for (const auto& id : item_ids(d.entity)) {
      Item& it = items_.at(id).item;
      Cell* cell = const_cast<Cell*>(it.cell(d.id));
      if (!cell) continue;
      Value::List kept;
      for (const auto& v : cell->value.elements())
        if (d.option(v.str_or_empty())) kept.push_back(v);
      if (d.multiple) cell->value = kept.empty() ? Value() : Value(kept);
      else if (kept.empty()) cell->value = Value();
      it.rev = version_;
    }
  }
  const bool mandatory = existing->mandatory;  // changed only through SetRequired
  const std::string creator = existing->created_by;
  *existing = d;
  existing->mandatory = mandatory;
  existing->created_by = creator;
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const DeleteField& c) {
  const FieldDef* f = schema_.field(c.entity, c.field);
  if (!f || !can_see_field(schema_, m.author, *f))  // hidden from him: no such field
    return Status::Fail("unknown_field", "no such field: " + c.field, c.field);
  if (!can_configure(schema_, m.author, c.entity)) return forbidden("delete fields of " + c.entity);
  if (f->system) return Status::Fail("system_field", "system fields can be hidden, not deleted", c.field);
  // The values of every item, the required rules and the definition go; layouts that still name the
  // field ignore it when drawing (L-12).
  for (const auto& id : item_ids(c.entity)) {
    Item& it = items_.at(id).item;
    it.erase(c.field);
    it.rev = version_;
  }
  erase_if(schema_.required, [&](const RequiredRange& r) { return r.entity == c.entity && r.field == c.field; });
  erase_if(schema_.fields, [&](const FieldDef& d) { return d.entity == c.entity && d.id == c.field; });
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const SetRequired& c) {
  FieldDef* f = schema_.field_mut(c.entity, c.field);
  if (!f || !can_see_field(schema_, m.author, *f))  // hidden from him: no such field
    return Status::Fail("unknown_field", "no such field: " + c.field, c.field);
  if (!can_configure(schema_, m.author, c.entity)) return forbidden("configure fields of " + c.entity);
  for (const auto& r : c.ranges)
    if (r.entity != c.entity || r.field != c.field)
      return Status::Fail("invalid_ranges", "a range names another field", c.field);
  if (auto why = check_ranges(schema_, c.ranges); !why.empty()) return Status::Fail("invalid_ranges", why, c.field);
  erase_if(schema_.required, [&](const RequiredRange& r) { return r.entity == c.entity && r.field == c.field; });
  f->mandatory = c.mandatory;
  if (!c.mandatory)  // always-required wins, and its ranges are gone
    schema_.required.insert(schema_.required.end(), c.ranges.begin(), c.ranges.end());
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Layouts, views, scopes
// ---------------------------------------------------------------------------------------------------------

namespace {

// A family names an entity type (and a pipeline of it, or a lead kind) that exists.
Status check_family(const Schema& s, const std::string& family) {
  auto [entity, pipeline] = family_owner(s, family);
  const EntityType* et = s.entity(entity);
  if (!et) return Status::Fail("unknown_family", "no such layout family: " + family);
  if (entity == "lead") {
    if (family != "lead:simple" && family != "lead:repeat")
      return Status::Fail("unknown_family", "no such layout family: " + family);
  } else if (et->has_stages && !s.pipeline(entity, pipeline)) {
    return Status::Fail("unknown_family", "no such pipeline: " + pipeline);
  } else if (!et->has_pipelines && family != entity) {
    return Status::Fail("unknown_family", "no such layout family: " + family);
  }
  return Status::Ok();
}

}  // namespace

Status Workspace::apply_config(const Mutation& m, const PutLayout& c) {
  if (auto s = check_family(schema_, c.family); !s) return s;
  const bool scope_ok = c.scope == common_scope() || (c.scope.size() > 2 && (c.scope.rfind("P:", 0) == 0 || c.scope.rfind("V:", 0) == 0));
  if (!scope_ok) return Status::Fail("invalid_scope", "no such scope: " + c.scope);
  if (c.scope.rfind("P:", 0) == 0 && !schema_.user(c.scope.substr(2)))
    return Status::Fail("unknown_user", "no such user: " + c.scope.substr(2));
  if (c.scope.rfind("V:", 0) == 0) {
    const View* v = schema_.view(c.scope.substr(2));
    if (!v || v->family != c.family) return Status::Fail("unknown_view", "no such view: " + c.scope.substr(2));
  }
  if (!can_edit_scope(schema_, m.author, c.family, c.scope)) return forbidden("edit this card view");
  const auto key = std::make_pair(c.family, c.scope);
  if (c.reset) {
    if (c.scope.rfind("V:", 0) == 0)
      return Status::Fail("invalid_scope", "a view always has its own layout; edit it or delete the view");
    schema_.layouts.erase(key);
    // V-7: after a personal reset the user still looks at his (now inherited) personal view.
    if (c.scope.rfind("P:", 0) == 0) schema_.scope_choices[{c.scope.substr(2), c.family}] = c.scope;
    return Status::Ok();
  }
  if (auto s = check_layout(c.layout); !s) return s;
  auto [entity, pipeline] = family_owner(schema_, c.family);
  if (const Layout* before = effective_layout(schema_, c.family, c.scope))
    if (auto s = check_layout_change(schema_, entity, pipeline, *before, c.layout); !s) return s;
  schema_.layouts[key] = c.layout;
  return Status::Ok();
}

void Workspace::apply_auto_views(const std::string& user) {
  // V-10: the newest auto-applied view of each family the user belongs to becomes his selection.
  std::set<std::string> done;
  for (auto it = schema_.views.rbegin(); it != schema_.views.rend(); ++it) {
    if (!it->auto_apply || done.count(it->family) || !matches_codes(schema_, user, it->assigned)) continue;
    schema_.scope_choices[{user, it->family}] = view_scope(it->id);
    done.insert(it->family);
  }
}

Status Workspace::check(const std::string& author, const PutView& c) const {
  const View& v = c.view;
  if (v.id.empty()) return Status::Fail("invalid_id", "a view needs an id");
  const View* existing = schema_.view(v.id);
  const std::string& family = existing ? existing->family : v.family;
  if (auto s = check_family(schema_, family); !s) return s;
  if (!can_configure(schema_, author, family_owner(schema_, family).first)) return forbidden("manage card views");
  if (c.remove) return existing ? Status::Ok() : Status::Fail("unknown_view", "no such view: " + v.id);
  if (existing && existing->family != v.family) return Status::Fail("invalid_view", "a view stays in its family");
  if (blank(v.name)) return Status::Fail("view_name_empty", "a view needs a name");
  if (v.assigned.empty()) return Status::Fail("view_unassigned", "assign the view to at least one user or department");
  return check_codes(v.assigned);
}

Status Workspace::apply_config(const Mutation& m, const PutView& c) {
  if (Status s = check(m.author, c); !s) return s;
  const View& v = c.view;
  const View* existing = schema_.view(v.id);
  const std::string family = existing ? existing->family : v.family;
  const std::string scope = view_scope(v.id);

  if (c.remove) {
    // V-12: members' selections of the view go; they fall back by V-2.
    for (auto it = schema_.scope_choices.begin(); it != schema_.scope_choices.end();)
      it = it->second == scope ? schema_.scope_choices.erase(it) : std::next(it);
    schema_.layouts.erase({family, scope});
    erase_if(schema_.views, [&](const View& x) { return x.id == v.id; });
    return Status::Ok();
  }
  if (existing) {
    View updated = v;
    updated.created_by = existing->created_by;
    *const_cast<View*>(existing) = updated;
  } else {
    View created = v;
    if (created.created_by.empty()) created.created_by = m.author;
    schema_.views.push_back(created);
    // A view is a full copy of the layout (V-2: scopes never merge); it starts as the common one.
    if (!schema_.stored_layout(family, scope))
      if (const Layout* base = effective_layout(schema_, family, common_scope())) schema_.layouts[{family, scope}] = *base;
  }
  if (v.auto_apply)
    for (const auto& u : schema_.users)
      if (matches_codes(schema_, u.id, v.assigned)) schema_.scope_choices[{u.id, family}] = scope;
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const SelectScope& c) {
  if (!schema_.user(c.user)) return Status::Fail("unknown_user", "no such user: " + c.user);
  if (c.user != m.author && !is_admin(schema_, m.author)) return forbidden("choose the view of another user");
  if (auto s = check_family(schema_, c.family); !s) return s;
  const auto key = std::make_pair(c.user, c.family);
  if (c.scope.empty()) {
    schema_.scope_choices.erase(key);
    return Status::Ok();
  }
  if (c.scope.rfind("V:", 0) == 0) {
    const View* v = schema_.view(c.scope.substr(2));
    if (!v || v->family != c.family) return Status::Fail("unknown_view", "no such view");
    if (!is_admin(schema_, c.user) && !matches_codes(schema_, c.user, v->assigned))
      return Status::Fail("view_not_assigned", "this view is not assigned to the user");
  } else if (c.scope.rfind("P:", 0) == 0) {
    auto [entity, pipeline] = family_owner(schema_, c.family);
    if (c.scope != personal_scope(c.user)) return Status::Fail("invalid_scope", "a user picks only his own view");
    if (!allow_own_view(schema_, c.user, entity, pipeline))
      return Status::Fail("own_view_forbidden", "the user may not have an own card view");
  } else if (c.scope != common_scope()) {
    return Status::Fail("invalid_scope", "no such scope: " + c.scope);
  }
  schema_.scope_choices[key] = c.scope;
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const ForceCommonScope& c) {
  if (auto s = check_family(schema_, c.family); !s) return s;
  auto [entity, pipeline] = family_owner(schema_, c.family);
  if (!can_configure(schema_, m.author, entity)) return forbidden("set the common view for everyone");
  // V-6: every personal layout and every scope choice of the family goes.
  for (auto it = schema_.layouts.begin(); it != schema_.layouts.end();)
    it = it->first.first == c.family && it->first.second.rfind("P:", 0) == 0 ? schema_.layouts.erase(it)
                                                                             : std::next(it);
  for (auto it = schema_.scope_choices.begin(); it != schema_.scope_choices.end();)
    it = it->first.second == c.family ? schema_.scope_choices.erase(it) : std::next(it);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Entity types and pipelines
// ---------------------------------------------------------------------------------------------------------

namespace {

std::vector<Stage> default_stages() {
  return {{"NEW", {"Новый", "New"}, "#39a8ef", StageSemantics::Process},
          {"IN_PROGRESS", {"В работе", "In progress"}, "#2fc6f6", StageSemantics::Process},
          {"SUCCESS", {"Успех", "Success"}, "#7bd500", StageSemantics::Success},
          {"FAIL", {"Провал", "Failure"}, "#ff5752", StageSemantics::Failure}};
}

FieldDef system_field(const std::string& entity, const char* id, FieldType t, Labels label) {
  FieldDef f;
  f.id = id;
  f.entity = entity;
  f.type = t;
  f.system = true;
  f.label = std::move(label);
  return f;
}

// The client block of a type: companies and contacts, several of them.
FieldDef client_field(const std::string& entity) {
  FieldDef client = system_field(entity, "CLIENT", FieldType::CrmBinding, {"Клиент", "Client"});
  client.multiple = true;
  client.binding_kinds = {"company", "contact"};
  return client;
}

}  // namespace

Status Workspace::check(const std::string& author, const PutEntityType& c) const {
  const EntityType& t = c.type;
  if (!is_admin(schema_, author)) return forbidden("manage entity types");
  if (blank(t.name) || blank(t.plural)) return Status::Fail("name_empty", "an entity type needs names");
  if (const EntityType* existing = schema_.entity(t.id)) {
    EntityType allowed = *existing;
    allowed.name = t.name;
    allowed.plural = t.plural;
    allowed.has_client = existing->system ? existing->has_client : t.has_client;
    if (!(allowed == t))
      return Status::Fail("immutable_entity", "only the names and the client block of a type can change");
    return Status::Ok();
  }
  if (t.id.rfind("smart_", 0) != 0 || t.id.size() < 7)
    return Status::Fail("invalid_id", "a new entity type id starts with smart_");
  if (t.system) return Status::Fail("invalid_entity", "a new entity type is not a system type");
  if (t.has_pipelines && !t.has_stages) return Status::Fail("invalid_entity", "pipelines need stages");
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutEntityType& c) {
  if (Status s = check(m.author, c); !s) return s;
  const EntityType& t = c.type;
  EntityType* existing = const_cast<EntityType*>(schema_.entity(t.id));
  if (existing) {
    if (t.has_client && !existing->has_client) {
      if (!schema_.field(t.id, "CLIENT")) schema_.fields.push_back(client_field(t.id));
      // The client shows on the card: in the first section of the type's default layout and of every layout
      // kept for it, after the fields there, as a new type's layout has it.
      auto add_client = [](Layout& l) {
        if (!l.sections.empty() && !l.has_field("CLIENT")) l.sections.front().elements.push_back({"CLIENT", true, {}});
      };
      if (auto d = schema_.default_layouts.find(t.id); d != schema_.default_layouts.end()) add_client(d->second);
      for (auto& [key, layout] : schema_.layouts)
        if (family_owner(schema_, key.first).first == t.id) add_client(layout);
    }
    *existing = t;
    return Status::Ok();
  }
  EntityType created = t;
  created.title_field = "TITLE";
  schema_.entities.push_back(created);
  const std::string& e = t.id;
  schema_.fields.push_back(system_field(e, "TITLE", FieldType::String, {"Название", "Title"}));
  if (t.has_stages) schema_.fields.push_back(system_field(e, "STAGE_ID", FieldType::Stage, {"Стадия", "Stage"}));
  if (t.has_client) schema_.fields.push_back(client_field(e));
  schema_.fields.push_back(system_field(e, "OPPORTUNITY_WITH_CURRENCY", FieldType::Money, {"Сумма и валюта", "Amount and currency"}));
  schema_.fields.push_back(system_field(e, "IS_MANUAL_OPPORTUNITY", FieldType::Boolean, {"Сумма указана вручную", "Amount set by hand"}));
  schema_.fields.push_back(system_field(e, "BEGINDATE", FieldType::Date, {"Дата начала", "Start date"}));
  schema_.fields.push_back(system_field(e, "CLOSEDATE", FieldType::Date, {"Дата завершения", "Close date"}));
  schema_.fields.push_back(system_field(e, "ASSIGNED_BY_ID", FieldType::Employee, {"Ответственный", "Responsible"}));
  FieldDef comments = system_field(e, "COMMENTS", FieldType::String, {"Комментарий", "Comment"});
  comments.multiline = true;
  schema_.fields.push_back(comments);
  if (t.has_stages) schema_.pipelines.push_back(Pipeline{"0", e, t.plural, true, default_stages()});
  schema_.default_layouts[e] = default_layout_for(schema_, e);
  return Status::Ok();
}

size_t Workspace::items_in(const std::string& entity, const std::string& pipeline, const std::string* stage) const {
  size_t n = 0;
  for (const auto& id : item_ids(entity)) {
    const Item& it = items_.at(id).item;
    if (it.deleted || it.pipeline != pipeline) continue;
    if (!stage || it.get("STAGE_ID").str_or_empty() == *stage) ++n;
  }
  return n;
}

Status Workspace::check(const std::string& author, const PutPipeline& c) const {
  const Pipeline& p = c.pipeline;
  const EntityType* et = schema_.entity(p.entity);
  if (!et) return Status::Fail("unknown_entity", "no such entity type: " + p.entity);
  if (!can_configure(schema_, author, p.entity)) return forbidden("manage pipelines of " + p.entity);
  if (!et->has_stages) return Status::Fail("no_stages", p.entity + " has no stages");
  const Pipeline* existing = schema_.pipeline(p.entity, p.id);
  if (c.remove) {
    if (!existing) return Status::Fail("unknown_pipeline", "no such pipeline: " + p.id);
    if (existing->is_default) return Status::Fail("default_pipeline", "the default pipeline cannot be deleted");
    if (items_in(p.entity, p.id)) return Status::Fail("pipeline_has_items", "there are items in this pipeline");
    return Status::Ok();
  }
  if (p.id.empty()) return Status::Fail("invalid_id", "a pipeline needs an id");
  if (blank(p.name)) return Status::Fail("name_empty", "a pipeline needs a name");
  if (auto why = check_stage_order(p.stages); !why.empty()) return Status::Fail("invalid_stages", why);
  for (const auto& s : p.stages)
    if (blank(s.name)) return Status::Fail("stage_name_empty", "every stage needs a name");
  // Stage ids are unique within the entity type, across its pipelines.
  for (const auto& other : schema_.pipelines) {
    if (other.entity != p.entity || other.id == p.id) continue;
    for (const auto& s : p.stages)
      if (other.stage(s.id)) return Status::Fail("stage_id_taken", "stage id " + s.id + " is used in another pipeline");
  }
  if (!existing) {
    if (!et->has_pipelines) return Status::Fail("no_pipelines", p.entity + " has a single pipeline");
    if (p.is_default) return Status::Fail("default_pipeline", "there is a default pipeline already");
    return Status::Ok();
  }
  if (existing->is_default != p.is_default)
    return Status::Fail("default_pipeline", "which pipeline is the default does not change");
  for (const auto& s : existing->stages)
    if (!p.stage(s.id) && items_in(p.entity, p.id, &s.id))
      return Status::Fail("stage_has_items", "there are items on stage " + s.id);
  for (const auto& s : existing->stages)
    if (const Stage* ns = p.stage(s.id); ns && ns->semantics != s.semantics)
      return Status::Fail("immutable_semantics", "the kind of stage " + s.id + " cannot change");
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutPipeline& c) {
  if (Status s = check(m.author, c); !s) return s;
  const Pipeline& p = c.pipeline;
  Pipeline* existing = schema_.pipeline_mut(p.entity, p.id);
  if (c.remove) {
    erase_if(schema_.required, [&](const RequiredRange& r) { return r.entity == p.entity && r.pipeline == p.id; });
    const std::string family = layout_family(schema_, p.entity, p.id);
    for (auto it = schema_.layouts.begin(); it != schema_.layouts.end();)
      it = it->first.first == family ? schema_.layouts.erase(it) : std::next(it);
    erase_if(schema_.pipelines, [&](const Pipeline& x) { return x.entity == p.entity && x.id == p.id; });
    return Status::Ok();
  }
  if (!existing) {
    schema_.pipelines.push_back(p);
    return Status::Ok();
  }
  schema_.required = adjust_ranges(schema_.required, p.entity, p.id, existing->stages, p.stages);
  *existing = p;
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Users, departments, roles
// ---------------------------------------------------------------------------------------------------------

Status Workspace::check(const std::string& author, const PutUser& c) const {
  const User& u = c.user;
  if (!is_admin(schema_, author)) return forbidden("manage users");
  if (u.id.empty()) return Status::Fail("invalid_id", "a user needs an id");
  if (blank(u.name)) return Status::Fail("name_empty", "a user needs a name");
  if (!u.department.empty() && !schema_.department(u.department))
    return Status::Fail("unknown_department", "no such department: " + u.department);
  for (const auto& r : u.roles)
    if (!schema_.role(r)) return Status::Fail("unknown_role", "no such role: " + r);
  const User* existing = schema_.user(u.id);
  if (existing && existing->admin && existing->active && (!u.admin || !u.active)) {
    size_t admins = std::count_if(schema_.users.begin(), schema_.users.end(),
                                  [](const User& x) { return x.admin && x.active; });
    if (admins <= 1) return Status::Fail("last_admin", "the workspace needs an active administrator");
  }
  if (!existing && schema_.users.empty() && !u.admin)
    return Status::Fail("last_admin", "the first user of a workspace is its administrator");
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutUser& c) {
  if (Status s = check(m.author, c); !s) return s;
  const User& u = c.user;
  User* existing = const_cast<User*>(schema_.user(u.id));
  const bool moved = !existing || existing->department != u.department;
  if (existing) *existing = u;
  else schema_.users.push_back(u);
  if (moved) apply_auto_views(u.id);
  return Status::Ok();
}

Status Workspace::check(const std::string& author, const PutDepartment& c) const {
  const Department& d = c.department;
  if (!is_admin(schema_, author)) return forbidden("manage departments");
  const Department* existing = schema_.department(d.id);
  if (c.remove) {
    if (!existing) return Status::Fail("unknown_department", "no such department: " + d.id);
    for (const auto& u : schema_.users)
      if (u.department == d.id) return Status::Fail("department_not_empty", "the department has members");
    for (const auto& x : schema_.departments)
      if (x.parent == d.id) return Status::Fail("department_not_empty", "the department has sub-departments");
    return Status::Ok();
  }
  if (d.id.empty()) return Status::Fail("invalid_id", "a department needs an id");
  if (blank(d.name)) return Status::Fail("name_empty", "a department needs a name");
  if (!d.parent.empty()) {
    if (!schema_.department(d.parent)) return Status::Fail("unknown_department", "no such department: " + d.parent);
    auto below = department_subtree(schema_, d.id);
    if (existing && std::find(below.begin(), below.end(), d.parent) != below.end())
      return Status::Fail("department_cycle", "a department cannot sit inside itself");
  }
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutDepartment& c) {
  if (Status s = check(m.author, c); !s) return s;
  const Department& d = c.department;
  if (c.remove) erase_if(schema_.departments, [&](const Department& x) { return x.id == d.id; });
  else if (Department* existing = const_cast<Department*>(schema_.department(d.id))) *existing = d;
  else schema_.departments.push_back(d);
  return Status::Ok();
}

Status Workspace::check(const std::string& author, const PutRole& c) const {
  const Role& r = c.role;
  if (!is_admin(schema_, author)) return forbidden("manage roles");
  if (c.remove) {
    if (!schema_.role(r.id)) return Status::Fail("unknown_role", "no such role: " + r.id);
    return Status::Ok();
  }
  if (r.id.empty()) return Status::Fail("invalid_id", "a role needs an id");
  if (blank(r.name)) return Status::Fail("name_empty", "a role needs a name");
  for (const auto& [key, rights] : r.entities) {
    auto colon = key.find(':');
    if (!schema_.entity(key.substr(0, colon))) return Status::Fail("unknown_entity", "no such entity type: " + key);
  }
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutRole& c) {
  if (Status s = check(m.author, c); !s) return s;
  const Role& r = c.role;
  if (c.remove) {
    for (auto& u : schema_.users) erase_if(u.roles, [&](const std::string& x) { return x == r.id; });
    erase_if(schema_.roles, [&](const Role& x) { return x.id == r.id; });
  } else if (Role* existing = const_cast<Role*>(schema_.role(r.id))) {
    *existing = r;
  } else {
    schema_.roles.push_back(r);
  }
  return Status::Ok();
}

}  // namespace kt
