#include "core/snapshot.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"
#include "core/layouts.hpp"
#include "core/rights.hpp"
#include "core/documents_json.hpp"
#include "core/schema_json.hpp"

namespace kt {

using nlohmann::json;

namespace {

TimelineKind kind_from(const std::string& s) {
  TimelineKind k;
  if (!timeline_kind_from_name(s, &k)) throw json::other_error::create(501, "unknown timeline kind: " + s, nullptr);
  return k;
}

bool field_visible(const Schema& s, const std::string& entity, const std::string& field, const std::string* user) {
  if (!user) return true;
  const FieldDef* f = s.field(entity, field);
  return f && can_see_field(s, *user, *f);
}

// A layout without the elements of fields hidden from `user`: their ids are not his to see either.
Layout project_layout(const Schema& s, const std::string& family, const Layout& layout, const std::string* user) {
  if (!user) return layout;
  const std::string entity = family_owner(s, family).first;
  Layout out = layout;
  for (auto& section : out.sections)
    section.elements.erase(std::remove_if(section.elements.begin(), section.elements.end(),
                                          [&](const LayoutElement& e) {
                                            const FieldDef* f = s.field(entity, e.field);
                                            return f && !can_see_field(s, *user, *f);
                                          }),
                           section.elements.end());
  return out;
}

}  // namespace

void to_json(json& j, const TimelineEntry& e) {
  j = json{{"id", e.id}, {"kind", timeline_kind_name(e.kind)}, {"author", e.author}, {"time", e.time_ms}};
  if (!e.field.empty()) j["field"] = e.field;
  if (!e.old_value.is_null()) j["old"] = e.old_value;
  if (!e.new_value.is_null()) j["new"] = e.new_value;
  if (e.ver) j["ver"] = e.ver;
  if (!e.text.empty()) j["text"] = e.text;
  if (!e.target.empty()) j["target"] = e.target;
  if (!e.note.empty()) j["note"] = e.note;
  if (e.pinned) j["pinned"] = true;
  if (e.removed) j["removed"] = true;
  if (e.edited_ms) j["edited"] = e.edited_ms;
  if (!e.payload.empty()) j["payload"] = e.payload;
}

void from_json(const json& j, TimelineEntry& e) {
  e.id = j.at("id").get<std::string>();
  e.kind = kind_from(j.at("kind").get<std::string>());
  e.author = j.value("author", "");
  e.time_ms = j.value("time", std::int64_t{0});
  e.field = j.value("field", "");
  e.old_value = j.contains("old") ? j["old"].get<Value>() : Value();
  e.new_value = j.contains("new") ? j["new"].get<Value>() : Value();
  e.ver = j.value("ver", std::uint64_t{0});
  e.text = j.value("text", "");
  e.target = j.value("target", "");
  e.note = j.value("note", "");
  e.pinned = j.value("pinned", false);
  e.removed = j.value("removed", false);
  e.edited_ms = j.value("edited", std::int64_t{0});
  e.payload = j.value("payload", "");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Schema
// ---------------------------------------------------------------------------------------------------------

json schema_json(const Schema& s, const std::string* user) {
  json j;
  j["format"] = kSnapshotFormat;
  j["entities"] = s.entities;
  json fields = json::array();
  for (const auto& f : s.fields)
    if (!user || can_see_field(s, *user, f)) fields.push_back(f);
  j["fields"] = std::move(fields);
  j["directories"] = s.directories;
  j["pipelines"] = s.pipelines;
  json required = json::array();
  for (const auto& r : s.required)
    if (field_visible(s, r.entity, r.field, user)) required.push_back(r);
  j["required"] = std::move(required);
  const bool admin = user && is_admin(s, *user);
  json layouts = json::array();
  for (const auto& [key, layout] : s.layouts) {
    const auto& [family, scope] = key;
    if (user && scope.rfind("P:", 0) == 0 && scope != personal_scope(*user)) continue;
    if (user && !admin && scope.rfind("V:", 0) == 0) {
      const View* v = s.view(scope.substr(2));
      if (!v || !matches_codes(s, *user, v->assigned)) continue;
    }
    layouts.push_back({{"family", family}, {"scope", scope}, {"layout", project_layout(s, family, layout, user)}});
  }
  j["layouts"] = std::move(layouts);
  json views = json::array();
  for (const auto& v : s.views)
    if (!user || admin || matches_codes(s, *user, v.assigned)) views.push_back(v);
  j["views"] = std::move(views);
  json choices = json::array();
  for (const auto& [key, scope] : s.scope_choices)
    if (!user || key.first == *user) choices.push_back({{"user", key.first}, {"family", key.second}, {"scope", scope}});
  j["scopeChoices"] = std::move(choices);
  j["users"] = s.users;
  j["departments"] = s.departments;
  j["roles"] = s.roles;
  j["templates"] = s.templates;
  j["numerators"] = s.numerators;
  j["numeratorStates"] = s.numerator_states;
  j["myCompany"] = s.my_company;
  json defaults = json::object();
  for (const auto& [family, layout] : s.default_layouts) defaults[family] = project_layout(s, family, layout, user);
  j["defaultLayouts"] = std::move(defaults);
  return j;
}

namespace {

// Entity types, fields and pipelines are looked up and listed by id: one given twice (a file edited by hand,
// a damaged or hostile page) would list an entity's items twice, and a backup or base written from the
// workspace would no longer read ("item appears twice"). Commands never make such a schema.
Status check_unique_ids(const Schema& s) {
  auto twice = [](const std::string& what) { return Status::Fail("invalid_snapshot", what + " appears twice in the schema"); };
  std::set<std::string> entities;
  for (const auto& e : s.entities)
    if (!entities.insert(e.id).second) return twice("entity type " + e.id);
  std::set<std::pair<std::string, std::string>> fields, pipelines;
  for (const auto& f : s.fields)
    if (!fields.insert({f.entity, f.id}).second) return twice("field " + f.entity + "." + f.id);
  for (const auto& p : s.pipelines)
    if (!pipelines.insert({p.entity, p.id}).second) return twice("pipeline " + p.entity + "." + p.id);
  return Status::Ok();
}

}  // namespace

Status load_schema(const json& j, Schema* out) {
  try {
    if (!j.is_object()) return Status::Fail("invalid_snapshot", "the schema is not an object");
    // Checked before value() and at() would throw (the web build has no exception catching).
    if (const auto f = j.find("format"); f != j.end()) {
      if (!f->is_number()) return Status::Fail("invalid_snapshot", "the schema's format is not a number");
      if (f->get<double>() > kSnapshotFormat)  // as a double: 1e300 does not fit an int
        return Status::Fail("unsupported_format", "the schema is from a newer version");
    }
    for (const char* key : {"entities", "fields", "pipelines"})
      if (!j.contains(key) || !j[key].is_array())
        return Status::Fail("invalid_snapshot", std::string("the schema has no list of ") + key);
    Schema s = default_schema();  // built-in default layouts; everything else comes from the document
    s.entities = j.at("entities").get<std::vector<EntityType>>();
    s.fields = j.at("fields").get<std::vector<FieldDef>>();
    s.directories = j.value("directories", s.directories);
    s.pipelines = j.at("pipelines").get<std::vector<Pipeline>>();
    s.required = j.value("required", std::vector<RequiredRange>{});
    for (const auto& l : j.value("layouts", json::array()))
      s.layouts[{l.at("family").get<std::string>(), l.at("scope").get<std::string>()}] = l.at("layout").get<Layout>();
    s.views = j.value("views", std::vector<View>{});
    for (const auto& c : j.value("scopeChoices", json::array()))
      s.scope_choices[{c.at("user").get<std::string>(), c.at("family").get<std::string>()}] = c.at("scope").get<std::string>();
    s.users = j.value("users", std::vector<User>{});
    s.departments = j.value("departments", std::vector<Department>{});
    s.roles = j.value("roles", std::vector<Role>{});
    s.templates = j.value("templates", s.templates);
    s.numerators = j.value("numerators", s.numerators);
    s.numerator_states = j.value("numeratorStates", std::map<std::string, NumeratorState>{});
    s.my_company = j.value("myCompany", MyCompany{});
    const json defaults = j.value("defaultLayouts", json::object());  // named: items() must not outlive it
    for (const auto& [family, layout] : defaults.items()) s.default_layouts[family] = layout.get<Layout>();
    if (Status st = check_unique_ids(s); !st) return st;
    *out = std::move(s);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Fail("invalid_snapshot", std::string("the schema does not read: ") + e.what());
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Items
// ---------------------------------------------------------------------------------------------------------

namespace {

json item_json_of(const Schema& s, const Item& item, const std::vector<TimelineEntry>& entries,
                  const std::string* user, std::uint64_t timeline_from, const Workspace* ws);

}  // namespace

json item_json(const Workspace& ws, const Item& item, const std::string* user, std::uint64_t timeline_from) {
  return item_json_of(ws.schema(), item, ws.timeline(item.id), user, timeline_from, &ws);
}

json item_json(const Schema& s, const Item& item, const std::vector<TimelineEntry>& entries, const std::string* user,
               std::uint64_t timeline_from) {
  return item_json_of(s, item, entries, user, timeline_from, nullptr);
}

namespace {

// `ws` (when given) is the workspace the item is in: the items a document or a link entry names are looked
// up in it.
json item_json_of(const Schema& s, const Item& item, const std::vector<TimelineEntry>& entries,
                  const std::string* user, std::uint64_t timeline_from, const Workspace* ws) {
  json fields = json::object();
  for (const auto& [fid, cell] : item.fields)
    if (field_visible(s, item.entity, fid, user)) fields[fid] = {{"v", cell.value}, {"h", cell.hlc.str()}};
  json timeline = json::array();
  for (const auto& e : entries) {
    if (e.ver <= timeline_from && timeline_from > 0) continue;
    if (!e.field.empty()) {
      const Item* other = is_link_entry(e) && ws ? ws->item(e.target) : nullptr;
      // A link entry whose linking item is unknown names a field of no item: nothing of it to hide.
      if (is_link_entry(e) ? other && !field_visible(s, other->entity, e.field, user)
                           : !field_visible(s, item.entity, e.field, user))
        continue;
    }
    timeline.push_back(e);
  }
  json j{{"id", item.id},       {"entity", item.entity},     {"pipeline", item.pipeline},
         {"created", item.created_ms}, {"createdBy", item.created_by}, {"deleted", item.deleted},
         {"deletedAt", item.deleted_ms}, {"deletedBy", item.deleted_by},
         {"fields", std::move(fields)}, {"timeline", std::move(timeline)}};
  if (!item.activities.empty()) j["activities"] = item.activities;
  if (!item.products.empty()) j["products"] = item.products;
  if (!item.documents.empty()) {
    // Documents are values like any other: one that shows what the user may not see does not reach him.
    json docs = json::array();
    for (const auto& d : item.documents)
      if (!user || can_see_document(s, *user, d, [ws, user](const std::string& id) {
            const Item* it = ws ? ws->item(id) : nullptr;
            return it && can_act(ws->schema(), *user, *it, Action::Read);
          }))
        docs.push_back(d);
    if (!docs.empty()) j["documents"] = std::move(docs);
  }
  if (item.number) j["number"] = item.number;
  if (timeline_from) j["timelineFrom"] = timeline_from;
  return j;
}

}  // namespace

Status load_item(const json& j, Item* item, std::vector<TimelineEntry>* timeline) {
  // Checked before anything throws (the web build has no exception catching): what a pull page or a file
  // holds in place of an item most often is something else altogether.
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("entity") || !j["entity"].is_string())
    return Status::Fail("invalid_snapshot", "an item has no id or entity");
  try {
    Item it;
    it.id = j.at("id").get<std::string>();
    it.entity = j.at("entity").get<std::string>();
    it.pipeline = j.value("pipeline", "");
    if (const auto n = j.find("number"); n != j.end()) {
      if (!n->is_number_unsigned() || n->get<std::uint64_t>() > Item::kMaxNumber)
        return Status::Fail("invalid_snapshot", "item " + it.id + ": its number is not an integer from 0 to 2^50");
      it.number = n->get<std::uint64_t>();
    }
    it.created_ms = j.value("created", std::int64_t{0});
    it.created_by = j.value("createdBy", "");
    it.deleted = j.value("deleted", false);
    it.deleted_ms = j.value("deletedAt", std::int64_t{0});
    it.deleted_by = j.value("deletedBy", "");
    if (it.id.empty() || it.entity.empty()) return Status::Fail("invalid_snapshot", "an item has no id or entity");
    const json fields = j.value("fields", json::object());
    for (const auto& [fid, cell] : fields.items()) {
      Cell c;
      c.value = cell.at("v").get<Value>();
      if (!Hlc::parse(cell.value("h", ""), &c.hlc) && cell.contains("h"))
        return Status::Fail("invalid_snapshot", "bad clock in " + it.id + "." + fid);
      it.cell_for_write(fid) = std::move(c);
    }
    it.activities = j.value("activities", std::vector<Activity>{});
    it.products = j.value("products", std::vector<ProductRow>{});
    it.documents = j.value("documents", std::vector<Document>{});
    std::vector<TimelineEntry> tl = j.value("timeline", json::array()).get<std::vector<TimelineEntry>>();
    for (auto& e : tl) e.item = it.id;
    *item = std::move(it);
    if (timeline) *timeline = std::move(tl);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Fail("invalid_snapshot", std::string("an item does not read: ") + e.what());
  }
}

namespace {

bool read_string(JsonReader& r, std::string& out) { return r.string(out); }

// A field value, as from_json(json, Value) reads it (also refusing one nested deeper than kMaxValueDepth).
bool read_value(JsonReader& r, Value& v, int depth = 0) {
  if (depth > kMaxValueDepth) return r.fail();
  switch (r.peek()) {
    case 'n': v = Value(); return r.null();
    case 't':
    case 'f': {
      bool b = false;
      if (!r.boolean(b)) return false;
      v = Value(b);
      return true;
    }
    case '"': {
      std::string s;
      if (!r.string(s)) return false;
      v = Value(std::move(s));
      return true;
    }
    case '[': {
      r.begin_array();
      Value::List l;
      for (bool first = true; r.element(first); first = false) {
        l.emplace_back();
        if (!read_value(r, l.back(), depth + 1)) return false;
      }
      if (!r.ok()) return false;
      v = Value(std::move(l));
      return true;
    }
    case '{': {
      // Money {"m", "c"} or a file {"file", "name", "mime", "size"}; other members are ignored.
      r.begin_object();
      std::string key, c, file, name, mime;
      std::int64_t m = 0, size = 0;
      bool has_m = false, has_c = false, has_file = false;
      for (bool first = true; r.member(first, key); first = false) {
        bool ok = true;
        if (key == "m") ok = r.int64(m), has_m = true;
        else if (key == "c") ok = read_string(r, c), has_c = true;
        else if (key == "file") ok = read_string(r, file), has_file = true;
        else if (key == "name") ok = read_string(r, name);
        else if (key == "mime") ok = read_string(r, mime);
        else if (key == "size") ok = r.int64(size);
        else ok = r.skip();
        if (!ok) return false;
      }
      if (!r.ok()) return false;
      if (has_m && has_c) v = Value(Money{m, std::move(c)});
      else if (has_file) v = Value(FileRef{std::move(file), std::move(name), std::move(mime), size});
      else return false;
      return true;
    }
    default: {
      JsonReader::Number k;
      std::uint64_t u = 0;
      std::int64_t i = 0;
      double d = 0;
      if (!r.number(k, u, i, d)) return false;
      if (k == JsonReader::Number::Double) v = Value(d);
      else v = Value(k == JsonReader::Number::Unsigned ? static_cast<std::int64_t>(u) : i);
      return true;
    }
  }
}

// One timeline entry, as from_json(json, TimelineEntry) reads it.
bool read_entry(JsonReader& r, TimelineEntry& e) {
  if (!r.begin_object()) return false;
  std::string key, kind;
  bool has_id = false, has_kind = false;
  for (bool first = true; r.member(first, key); first = false) {
    bool ok = true;
    switch (key.empty() ? '\0' : key[0]) {
      case 'i': ok = key == "id" ? (has_id = true, r.string(e.id)) : r.skip(); break;
      case 'k': ok = key == "kind" ? (has_kind = true, r.string(kind)) : r.skip(); break;
      case 'a': ok = key == "author" ? r.string(e.author) : r.skip(); break;
      case 't':
        if (key == "time") ok = r.int64(e.time_ms);
        else if (key == "text") ok = r.string(e.text);
        else if (key == "target") ok = r.string(e.target);
        else ok = r.skip();
        break;
      case 'f': ok = key == "field" ? r.string(e.field) : r.skip(); break;
      case 'o': ok = key == "old" ? read_value(r, e.old_value) : r.skip(); break;
      case 'n':
        if (key == "new") ok = read_value(r, e.new_value);
        else if (key == "note") ok = r.string(e.note);
        else ok = r.skip();
        break;
      case 'v': ok = key == "ver" ? r.uint64(e.ver) : r.skip(); break;
      case 'p':
        if (key == "pinned") ok = r.boolean(e.pinned);
        else if (key == "payload") ok = r.string(e.payload);
        else ok = r.skip();
        break;
      case 'r': ok = key == "removed" ? r.boolean(e.removed) : r.skip(); break;
      case 'e': ok = key == "edited" ? r.int64(e.edited_ms) : r.skip(); break;
      default: ok = r.skip();
    }
    if (!ok) return false;
  }
  return r.ok() && has_id && has_kind && timeline_kind_from_name(kind, &e.kind);
}

template <class T>
bool read_via_dom(JsonReader& r, std::vector<T>& out) {
  std::string_view text;
  if (!r.raw(text)) return false;
  try {
    out = json::parse(text).get<std::vector<T>>();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

bool read_item(JsonReader& r, Item* item, std::vector<TimelineEntry>* timeline, bool* timeline_from) {
  Item it;
  std::vector<TimelineEntry> tl;
  bool from = false, has_id = false, has_entity = false;
  if (!r.begin_object()) return false;
  std::string key, fid, ckey, h;
  for (bool first = true; r.member(first, key); first = false) {
    bool ok = true;
    if (key == "fields") {
      it.fields.clear();
      ok = r.begin_object();
      for (bool f1 = true; ok && r.member(f1, fid); f1 = false) {
        Cell c;
        bool has_v = false, has_h = false;
        ok = r.begin_object();
        for (bool c1 = true; ok && r.member(c1, ckey); c1 = false) {
          if (ckey == "v") ok = read_value(r, c.value), has_v = true;
          else if (ckey == "h") ok = r.string(h), has_h = true;
          else ok = r.skip();
        }
        ok = ok && r.ok() && has_v;
        if (ok && has_h && !Hlc::parse(h, &c.hlc)) ok = false;
        if (ok) it.cell_for_write(fid) = std::move(c);
      }
      ok = ok && r.ok();
    } else if (key == "timeline") {
      tl.clear();
      ok = r.begin_array();
      for (bool e1 = true; ok && r.element(e1); e1 = false) {
        tl.emplace_back();
        ok = read_entry(r, tl.back());
      }
      ok = ok && r.ok();
    } else if (key == "id") {
      ok = r.string(it.id), has_id = true;
    } else if (key == "entity") {
      ok = r.string(it.entity), has_entity = true;
    } else if (key == "pipeline") {
      ok = r.string(it.pipeline);
    } else if (key == "number") {
      ok = r.uint64(it.number) && it.number <= Item::kMaxNumber;
    } else if (key == "created") {
      ok = r.int64(it.created_ms);
    } else if (key == "createdBy") {
      ok = r.string(it.created_by);
    } else if (key == "deleted") {
      ok = r.boolean(it.deleted);
    } else if (key == "deletedAt") {
      ok = r.int64(it.deleted_ms);
    } else if (key == "deletedBy") {
      ok = r.string(it.deleted_by);
    } else if (key == "activities") {
      ok = read_via_dom(r, it.activities);
    } else if (key == "products") {
      ok = read_via_dom(r, it.products);
    } else if (key == "documents") {
      ok = read_via_dom(r, it.documents);
    } else if (key == "timelineFrom") {
      from = true;
      ok = r.skip();
    } else {
      ok = r.skip();
    }
    if (!ok) return r.fail();
  }
  if (!r.ok() || !has_id || !has_entity || it.id.empty() || it.entity.empty()) return r.fail();
  for (auto& e : tl) e.item = it.id;
  *item = std::move(it);
  if (timeline) *timeline = std::move(tl);
  if (timeline_from) *timeline_from = from;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Whole snapshots
// ---------------------------------------------------------------------------------------------------------

json snapshot_json(const Workspace& ws, const std::string* user) {
  json items = json::array();
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      if (!it || (user && !can_act(ws.schema(), *user, *it, Action::Read))) continue;
      items.push_back(item_json(ws, *it, user));
    }
  return json{{"format", kSnapshotFormat}, {"schema", schema_json(ws.schema(), user)}, {"items", std::move(items)}};
}

Status load_snapshot(const json& j, Workspace* ws) {
  if (!j.is_object() || !j.contains("schema") || !j.contains("items") || !j["items"].is_array())
    return Status::Fail("invalid_snapshot", "this is not a Kartoteka snapshot");
  // Read without value(), which throws on a format that is not a number (a restored backup is anyone's file).
  const auto format = j.find("format");
  if (format == j.end() || !format->is_number_integer() || *format != kSnapshotFormat)
    return Status::Fail("unsupported_format", "snapshot format " + (format == j.end() ? "0" : format->dump().substr(0, 20)) +
                                                  " is not supported");
  Schema schema;
  if (auto s = load_schema(j["schema"], &schema); !s) return s;
  Workspace fresh(std::move(schema));
  for (const auto& ij : j["items"]) {
    Item item;
    std::vector<TimelineEntry> tl;
    if (auto s = load_item(ij, &item, &tl); !s) return s;
    if (!fresh.schema().entity(item.entity))
      return Status::Fail("invalid_snapshot", "item " + item.id + " has an unknown entity type " + item.entity);
    if (fresh.item(item.id)) return Status::Fail("invalid_snapshot", "item " + item.id + " appears twice");
    fresh.put_item(std::move(item), &tl, false);
  }
  *ws = std::move(fresh);
  return Status::Ok();
}

}  // namespace kt
