#include "core/refused.hpp"

#include <algorithm>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/json_bounded.hpp"
#include "core/schema_json.hpp"
#include "core/workspace.hpp"

namespace kt {

using nlohmann::json;

std::string refused_id(const Mutation& m) { return m.client + ":" + std::to_string(m.seq); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The fields a command writes
// ---------------------------------------------------------------------------------------------------------

namespace {

// The fields an item command writes, with the values it writes ("STAGE_ID" for a stage move).
FieldValues written_values(const Command& cmd) {
  return std::visit(
      [](const auto& c) -> FieldValues {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, SetField>) {
          return {{c.field, c.value}};
        } else if constexpr (std::is_same_v<T, MoveStage>) {
          FieldValues out{{"STAGE_ID", Value(c.stage)}};
          out.insert(out.end(), c.fills.begin(), c.fills.end());
          return out;
        } else if constexpr (std::is_same_v<T, ChangePipeline>) {
          return c.fills;
        } else if constexpr (std::is_same_v<T, Convert>) {
          return c.source_fields;
        } else {
          return {};
        }
      },
      cmd);
}

}  // namespace

FieldValues current_values(const Workspace& ws, const Command& cmd) {
  FieldValues out;
  const Item* it = ws.item(command_item(cmd));
  if (!it) return out;
  for (auto& [fid, v] : written_values(cmd)) out.emplace_back(fid, it->get(fid));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The list and its file
// ---------------------------------------------------------------------------------------------------------

void RefusedList::add(RefusedChange c) {
  if (c.message.size() > kMaxMessage) c.message.resize(kMaxMessage);
  const std::string id = refused_id(c.mutation);
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const RefusedChange& x) { return refused_id(x.mutation) == id; }),
               items_.end());
  items_.push_back(std::move(c));
  if (items_.size() > kMaxEntries) items_.erase(items_.begin(), items_.end() - kMaxEntries);
}

bool RefusedList::remove(const std::string& id) {
  const auto before = items_.size();
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const RefusedChange& x) { return refused_id(x.mutation) == id; }),
               items_.end());
  return items_.size() != before;
}

const RefusedChange* RefusedList::find(const std::string& id) const {
  for (const auto& c : items_)
    if (refused_id(c.mutation) == id) return &c;
  return nullptr;
}

std::string RefusedList::to_json() const {
  json out{{"format", "kartoteka-refused"}, {"version", 1}, {"items", json::array()}};
  for (const auto& c : items_) {
    json before = json::array();
    for (const auto& [fid, v] : c.before) before.push_back(json::array({fid, v}));
    out["items"].push_back({{"mutation", c.mutation},
                            {"code", c.code},
                            {"message", c.message},
                            {"refused", c.refused_ms},
                            {"before", std::move(before)}});
  }
  return out.dump();
}

Status RefusedList::load(const std::string& text, std::size_t* skipped) {
  items_.clear();
  if (skipped) *skipped = 0;
  if (text.size() > kMaxFileBytes)
    return Status::Fail("too_large", "the list of refused changes is larger than " + std::to_string(kMaxFileBytes) + " bytes");
  json j = parse_json_bounded(text);  // a command nests a few levels; a deeper file is no list of ours
  if (j.is_discarded() || !j.is_object() || j.value("format", json()) != "kartoteka-refused")
    return Status::Fail("invalid_file", "not a list of refused changes");
  const auto list = j.find("items");
  if (list == j.end() || !list->is_array()) return Status::Fail("invalid_file", "the list has no items");
  // The newest kMaxEntries: the file may have been written by a build that kept more.
  const std::size_t n = list->size();
  for (std::size_t i = n > kMaxEntries ? n - kMaxEntries : 0; i < n; ++i) {
    const json& e = (*list)[i];
    RefusedChange c;
    try {
      if (!e.is_object()) throw std::runtime_error("not an object");
      c.mutation = e.at("mutation").get<Mutation>();
      c.code = e.value("code", std::string());
      c.message = e.value("message", std::string());
      c.refused_ms = e.value("refused", std::int64_t{0});
      for (const auto& p : e.value("before", json::array())) {
        if (!p.is_array() || p.size() != 2 || !p[0].is_string()) throw std::runtime_error("bad value");
        c.before.emplace_back(p[0].get<std::string>(), p[1].get<Value>());
      }
    } catch (const std::exception&) {
      if (skipped) ++*skipped;
      continue;
    }
    add(std::move(c));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] For a person
// ---------------------------------------------------------------------------------------------------------

namespace {

// A value as the card shows it, and as it can be typed back into the field's editor (a choice, a
// binding, a user: its shown text).
std::string shown(const Workspace& ws, const FieldDef* f, const Value& v, Lang lang) {
  if (!f) return v.is_null() ? std::string() : v.str_or_empty();
  return format_value(ws, *f, v, lang);
}

std::string typed(const Workspace& ws, const FieldDef* f, const Value& v, Lang lang) {
  if (!f) return v.str_or_empty();
  switch (f->type) {
    case FieldType::List:
    case FieldType::CrmDirectory:
    case FieldType::Stage:
    case FieldType::Employee:
    case FieldType::Boolean:
    case FieldType::CrmBinding:
    case FieldType::File:
      return format_value(ws, *f, v, lang);
    default: break;
  }
  if (!f->multiple) return editable_text(*f, v, lang);
  FieldDef one = *f;
  one.multiple = false;
  std::string out;
  for (const auto& e : v.elements()) {
    if (!out.empty()) out += f->multiline ? "\n" : ", ";
    out += editable_text(one, e, lang);
  }
  return out;
}

const Value* find_value(const FieldValues& values, const std::string& field) {
  for (const auto& [fid, v] : values)
    if (fid == field) return &v;
  return nullptr;
}

std::string stage_name(const Schema& s, const Item* it, const std::string& entity, const std::string& stage, Lang lang) {
  for (const auto& p : s.pipelines) {
    if (p.entity != entity || (it && p.id != it->pipeline)) continue;
    if (const Stage* st = p.stage(stage)) return st->name.get(lang);
  }
  return stage;
}

}  // namespace

ChangeText describe_change(const Workspace& ws, const RefusedChange& c, Lang lang) {
  ChangeText t;
  const Schema& s = ws.schema();
  const Command& cmd = c.mutation.cmd;
  t.command = command_name(cmd);
  t.item = command_item(cmd);
  if (const auto* create = std::get_if<CreateItem>(&cmd)) t.item = create->item;
  const Item* it = t.item.empty() ? nullptr : ws.item(t.item);
  std::string entity = it ? it->entity : "";
  if (const auto* create = std::get_if<CreateItem>(&cmd)) entity = create->entity;
  if (const EntityType* et = s.entity(entity)) t.entity = et->name.get(lang);
  t.item_title = it ? ws.display_name(*it) : t.item;

  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, SetField>) {
          const FieldDef* f = s.field(entity, x.field);
          t.kind = "field";
          t.field_label = f ? f->label.get(lang) : x.field;
          const Value* before = find_value(c.before, x.field);
          t.old_text = shown(ws, f, before ? *before : x.previous, lang);
          t.new_text = shown(ws, f, x.value, lang);
          t.copy_text = typed(ws, f, x.value, lang);
        } else if constexpr (std::is_same_v<T, MoveStage>) {
          t.kind = "stage";
          const Value* before = find_value(c.before, "STAGE_ID");
          if (before) t.old_text = stage_name(s, it, entity, before->str_or_empty(), lang);
          t.new_text = t.copy_text = stage_name(s, it, entity, x.stage, lang);
        } else if constexpr (std::is_same_v<T, ChangePipeline>) {
          t.kind = "pipeline";
          if (const Pipeline* p = s.pipeline(entity, x.pipeline)) t.new_text = p->name.get(lang);
          else t.new_text = x.pipeline;
          if (it)
            if (const Pipeline* p = s.pipeline(entity, it->pipeline)) t.old_text = p->name.get(lang);
          t.copy_text = t.new_text;
        } else if constexpr (std::is_same_v<T, CreateItem>) {
          t.kind = "create";
          const EntityType* et = s.entity(x.entity);
          const std::string title_field = et ? et->title_field : "TITLE";
          // The new item's name, and every value it was to start with, one per line for the copy.
          for (const auto& [fid, v] : x.fields) {
            const FieldDef* f = s.field(x.entity, fid);
            const std::string text = shown(ws, f, v, lang);
            if (fid == title_field) t.new_text = text;
            if (!t.copy_text.empty()) t.copy_text += "\n";
            t.copy_text += (f ? f->label.get(lang) : fid) + ": " + text;
          }
          if (!it) t.item_title = t.new_text.empty() ? x.item : t.new_text;
        } else if constexpr (std::is_same_v<T, AddComment>) {
          t.kind = "comment";
          t.new_text = t.copy_text = x.text;
        } else if constexpr (std::is_same_v<T, EditComment>) {
          t.kind = x.remove ? "comment_remove" : "comment_edit";
          if (it)
            for (const auto& e : ws.timeline(x.item))
              if (e.id == x.entry) t.old_text = e.text;
          if (!x.remove) t.new_text = t.copy_text = x.text;
          else t.copy_text = t.old_text;
        } else if constexpr (std::is_same_v<T, SetNote>) {
          t.kind = "note";
          t.new_text = t.copy_text = x.text;
        } else if constexpr (std::is_same_v<T, PinEntry>) {
          t.kind = "pin";
        } else if constexpr (std::is_same_v<T, DeleteItem>) {
          t.kind = "delete";
        } else if constexpr (std::is_same_v<T, RestoreItem>) {
          t.kind = "restore";
        } else if constexpr (std::is_same_v<T, PurgeItem>) {
          t.kind = "purge";
        } else if constexpr (std::is_same_v<T, PutTodo>) {
          t.kind = "todo";
          t.new_text = x.todo.subject;
          t.copy_text = x.todo.description.empty() ? x.todo.subject : x.todo.subject + "\n" + x.todo.description;
        } else if constexpr (std::is_same_v<T, CompleteTodo>) {
          t.kind = "todo_complete";
        } else if constexpr (std::is_same_v<T, RemoveTodo>) {
          t.kind = "todo_remove";
        } else if constexpr (std::is_same_v<T, LogCommunication>) {
          t.kind = "communication";
          t.new_text = x.address;
          t.copy_text = x.note.empty() ? x.address : x.note;
          if (!x.note.empty()) t.new_text += (t.new_text.empty() ? "" : ": ") + x.note;
        } else if constexpr (std::is_same_v<T, SetProducts>) {
          t.kind = "products";
          for (const auto& r : x.rows) {
            if (!t.new_text.empty()) t.new_text += ", ";
            t.new_text += r.name;
            if (!t.copy_text.empty()) t.copy_text += "\n";
            t.copy_text += r.name;
          }
        } else if constexpr (std::is_same_v<T, Convert>) {
          t.kind = "convert";
        } else if constexpr (std::is_same_v<T, GenerateDocument>) {
          t.kind = "document";
          t.new_text = t.copy_text = x.document.title;
        } else {
          t.kind = "config";
        }
      },
      cmd);
  return t;
}

}  // namespace kt
