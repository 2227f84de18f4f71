// Conversion (inventory §6): the planner and the command.
#include "core/convert.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"

namespace kt {

using nlohmann::json;

namespace {

// System fields carried over from a source to a destination (EntityConversionMap): {source, destination}.
struct FieldMap {
  const char* from;
  const char* to;
  std::vector<std::pair<const char*, const char*>> fields;
};

const std::vector<FieldMap>& field_maps() {
  static const std::vector<FieldMap> maps = {
      {"lead", "deal",
       {{"TITLE", "TITLE"}, {"OPPORTUNITY_WITH_CURRENCY", "OPPORTUNITY_WITH_CURRENCY"},
        {"IS_MANUAL_OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"}, {"SOURCE_ID", "SOURCE_ID"},
        {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"}, {"COMMENTS", "COMMENTS"}}},
      {"lead", "contact",
       {{"NAME", "NAME"}, {"LAST_NAME", "LAST_NAME"}, {"POST", "POST"}, {"PHONE", "PHONE"}, {"EMAIL", "EMAIL"},
        {"ADDRESS", "ADDRESS"}, {"SOURCE_ID", "SOURCE_ID"}, {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"},
        {"COMMENTS", "COMMENTS"}}},
      {"lead", "company",
       {{"COMPANY_TITLE", "TITLE"}, {"PHONE", "PHONE"}, {"EMAIL", "EMAIL"}, {"ADDRESS", "ADDRESS"},
        {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"}}},
      {"deal", "invoice",
       {{"TITLE", "TITLE"}, {"OPPORTUNITY_WITH_CURRENCY", "OPPORTUNITY_WITH_CURRENCY"},
        {"IS_MANUAL_OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"}, {"CLIENT", "CLIENT"},
        {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"}, {"COMMENTS", "COMMENTS"}}},
      {"deal", "quote",
       {{"TITLE", "TITLE"}, {"OPPORTUNITY_WITH_CURRENCY", "OPPORTUNITY_WITH_CURRENCY"},
        {"IS_MANUAL_OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"}, {"CLIENT", "CLIENT"},
        {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"}, {"COMMENTS", "COMMENTS"}}},
      {"quote", "deal",
       {{"TITLE", "TITLE"}, {"OPPORTUNITY_WITH_CURRENCY", "OPPORTUNITY_WITH_CURRENCY"},
        {"IS_MANUAL_OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"}, {"CLIENT", "CLIENT"},
        {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"}, {"COMMENTS", "COMMENTS"}, {"LEAD_ID", "LEAD_ID"}}},
      {"quote", "invoice",
       {{"TITLE", "TITLE"}, {"OPPORTUNITY_WITH_CURRENCY", "OPPORTUNITY_WITH_CURRENCY"},
        {"IS_MANUAL_OPPORTUNITY", "IS_MANUAL_OPPORTUNITY"}, {"CLIENT", "CLIENT"},
        {"ASSIGNED_BY_ID", "ASSIGNED_BY_ID"}, {"COMMENTS", "COMMENTS"}, {"DEAL_ID", "DEAL_ID"}}},
  };
  return maps;
}

const FieldMap* field_map(const std::string& from, const std::string& to) {
  for (const auto& m : field_maps())
    if (m.from == from && m.to == to) return &m;
  return nullptr;
}

// The field of a destination holding the link back to a source of this kind.
const char* back_link(const std::string& source_entity) {
  if (source_entity == "lead") return "LEAD_ID";
  if (source_entity == "deal") return "DEAL_ID";
  if (source_entity == "quote") return "QUOTE_ID";
  return "";
}

bool same_label(const Labels& a, const Labels& b) {
  auto eq = [](const std::string& x, const std::string& y) { return !x.empty() && fold(x) == fold(y); };
  return eq(a.ru, b.ru) || eq(a.en, b.en);
}

// A custom field of `dest` matching the source's by type, multiplicity and label, visible to the user.
const FieldDef* matching_field(const Schema& s, const std::string& user, const FieldDef& src, const std::string& dest) {
  for (const FieldDef* f : s.fields_of(dest))
    if (!f->system && f->type == src.type && f->multiple == src.multiple && same_label(f->label, src.label) &&
        can_see_field(s, user, *f))
      return f;
  return nullptr;
}

// The value of a source field as the destination field holds it: list options are matched by label.
Value carry(const Schema& s, const FieldDef& from, const FieldDef& to, const Value& v) {
  if (from.type != FieldType::List) return v;
  auto map_one = [&](const Value& e) -> Value {
    const ListOption* o = from.option(e.str_or_empty());
    if (!o) return {};
    for (const auto& t : to.options)
      if (same_label(t.label, o->label)) return Value(t.id);
    return {};
  };
  if (!v.is_list()) return map_one(v);
  Value::List out;
  for (const auto& e : v.as_list())
    if (Value m = map_one(e); !m.is_null()) out.push_back(m);
  (void)s;
  return out.empty() ? Value() : Value(out);
}

void put_value(std::vector<std::pair<std::string, Value>>& fields, const std::string& field, const Value& v) {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& p) { return p.first == field; });
  if (v.is_null()) {
    if (it != fields.end()) fields.erase(it);
  } else if (it != fields.end()) {
    it->second = v;
  } else {
    fields.emplace_back(field, v);
  }
}

std::string first_success_stage(const Schema& s, const Item& it) {
  if (const Pipeline* p = s.pipeline(it.entity, it.pipeline))
    for (const auto& st : p->stages)
      if (st.semantics == StageSemantics::Success) return st.id;
  return {};
}

bool on_success_stage(const Schema& s, const Item& it) {
  const std::string stage = it.get("STAGE_ID").str_or_empty();
  if (const Pipeline* p = s.pipeline(it.entity, it.pipeline))
    for (const auto& st : p->stages)
      if (st.id == stage) return st.semantics == StageSemantics::Success;
  return false;
}

// The required fields a new item with these values would leave empty on its first stage.
std::vector<std::string> missing_for(const Schema& s, const std::string& user, const ConvertTarget& t) {
  Item probe;
  probe.entity = t.entity;
  const Pipeline* p = t.pipeline.empty() ? s.default_pipeline(t.entity) : s.pipeline(t.entity, t.pipeline);
  if (p) probe.pipeline = p->id;
  for (const auto& f : s.fields)
    if (f.entity == t.entity && !f.default_value.is_null()) probe.cell_for_write(f.id).value = f.default_value;
  std::string stage;
  if (p && !p->stages.empty()) stage = p->stages.front().id;
  for (const auto& [fid, v] : t.fields)
    if (fid == "STAGE_ID") stage = v.str_or_empty();
  return missing_required(s, user, probe, stage, t.fields);
}

}  // namespace

std::vector<std::vector<std::string>> conversion_schemes(const std::string& source_entity) {
  if (source_entity == "lead")
    return {{"deal", "contact", "company"}, {"deal", "contact"}, {"deal", "company"}, {"deal"},
            {"contact", "company"}, {"contact"}, {"company"}};
  if (source_entity == "deal") return {{"invoice"}, {"quote"}};
  if (source_entity == "quote") return {{"deal"}, {"invoice"}};
  return {};
}

Status plan_conversion(const Workspace& ws, const std::string& user, const std::string& source,
                       const std::vector<std::string>& destinations,
                       const std::function<std::string(const std::string&)>& new_id, ConversionPlan* out) {
  *out = ConversionPlan{};
  const Schema& s = ws.schema();
  const Item* src = ws.item(source);
  if (!src || src->deleted) return Status::Fail("unknown_item", "no such item: " + source);
  auto schemes = conversion_schemes(src->entity);
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (std::none_of(schemes.begin(), schemes.end(), [&](const auto& x) { return sorted(x) == sorted(destinations); }))
    return Status::Fail("invalid_scheme", src->entity + " cannot be converted into these items");
  if (!can_act(s, user, *src, Action::Edit)) return Status::Fail("forbidden", "you may not edit this item");
  if (src->entity == "lead" && on_success_stage(s, *src))
    return Status::Fail("already_converted", "this lead is already converted");
  for (const auto& d : destinations)
    if (!s.entity(d) || !can_add(s, user, d, "")) return Status::Fail("forbidden", "you may not create items of this kind: " + d);

  auto has = [&](const char* e) { return std::find(destinations.begin(), destinations.end(), e) != destinations.end(); };
  Convert& cmd = out->command;
  cmd.item = source;

  // Targets in creation order: what others link to comes first.
  std::string company_id, contact_id;
  for (const char* entity : {"company", "contact", "deal", "quote", "invoice"}) {
    if (!has(entity)) continue;
    // A repeat lead already names its client: use it rather than create a second one.
    const std::string existing = src->entity == "lead" && (std::string(entity) == "company" || std::string(entity) == "contact")
                                     ? src->get(std::string(entity) == "company" ? "COMPANY_ID" : "CONTACT_ID").str_or_empty()
                                     : "";
    if (!existing.empty() && ws.item(existing) && !ws.item(existing)->deleted) {
      (std::string(entity) == "company" ? company_id : contact_id) = existing;
      out->reused.push_back(existing);
      continue;
    }
    ConvertTarget t;
    t.entity = entity;
    t.item = new_id(t.entity.substr(0, 2));
    if (const FieldMap* map = field_map(src->entity, entity))
      for (const auto& [from, to] : map->fields) {
        const FieldDef* ff = s.field(src->entity, from);
        const FieldDef* tf = s.field(entity, to);
        const Value& v = src->get(from);
        if (!ff || !tf || v.empty() || !can_see_field(s, user, *ff) || !can_see_field(s, user, *tf)) continue;
        put_value(t.fields, to, v);
      }
    // A company from a lead without a company name takes the lead's title.
    if (t.entity == "company" && src->entity == "lead" && src->get("COMPANY_TITLE").empty())
      put_value(t.fields, "TITLE", src->get("TITLE"));
    if (const FieldDef* f = s.field(entity, back_link(src->entity)))
      if (can_see_field(s, user, *f)) put_value(t.fields, f->id, Value(source));
    // Custom fields: matched by type, multiplicity and label; the rest proposed for creation.
    for (const FieldDef* sf : s.fields_of(src->entity)) {
      if (sf->system || !can_see_field(s, user, *sf)) continue;
      if (const FieldDef* df = matching_field(s, user, *sf, entity)) {
        const Value v = carry(s, *sf, *df, src->get(sf->id));
        if (!v.empty()) put_value(t.fields, df->id, v);
        continue;
      }
      FieldDef proposed = *sf;
      proposed.entity = entity;
      proposed.created_by = user;
      proposed.mandatory = false;  // a copied field must not block the conversion it was created for
      std::string id = sf->id;
      for (int n = 2; s.field(entity, id); ++n) id = sf->id + "_" + std::to_string(n);
      proposed.id = id;
      out->unmatched.push_back({sf->id, std::move(proposed)});
    }
    if (src->entity == "deal" || src->entity == "quote" || (src->entity == "lead" && t.entity == "deal"))
      t.products = src->products;
    if (t.entity == "company") company_id = t.item;
    if (t.entity == "contact") contact_id = t.item;
    cmd.targets.push_back(std::move(t));
  }

  // Links between the new items, and from the lead to its new client.
  for (auto& t : cmd.targets) {
    if (t.entity == "contact" && !company_id.empty() && s.field("contact", "COMPANY_ID"))
      put_value(t.fields, "COMPANY_ID", Value(company_id));
    if (t.entity == "deal" && src->entity == "lead" && (!company_id.empty() || !contact_id.empty())) {
      Value::List client;
      if (!company_id.empty()) client.emplace_back(company_id);
      if (!contact_id.empty()) client.emplace_back(contact_id);
      put_value(t.fields, "CLIENT", Value(client));
    }
  }
  if (src->entity == "lead") {
    if (!contact_id.empty() && src->get("CONTACT_ID").empty()) put_value(cmd.source_fields, "CONTACT_ID", Value(contact_id));
    if (!company_id.empty() && src->get("COMPANY_ID").empty()) put_value(cmd.source_fields, "COMPANY_ID", Value(company_id));
  }
  if (src->entity == "quote" && has("deal") && src->get("DEAL_ID").empty())
    for (const auto& t : cmd.targets)
      if (t.entity == "deal") put_value(cmd.source_fields, "DEAL_ID", Value(t.item));
  if (src->entity == "deal")
    for (auto& t : cmd.targets) put_value(t.fields, "DEAL_ID", Value(source));

  for (size_t i = 0; i < cmd.targets.size(); ++i)
    if (auto m = missing_for(s, user, cmd.targets[i]); !m.empty()) out->missing.push_back({static_cast<int>(i), m});
  if (src->entity == "lead") {
    auto m = missing_required(s, user, *src, first_success_stage(s, *src), cmd.source_fields);
    if (!m.empty()) out->missing.push_back({-1, m});
  }
  return Status::Ok();
}

void set_planned_value(ConversionPlan* plan, int target, const std::string& field, const Value& value) {
  auto& fields = target < 0 ? plan->command.source_fields : plan->command.targets.at(static_cast<size_t>(target)).fields;
  put_value(fields, field, value);
}

// ---------------------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------------------

Status Workspace::apply_item(const Mutation& m, const Convert& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  if (found->second.item.deleted) return Status::Fail("item_deleted", "item " + c.item + " is deleted");
  const std::string source_entity = found->second.item.entity;
  if (!can_act(schema_, m.author, found->second.item, Action::Edit))
    return Status::Fail("forbidden", "you may not edit this item");
  if (c.targets.empty()) return Status::Fail("invalid_scheme", "nothing to create");
  if (source_entity == "lead" && on_success_stage(schema_, found->second.item))
    return Status::Fail("already_converted", "this lead is already converted");
  {
    std::vector<std::string> kinds;
    for (const auto& t : c.targets) kinds.push_back(t.entity);
    std::sort(kinds.begin(), kinds.end());
    bool allowed = false;
    for (auto scheme : conversion_schemes(source_entity)) {
      std::sort(scheme.begin(), scheme.end());
      // A repeat lead reuses its contact or company, so any part of a scheme is allowed.
      allowed = allowed || std::includes(scheme.begin(), scheme.end(), kinds.begin(), kinds.end());
    }
    if (!allowed || std::adjacent_find(kinds.begin(), kinds.end()) != kinds.end())
      return Status::Fail("invalid_scheme", source_entity + " cannot be converted into these items");
  }

  // All or nothing: what the steps may touch is saved and put back when one fails.
  std::vector<std::string> touched = affected_items(Command{c});
  // Each touched item that exists, with its timeline (saved and put back decoded).
  std::vector<std::pair<std::string, Slot>> saved;
  for (const auto& id : touched)
    if (Slot* s = slot(id)) saved.emplace_back(id, Slot{s->item, unpacked(*s), {}});
  const size_t saved_new_entries = new_entries_.size();
  const auto saved_numbers = last_number_;  // the targets' numbers are handed out again
  auto roll_back = [&](Status why) {
    stamp_.bump();  // items are removed and put back
    last_number_ = saved_numbers;
    for (const auto& t : c.targets) {
      if (auto made = items_.find(t.item); made != items_.end()) {
        drop_packed(made->second);
        items_.erase(made);
        auto& ids = ids_by_entity_[t.entity];
        ids.erase(std::remove(ids.begin(), ids.end(), t.item), ids.end());
      }
    }
    for (auto& [id, s] : saved) {
      Slot& back = items_[id];
      drop_packed(back);
      back.item = std::move(s.item);
      back.timeline = std::move(s.timeline);
    }
    new_entries_.resize(std::min(new_entries_.size(), saved_new_entries));
    return why;
  };

  for (const auto& t : c.targets) {
    if (auto s = apply_create(m, CreateItem{t.item, t.entity, t.pipeline, t.fields}); !s) return roll_back(s);
    Slot& created = items_.at(t.item);
    created.item.products = t.products;
    TimelineEntry& e = add_timeline(m, created, TimelineKind::Conversion, {}, {}, {}, nullptr);
    e.target = c.item;
    e.payload = json{{"from", c.item}, {"entity", source_entity}}.dump();
  }
  Item& src = items_.at(c.item).item;
  for (const auto& [fid, v] : c.source_fields) {
    const FieldDef* f = nullptr;
    if (auto s = check_writable(m, src, fid, v, &f); !s) return roll_back(s);
    if (f->type == FieldType::Stage) return roll_back(Status::Fail("invalid_field", "the stage moves by itself", fid));
    write_cell(m, src, *f, v, nullptr);
  }
  if (source_entity == "lead") {
    const std::string success = first_success_stage(schema_, src);
    if (!success.empty())
      if (auto s = apply_move(m, MoveStage{c.item, success, {}}); !s) return roll_back(s);
  }
  json made = json::array();
  for (const auto& t : c.targets) made.push_back({{"item", t.item}, {"entity", t.entity}});
  add_timeline(m, c.item, TimelineKind::Conversion, {}, {}, {}, nullptr).payload = json{{"to", made}}.dump();
  items_.at(c.item).item.rev = version_;
  return Status::Ok();
}

}  // namespace kt
