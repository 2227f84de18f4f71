// Changes the server refused (issue 19): a pending mutation the server rejected (the user's rights changed
// while he was offline, a required field, a number another device took) is not reverted away silently. It
// is kept in a list, with what it wrote, what the server's copy held when the answer came, and why, so that
// the user can re-apply it once the cause is fixed, copy its value, or discard it. The list is persisted
// by the app beside its journal (JSON, read back with every limit checked: it is a file).
//
// describe_change() turns a refused command into what a person reads: the item's name, the field's label,
// the old and new values as the card shows them, and the text a copy puts on the clipboard. The words for
// the kind of change and for the reason are the UI's (it translates `kind` and `code`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/status.hpp"

namespace kt {

class Workspace;

struct RefusedChange {
  Mutation mutation;          // as it was sent: command, author, time of the edit, client and sequence number
  std::string code;           // the server's code ("forbidden", "required", "number_taken", ...)
  std::string message;        // the server's explanation (English, for when the code is not known)
  std::int64_t refused_ms = 0;  // when the answer came
  // What the fields the command writes held in this client's copy of the server state when the answer came
  // (the command's own "previous" is what the writer saw when he made the edit).
  FieldValues before;
};

// "client:seq": the id of a refused change (unique: sequence numbers are per client).
std::string refused_id(const Mutation& m);

// The values the fields a command writes hold in `ws` now (item commands that write fields; empty for others).
FieldValues current_values(const Workspace& ws, const Command& cmd);

class RefusedList {
 public:
  static constexpr std::size_t kMaxEntries = 200;          // the oldest go beyond this
  static constexpr std::size_t kMaxFileBytes = 8u << 20;   // a larger file is not read
  static constexpr std::size_t kMaxMessage = 1000;         // a longer server message is cut

  // Adds a refused change (one with the same id is replaced: the server answered it again).
  void add(RefusedChange c);
  bool remove(const std::string& id);
  const RefusedChange* find(const std::string& id) const;
  // Oldest first.
  const std::vector<RefusedChange>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  std::string to_json() const;
  // Reads what to_json() wrote. The text is hostile: size, nesting and count are bounded, an entry that
  // does not read is skipped (and counted in `skipped`), and nothing throws. Fails, leaving the list empty,
  // when the text as a whole is not such a list.
  Status load(const std::string& text, std::size_t* skipped = nullptr);

 private:
  std::vector<RefusedChange> items_;
};

// A refused change as a person reads it.
struct ChangeText {
  std::string item;        // the item's id; "" for a change of the configuration
  std::string item_title;  // its name as lists show it; the id when this copy does not hold it
  std::string entity;      // its type's name ("Сделка"); "" when unknown
  // What was done, for the UI's words: "field", "stage", "pipeline", "create", "comment", "comment_edit",
  // "comment_remove", "note", "pin", "delete", "restore", "purge", "todo", "todo_complete", "todo_remove",
  // "communication", "products", "convert", "document", "config".
  std::string kind;
  std::string field_label;        // for "field": the field's label
  std::string old_text, new_text; // as the card shows them ("" when there is none)
  std::string copy_text;          // what a copy puts on the clipboard: the value as it can be typed back
  std::string command;            // the command's wire name ("item.set"), for "config" and the logs
};

ChangeText describe_change(const Workspace& ws, const RefusedChange& c, Lang lang);

}  // namespace kt
