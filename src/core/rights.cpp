#include "core/rights.hpp"

#include <algorithm>

namespace kt {

bool is_admin(const Schema& s, const std::string& user) {
  if (s.users.empty()) return true;
  const User* u = s.user(user);
  return u && u->active && u->admin;
}

std::vector<std::string> access_codes(const Schema& s, const std::string& user) {
  std::vector<std::string> codes{"U" + user};
  const User* u = s.user(user);
  if (!u || u->department.empty()) return codes;
  codes.push_back("D" + u->department);
  // Walk up the tree; the hop limit guards against a cycle that a bad import could create.
  std::string d = u->department;
  for (int hops = 0; !d.empty() && hops < 64; ++hops) {
    codes.push_back("DR" + d);
    const Department* dep = s.department(d);
    d = dep ? dep->parent : "";
  }
  return codes;
}

bool matches_codes(const Schema& s, const std::string& user, const std::vector<std::string>& codes) {
  for (const auto& c : access_codes(s, user))
    if (std::find(codes.begin(), codes.end(), c) != codes.end()) return true;
  return false;
}

std::vector<std::string> department_subtree(const Schema& s, const std::string& dept) {
  std::vector<std::string> out{dept};
  for (size_t i = 0; i < out.size() && out.size() < 4096; ++i)
    for (const auto& d : s.departments)
      if (d.parent == out[i] && std::find(out.begin(), out.end(), d.id) == out.end()) out.push_back(d.id);
  return out;
}

bool can_see_field(const Schema& s, const std::string& user, const FieldDef& f) {
  if (f.visible_to.empty() || is_admin(s, user)) return true;
  return matches_codes(s, user, f.visible_to);
}

namespace {

Level max_level(Level a, Level b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

void merge(EntityRights& into, const EntityRights& r) {
  into.read = max_level(into.read, r.read);
  into.add = max_level(into.add, r.add);
  into.edit = max_level(into.edit, r.edit);
  into.remove = max_level(into.remove, r.remove);
  into.own_view = into.own_view || r.own_view;
  into.configure = into.configure || r.configure;
}

EntityRights all_rights() {
  EntityRights r;
  r.own_view = true;
  r.configure = true;
  return r;
}

EntityRights no_rights() {
  EntityRights r;
  r.read = r.add = r.edit = r.remove = Level::None;
  return r;
}

}  // namespace

EntityRights rights_for(const Schema& s, const std::string& user, const std::string& entity,
                        const std::string& pipeline) {
  if (is_admin(s, user)) return all_rights();
  const User* u = s.user(user);
  EntityRights out = no_rights();
  if (!u || !u->active) return out;
  for (const auto& rid : u->roles) {
    const Role* r = s.role(rid);
    if (!r) continue;
    auto it = pipeline.empty() ? r->entities.end() : r->entities.find(entity + ":" + pipeline);
    if (it == r->entities.end()) it = r->entities.find(entity);
    merge(out, it == r->entities.end() ? r->defaults : it->second);
  }
  return out;
}

bool can_act(const Schema& s, const std::string& user, const Item& item, Action a) {
  if (is_admin(s, user)) return true;
  EntityRights r = rights_for(s, user, item.entity, item.pipeline);
  Level need = a == Action::Read ? r.read : a == Action::Add ? r.add : a == Action::Edit ? r.edit : r.remove;
  switch (need) {
    case Level::None: return false;
    case Level::All: return true;
    case Level::Own:
    case Level::Department: {
      const std::string& responsible = item.get("ASSIGNED_BY_ID").str_or_empty();
      const std::string& owner = responsible.empty() ? item.created_by : responsible;
      if (owner == user) return true;
      if (need == Level::Own) return false;
      const User* me = s.user(user);
      const User* them = s.user(owner);
      if (!me || !them || me->department.empty()) return false;
      auto sub = department_subtree(s, me->department);
      return std::find(sub.begin(), sub.end(), them->department) != sub.end();
    }
  }
  return false;
}

ActCheck::ActCheck(const Schema& s, const std::string& user, Action a)
    : s_(s), user_(user), action_(a), admin_(is_admin(s, user)) {}

bool ActCheck::operator()(const Item& item) {
  if (admin_) return true;
  if (!have_level_ || item.entity != entity_ || item.pipeline != pipeline_) {
    EntityRights r = rights_for(s_, user_, item.entity, item.pipeline);
    level_ = action_ == Action::Read ? r.read : action_ == Action::Add ? r.add : action_ == Action::Edit ? r.edit : r.remove;
    entity_ = item.entity;
    pipeline_ = item.pipeline;
    have_level_ = true;
  }
  switch (level_) {
    case Level::None: return false;
    case Level::All: return true;
    case Level::Own:
    case Level::Department: {
      static const std::string kResponsible = "ASSIGNED_BY_ID";
      const std::string& responsible = item.get(kResponsible).str_or_empty();
      const std::string& owner = responsible.empty() ? item.created_by : responsible;
      if (owner == user_) return true;
      if (level_ == Level::Own) return false;
      for (const auto& [who, ok] : owners_)
        if (who == owner) return ok;
      bool ok = false;
      const User* me = s_.user(user_);
      const User* them = s_.user(owner);
      if (me && them && !me->department.empty()) {
        if (!subtree_done_) subtree_ = department_subtree(s_, me->department), subtree_done_ = true;
        ok = std::find(subtree_.begin(), subtree_.end(), them->department) != subtree_.end();
      }
      owners_.emplace_back(owner, ok);
      return ok;
    }
  }
  return false;
}

bool can_add(const Schema& s, const std::string& user, const std::string& entity, const std::string& pipeline) {
  return rights_for(s, user, entity, pipeline).add != Level::None;
}

bool can_configure(const Schema& s, const std::string& user, const std::string& entity) {
  return rights_for(s, user, entity).configure;
}

bool allow_own_view(const Schema& s, const std::string& user, const std::string& entity,
                    const std::string& pipeline) {
  return rights_for(s, user, entity, pipeline).own_view;
}

}  // namespace kt
