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
  Command applied = cmd;
  Status s = issue(std::move(cmd), now_ms);
  if (!s) return s;
  if (undoable && inverse(applied)) {
    undo_.push_back(std::move(applied));
    redo_.clear();
  }
  return s;
}

Status Session::replay(const Mutation& m, std::int64_t now_ms) {
  clock_.observe(m.hlc, now_ms);
  if (m.client == clock_.node() && m.seq > seq_) seq_ = m.seq;
  return ws_.apply(m);
}

std::optional<Command> Session::inverse(const Command& applied) {
  if (const auto* set = std::get_if<SetField>(&applied))
    return SetField{set->item, set->field, set->previous, set->value};
  return std::nullopt;  // creation is undone by deleting, which arrives with the recycle bin
}

namespace {

// The inverse of `cmd` is only meaningful while the data still shows what `cmd` wrote.
Status still_current(const Workspace& ws, const Command& cmd) {
  if (const auto* set = std::get_if<SetField>(&cmd)) {
    const Item* it = ws.item(set->item);
    if (!it || it->deleted) return Status::Fail("unknown_item", "the item no longer exists");
    if (!(it->get(set->field) == set->value))
      return Status::Fail("undo_conflict", "field " + set->field + " was changed since", set->field);
  }
  return Status::Ok();
}

}  // namespace

Status Session::undo(std::int64_t now_ms) {
  if (undo_.empty()) return Status::Fail("nothing_to_undo", "nothing to undo");
  Command forward = undo_.back();
  undo_.pop_back();
  if (auto s = still_current(ws_, forward); !s) return s;
  Status s = issue(*inverse(forward), now_ms);
  if (s) redo_.push_back(std::move(forward));
  return s;
}

Status Session::redo(std::int64_t now_ms) {
  if (redo_.empty()) return Status::Fail("nothing_to_redo", "nothing to redo");
  Command forward = redo_.back();
  redo_.pop_back();
  if (auto s = still_current(ws_, *inverse(forward)); !s) return s;
  Status s = issue(forward, now_ms);
  if (s) undo_.push_back(std::move(forward));
  return s;
}

}  // namespace kt
