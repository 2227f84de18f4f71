#include "core/required.hpp"

#include <algorithm>

#include "core/rights.hpp"

namespace kt {

namespace {

int index_in(const std::vector<Stage>& stages, const std::string& id) {
  for (size_t i = 0; i < stages.size(); ++i)
    if (stages[i].id == id) return static_cast<int>(i);
  return -1;
}

bool has_stages(const Schema& s, const std::string& entity) {
  const EntityType* et = s.entity(entity);
  return et && et->has_stages;
}

}  // namespace

bool required_on_stage(const Schema& s, const FieldDef& f, const std::string& pipeline, const std::string& stage) {
  if (f.mandatory) return true;
  const bool staged = has_stages(s, f.entity);
  const Pipeline* p = staged ? s.pipeline(f.entity, pipeline) : nullptr;
  for (const auto& r : s.required) {
    if (r.entity != f.entity || r.field != f.id) continue;
    if (!staged) return true;  // contacts, companies: any row means always
    if (r.pipeline != pipeline) continue;
    if (r.group == RangeGroup::All) return true;
    if (!p) continue;
    int cur = p->stage_index(stage), a = p->stage_index(r.start), b = p->stage_index(r.finish);
    if (cur >= 0 && a >= 0 && b >= 0 && a <= cur && cur <= b) return true;
  }
  return false;
}

bool required_for(const Schema& s, const std::string& user, const FieldDef& f, const std::string& pipeline,
                  const std::string& stage) {
  return required_on_stage(s, f, pipeline, stage) && can_see_field(s, user, f);
}

bool required_anywhere(const Schema& s, const FieldDef& f, const std::string& pipeline) {
  if (f.mandatory) return true;
  const bool staged = has_stages(s, f.entity);
  for (const auto& r : s.required)
    if (r.entity == f.entity && r.field == f.id && (!staged || r.pipeline == pipeline)) return true;
  return false;
}

std::vector<std::string> missing_required(const Schema& s, const std::string& user, const Item& item,
                                          const std::string& stage,
                                          const std::vector<std::pair<std::string, Value>>& fills) {
  std::vector<std::string> out;
  for (const auto& f : s.fields) {
    if (f.entity != item.entity || f.type == FieldType::Stage) continue;
    if (!required_for(s, user, f, item.pipeline, stage)) continue;
    const Value* v = &item.get(f.id);
    for (const auto& [fid, val] : fills)
      if (fid == f.id) v = &val;
    if (v->empty()) out.push_back(f.id);
  }
  return out;
}

std::vector<RequiredRange> adjust_ranges(const std::vector<RequiredRange>& ranges, const std::string& entity,
                                         const std::string& pipeline, const std::vector<Stage>& before,
                                         const std::vector<Stage>& after) {
  std::vector<RequiredRange> out;
  std::vector<RequiredRange> added;
  for (RequiredRange r : ranges) {
    if (r.entity != entity || r.pipeline != pipeline || r.group == RangeGroup::All) {
      out.push_back(r);
      continue;
    }
    // a deleted start moves to the next surviving stage, a deleted finish to the previous one.
    auto survives = [&](const std::string& id) { return index_in(after, id) >= 0; };
    if (!survives(r.start)) {
      int i = index_in(before, r.start);
      std::string next;
      for (int k = i + 1; i >= 0 && k < static_cast<int>(before.size()); ++k)
        if (survives(before[k].id)) { next = before[k].id; break; }
      if (r.start == r.finish || next.empty()) continue;  // the range was only that stage, or no neighbour
      r.start = next;
    }
    if (!survives(r.finish)) {
      int i = index_in(before, r.finish);
      std::string prev;
      for (int k = i - 1; k >= 0; --k)
        if (survives(before[k].id)) { prev = before[k].id; break; }
      if (prev.empty()) continue;
      r.finish = prev;
    }
    // a range whose start now sorts after its finish is dropped.
    if (index_in(after, r.start) > index_in(after, r.finish)) continue;
    // a stage inserted right after the finish, with the same semantics, extends the range
    // (in progress) or gets a single-stage range of its own (failure group).
    for (size_t i = 1; i < after.size(); ++i) {
      const Stage& inserted = after[i];
      if (index_in(before, inserted.id) >= 0) continue;
      const Stage& prev = after[i - 1];
      if (prev.id != r.finish || prev.semantics != inserted.semantics) continue;
      if (r.group == RangeGroup::Pipeline && inserted.semantics == StageSemantics::Process) {
        r.finish = inserted.id;
      } else if (r.group == RangeGroup::Junk && inserted.semantics == StageSemantics::Failure) {
        RequiredRange single = r;
        single.start = single.finish = inserted.id;
        added.push_back(single);
      }
    }
    out.push_back(r);
  }
  out.insert(out.end(), added.begin(), added.end());
  return out;
}

std::string check_ranges(const Schema& s, const std::vector<RequiredRange>& ranges) {
  for (const auto& r : ranges) {
    const FieldDef* f = s.field(r.entity, r.field);
    if (!f) return "no such field: " + r.field;
    if (r.group == RangeGroup::All) {
      if (!r.start.empty() || !r.finish.empty()) return "an all-stages rule has no stages";
      continue;
    }
    if (!has_stages(s, r.entity)) return r.entity + " has no stages";
    const Pipeline* p = s.pipeline(r.entity, r.pipeline);
    if (!p) return "no such pipeline: " + r.pipeline;
    int a = p->stage_index(r.start), b = p->stage_index(r.finish);
    if (a < 0 || b < 0) return "no such stage in the pipeline";
    if (a > b) return "the first stage of a range comes after its last";
    for (int i = a; i <= b; ++i) {
      bool failure = p->stages[static_cast<size_t>(i)].semantics == StageSemantics::Failure;
      if (failure != (r.group == RangeGroup::Junk)) return "a range mixes failure and other stages";
    }
  }
  return {};
}

}  // namespace kt
