// Index: [Helpers] [People] [Renames] [Configuration] [Items] [Entry points] [Report]
#include "core/io/restore.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/schema_json.hpp"
#include "core/text.hpp"

namespace kt::io {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

constexpr size_t kExamples = 5;

std::string trim_name(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

std::string quoted(const std::string& id, const std::string& name) {
  return name.empty() ? id : id + " «" + name + "»";
}

const char* type_word(FieldType t) { return field_type_name(t); }

// Free ids like the one given: "D1" -> "D14" (its prefix and the number after every taken id with that
// prefix), "smart_1" -> "smart_3", "UF_CRM_X" -> "UF_CRM_X_2". The taken ids are looked at once, on the
// first call (a restore into an empty server never needs them).
class IdAllocator {
 public:
  using Each = std::function<void(const std::function<void(const std::string&)>&)>;
  IdAllocator(std::function<bool(const std::string&)> taken, Each each, std::string plain_sep = "-")
      : taken_(std::move(taken)), each_(std::move(each)), sep_(std::move(plain_sep)) {}

  std::string fresh(const std::string& id) {
    if (!scanned_) {
      each_([&](const std::string& t) { note(t); });
      scanned_ = true;
    }
    auto [prefix, n] = split(id);
    std::uint64_t& top = max_[prefix];
    top = std::max(top, n);
    for (;;) {
      std::string c = prefix + std::to_string(++top);
      if (!taken_(c) && given_.insert(c).second) return c;
    }
  }

 private:
  // "D14" -> ("D", 14); "UF_CRM_X" -> ("UF_CRM_X_", 1): an id without a number counts as the first.
  std::pair<std::string, std::uint64_t> split(const std::string& id) const {
    size_t d = id.size();
    while (d > 0 && id[d - 1] >= '0' && id[d - 1] <= '9') --d;
    if (d == id.size() || id.size() - d > 18) return {id + sep_, 1};
    return {id.substr(0, d), std::stoull(id.substr(d))};
  }
  void note(const std::string& id) {
    auto [prefix, n] = split(id);
    std::uint64_t& top = max_[prefix];
    top = std::max(top, n);
  }

  std::function<bool(const std::string&)> taken_;
  Each each_;
  std::string sep_;
  bool scanned_ = false;
  std::unordered_map<std::string, std::uint64_t> max_;
  std::unordered_set<std::string> given_;
};

const Stage* success_stage(const Pipeline& p) {
  for (const auto& s : p.stages)
    if (s.semantics == StageSemantics::Success) return &s;
  return nullptr;
}

// Both sides' entries of a list keyed by id, in the preferred side's order then the other's: `both`
// decides an entry both have (from the preferred one and the other), `only_other` takes (or drops) one
// only the other side has.
template <class T, class Key, class Both, class Only>
std::vector<T> unite(const std::vector<T>& preferred, const std::vector<T>& other, Key key, Both both,
                     Only only_other) {
  std::vector<T> out;
  out.reserve(preferred.size() + other.size());
  std::map<decltype(key(preferred.front())), const T*> theirs;
  for (const auto& o : other) theirs.emplace(key(o), &o);
  std::set<decltype(key(preferred.front()))> seen;
  for (const auto& p : preferred) {
    auto k = key(p);
    if (!seen.insert(k).second) continue;
    auto it = theirs.find(k);
    out.push_back(it == theirs.end() ? p : both(p, *it->second));
  }
  for (const auto& o : other)
    if (seen.insert(key(o)).second && only_other(o)) out.push_back(o);
  return out;
}

std::vector<ListOption> unite_options(const std::vector<ListOption>& preferred, const std::vector<ListOption>& other,
                                      size_t* added) {
  std::vector<ListOption> out = preferred;
  for (const auto& o : other)
    if (std::none_of(out.begin(), out.end(), [&](const ListOption& x) { return x.id == o.id; })) {
      out.push_back(o);
      ++*added;
    }
  return out;
}

}  // namespace

std::string RestorePlan::Reason::text() const {
  static const std::pair<const char*, const char*> english[] = {
      {"taken", "the server has {1}"},
      {"type_differs", "the server's {1} is «{2}», the backup's «{3}»"},
      {"field_type", "the server's {1} of {2} is a {3} field, the backup's a {4} field"},
      {"stage_taken", "the server's pipeline {1} of {2} has a stage {3}"},
      {"success_stage", "a pipeline has one success stage: the backup's «{1}» ({2}) becomes the server's «{3}» ({4})"},
      {"backup_replaces", "both define it differently: the backup's definition replaces the server's"},
      {"server_kept", "both define it differently: the server's definition is kept, the backup's is not carried"},
      {"options_added", "{1} list option(s) or binding kind(s) of the backup's field added to the server's"},
      {"field_kept", "the server's label, help, visibility and settings are kept"},
      {"list_added", "{1} option(s) of the backup added to the server's list"},
      {"stages_added", "{1} stage(s) of the backup added to the server's pipeline"},
      {"pipeline_kept", "the server's names and colours are kept"},
      {"required_replaced", "the backup's rules of when the field is required replace the server's"},
      {"required_kept", "the server's rules of when the field is required are kept, the backup's are not carried"},
      {"numbers_continue", "both sides issued numbers: the counter continues after the larger one"},
      {"company_replaced", "the backup's company details replace the server's"},
      {"company_kept", "the server's company details are kept, the backup's are not carried"},
      {"user_kept", "the backup's {1} is the server's {2}: the server's name, department and roles are kept"},
      {"no_department", "user {1} names a department neither side has"},
      {"no_role", "user {1} names a role neither side has"},
      {"values_dropped", "the server's field of that id has another type: its values ({1} item(s)) are not carried"},
  };
  for (const auto& [c, pattern] : english)
    if (code == c) return fill_placeholders(pattern, args);
  return code;
}

bool has_items(const Workspace& ws) { return ws.item_count() > 0; }

// ---------------------------------------------------------------------------------------------------------
// The planner: configuration first (people, renames, the united schema), then the items one at a time.
// ---------------------------------------------------------------------------------------------------------

namespace {

using ItemIds = std::vector<std::pair<std::string, std::string>>;  // (id, entity) in the backup's order
using ItemSource = std::function<Status(const BackupStream::ItemSink&, RestoreReport*)>;

class Planner {
 public:
  Planner(const Workspace& target, const Schema& backup, const ItemIds& ids, const RestoreOptions& o,
          RestorePlan* plan)
      : target_(target), S_(target.schema()), B_(backup), ids_(ids), o_(o), p_(*plan), r_(plan->renames) {
    p_.empty = !has_items(target);
    prefer_backup_ = p_.empty;
  }

  Status configure() {
    if (Status s = people(); !s) return s;
    entities();
    fields();
    stages();
    items();
    return unite_schema();
  }

  Status build(const ItemSource& source, Workspace* result);

 private:
  Status people();
  void entities();
  void fields();
  void stages();
  void items();
  Status unite_schema();

  using Reason = RestorePlan::Reason;
  void merge_note(std::string kind, std::string id, Reason why) {
    p_.merge.push_back({std::move(kind), std::move(id), std::move(why)});
  }
  void dropped_note(std::string kind, std::string id, Reason why) {
    p_.dropped.push_back({std::move(kind), std::move(id), std::move(why)});
  }
  // "D5 «Поставка»" as Workspace::display_name names an item, from the united configuration.
  std::string item_name(const Item& it) const {
    if (it.entity == "contact") {
      std::string n = it.get("LAST_NAME").str_or_empty();
      const std::string& first = it.get("NAME").str_or_empty();
      if (!n.empty() && !first.empty()) n += ' ';
      if (n.empty() || !first.empty()) n += first;
      return quoted(it.id, n);
    }
    const EntityType* et = united_.entity(it.entity);
    return quoted(it.id, it.get(et ? et->title_field : "TITLE").str_or_empty());
  }
  void created(const std::string& kind, const std::string& example) {
    auto it = std::find_if(p_.create.begin(), p_.create.end(), [&](const auto& c) { return c.kind == kind; });
    if (it == p_.create.end()) it = p_.create.insert(p_.create.end(), RestorePlan::Created{kind, 0, {}});
    ++it->count;
    if (it->examples.size() < kExamples) it->examples.push_back(example);
  }

  const Workspace& target_;
  const Schema& S_;  // the target's configuration
  const Schema& B_;  // the backup's, as it is (ids before renaming)
  const ItemIds& ids_;
  const RestoreOptions& o_;
  RestorePlan& p_;
  IdRenames& r_;
  bool prefer_backup_ = false;
  Schema united_;
  // Fields whose definition the target keeps with another type (system fields only): the backup's values
  // of them are not carried. (entity, field) in the backup's ids -> values left out.
  std::map<std::pair<std::string, std::string>, size_t> dropped_fields_;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] People
// ---------------------------------------------------------------------------------------------------------

Status Planner::people() {
  // Looked up by id (a file may hold many users; Schema::user walks the list).
  std::unordered_set<std::string> backup_users, server_users;
  for (const auto& u : B_.users) backup_users.insert(u.id);
  for (const auto& u : S_.users) server_users.insert(u.id);
  for (const auto& [local, to] : o_.users) {
    if (!backup_users.count(local)) return Status::Fail("invalid_mapping", "users: the backup has no user " + local);
    if (to != "new" && !server_users.count(to))
      return Status::Fail("invalid_mapping", "users: the server has no user " + to);
  }
  if (!o_.me.empty() && !backup_users.count(o_.me))
    return Status::Fail("invalid_mapping", "me: the backup has no user " + o_.me);
  IdAllocator alloc([&](const std::string& id) { return server_users.count(id) || backup_users.count(id); },
                    [&](const auto& f) {
                      for (const auto& u : S_.users) f(u.id);
                      for (const auto& u : B_.users) f(u.id);
                    });
  for (const auto& b : B_.users) {
    RestorePlan::UserLine line{b.id, b.name, "create", b.id, ""};
    const std::string name = trim_name(b.name);
    if (!name.empty())
      for (const auto& s : S_.users)
        if (trim_name(s.name) == name) {
          line.suggested = s.id;
          break;
        }
    std::string to;  // a server user, or "" to create
    if (auto it = o_.users.find(b.id); it != o_.users.end()) {
      if (it->second != "new") to = it->second;
    } else if (b.id == o_.me && server_users.count(o_.admin)) {
      to = o_.admin;
    } else {
      to = line.suggested;
    }
    if (!to.empty()) {
      line.action = "map";
      line.to = to;
    } else if (const User* taken = server_users.count(b.id) ? S_.user(b.id) : nullptr) {
      line.to = alloc.fresh(b.id);
      p_.rename.push_back({"user", b.id, line.to, {"taken", {quoted(taken->id, taken->name)}}});
    }
    if (line.to != b.id) r_.users[b.id] = line.to;
    if (line.action == "create") created("user", quoted(line.to, b.name));
    p_.users.push_back(std::move(line));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Renames: what of the backup takes a new id (merges only: into an empty target the backup's
// definitions replace the target's)
// ---------------------------------------------------------------------------------------------------------

void Planner::entities() {
  if (prefer_backup_) return;
  IdAllocator alloc([&](const std::string& id) { return S_.entity(id) || B_.entity(id); },
                    [&](const auto& f) {
                      for (const auto& e : S_.entities) f(e.id);
                      for (const auto& e : B_.entities) f(e.id);
                    });
  for (const auto& b : B_.entities) {
    const EntityType* s = S_.entity(b.id);
    if (!s || s->system || b.system) continue;
    const bool same = s->has_stages == b.has_stages && s->has_pipelines == b.has_pipelines &&
                      ((!s->name.ru.empty() && s->name.ru == b.name.ru) || (!s->name.en.empty() && s->name.en == b.name.en));
    if (same) continue;
    const std::string to = alloc.fresh(b.id);
    r_.entities[b.id] = to;
    p_.rename.push_back({"entityType", b.id, to, {"type_differs", {b.id, s->name.get(Lang::Ru), b.name.get(Lang::Ru)}}});
  }
}

void Planner::fields() {
  if (prefer_backup_) return;
  for (const auto& b : B_.fields) {
    if (r_.entity(b.entity) != b.entity) continue;  // a new entity type: all its fields are new
    const FieldDef* s = S_.field(b.entity, b.id);
    if (!s) continue;
    const bool compatible = s->type == b.type && s->multiple == b.multiple &&
                            (b.type != FieldType::CrmDirectory || s->directory == b.directory);
    if (compatible) continue;
    if (b.system || s->system) {
      dropped_fields_[{b.entity, b.id}] = 0;  // a system field keeps its id: listed with its values below
      continue;
    }
    IdAllocator alloc(
        [&](const std::string& id) { return S_.field(b.entity, id) || B_.field(b.entity, id); },
        [&](const auto& f) {
          for (const auto& x : S_.fields)
            if (x.entity == b.entity) f(x.id);
          for (const auto& x : B_.fields)
            if (x.entity == b.entity) f(x.id);
        },
        "_");
    const std::string to = alloc.fresh(b.id);
    r_.fields[{b.entity, b.id}] = to;
    p_.rename.push_back({"field", b.entity + "." + b.id, b.entity + "." + to,
                         {"field_type", {b.id, b.entity, std::string(s->multiple ? "multiple " : "") + type_word(s->type),
                                         std::string(b.multiple ? "multiple " : "") + type_word(b.type)}}});
  }
}

void Planner::stages() {
  for (const auto& bp : B_.pipelines) {
    const std::string& entity = bp.entity;
    if (r_.entity(entity) != entity) continue;  // a new entity type: its pipelines come whole
    const Pipeline* sp = S_.pipeline(entity, bp.id);
    if (sp && !prefer_backup_) {
      // One success stage per pipeline: the backup's, when the server's pipeline has another, becomes
      // the server's (its items stand there).
      const Stage* bs = success_stage(bp);
      const Stage* ss = success_stage(*sp);
      if (bs && ss && bs->id != ss->id && !sp->stage(bs->id)) {
        r_.stages[{entity, bs->id}] = ss->id;
        merge_note("pipeline", entity + ":" + bp.id,
                   {"success_stage", {bs->name.get(Lang::Ru), bs->id, ss->name.get(Lang::Ru), ss->id}});
      }
    }
    // Stage ids are unique within an entity type: a stage id another pipeline of the target uses is renamed.
    for (const auto& st : bp.stages) {
      if (r_.stages.count({entity, st.id})) continue;
      const Pipeline* other = nullptr;
      for (const auto& op : S_.pipelines)
        if (op.entity == entity && op.id != bp.id && op.stage(st.id)) other = &op;
      if (!other) continue;
      IdAllocator alloc(
          [&](const std::string& id) {
            for (const auto* sch : {&S_, &B_})
              for (const auto& p : sch->pipelines)
                if (p.entity == entity && p.stage(id)) return true;
            return false;
          },
          [&](const auto& f) {
            for (const auto* sch : {&S_, &B_})
              for (const auto& p : sch->pipelines)
                if (p.entity == entity)
                  for (const auto& x : p.stages) f(x.id);
          },
          "_");
      const std::string to = alloc.fresh(st.id);
      r_.stages[{entity, st.id}] = to;
      p_.rename.push_back({"stage", entity + ":" + bp.id + ":" + st.id, to, {"stage_taken", {other->id, entity, st.id}}});
    }
  }
}

void Planner::items() {
  // A backup item whose id the target has gets a new one (never merged with the target's item).
  std::unordered_set<std::string> backup_ids;
  bool any = false;
  for (const auto& [id, entity] : ids_) any = any || target_.item(id);
  if (!any) return;
  for (const auto& [id, entity] : ids_) backup_ids.insert(id);
  IdAllocator alloc([&](const std::string& id) { return target_.item(id) || backup_ids.count(id); },
                    [&](const auto& f) {
                      for (const auto& et : S_.entities)
                        for (const auto& id : target_.item_ids(et.id)) f(id);
                      for (const auto& id : backup_ids) f(id);
                    });
  for (const auto& [id, entity] : ids_) {
    const Item* taken = target_.item(id);
    if (!taken) continue;
    const std::string to = alloc.fresh(id);
    r_.items[id] = to;
    p_.rename.push_back({"item", id, to, {"taken", {quoted(id, target_.display_name(*taken))}}});
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Configuration: the target's and the (renamed) backup's united
// ---------------------------------------------------------------------------------------------------------

Status Planner::unite_schema() {
  Schema b = B_;
  // Fields whose values are not carried keep the target's definition: the backup's is left out.
  std::erase_if(b.fields, [&](const FieldDef& f) { return dropped_fields_.count({f.entity, f.id}) > 0; });
  rename_schema(b, r_);
  const Schema& s = S_;
  const bool pb = prefer_backup_;
  // The preferred side and the other one.
  const Schema& first = pb ? b : s;
  const Schema& second = pb ? s : b;
  auto keep_note = [&](const std::string& kind, const std::string& id) {
    if (pb) merge_note(kind, id, {"backup_replaces", {}});
    else dropped_note(kind, id, {"server_kept", {}});
  };
  Schema u = s;  // the target's as a base (default layouts and everything not listed below)

  u.entities = unite(first.entities, second.entities, [](const EntityType& e) { return e.id; },
                     [&](const EntityType& x, const EntityType& y) {
                       if (!(x == y)) keep_note("entityType", x.id);
                       return x;
                     },
                     [](const EntityType&) { return true; });
  for (const auto& e : b.entities)
    if (!s.entity(e.id)) created("entityType", quoted(e.id, e.name.get(Lang::Ru)));

  // Fields: into an empty target the backup's definition as it is; in a merge the server's, with the
  // backup's list options and binding kinds added (its values must stay valid).
  u.fields = unite(first.fields, second.fields, [](const FieldDef& f) { return std::make_pair(f.entity, f.id); },
                   [&](const FieldDef& x, const FieldDef& y) {
                     const std::string id = x.entity + "." + x.id;
                     if (pb) {
                       if (!(x == y)) keep_note("field", id);
                       return x;
                     }
                     FieldDef out = x;
                     size_t added = 0;
                     out.options = unite_options(x.options, y.options, &added);
                     for (const auto& k : y.binding_kinds)
                       if (std::find(out.binding_kinds.begin(), out.binding_kinds.end(), k) == out.binding_kinds.end()) {
                         out.binding_kinds.push_back(k);
                         ++added;
                       }
                     if (added)
                       merge_note("field", id, {"options_added", {std::to_string(added)}});
                     FieldDef a = x, c = y;
                     a.options = c.options = {};
                     a.binding_kinds = c.binding_kinds = {};
                     if (!(a == c) || [&] {
                           for (const auto& o : y.options)
                             if (const ListOption* mine = x.option(o.id); mine && !(*mine == o)) return true;
                           return false;
                         }())
                       merge_note("field", id, {"field_kept", {}});
                     return out;
                   },
                   [](const FieldDef&) { return true; });
  for (const auto& f : b.fields)
    if (!s.field(f.entity, f.id)) created("field", quoted(f.entity + "." + f.id, f.label.get(Lang::Ru)));

  u.directories = unite(first.directories, second.directories, [](const Directory& d) { return d.id; },
                        [&](const Directory& x, const Directory& y) {
                          if (pb) return x;
                          Directory out = x;
                          size_t added = 0;
                          out.options = unite_options(x.options, y.options, &added);
                          if (added)
                            merge_note("directory", x.id, {"list_added", {std::to_string(added)}});
                          return out;
                        },
                        [](const Directory&) { return true; });

  // Pipelines: the preferred stages, in a merge with the backup's others added where their kind goes
  // (in-progress stages before the success stage, failure stages last).
  std::string conflict;
  u.pipelines = unite(first.pipelines, second.pipelines,
                      [](const Pipeline& p) { return std::make_pair(p.entity, p.id); },
                      [&](const Pipeline& x, const Pipeline& y) {
                        if (pb) {
                          if (!(x == y)) keep_note("pipeline", x.entity + ":" + x.id);
                          return x;
                        }
                        Pipeline out = x;
                        size_t added = 0;
                        for (const auto& st : y.stages) {
                          if (out.stage(st.id)) continue;
                          if (st.semantics == StageSemantics::Success) continue;  // mapped by stages()
                          auto at = out.stages.end();
                          if (st.semantics == StageSemantics::Process)
                            at = std::find_if(out.stages.begin(), out.stages.end(),
                                              [](const Stage& z) { return z.semantics != StageSemantics::Process; });
                          out.stages.insert(at, st);
                          ++added;
                        }
                        if (added)
                          merge_note("pipeline", x.entity + ":" + x.id,
                                     {"stages_added", {std::to_string(added)}});
                        Pipeline a = out, c = y;
                        a.stages.clear();
                        c.stages.clear();
                        bool same_stages = true;
                        for (const auto& st : y.stages)
                          if (const Stage* mine = out.stage(st.id); mine && !(*mine == st)) same_stages = false;
                        if (!(a == c) || !same_stages)
                          merge_note("pipeline", x.entity + ":" + x.id, {"pipeline_kept", {}});
                        if (auto why = check_stage_order(out.stages); !why.empty() && conflict.empty())
                          conflict = "pipeline " + x.entity + ":" + x.id + ": " + why;
                        return out;
                      },
                      [](const Pipeline&) { return true; });
  if (!conflict.empty()) return Status::Fail("merge_conflict", conflict);
  for (const auto& p : b.pipelines)
    if (!s.pipeline(p.entity, p.id)) created("pipeline", quoted(p.entity + ":" + p.id, p.name.get(Lang::Ru)));
  // Stage ids stay unique within each entity type.
  for (const auto& et : u.entities) {
    std::set<std::string> ids;
    for (const auto& p : u.pipelines)
      if (p.entity == et.id)
        for (const auto& st : p.stages)
          if (!ids.insert(st.id).second)
            return Status::Fail("merge_conflict", "stage " + st.id + " of " + et.id + " is in two pipelines");
  }

  // Required rules go with the definition of their field: the side whose definition is kept.
  {
    auto owner_is_backup = [&](const std::string& entity, const std::string& field) {
      return pb ? b.field(entity, field) != nullptr : s.field(entity, field) == nullptr;
    };
    std::vector<RequiredRange> req;
    std::set<std::pair<std::string, std::string>> differ;
    for (const auto& q : s.required)
      if (!owner_is_backup(q.entity, q.field)) req.push_back(q);
    for (const auto& q : b.required)
      if (owner_is_backup(q.entity, q.field)) req.push_back(q);
    auto of = [](const std::vector<RequiredRange>& all, const std::string& e, const std::string& f) {
      std::vector<RequiredRange> out;
      for (const auto& q : all)
        if (q.entity == e && q.field == f) out.push_back(q);
      return out;
    };
    for (const std::vector<RequiredRange>* side : {&s.required, &std::as_const(b.required)})
      for (const auto& q : *side)
        if (s.field(q.entity, q.field) && b.field(q.entity, q.field) &&
            of(s.required, q.entity, q.field) != of(b.required, q.entity, q.field))
          differ.insert({q.entity, q.field});
    for (const auto& [e, f] : differ) {
      if (pb) merge_note("required", e + "." + f, {"required_replaced", {}});
      else dropped_note("required", e + "." + f, {"required_kept", {}});
    }
    u.required = std::move(req);
  }

  // Layouts, views, choices: keyed; the preferred side's when both have one.
  auto unite_map = [&](auto& out, const auto& x, const auto& y, const char* kind, auto name) {
    out = x;
    for (const auto& [k, v] : y) {
      auto it = out.find(k);
      if (it == out.end()) {
        out.emplace(k, v);
      } else if (!(it->second == v)) {
        keep_note(kind, name(k));
      }
    }
  };
  auto layout_name = [](const auto& k) { return k.first + " " + k.second; };
  u.layouts.clear();
  unite_map(u.layouts, first.layouts, second.layouts, "layout", layout_name);
  for (const auto& [k, l] : b.layouts)
    if (!s.layouts.count(k)) created("layout", layout_name(k));
  u.default_layouts.clear();
  unite_map(u.default_layouts, first.default_layouts, second.default_layouts, "defaultLayout",
            [](const std::string& k) { return k; });
  u.scope_choices.clear();
  unite_map(u.scope_choices, first.scope_choices, second.scope_choices, "scopeChoice",
            [](const auto& k) { return k.first + " " + k.second; });

  auto same_id = [](const auto& x) { return x.id; };
  auto keep_first = [&](const char* kind) {
    return [&, kind](const auto& x, const auto& y) {
      if (!(x == y)) keep_note(kind, x.id);
      return x;
    };
  };
  auto all = [](const auto&) { return true; };
  u.views = unite(first.views, second.views, same_id, keep_first("view"), all);
  for (const auto& v : b.views)
    if (!s.view(v.id)) created("view", quoted(v.id, v.name));
  u.departments = unite(first.departments, second.departments, same_id, keep_first("department"), all);
  for (const auto& d : b.departments)
    if (!s.department(d.id)) created("department", quoted(d.id, d.name));
  u.roles = unite(first.roles, second.roles, same_id, keep_first("role"), all);
  for (const auto& r : b.roles)
    if (!s.role(r.id)) created("role", quoted(r.id, r.name));
  u.templates = unite(first.templates, second.templates, same_id, keep_first("template"), all);
  for (const auto& t : b.templates)
    if (!s.doc_template(t.id)) created("template", quoted(t.id, t.name.get(Lang::Ru)));
  u.numerators = unite(first.numerators, second.numerators, same_id, keep_first("numerator"), all);
  for (const auto& n : b.numerators)
    if (!s.numerator(n.id)) created("numerator", quoted(n.id, n.name.get(Lang::Ru)));

  // Counters: a number either side has issued is never issued again (the latest period, the larger count).
  u.numerator_states = s.numerator_states;
  for (const auto& [id, bs] : b.numerator_states) {
    auto it = u.numerator_states.find(id);
    if (it == u.numerator_states.end()) {
      u.numerator_states.emplace(id, bs);
      continue;
    }
    NumeratorState& st = it->second;
    if (st == bs) continue;
    NumeratorState out;
    out.period_key = std::max(st.period_key, bs.period_key);
    for (const NumeratorState* x : {&std::as_const(st), &bs}) {
      if (x->period_key == out.period_key) out.last = std::max(out.last, x->last);
      else if (!x->period_key.empty()) out.earlier[x->period_key] = std::max(out.earlier[x->period_key], x->last);
      for (const auto& [k, v] : x->earlier)
        if (k != out.period_key) out.earlier[k] = std::max(out.earlier[k], v);
        else out.last = std::max(out.last, v);
    }
    st = std::move(out);
    merge_note("numerator", id, {"numbers_continue", {}});
  }

  if (!(b.my_company == s.my_company)) {
    if (pb || s.my_company == MyCompany{}) {
      u.my_company = b.my_company;
      if (!(s.my_company == MyCompany{})) merge_note("myCompany", "", {"company_replaced", {}});
    } else {
      dropped_note("myCompany", "", {"company_kept", {}});
    }
  }

  // People: the mapped users take the backup's profile into an empty target; created ones come as they are.
  {
    std::vector<User> users;
    std::set<std::string> done;
    std::map<std::string, const User*> profile;  // server user -> the first backup user mapped to him
    for (size_t i = 0; i < B_.users.size(); ++i)
      if (p_.users[i].action == "map") profile.emplace(p_.users[i].to, &b.users[i]);
    auto mapped = [&](const User& server) {
      User out = server;
      auto it = profile.find(server.id);
      if (it == profile.end()) return out;
      const User& from = *it->second;
      if (pb) {
        out.name = from.name;
        out.department = from.department;
        out.roles = from.roles;
        out.admin = server.admin || from.admin;  // an administrator stays one (he is restoring)
      } else if (from.name != server.name || from.department != server.department || from.roles != server.roles) {
        merge_note("user", server.id,
                   {"user_kept", {quoted(B_.users[&from - b.users.data()].id, from.name), quoted(server.id, server.name)}});
      }
      return out;
    };
    auto add_created = [&] {
      for (size_t i = 0; i < B_.users.size(); ++i)
        if (p_.users[i].action == "create" && done.insert(b.users[i].id).second) users.push_back(b.users[i]);
    };
    if (pb) {
      for (size_t i = 0; i < B_.users.size(); ++i) {
        if (!done.insert(b.users[i].id).second) continue;
        users.push_back(p_.users[i].action == "map" ? mapped(*s.user(p_.users[i].to)) : b.users[i]);
      }
      for (const auto& x : s.users)
        if (done.insert(x.id).second) users.push_back(x);
    } else {
      for (const auto& x : s.users)
        if (done.insert(x.id).second) users.push_back(mapped(x));
      add_created();
    }
    u.users = std::move(users);
    // Every department and role a user names exists (the backup's came along).
    std::unordered_set<std::string> departments, roles;
    for (const auto& x : u.departments) departments.insert(x.id);
    for (const auto& x : u.roles) roles.insert(x.id);
    for (const auto& x : u.users) {
      if (!x.department.empty() && !departments.count(x.department))
        dropped_note("department", x.department, {"no_department", {x.id}});
      for (const auto& role : x.roles)
        if (!roles.count(role)) dropped_note("role", role, {"no_role", {x.id}});
    }
  }

  // What the app relies on, whichever side it came from (the backup's own configuration is carried as
  // it is into an empty target): pipelines in order, of known types; fields of known types; users with ids.
  for (const auto& p : u.pipelines) {
    if (!u.entity(p.entity)) return Status::Fail("backup_invalid", "pipeline " + p.id + " is of an unknown type " + p.entity);
    if (auto why = check_stage_order(p.stages); !why.empty())
      return Status::Fail("backup_invalid", "pipeline " + p.entity + ":" + p.id + ": " + why);
  }
  for (const auto& f : u.fields)
    if (!u.entity(f.entity) || f.id.empty())
      return Status::Fail("backup_invalid", "field " + f.id + " is of an unknown type " + f.entity);
  for (const auto& x : u.users)
    if (x.id.empty()) return Status::Fail("backup_invalid", "a user has no id");
  united_ = std::move(u);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Items
// ---------------------------------------------------------------------------------------------------------

Status Planner::build(const ItemSource& source, Workspace* result) {
  std::optional<Workspace> out;
  // Item numbers the result holds (entity type, number): a backup's item keeps its number unless an item of
  // the target (or an earlier one of the backup) has it; then, or when it has none (a backup from before
  // numbers), it gets the next free one at the end.
  std::set<std::pair<std::string, std::uint64_t>> numbers;
  if (result) {
    out.emplace(united_);
    out->raise_last_numbers(target_.last_numbers());
    for (const auto& et : S_.entities)
      for (const auto& id : target_.item_ids(et.id))
        if (const Item* it = target_.item(id)) {
          out->put_item(*it, &target_.timeline(id), false);
          numbers.emplace(it->entity, it->number);
        }
  }
  // Link entries name a binding field of the item that links: a renamed field is renamed through its
  // entity type, looked up by the linking item's (old) id.
  std::unordered_map<std::string, std::string> entity_of;
  if (!r_.fields.empty())
    for (const auto& [id, entity] : ids_) entity_of.emplace(id, entity);
  Status s = source(
      [&](Item&& item, std::vector<TimelineEntry>&& tl) {
        const std::string old_entity = item.entity;
        for (auto& [key, n] : dropped_fields_)
          if (key.first == old_entity && item.cell(key.second)) {
            item.erase(key.second);
            ++n;
          }
        if (!entity_of.empty())
          for (auto& e : tl)
            if (is_link_entry(e) && !e.field.empty())
              if (auto it = entity_of.find(e.target); it != entity_of.end()) e.field = r_.field(it->second, e.field);
        rename_item(B_, r_, item, tl);
        for (auto& e : tl) e.ver = 0;  // unconfirmed: the server confirms them with the restore's version
        // Never over an item of the target (renames avoid every id it has; this holds whatever the file).
        if (target_.item(item.id) || !united_.entity(item.entity))
          return Status::Fail("merge_conflict", "item " + item.id + " cannot be placed");
        created("item", item_name(item));
        if (item.number && !numbers.emplace(item.entity, item.number).second) item.number = 0;
        if (out) out->put_item(std::move(item), std::move(tl), false);
        return Status::Ok();
      },
      &p_.backup);
  if (!s) return s;
  for (const auto& [key, n] : dropped_fields_)
    dropped_note("field", key.first + "." + key.second, {"values_dropped", {std::to_string(n)}});
  if (result) {
    out->number_unnumbered();
    *result = std::move(*out);
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Entry points
// ---------------------------------------------------------------------------------------------------------

Status plan_restore(const Workspace& target, const BackupStream& backup, const RestoreOptions& o, RestorePlan* plan,
                    Workspace* result) {
  RestorePlan p;
  ItemIds ids;
  if (Status s = backup.item_ids(&ids); !s) return s;
  Planner planner(target, backup.schema(), ids, o, &p);
  if (Status s = planner.configure(); !s) return s;
  if (Status s = planner.build([&](const BackupStream::ItemSink& each, RestoreReport* r) { return backup.items(each, r); },
                               result);
      !s)
    return s;
  *plan = std::move(p);
  return Status::Ok();
}

Status plan_restore(const Workspace& target, const Workspace& backup, const RestoreOptions& o, RestorePlan* plan,
                    Workspace* result) {
  RestorePlan p;
  ItemIds ids;
  for (const auto& et : backup.schema().entities)
    for (const auto& id : backup.item_ids(et.id)) ids.emplace_back(id, et.id);
  Planner planner(target, backup.schema(), ids, o, &p);
  if (Status s = planner.configure(); !s) return s;
  auto source = [&](const BackupStream::ItemSink& each, RestoreReport* r) {
    *r = describe(backup);
    for (const auto& [id, entity] : ids) {
      Item copy = *backup.item(id);
      if (Status s = each(std::move(copy), std::vector<TimelineEntry>(backup.timeline(id))); !s) return s;
    }
    return Status::Ok();
  };
  if (Status s = planner.build(source, result); !s) return s;
  *plan = std::move(p);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Report
// ---------------------------------------------------------------------------------------------------------

json report_counts_json(const RestoreReport& r) {
  json kinds = json::array();
  for (const auto& k : r.kinds)
    kinds.push_back({{"entity", k.entity}, {"name", k.name}, {"items", k.items}, {"deleted", k.deleted}});
  return json{{"items", r.items},
              {"kinds", std::move(kinds)},
              {"users", r.users},
              {"departments", r.departments},
              {"roles", r.roles},
              {"pipelines", r.pipelines},
              {"entityTypes", r.entity_types},
              {"customFields", r.custom_fields},
              {"layouts", r.layouts},
              {"views", r.views},
              {"timelineEntries", r.timeline_entries},
              {"comments", r.comments},
              {"todos", r.todos},
              {"productRows", r.product_rows},
              {"created", r.created_ms},
              {"createdBy", r.created_by}};
}

json restore_report_json(const RestorePlan& p, const Workspace& target, size_t cap) {
  bool truncated = false;
  auto capped = [&](const auto& list, auto to_json) {
    json out = json::array();
    for (const auto& x : list) {
      if (out.size() >= cap) {
        truncated = true;
        break;
      }
      out.push_back(to_json(x));
    }
    return out;
  };
  json users = capped(p.users, [](const RestorePlan::UserLine& u) {
    return json{{"local", u.local},
                {"name", u.name},
                {"action", u.action},
                {"to", u.to},
                {"suggested", u.suggested.empty() ? json() : json(u.suggested)}};
  });
  json server_users = capped(target.schema().users, [](const User& u) {
    return json{{"id", u.id}, {"name", u.name}, {"admin", u.admin}, {"active", u.active}};
  });
  json create = json::array();
  for (const auto& c : p.create)
    create.push_back({{"kind", c.kind}, {"count", c.count}, {"examples", c.examples}});
  json merge = capped(p.merge, [](const RestorePlan::Note& n) {
    return json{{"kind", n.kind}, {"id", n.id}, {"how", n.why.text()}, {"code", n.why.code}, {"args", n.why.args}};
  });
  json rename = capped(p.rename, [](const RestorePlan::Renamed& r) {
    return json{{"kind", r.kind}, {"from", r.from}, {"to", r.to},
                {"why", r.why.text()}, {"code", r.why.code}, {"args", r.why.args}};
  });
  json dropped = capped(p.dropped, [](const RestorePlan::Note& n) {
    return json{{"kind", n.kind}, {"id", n.id}, {"why", n.why.text()}, {"code", n.why.code}, {"args", n.why.args}};
  });
  return json{{"empty", p.empty},
              {"backup", report_counts_json(p.backup)},
              {"users", std::move(users)},
              {"serverUsers", std::move(server_users)},
              {"create", std::move(create)},
              {"merge", std::move(merge)},
              {"rename", std::move(rename)},
              {"dropped", std::move(dropped)},
              {"totals",
               {{"users", p.users.size()}, {"merge", p.merge.size()}, {"rename", p.rename.size()}, {"dropped", p.dropped.size()}}},
              {"truncated", truncated}};
}

}  // namespace kt::io
