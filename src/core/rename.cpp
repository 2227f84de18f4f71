#include "core/rename.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kt {

using nlohmann::json;

namespace {

const std::string& lookup(const std::unordered_map<std::string, std::string>& m, const std::string& id) {
  if (m.empty()) return id;
  auto it = m.find(id);
  return it == m.end() ? id : it->second;
}

void rename_in(std::string& id, const std::unordered_map<std::string, std::string>& m) {
  if (m.empty()) return;
  auto it = m.find(id);
  if (it != m.end()) id = it->second;
}

// A value holding ids (one, or a list of them): each string renamed.
void rename_value(Value& v, const std::unordered_map<std::string, std::string>& m) {
  if (m.empty()) return;
  if (v.is_string()) {
    auto it = m.find(v.as_string());
    if (it != m.end()) v = Value(it->second);
  } else if (v.is_list()) {
    Value::List l = v.as_list();
    for (auto& e : l) rename_value(e, m);
    v = Value(std::move(l));
  }
}

void rename_stage_value(Value& v, const IdRenames& r, const std::string& entity) {
  if (r.stages.empty()) return;
  if (v.is_string()) {
    const std::string& to = r.stage(entity, v.as_string());
    if (to != v.as_string()) v = Value(std::string(to));
  }
}

// The values of field `f` (of the item's old entity) as ids of whatever its type names.
void rename_field_value(const FieldDef* f, Value& v, const IdRenames& r, const std::string& entity) {
  if (!f) return;
  switch (f->type) {
    case FieldType::Employee: rename_value(v, r.users); break;
    case FieldType::CrmBinding: rename_value(v, r.items); break;
    case FieldType::Stage: rename_stage_value(v, r, entity); break;
    default: break;
  }
}

// What a document shows (Document::uses): "F:entity.FIELD" and "I:id", renamed as the field and item are.
void rename_uses(std::vector<std::string>& uses, const IdRenames& r) {
  bool changed = false;
  for (auto& u : uses) {
    std::string to = u;
    if (u.rfind("I:", 0) == 0) {
      to = "I:" + lookup(r.items, u.substr(2));
    } else if (u.rfind("F:", 0) == 0) {
      const auto dot = u.find('.', 2);
      if (dot == std::string::npos) continue;
      const std::string entity = u.substr(2, dot - 2);
      to = "F:" + lookup(r.entities, entity) + "." + r.field(entity, u.substr(dot + 1));
    }
    if (to != u) {
      u = std::move(to);
      changed = true;
    }
  }
  if (changed) std::sort(uses.begin(), uses.end());
}

void rename_codes(std::vector<std::string>& codes, const IdRenames& r) {
  if (r.users.empty()) return;
  for (auto& c : codes) c = r.code(c);
}

void rename_layout(Layout& l, const IdRenames& r, const std::string& entity) {
  if (r.fields.empty()) return;
  for (auto& sec : l.sections)
    for (auto& e : sec.elements) e.field = r.field(entity, e.field);
}

// Conversion and to-do entries name items, entity types and users in their JSON payload.
void rename_payload(TimelineEntry& e, const IdRenames& r) {
  if (e.payload.empty()) return;
  if (e.kind != TimelineKind::Conversion && e.kind != TimelineKind::TodoPlanned) return;
  json j = json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return;
  auto str = [&](json& holder, const char* key, const std::unordered_map<std::string, std::string>& m) {
    if (holder.is_object() && holder.contains(key) && holder[key].is_string())
      holder[key] = lookup(m, holder[key].get<std::string>());
  };
  str(j, "from", r.items);
  str(j, "entity", r.entities);
  str(j, "responsible", r.users);
  if (j.contains("to") && j["to"].is_array())
    for (auto& t : j["to"]) {
      str(t, "item", r.items);
      str(t, "entity", r.entities);
    }
  e.payload = j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Single ids
// ---------------------------------------------------------------------------------------------------------

const std::string& IdRenames::user(const std::string& id) const { return lookup(users, id); }
const std::string& IdRenames::item(const std::string& id) const { return lookup(items, id); }
const std::string& IdRenames::entity(const std::string& id) const { return lookup(entities, id); }

const std::string& IdRenames::field(const std::string& entity, const std::string& id) const {
  if (fields.empty()) return id;
  auto it = fields.find({entity, id});
  return it == fields.end() ? id : it->second;
}

const std::string& IdRenames::stage(const std::string& entity, const std::string& id) const {
  if (stages.empty()) return id;
  auto it = stages.find({entity, id});
  return it == stages.end() ? id : it->second;
}

std::string IdRenames::code(const std::string& c) const {
  // "UA" is every user, not a user "A"; "D<dept>" and "DR<dept>" name departments, which are not renamed.
  if (c.size() > 1 && c[0] == 'U' && c != "UA") return "U" + user(c.substr(1));
  return c;
}

std::string IdRenames::family(const std::string& f) const {
  if (entities.empty()) return f;
  const auto colon = f.find(':');
  const std::string e = f.substr(0, colon);
  const std::string& to = entity(e);
  if (to == e) return f;
  return colon == std::string::npos ? to : to + f.substr(colon);
}

std::string IdRenames::scope(const std::string& s) const {
  if (s.rfind("P:", 0) == 0) return "P:" + user(s.substr(2));
  return s;
}

std::string family_entity(const std::string& family) { return family.substr(0, family.find(':')); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Configuration
// ---------------------------------------------------------------------------------------------------------

void rename_schema(Schema& s, const IdRenames& r) {
  if (r.empty()) return;
  for (auto& et : s.entities) {
    et.title_field = r.field(et.id, et.title_field);
    rename_in(et.id, r.entities);
  }
  for (auto& f : s.fields) {
    const std::string old_entity = f.entity;
    f.id = r.field(old_entity, f.id);
    rename_in(f.entity, r.entities);
    for (auto& k : f.binding_kinds) rename_in(k, r.entities);
    rename_codes(f.visible_to, r);
    rename_in(f.created_by, r.users);
    // A default holds ids like a value does (an Employee field's default responsible person).
    rename_field_value(&f, f.default_value, r, old_entity);
  }
  for (auto& p : s.pipelines) {
    for (auto& st : p.stages) st.id = r.stage(p.entity, st.id);
    rename_in(p.entity, r.entities);
  }
  for (auto& q : s.required) {
    q.field = r.field(q.entity, q.field);
    q.start = r.stage(q.entity, q.start);
    q.finish = r.stage(q.entity, q.finish);
    rename_in(q.entity, r.entities);
  }
  {
    std::map<std::string, Layout> defaults;
    for (auto& [family, l] : s.default_layouts) {
      rename_layout(l, r, family_entity(family));
      defaults[r.family(family)] = std::move(l);
    }
    s.default_layouts = std::move(defaults);
  }
  {
    std::map<std::pair<std::string, std::string>, Layout> layouts;
    for (auto& [key, l] : s.layouts) {
      rename_layout(l, r, family_entity(key.first));
      layouts[{r.family(key.first), r.scope(key.second)}] = std::move(l);
    }
    s.layouts = std::move(layouts);
  }
  for (auto& v : s.views) {
    v.family = r.family(v.family);
    rename_codes(v.assigned, r);
    rename_in(v.created_by, r.users);
  }
  {
    std::map<std::pair<std::string, std::string>, std::string> choices;
    for (const auto& [key, scope] : s.scope_choices)
      choices[{r.user(key.first), r.family(key.second)}] = r.scope(scope);
    s.scope_choices = std::move(choices);
  }
  for (auto& u : s.users) rename_in(u.id, r.users);
  if (!r.entities.empty())
    for (auto& role : s.roles) {
      std::map<std::string, EntityRights> rights;
      for (auto& [key, er] : role.entities) rights[r.family(key)] = er;  // "entity" or "entity:pipeline"
      role.entities = std::move(rights);
    }
  for (auto& t : s.templates) {
    for (auto& target : t.targets) rename_in(target.entity, r.entities);
    rename_codes(t.access, r);
    rename_in(t.created_by, r.users);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Items
// ---------------------------------------------------------------------------------------------------------

void rename_item(const Schema& schema, const IdRenames& r, Item& item, std::vector<TimelineEntry>& timeline) {
  if (r.empty()) return;
  const std::string entity = item.entity;  // the old id: fields and stages are looked up by it
  bool reorder = false;
  for (auto& [fid, cell] : item.fields) {
    rename_field_value(schema.field(entity, fid), cell.value, r, entity);
    const std::string& to = r.field(entity, fid);
    if (to != fid) {
      fid = to;
      reorder = true;
    }
  }
  if (reorder)
    std::sort(item.fields.begin(), item.fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  rename_in(item.id, r.items);
  rename_in(item.entity, r.entities);
  rename_in(item.created_by, r.users);
  rename_in(item.deleted_by, r.users);
  for (auto& a : item.activities) {
    rename_in(a.responsible, r.users);
    for (auto& p : a.participants) rename_in(p, r.users);
    rename_in(a.created_by, r.users);
  }
  for (auto& d : item.documents) {
    rename_in(d.created_by, r.users);
    rename_in(d.entity, r.entities);
    rename_in(d.item_id, r.items);
    rename_uses(d.uses, r);
  }
  for (auto& e : timeline) {
    e.item = item.id;
    rename_in(e.author, r.users);
    rename_in(e.target, r.items);
    if (is_link_entry(e)) {
      // The field is a binding field of the item that links here, of that item's entity type: the caller,
      // who can look that item up, renames it (rename_workspace).
    } else if (!e.field.empty()) {
      const FieldDef* f = schema.field(entity, e.field);
      rename_field_value(f, e.old_value, r, entity);
      rename_field_value(f, e.new_value, r, entity);
      e.field = r.field(entity, e.field);
    } else if (e.kind == TimelineKind::StageChanged) {
      rename_stage_value(e.old_value, r, entity);
      rename_stage_value(e.new_value, r, entity);
    }
    rename_payload(e, r);
  }
}

Workspace rename_workspace(const Workspace& ws, const IdRenames& r) {
  Schema s = ws.schema();
  rename_schema(s, r);
  Workspace out(std::move(s));
  out.raise_last_numbers(ws.last_numbers());
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      if (!it) continue;
      Item copy = *it;
      std::vector<TimelineEntry> tl = ws.timeline(id);
      // Link entries name a binding field of the item that links: renamed as that item's entity type's.
      for (auto& e : tl)
        if (is_link_entry(e) && !e.field.empty())
          if (const Item* other = ws.item(e.target)) e.field = r.field(other->entity, e.field);
      rename_item(ws.schema(), r, copy, tl);
      out.put_item(std::move(copy), std::move(tl), false);
    }
  return out;
}

}  // namespace kt
