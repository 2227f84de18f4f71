// Applying the item commands beyond field edits: pipeline changes, comments, pins and notes, the recycle
// bin; and which items a command can touch (for the sync replica and the server's change tracking).
#include <algorithm>

#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/workspace.hpp"

namespace kt {

namespace {

constexpr size_t kMaxPinned = 7;  // T-4
constexpr size_t kMaxComment = 65536;

}  // namespace

TimelineEntry* Workspace::entry_mut(const std::string& item, const std::string& entry) {
  Slot* s = slot(item);
  if (!s) return nullptr;
  for (auto& e : unpacked(*s))
    if (e.id == entry) return &e;
  return nullptr;
}

Status Workspace::apply_item(const Mutation& m, const ChangePipeline& c) {
  auto found = items_.find(c.item);
  if (found == items_.end() || found->second.item.deleted) return Status::Fail("unknown_item", "no such item: " + c.item);
  Item& it = found->second.item;
  if (!can_act(schema_, m.author, it, Action::Edit)) return Status::Fail("forbidden", "you may not edit this item");
  const EntityType* et = schema_.entity(it.entity);
  if (!et || !et->has_pipelines) return Status::Fail("no_pipelines", it.entity + " has a single pipeline");
  const Pipeline* to = schema_.pipeline(it.entity, c.pipeline);
  if (!to) return Status::Fail("unknown_pipeline", "no such pipeline: " + c.pipeline);
  if (to->id == it.pipeline) return Status::Ok();
  // The item as it will be: the new pipeline's first stage, with its required rules (S-2, R-4).
  Item moved = it;
  moved.pipeline = to->id;
  moved.cell_for_write("STAGE_ID").value = Value(to->stages.front().id);
  std::vector<const FieldDef*> defs;
  for (const auto& [fid, v] : c.fills) {
    const FieldDef* f = nullptr;
    if (auto s = check_writable(m, moved, fid, v, &f); !s) return s;
    defs.push_back(f);
  }
  auto missing = missing_required(schema_, m.author, moved, to->stages.front().id, c.fills);
  if (!missing.empty()) {
    Status s = Status::Fail("required_missing", "required fields are empty", missing.front());
    s.missing = std::move(missing);
    return s;
  }
  int entry = 0;
  const std::string from = it.pipeline;
  it.pipeline = to->id;
  it.rev = version_;
  add_timeline(m, found->second, TimelineKind::PipelineChanged, {}, Value(from), Value(to->id), &entry);
  for (size_t i = 0; i < c.fills.size(); ++i) write_cell(m, found->second, *defs[i], c.fills[i].second, &entry);
  // The stage of another pipeline means nothing here: the write wins regardless of clocks.
  Cell& stage = it.cell_for_write("STAGE_ID");
  Value old_stage = stage.value;
  stage = Cell{Value(to->stages.front().id), std::max(stage.hlc, m.hlc)};
  add_timeline(m, it.id, TimelineKind::StageChanged, "STAGE_ID", std::move(old_stage), Value(to->stages.front().id), &entry);
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const AddComment& c) {
  auto found = items_.find(c.item);
  if (found == items_.end() || found->second.item.deleted) return Status::Fail("unknown_item", "no such item: " + c.item);
  if (!can_act(schema_, m.author, found->second.item, Action::Edit))
    return Status::Fail("forbidden", "you may not comment on this item");
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return Status::Fail("comment_empty", "the comment is empty");
  if (c.text.size() > kMaxComment) return Status::Fail("too_long", "the comment is longer than 64 KB");
  add_timeline(m, found->second, TimelineKind::Comment, {}, {}, {}, nullptr).text = c.text;
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const EditComment& c) {
  TimelineEntry* e = entry_mut(c.item, c.entry);
  if (!e || e->kind != TimelineKind::Comment || e->removed) return Status::Fail("unknown_entry", "no such comment");
  if (e->author != m.author) return Status::Fail("not_author", "only the author may change a comment");
  if (c.remove) {
    e->removed = true;
    e->pinned = false;
    return Status::Ok();
  }
  if (c.text.find_first_not_of(" \t\r\n") == std::string::npos) return Status::Fail("comment_empty", "the comment is empty");
  if (c.text.size() > kMaxComment) return Status::Fail("too_long", "the comment is longer than 64 KB");
  e->text = c.text;
  e->edited_ms = m.time_ms;
  ++version_;
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const PinEntry& c) {
  auto found = items_.find(c.item);
  if (found == items_.end() || found->second.item.deleted) return Status::Fail("unknown_item", "no such item: " + c.item);
  if (!can_act(schema_, m.author, found->second.item, Action::Edit)) return Status::Fail("forbidden", "you may not pin here");
  TimelineEntry* e = entry_mut(c.item, c.entry);
  if (!e || e->removed) return Status::Fail("unknown_entry", "no such entry");
  if (c.pinned && !e->pinned) {
    const auto& tl = found->second.timeline;  // decoded by entry_mut
    size_t pinned = std::count_if(tl.begin(), tl.end(), [](const TimelineEntry& x) { return x.pinned; });
    if (pinned >= kMaxPinned) return Status::Fail("pin_limit", "at most 7 entries can be pinned");
  }
  e->pinned = c.pinned;
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const SetNote& c) {
  auto found = items_.find(c.item);
  if (found == items_.end() || found->second.item.deleted) return Status::Fail("unknown_item", "no such item: " + c.item);
  if (!can_act(schema_, m.author, found->second.item, Action::Edit)) return Status::Fail("forbidden", "you may not add notes here");
  TimelineEntry* e = entry_mut(c.item, c.entry);
  if (!e || e->removed) return Status::Fail("unknown_entry", "no such entry");
  if (c.text.size() > kMaxComment) return Status::Fail("too_long", "the note is longer than 64 KB");
  e->note = c.text.find_first_not_of(" \t\r\n") == std::string::npos ? std::string() : c.text;
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const DeleteItem& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  Item& it = found->second.item;
  if (it.deleted) return Status::Fail("item_deleted", "the item is in the recycle bin already");
  if (!can_act(schema_, m.author, it, Action::Remove)) return Status::Fail("forbidden", "you may not delete this item");
  it.deleted = true;
  it.deleted_ms = m.time_ms;
  it.deleted_by = m.author;
  it.rev = version_;
  add_timeline(m, it.id, TimelineKind::Deleted, {}, {}, {}, nullptr);
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const RestoreItem& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  Item& it = found->second.item;
  if (!it.deleted) return Status::Fail("not_deleted", "the item is not in the recycle bin");
  if (!can_act(schema_, m.author, it, Action::Remove) && it.deleted_by != m.author)
    return Status::Fail("forbidden", "you may not restore this item");
  it.deleted = false;
  it.deleted_ms = 0;
  it.deleted_by.clear();
  it.rev = version_;
  add_timeline(m, it.id, TimelineKind::Restored, {}, {}, {}, nullptr);
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const PurgeItem& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  if (!found->second.item.deleted) return Status::Fail("not_deleted", "only items in the recycle bin are purged");
  // Administrators empty the bin; anyone's client purges what has been there for 30 days.
  const bool expired = m.time_ms - found->second.item.deleted_ms >= kRecycleBinDays * 86400000LL;
  if (!is_admin(schema_, m.author) && !expired) return Status::Fail("forbidden", "you may not purge this item");
  remove_item(c.item);
  return Status::Ok();
}

std::vector<std::string> Workspace::affected_items(const Command& cmd) const {
  std::vector<std::string> out;
  auto binding_targets = [&](const std::string& entity, const std::string& item_id, const std::string& field,
                             const Value& next) {
    const FieldDef* f = schema_.field(entity, field);
    if (!f || f->type != FieldType::CrmBinding) return;
    for (const auto& v : next.elements()) out.push_back(v.str_or_empty());
    if (const Item* it = item(item_id))
      for (const auto& v : it->get(field).elements()) out.push_back(v.str_or_empty());
  };
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateItem>) {
          out.push_back(c.item);
          for (const auto& [fid, v] : c.fields) binding_targets(c.entity, c.item, fid, v);
        } else if constexpr (std::is_same_v<T, SetField>) {
          out.push_back(c.item);
          if (const Item* it = item(c.item)) binding_targets(it->entity, c.item, c.field, c.value);
        } else if constexpr (std::is_same_v<T, MoveStage> || std::is_same_v<T, ChangePipeline>) {
          out.push_back(c.item);
          if (const Item* it = item(c.item))
            for (const auto& [fid, v] : c.fills) binding_targets(it->entity, c.item, fid, v);
        } else if constexpr (std::is_same_v<T, Convert>) {
          out.push_back(c.item);
          for (const auto& t : c.targets) {
            out.push_back(t.item);
            for (const auto& [fid, v] : t.fields) binding_targets(t.entity, t.item, fid, v);
          }
          if (const Item* it = item(c.item))
            for (const auto& [fid, v] : c.source_fields) binding_targets(it->entity, c.item, fid, v);
        } else if constexpr (std::is_same_v<T, DeleteField>) {
          out = item_ids(c.entity);
        } else if constexpr (std::is_same_v<T, PutField>) {
          const FieldDef* f = schema_.field(c.def.entity, c.def.id);
          if (f && f->type == FieldType::List) out = item_ids(c.def.entity);
        } else if constexpr (requires { c.item; }) {
          out.push_back(c.item);
        }
      },
      cmd);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

}  // namespace kt
