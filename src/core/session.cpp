#include "core/session.hpp"

namespace kt {

Session::Session(Workspace& ws, std::string client_id, std::string user_id)
    : ws_(ws), clock_(std::move(client_id)), user_(std::move(user_id)) {}

std::string Session::new_id(const std::string& prefix) {
  return prefix + clock_.node() + "-" + std::to_string(++ids_);
}

Status Session::issue(Command cmd, std::int64_t now_ms) {
  Mutation m;
  m.client = clock_.node();
  m.seq = seq_ + 1;
  m.hlc = clock_.tick(now_ms);
  m.author = user_;
  m.time_ms = now_ms;
  m.cmd = std::move(cmd);
  if (before_) before_(m.cmd);
  Status s = ws_.apply(m);
  if (!s) return s;
  seq_ = m.seq;
  if (sink_) sink_(m);
  return s;
}

Status Session::dispatch(Command cmd, std::int64_t now_ms, bool undoable) {
  if (auto* set = std::get_if<SetField>(&cmd)) {
    const Item* it = ws_.item(set->item);
    if (!it) return Status::Fail("unknown_item", "no such item: " + set->item);
    set->previous = it->get(set->field);
    if (set->previous == set->value) return Status::Ok();
  }
  std::optional<Command> inverse = undoable ? inverse_of(cmd) : std::nullopt;
  Command applied = cmd;
  Status s = issue(std::move(cmd), now_ms);
  if (!s) return s;
  if (inverse) {
    undo_.push_back(Step{std::move(applied), std::move(*inverse)});
    redo_.clear();
  }
  return s;
}

Status Session::replay(const Mutation& m, std::int64_t now_ms) {
  clock_.observe(m.hlc, now_ms);
  if (m.client == clock_.node() && m.seq > seq_) seq_ = m.seq;
  return ws_.apply(m);
}

std::optional<Command> Session::inverse_of(const Command& cmd) const {
  const Schema& s = ws_.schema();
  return std::visit(
      [&](const auto& c) -> std::optional<Command> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, SetField>) {
          return SetField{c.item, c.field, c.previous, c.value};
        } else if constexpr (std::is_same_v<T, MoveStage>) {
          const Item* it = ws_.item(c.item);
          if (!it) return std::nullopt;
          MoveStage back{c.item, it->get("STAGE_ID").str_or_empty(), {}};
          for (const auto& [fid, v] : c.fills) back.fills.emplace_back(fid, it->get(fid));
          return back;
        } else if constexpr (std::is_same_v<T, PutField>) {
          if (const FieldDef* f = s.field(c.def.entity, c.def.id)) return PutField{*f};
          return DeleteField{c.def.entity, c.def.id};  // a field just created has no data yet
        } else if constexpr (std::is_same_v<T, SetRequired>) {
          const FieldDef* f = s.field(c.entity, c.field);
          if (!f) return std::nullopt;
          SetRequired back{c.entity, c.field, f->mandatory, {}};
          for (const auto& r : s.required)
            if (r.entity == c.entity && r.field == c.field) back.ranges.push_back(r);
          return back;
        } else if constexpr (std::is_same_v<T, PutLayout>) {
          if (const Layout* l = s.stored_layout(c.family, c.scope)) return PutLayout{c.family, c.scope, *l, false};
          if (c.scope.rfind("V:", 0) == 0) return std::nullopt;
          return PutLayout{c.family, c.scope, {}, true};
        } else if constexpr (std::is_same_v<T, PutView>) {
          if (c.remove) return std::nullopt;
          if (const View* v = s.view(c.view.id)) return PutView{*v, false};
          return PutView{c.view, true};
        } else if constexpr (std::is_same_v<T, SelectScope>) {
          auto it = s.scope_choices.find({c.user, c.family});
          return SelectScope{c.user, c.family, it == s.scope_choices.end() ? "" : it->second};
        } else if constexpr (std::is_same_v<T, PutEntityType>) {
          if (const EntityType* e = s.entity(c.type.id)) return PutEntityType{*e};
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, PutPipeline>) {
          if (c.remove) return std::nullopt;
          if (const Pipeline* p = s.pipeline(c.pipeline.entity, c.pipeline.id)) return PutPipeline{*p, false};
          return PutPipeline{c.pipeline, true};
        } else if constexpr (std::is_same_v<T, PutUser>) {
          if (const User* u = s.user(c.user.id)) return PutUser{*u};
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, PutDepartment>) {
          if (c.remove) return std::nullopt;
          if (const Department* d = s.department(c.department.id)) return PutDepartment{*d, false};
          return PutDepartment{c.department, true};
        } else if constexpr (std::is_same_v<T, PutRole>) {
          if (c.remove) return std::nullopt;
          if (const Role* r = s.role(c.role.id)) return PutRole{*r, false};
          return PutRole{c.role, true};
        } else if constexpr (std::is_same_v<T, AddComment>) {
          // The comment's entry is named after the mutation about to be issued.
          return EditComment{c.item, clock_.node() + ":" + std::to_string(seq_ + 1), {}, true};
        } else if constexpr (std::is_same_v<T, EditComment>) {
          if (c.remove) return std::nullopt;  // a deleted comment stays deleted
          for (const auto& e : ws_.timeline(c.item))
            if (e.id == c.entry) return EditComment{c.item, c.entry, e.text, false};
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, PinEntry>) {
          return PinEntry{c.item, c.entry, !c.pinned};
        } else if constexpr (std::is_same_v<T, SetNote>) {
          for (const auto& e : ws_.timeline(c.item))
            if (e.id == c.entry) return SetNote{c.item, c.entry, e.note};
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, PutTodo>) {
          if (const Item* it = ws_.item(c.item))
            if (const Activity* a = it->activity(c.todo.id)) return PutTodo{c.item, *a};
          return RemoveTodo{c.item, c.todo.id};
        } else if constexpr (std::is_same_v<T, CompleteTodo>) {
          return CompleteTodo{c.item, c.todo, !c.completed};
        } else if constexpr (std::is_same_v<T, RemoveTodo>) {
          if (const Item* it = ws_.item(c.item))
            if (const Activity* a = it->activity(c.todo)) return PutTodo{c.item, *a};
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, SetProducts>) {
          if (const Item* it = ws_.item(c.item)) return SetProducts{c.item, it->products, it->get("OPPORTUNITY_WITH_CURRENCY")};
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, PutTemplate>) {
          if (c.remove) return std::nullopt;
          if (const DocTemplate* t = s.doc_template(c.tmpl.id)) return PutTemplate{*t, false};
          return PutTemplate{c.tmpl, true};
        } else if constexpr (std::is_same_v<T, PutNumerator>) {
          if (c.remove) return std::nullopt;
          if (const Numerator* n = s.numerator(c.numerator.id)) return PutNumerator{*n, false};
          return PutNumerator{c.numerator, true};
        } else if constexpr (std::is_same_v<T, SetMyCompany>) {
          return SetMyCompany{s.my_company};
        } else if constexpr (std::is_same_v<T, DeleteItem>) {
          return RestoreItem{c.item};
        } else if constexpr (std::is_same_v<T, RestoreItem>) {
          return DeleteItem{c.item};
        } else {
          return std::nullopt;  // CreateItem, DeleteField, ForceCommonScope, ChangePipeline, PurgeItem
        }
      },
      cmd);
}

Status Session::still_current(const Command& cmd) const {
  if (const auto* set = std::get_if<SetField>(&cmd)) {
    const Item* it = ws_.item(set->item);
    if (!it || it->deleted) return Status::Fail("unknown_item", "the item no longer exists");
    if (!(it->get(set->field) == set->value))
      return Status::Fail("undo_conflict", "field " + set->field + " was changed since", set->field);
  }
  if (const auto* move = std::get_if<MoveStage>(&cmd)) {
    const Item* it = ws_.item(move->item);
    if (!it || it->deleted) return Status::Fail("unknown_item", "the item no longer exists");
    if (it->get("STAGE_ID").str_or_empty() != move->stage)
      return Status::Fail("undo_conflict", "the stage was changed since", "STAGE_ID");
  }
  return Status::Ok();  // configuration: the last writer wins the whole document
}

Status Session::undo(std::int64_t now_ms) {
  if (undo_.empty()) return Status::Fail("nothing_to_undo", "nothing to undo");
  Step step = undo_.back();
  undo_.pop_back();
  if (auto s = still_current(step.forward); !s) return s;
  // The inverse of the inverse is recomputed on redo from the state then.
  Status s = issue(step.inverse, now_ms);
  if (s) redo_.push_back(std::move(step));
  return s;
}

Status Session::redo(std::int64_t now_ms) {
  if (redo_.empty()) return Status::Fail("nothing_to_redo", "nothing to redo");
  Step step = redo_.back();
  redo_.pop_back();
  if (auto s = still_current(step.inverse); !s) return s;
  std::optional<Command> again = inverse_of(step.forward);
  Status s = issue(step.forward, now_ms);
  if (s && again) undo_.push_back(Step{std::move(step.forward), std::move(*again)});
  return s;
}

}  // namespace kt
