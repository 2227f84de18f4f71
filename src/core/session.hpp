// A user's editing session over a workspace: turns commands into mutations (client id, sequence number,
// clock), applies them, hands them to the journal, and keeps the undo and redo stacks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/hlc.hpp"
#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt {

class Session {
 public:
  // Called with every mutation applied through dispatch/undo/redo, in order: the journal and the outbox.
  using Sink = std::function<void(const Mutation&)>;
  // Called with every command just before it is applied locally (the sync replica remembers the
  // confirmed state of what the command touches).
  using BeforeApply = std::function<void(const Command&)>;

  Session(Workspace& ws, std::string client_id, std::string user_id);

  const Workspace& workspace() const { return ws_; }
  const std::string& client_id() const { return clock_.node(); }
  const std::string& user_id() const { return user_; }
  void set_user(std::string user_id) { user_ = std::move(user_id); }
  void set_sink(Sink sink) { sink_ = std::move(sink); }
  void set_before_apply(BeforeApply hook) { before_ = std::move(hook); }

  // A new id for an item created by this client: "<prefix><client>-<n>".
  std::string new_id(const std::string& prefix);

  // Applies a command issued by the user at now_ms. A SetField that would not change anything is accepted
  // and dropped (no mutation, no undo step). Undoable commands go on the undo stack and clear redo;
  // commands that cannot be taken back (creating an item, deleting a field, forcing the common view) add
  // no step.
  Status dispatch(Command cmd, std::int64_t now_ms, bool undoable = true);

  // Re-applies a mutation from the journal at start-up: no sink, no undo step. Advances the clock so that
  // later local writes order after it.
  Status replay(const Mutation& m, std::int64_t now_ms);
  // Advances the clock past a timestamp already in the workspace (a session started on a stored state).
  void observe_clock(const Hlc& h, std::int64_t now_ms) { clock_.observe(h, now_ms); }

  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  // Undoes the last undoable command by issuing its inverse as a new mutation (so that it is journaled and
  // synced like any edit). Fails, changing nothing, if the inverse is no longer valid.
  Status undo(std::int64_t now_ms);
  Status redo(std::int64_t now_ms);

  std::uint64_t last_seq() const { return seq_; }

 private:
  struct Step {
    Command forward;  // as applied (SetField::previous filled in)
    Command inverse;  // computed from the state before `forward` was applied
  };

  Status issue(Command cmd, std::int64_t now_ms);
  // The command that takes `cmd` back, computed from the current state (before `cmd` is applied);
  // nothing when it cannot be taken back.
  std::optional<Command> inverse_of(const Command& cmd) const;
  // Whether the data still shows what `cmd` wrote, so that its inverse is meaningful.
  Status still_current(const Command& cmd) const;

  Workspace& ws_;
  HlcClock clock_;
  std::string user_;
  Sink sink_;
  BeforeApply before_;
  std::uint64_t seq_ = 0;
  std::uint64_t ids_ = 0;
  std::vector<Step> undo_;
  std::vector<Step> redo_;
};

}  // namespace kt
