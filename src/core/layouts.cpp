#include "core/layouts.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"

namespace kt {

using nlohmann::json;

std::string layout_family(const Schema& s, const std::string& entity, const std::string& pipeline,
                          bool repeat_lead) {
  if (entity == "lead") return repeat_lead ? "lead:repeat" : "lead:simple";
  const EntityType* et = s.entity(entity);
  if (et && et->has_pipelines) return entity + ":" + (pipeline.empty() ? "0" : pipeline);
  return entity;
}

std::string layout_family(const Schema& s, const Item& item) {
  bool repeat = item.entity == "lead" && (!item.get("CONTACT_ID").empty() || !item.get("COMPANY_ID").empty());
  return layout_family(s, item.entity, item.pipeline, repeat);
}

std::pair<std::string, std::string> family_owner(const Schema& s, const std::string& family) {
  auto colon = family.find(':');
  std::string entity = family.substr(0, colon);
  std::string pipeline;
  const EntityType* et = s.entity(entity);
  if (et && et->has_stages) {
    pipeline = colon != std::string::npos && et->has_pipelines ? family.substr(colon + 1) : "0";
  }
  return {entity, pipeline};
}

const Layout* effective_layout(const Schema& s, const std::string& family, const std::string& scope) {
  if (const Layout* l = s.stored_layout(family, scope)) return l;
  if (scope.rfind("P:", 0) == 0 || scope.rfind("V:", 0) == 0) {
    if (const Layout* c = s.stored_layout(family, common_scope())) return c;
  }
  return s.default_layout(family);
}

std::vector<const View*> views_for(const Schema& s, const std::string& user, const std::string& family) {
  std::vector<const View*> out;
  const bool admin = is_admin(s, user);
  for (const auto& v : s.views)
    if (v.family == family && (admin || matches_codes(s, user, v.assigned))) out.push_back(&v);
  return out;
}

ResolvedLayout resolve_layout(const Schema& s, const std::string& user, const std::string& family) {
  auto [entity, pipeline] = family_owner(s, family);
  const bool own_view = allow_own_view(s, user, entity, pipeline);
  const std::string personal = personal_scope(user);
  auto choice = s.scope_choices.find({user, family});
  std::string selected = choice == s.scope_choices.end() ? "" : choice->second;

  if (selected.rfind("V:", 0) == 0) {
    const std::string id = selected.substr(2);
    const View* v = s.view(id);
    bool available = v && v->family == family && (is_admin(s, user) || matches_codes(s, user, v->assigned));
    if (available) return {selected, effective_layout(s, family, selected), s.stored_layout(family, selected) != nullptr};
    selected.clear();  // the view is gone or no longer assigned: fall back
  }
  if (selected == personal && !own_view) selected = common_scope();      // V-8
  if (selected.rfind("P:", 0) == 0 && selected != personal) selected.clear();  // someone else's scope
  if (selected.empty()) selected = own_view && s.stored_layout(family, personal) ? personal : common_scope();
  return {selected, effective_layout(s, family, selected), s.stored_layout(family, selected) != nullptr};
}

bool can_edit_scope(const Schema& s, const std::string& user, const std::string& family, const std::string& scope) {
  auto [entity, pipeline] = family_owner(s, family);
  if (scope.rfind("P:", 0) == 0) {
    if (is_admin(s, user)) return true;
    return scope == personal_scope(user) && allow_own_view(s, user, entity, pipeline);
  }
  if (scope.rfind("V:", 0) == 0 && !s.view(scope.substr(2))) return false;
  return can_configure(s, user, entity);
}

std::vector<std::string> default_tabs(const std::string& entity) {
  if (entity == "lead" || entity == "deal" || entity == "quote" || entity == "invoice")
    return {"main", "products", "links", "history"};
  return {"main", "links", "history"};
}

std::vector<TabState> tabs_of(const Layout& l, const std::string& entity) {
  std::vector<TabState> out;
  const auto known = default_tabs(entity);
  for (const auto& t : l.tabs)
    if (std::find(known.begin(), known.end(), t.id) != known.end()) out.push_back(t);
  for (const auto& id : known)
    if (std::none_of(out.begin(), out.end(), [&](const TabState& t) { return t.id == id; }))
      out.push_back({id, false});
  return out;
}

bool shown_in_view_mode(const LayoutElement& e, const Value& v) { return e.show_always || !v.empty(); }

std::vector<const FieldDef*> hidden_fields(const Schema& s, const std::string& user, const std::string& entity,
                                           const Layout& l) {
  std::vector<const FieldDef*> out;
  for (const FieldDef* f : s.fields_of(entity))
    if (!l.has_field(f->id) && can_see_field(s, user, *f)) out.push_back(f);
  return out;
}

Status check_layout(const Layout& l) {
  std::set<std::string> sections, fields;
  for (const auto& sec : l.sections) {
    if (sec.id.empty()) return Status::Fail("invalid_layout", "a section has no id");
    if (!sections.insert(sec.id).second) return Status::Fail("invalid_layout", "two sections have the id " + sec.id);
    if (sec.title.empty()) return Status::Fail("section_title_empty", "section " + sec.id + " has no title");
    for (const auto& e : sec.elements) {
      if (e.field.empty()) return Status::Fail("invalid_layout", "an element has no field");
      if (!fields.insert(e.field).second)
        return Status::Fail("invalid_layout", "field " + e.field + " appears twice", e.field);
    }
  }
  std::set<std::string> tabs;
  for (const auto& t : l.tabs)
    if (t.id.empty() || !tabs.insert(t.id).second) return Status::Fail("invalid_layout", "bad tab list");
  return Status::Ok();
}

Status check_layout_change(const Schema& s, const std::string& entity, const std::string& pipeline,
                           const Layout& before, const Layout& after) {
  for (const auto& sec : before.sections) {
    for (const auto& e : sec.elements) {
      if (after.has_field(e.field)) continue;
      const FieldDef* f = s.field(entity, e.field);
      if (!f || !required_anywhere(s, *f, pipeline)) continue;
      bool section_gone = std::none_of(after.sections.begin(), after.sections.end(),
                                       [&](const LayoutSection& a) { return a.id == sec.id; });
      if (section_gone)
        return Status::Fail("section_has_required",
                            "The section includes required fields. Please move them to another section or edit "
                            "parameters.",
                            e.field);
      return Status::Fail("required_hidden", "A required field cannot be hidden", e.field);
    }
  }
  return Status::Ok();
}

json export_layout(const Layout& l, Lang lang) {
  json out = json::array();
  for (const auto& sec : l.sections) {
    json elements = json::array();
    for (const auto& e : sec.elements) {
      json el = {{"name", e.field}, {"optionFlags", e.show_always ? 1 : 0}, {"options", json::object()}};
      if (!e.title.empty()) el["title"] = e.title;
      elements.push_back(std::move(el));
    }
    out.push_back({{"name", sec.id}, {"title", sec.title.get(lang)}, {"type", "section"}, {"elements", elements}});
  }
  return out;
}

Status import_layout(const json& data, Layout* out, const std::vector<TabState>& keep_tabs) {
  auto fail = [](std::string msg) { return Status::Fail("invalid_layout", std::move(msg)); };
  if (!data.is_array() || data.empty()) return fail("There are no data to write");
  Layout l;
  l.tabs = keep_tabs;
  for (size_t i = 0; i < data.size(); ++i) {
    const json& sec = data[i];
    const std::string at = " at index " + std::to_string(i);
    if (!sec.is_object()) return fail("Section" + at + " is not an object");
    std::string name = json_text(sec, "name"), title = json_text(sec, "title");
    if (name.empty()) return fail("Section" + at + " does not have name");
    if (title.empty()) return fail("Section" + at + " does not have title");
    if (sec.contains("type") && !(sec["type"].is_string() && sec["type"] == "section"))
      return fail("Section" + at + " has an unsupported type; only \"section\" is accepted");
    LayoutSection out_sec{name, {title, title}, {}};
    if (auto it = sec.find("elements"); it != sec.end()) {
      if (!it->is_array()) return fail("Elements of section" + at + " are not an array");
      for (size_t j = 0; j < it->size(); ++j) {
        const json& el = (*it)[j];
        std::string fname = el.is_object() ? json_text(el, "name") : "";
        if (fname.empty())
          return fail("Element at index " + std::to_string(j) + " in section" + at + " does not have name");
        LayoutElement e;
        e.field = fname;
        if (auto f = el.find("optionFlags"); f != el.end()) {
          if (f->is_number_integer()) e.show_always = f->get<int>() == 1;
          else if (f->is_string()) e.show_always = f->get<std::string>() == "1";
        }
        e.title = json_text(el, "title");
        out_sec.elements.push_back(std::move(e));
      }
    }
    l.sections.push_back(std::move(out_sec));
  }
  if (auto s = check_layout(l); !s) return s;
  *out = std::move(l);
  return Status::Ok();
}

}  // namespace kt
