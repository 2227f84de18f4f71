#include "ui/timeline_view.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/text.hpp"
#include "core/rights.hpp"
#include "ui/i18n.hpp"
#include "ui/icons.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

using nlohmann::json;

namespace {

int g_tz_minutes = 0;  // the viewer's UTC offset, for times inside entry texts

// Members of an entry's payload, read by type: the payload came through the server, and a member of another
// type (json::value() would throw in the frame) reads as absent.
std::string str_of(const json& p, const char* key, const char* absent = "") {
  if (!p.is_object()) return absent;
  const auto it = p.find(key);
  return it != p.end() && it->is_string() ? it->get<std::string>() : absent;
}
std::int64_t int_of(const json& p, const char* key) {
  if (!p.is_object()) return 0;
  const auto it = p.find(key);
  return it != p.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Texts of entries
// ---------------------------------------------------------------------------------------------------------

std::string field_label(const Workspace& ws, const Item& item, const std::string& field) {
  const FieldDef* f = ws.schema().field(item.entity, field);
  return f ? f->label.get(language()) : field;
}

std::string value_text(const Workspace& ws, const Item& item, const std::string& field, const Value& v) {
  const FieldDef* f = ws.schema().field(item.entity, field);
  std::string s = f ? format_value(ws, *f, v, language()) : "";
  return s.empty() ? std::string("«") + tr("tl.empty") + "»" : s;
}

std::string pipeline_name(const Workspace& ws, const Item& item, const Value& v) {
  const Pipeline* p = ws.schema().pipeline(item.entity, v.str_or_empty());
  return p ? p->name.get(language()) : v.str_or_empty();
}

// A communication's channel: call, email, sms, whatsapp.
std::string channel_of(const TimelineEntry& e) { return str_of(json::parse(e.payload, nullptr, false), "channel", "call"); }

ImU32 dot_color(const Workspace& ws, const Item& item, const TimelineEntry& e) {
  switch (e.kind) {
    case TimelineKind::Created:
    case TimelineKind::Restored: return color::kSuccess;
    case TimelineKind::StageChanged: {
      for (const auto* p : ws.schema().pipelines_of(item.entity))
        if (const Stage* s = p->stage(e.new_value.str_or_empty())) return parse_color(s->color);
      return color::kAccent;
    }
    case TimelineKind::Overridden: return color::rgb(0xffa900);
    case TimelineKind::Comment: return color::rgb(0x7e57c2);
    case TimelineKind::Deleted: return color::kError;
    case TimelineKind::FieldChanged: return color::rgb(0x90a4ae);
    case TimelineKind::TodoPlanned: return color::rgb(0xff9800);
    case TimelineKind::TodoCompleted: return color::rgb(0x8bc34a);
    case TimelineKind::Document: return color::rgb(0x5c6bc0);
    case TimelineKind::Conversion: return color::rgb(0x8e24aa);
    case TimelineKind::Linked:
    case TimelineKind::Unlinked: return color::rgb(0x2067b0);
    case TimelineKind::Communication: {
      const std::string ch = channel_of(e);
      return ch == "email" ? color::rgb(0x3b8ad9) : ch == "sms" ? color::rgb(0x26a69a)
             : ch == "whatsapp" ? color::rgb(0x25b35a) : color::rgb(0x00a2c7);
    }
    default: return color::kAccent;
  }
}

// Which kinds each filter shows.
struct Filter {
  const char* key;
  std::vector<TimelineKind> kinds;  // empty = all
};

const std::vector<Filter>& filters() {
  static const std::vector<Filter> kFilters = {
      {"tlf.all", {}},
      {"tlf.comments", {TimelineKind::Comment}},
      {"tlf.changes", {TimelineKind::FieldChanged, TimelineKind::Overridden}},
      {"tlf.stages", {TimelineKind::StageChanged, TimelineKind::PipelineChanged}},
      {"tlf.activities", {TimelineKind::TodoPlanned, TimelineKind::TodoCompleted, TimelineKind::Communication,
                          TimelineKind::Document}},
      {"tlf.links", {TimelineKind::Linked, TimelineKind::Unlinked, TimelineKind::Conversion}},
      {"tlf.system", {TimelineKind::Created, TimelineKind::Deleted, TimelineKind::Restored}},
  };
  return kFilters;
}


// ---------------------------------------------------------------------------------------------------------
// [SECTION] State of the open timeline
// ---------------------------------------------------------------------------------------------------------

struct TimelineUi {
  std::string item;
  int filter = 0;
  std::string search;
  std::string composer;
  std::string editing;  // comment being edited
  std::string edit_text;
  std::string noting;   // entry whose note is being written
  std::string note_text;
  // Heights of entries by id, for the width and language they were measured at (virtualised scrolling).
  float measured_width = 0;
  Lang measured_lang = Lang::Ru;
  std::unordered_map<std::string, float> heights;
  // What the history shows, rebuilt only when something it depends on changes: with 10,000 entries,
  // filtering them and summing their heights every frame cost milliseconds of every frame.
  struct Shown {
    const Workspace* ws = nullptr;
    std::uint64_t version = ~0ull;
    const TimelineEntry* data = nullptr;  // the item's timeline storage, as a guard besides the version
    size_t size = 0;
    std::string user;
    int filter = -1;
    std::string search, editing, noting;
    float width = -1, line = -1;
    size_t visible = 0;                          // entries the user may read (before filter and search)
    std::vector<const TimelineEntry*> pinned;    // oldest first
    std::vector<const TimelineEntry*> entries;   // the history: filtered, newest first
    std::vector<float> tops;                     // tops[i]: y of entries[i] from the list's top; back(): total
  } shown;
};

// The comment boxes' texts of the items other than the open one (comment_drafts).
std::map<std::string, std::string> g_drafts;

void keep_draft(const std::string& item, const std::string& text) {
  if (text.empty()) g_drafts.erase(item);
  else if (g_drafts.size() < kMaxCommentDrafts || g_drafts.count(item)) g_drafts[item] = text;
}

TimelineUi& open_state() {
  static TimelineUi ui;
  return ui;
}

TimelineUi& state_for(const std::string& item) {
  TimelineUi& ui = open_state();
  if (ui.item != item) {
    if (!ui.item.empty()) keep_draft(ui.item, ui.composer);
    ui = TimelineUi{};
    ui.item = item;
    if (auto d = g_drafts.find(item); d != g_drafts.end()) {
      ui.composer = std::move(d->second);
      g_drafts.erase(d);
    }
  }
  return ui;
}

struct Lines {
  float meta, title, body;
};

}  // namespace

std::string timeline_title(const Workspace& ws, const Item& item, const TimelineEntry& e) {
  switch (e.kind) {
    case TimelineKind::Created: return item.entity == "deal" ? tr("tl.created.deal") : tr("tl.created");
    case TimelineKind::StageChanged: return tr("tl.stage_changed");
    case TimelineKind::Overridden:
      return std::string(tr("tl.overridden")) + ": «" + field_label(ws, item, e.field) + "»";
    case TimelineKind::FieldChanged:
      return std::string(tr("tl.field_changed")) + " «" + field_label(ws, item, e.field) + "»";
    case TimelineKind::Comment: return tr("tl.comment");
    case TimelineKind::Linked:
    case TimelineKind::Unlinked: {
      const Item* other = ws.item(e.target);
      const EntityType* et = other ? ws.schema().entity(other->entity) : nullptr;
      return std::string(tr(e.kind == TimelineKind::Linked ? "tl.linked" : "tl.unlinked")) + ": " +
             (et ? et->name.get(language()) + " " : "") + "«" + (other ? ws.display_name(*other) : e.target) + "»";
    }
    case TimelineKind::PipelineChanged: return tr("tl.pipeline_changed");
    case TimelineKind::Deleted: return tr("tl.deleted");
    case TimelineKind::Restored: return tr("tl.restored");
    case TimelineKind::TodoPlanned: return tr("tl.todo_planned");
    case TimelineKind::TodoCompleted: return tr("tl.todo_completed");
    case TimelineKind::Communication: {
      const json p = json::parse(e.payload, nullptr, false);
      const std::string channel = str_of(p, "channel", "call");
      const std::string dir = str_of(p, "direction", "out");
      // One phrase per channel and direction: the adjective agrees with the noun (Звонок исходящий, Письмо
      // исходящее). A channel this version does not know shows as it came.
      const std::string key = "tl.comm." + channel + (dir == "in" ? ".in" : ".out");
      const std::string title = tr(key.c_str());
      return title == key ? channel : title;
    }
    case TimelineKind::Conversion: {
      const json p = json::parse(e.payload, nullptr, false);
      if (p.is_object() && p.contains("from")) {
        const Item* from = ws.item(e.target);
        const EntityType* et = from ? ws.schema().entity(from->entity) : nullptr;
        return std::string(tr("tl.converted_from")) + ": " + (et ? et->name.get(language()) + " " : "") + "«" +
               (from ? ws.display_name(*from) : e.target) + "»";
      }
      return tr("tl.converted");
    }
    case TimelineKind::Document: return tr("tl.document");
  }
  return {};
}

std::string timeline_detail(const Workspace& ws, const Item& item, const TimelineEntry& e) {
  switch (e.kind) {
    case TimelineKind::FieldChanged:
    case TimelineKind::StageChanged:
    case TimelineKind::Overridden:
      return value_text(ws, item, e.field, e.old_value) + "  \xe2\x86\x92  " + value_text(ws, item, e.field, e.new_value);
    case TimelineKind::PipelineChanged:
      return pipeline_name(ws, item, e.old_value) + "  \xe2\x86\x92  " + pipeline_name(ws, item, e.new_value);
    case TimelineKind::Comment: return e.text;
    case TimelineKind::TodoPlanned: {
      const json p = json::parse(e.payload, nullptr, false);
      const std::int64_t deadline = int_of(p, "deadline");
      std::string s = e.text.empty() ? std::string(tr("todo.untitled")) : e.text;
      if (deadline) s += "  ·  " + format_timestamp(deadline, g_tz_minutes, language());
      return s;
    }
    case TimelineKind::TodoCompleted: return e.text.empty() ? std::string(tr("todo.untitled")) : e.text;
    case TimelineKind::Communication: {
      const json p = json::parse(e.payload, nullptr, false);
      if (!p.is_object()) return e.text;
      std::string s = str_of(p, "address");
      const std::string outcome = str_of(p, "outcome");
      if (!outcome.empty()) s += "  ·  " + std::string(tr(("comm.outcome." + outcome).c_str()));
      if (const std::int64_t d = std::clamp<std::int64_t>(int_of(p, "duration"), 0, 1000000); d > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%d:%02d", static_cast<int>(d / 60), static_cast<int>(d % 60));
        s += "  ·  " + std::string(buf);
      }
      if (!e.text.empty()) s += "  ·  " + e.text;
      return s;
    }
    case TimelineKind::Conversion: {
      const json p = json::parse(e.payload, nullptr, false);
      std::string s;
      if (p.is_object() && p.contains("to") && p["to"].is_array())
        for (const auto& t : p["to"]) {
          const Item* it = ws.item(str_of(t, "item"));
          if (!it) continue;
          const EntityType* et = ws.schema().entity(it->entity);
          if (!s.empty()) s += ", ";
          s += (et ? et->name.get(language()) + " " : "") + "«" + ws.display_name(*it) + "»";
        }
      return s;
    }
    case TimelineKind::Document: return e.text;
    default: return {};
  }
}

std::vector<const TimelineEntry*> visible_timeline(const Workspace& ws, const Item& item, const std::string& user) {
  std::vector<const TimelineEntry*> out;
  // Whether the user may see a field, asked once per field (the schema looks fields up one by one).
  std::unordered_map<std::string, bool> field_ok;
  for (const auto& e : ws.timeline(item.id)) {
    if (e.removed) continue;
    if (is_link_entry(e)) {
      // Another item links here through one of its binding fields: he must be able to read that item, and
      // to see that field of it.
      if (const Item* other = ws.item(e.target)) {
        if (!can_act(ws.schema(), user, *other, Action::Read)) continue;
        const FieldDef* f = e.field.empty() ? nullptr : ws.schema().field(other->entity, e.field);
        if (!e.field.empty() && !(f && can_see_field(ws.schema(), user, *f))) continue;
      }
    } else if (!e.field.empty()) {
      auto known = field_ok.find(e.field);
      if (known == field_ok.end()) {
        const FieldDef* f = ws.schema().field(item.entity, e.field);
        // Changes of a field the user may not see (or that was deleted) are not his to read.
        known = field_ok.emplace(e.field, f && can_see_field(ws.schema(), user, *f)).first;
      }
      if (!known->second) continue;
    }
    out.push_back(&e);
  }
  return out;
}

namespace {

// Draws one entry card at the cursor, `h` tall; returns nothing, emits actions into `out`.
// The icon of an entry: what happened, at a glance (a call, an e-mail, a stage, a to-do...).
const char* kind_icon(const TimelineEntry& e) {
  switch (e.kind) {
    case TimelineKind::Created: return icon::kCreated;
    case TimelineKind::FieldChanged:
    case TimelineKind::Overridden: return icon::kEdit;
    case TimelineKind::StageChanged:
    case TimelineKind::PipelineChanged: return icon::kStage;
    case TimelineKind::Comment: return icon::kComment;
    case TimelineKind::Linked:
    case TimelineKind::Unlinked: return icon::kLink;
    case TimelineKind::Deleted: return icon::kDelete;
    case TimelineKind::Restored: return icon::kRestore;
    case TimelineKind::TodoPlanned: return icon::kTodo;
    case TimelineKind::TodoCompleted: return icon::kTodoDone;
    case TimelineKind::Communication: {
      const std::string ch = channel_of(e);
      return ch == "email" ? icon::kEmail : ch == "sms" ? icon::kSms : ch == "whatsapp" ? icon::kWhatsApp : icon::kCall;
    }
    case TimelineKind::Conversion: return icon::kConvert;
    case TimelineKind::Document: return icon::kDocument;
  }
  return icon::kHistory;
}

// The item an entry names (a link, a conversion), when the viewer may open it.
const Item* named_item(const Workspace& ws, const UiEnv& env, const TimelineEntry& e) {
  if (e.kind != TimelineKind::Linked && e.kind != TimelineKind::Unlinked && e.kind != TimelineKind::Conversion)
    return nullptr;
  std::string id = e.target;
  if (id.empty() && e.kind == TimelineKind::Conversion) {
    const json p = json::parse(e.payload, nullptr, false);
    if (p.is_object() && p.contains("to") && p["to"].is_array() && !p["to"].empty()) id = str_of(p["to"][0], "item");
  }
  const Item* it = id.empty() ? nullptr : ws.item(id);
  return it && !it->deleted && can_act(ws.schema(), env.user, *it, Action::Read) ? it : nullptr;
}

// "When · who" of an entry (and "edited" for a comment changed since), as its card shows it.
std::string entry_meta(const Workspace& ws, const TimelineEntry& e) {
  const User* author = ws.schema().user(e.author);
  std::string meta = format_timestamp(e.time_ms, g_tz_minutes, language()) + "  \xc2\xb7  " +
                     (author ? author->name : std::string(tr("tl.system")));
  if (e.edited_ms) meta += "  \xc2\xb7  " + std::string(tr("tl.edited"));
  return meta;
}

// Whether an entry's "when and who" has a line of its own under the title: on a phone, and wherever it
// does not fit in the half of the first line the title leaves it (a tablet's history column, English's
// longer dates). Beside the title it was cut: "Анна С…", or the name gone ("Nov 6, 2026 12:43 PM · …").
float meta_width(const std::string& meta) {
  ImGui::PushFont(fonts().small);
  const float w = text_width(meta);
  ImGui::PopFont();
  return w;
}
bool meta_below(float meta_width, float inner) { return is_phone() || meta_width > inner * 0.5f; }

// An entry: an icon on the rail, then a compact card — the title and (right) when and who; the detail
// under it (a comment's whole text). The entry's actions take the place of "when and who" while the mouse
// is over it; on a phone, where nothing hovers, they have a line of their own.
void draw_entry(const Workspace& ws, const Item& item, const TimelineEntry& e, const UiEnv& env, bool can_edit,
                float width, float h, TimelineUi& ui, UiOutput& out, const std::string& node_id) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p = ImGui::GetCursorScreenPos();
  const float card_w = width - px(40);
  const float cx = p.x + px(13);
  dl->AddLine(ImVec2(cx, p.y), ImVec2(cx, p.y + h), color::rgb(0xdde2e6), px(2));
  const ImU32 badge = dot_color(ws, item, e);
  dl->AddCircleFilled(ImVec2(cx, p.y + px(20)), px(12), badge);
  {
    ImGui::PushFont(fonts().small);
    const char* ic = kind_icon(e);
    const ImVec2 is = ImGui::CalcTextSize(ic);
    dl->AddText(ImVec2(cx - is.x / 2, p.y + px(20) - is.y / 2), text_on(badge), ic);
    ImGui::PopFont();
  }
  ImVec2 c0(p.x + px(34), p.y + px(2));
  ImVec2 c1(c0.x + card_w, p.y + h - px(6));
  dl->AddRectFilled(c0, c1, e.pinned ? color::rgb(0xfffbe6) : color::kPanel, px(8));
  const bool hovered = ImGui::IsMouseHoveringRect(c0, c1) && ImGui::IsWindowHovered();
  const bool inline_actions = !is_phone();
  const float inner = card_w - px(24);
  const std::string meta = entry_meta(ws, e);
  const float meta_full = meta_width(meta);
  const bool below = meta_below(meta_full, inner);
  const std::string title = (e.pinned ? std::string(icon::kPin) + " " : std::string()) + timeline_title(ws, item, e);
  const std::string detail = timeline_detail(ws, item, e);
  const bool acting = can_edit && ui.editing != e.id && ui.noting != e.id;

  ImGui::PushID(node_id.c_str());
  const float x0 = c0.x + px(12), y0 = c0.y + px(8);
  // Line 1, right: when and who — or, under the mouse, what can be done.
  const float meta_w = std::min(meta_full, inner * 0.5f);
  float right_w = below ? 0 : meta_w;
  // The actions, drawn where they are (transparent while the mouse is elsewhere, so that a screen reader and
  // a keyboard still find them); measured first so that the title leaves them room.
  enum class Act { Pin, Note, Download, Edit, Delete };
  struct Action {
    std::string label, id;
    ImU32 hot;
    Act act;
  };
  std::vector<Action> actions;
  if (acting) {
    actions.push_back({e.pinned ? tr("tl.unpin") : tr("tl.pin"), "tl:pin:" + e.id, color::kLink, Act::Pin});
    actions.push_back({e.note.empty() ? tr("tl.add_note") : tr("tl.edit_note"), "tl:note:" + e.id, color::kLink, Act::Note});
    if (e.kind == TimelineKind::Document) {
      const std::string doc = str_of(json::parse(e.payload, nullptr, false), "document");
      for (const auto& d : item.documents)
        if (d.id == doc) actions.push_back({tr("doc.download"), "tl:download:" + e.id, color::kLink, Act::Download});
    }
    if (e.kind == TimelineKind::Comment && e.author == env.user) {
      actions.push_back({tr("tl.edit"), "tl:edit:" + e.id, color::kLink, Act::Edit});
      actions.push_back({tr("tl.delete"), "tl:delete:" + e.id, color::kError, Act::Delete});
    }
  }
  ImGui::PushFont(fonts().small);
  float actions_w = 0;
  for (const auto& a : actions) actions_w += text_width(a.label) + px(14);
  ImGui::PopFont();
  if (inline_actions) right_w = std::max(right_w, actions_w);

  // Line 1, left: the title; an entry naming an item links to it.
  ImGui::SetCursorScreenPos(ImVec2(x0, y0));
  ImGui::PushFont(fonts().medium);
  const float title_w = std::max(px(40), inner - right_w - px(12));
  if (const Item* named = named_item(ws, env, e)) {
    if (link(title, "tl:open:" + node_id, color::kLink)) out.open_item = named->id;
  } else {
    text_clipped(title, title_w, color::kText);
  }
  ImGui::PopFont();
  const float line1_h = ImGui::GetItemRectSize().y;

  ImGui::PushFont(fonts().small);
  const float small_h = ImGui::GetTextLineHeight();
  auto draw_actions = [&](float x, float y, bool visible) {
    for (const auto& a : actions) {
      ImGui::SetCursorScreenPos(ImVec2(x, y));
      const ImU32 col = visible ? a.hot : color::rgb(0xffffff, 0);
      if (link(a.label, a.id, col)) {
        switch (a.act) {
          case Act::Pin: out.commands.push_back(PinEntry{item.id, e.id, !e.pinned}); break;
          case Act::Note:
            ui.noting = e.id;
            ui.note_text = e.note;
            break;
          case Act::Download: {
            const std::string doc = str_of(json::parse(e.payload, nullptr, false), "document");
            for (const auto& d : item.documents)
              if (d.id == doc) out.download = UiOutput::Download{d.title + ".html", "text/html", d.html};
            break;
          }
          case Act::Edit:
            ui.editing = e.id;
            ui.edit_text = e.text;
            break;
          case Act::Delete: out.commands.push_back(EditComment{item.id, e.id, {}, true}); break;
        }
      }
      x = ImGui::GetItemRectMax().x + px(14);
    }
  };
  const float small_y = y0 + (line1_h - small_h) / 2;
  if (inline_actions && hovered && !actions.empty()) {
    draw_actions(x0 + inner - actions_w + px(14), small_y, true);
  } else if (!below) {
    ImGui::SetCursorScreenPos(ImVec2(x0 + inner - meta_w, small_y));
    text_clipped(meta, meta_w, color::kMuted);
    if (inline_actions && !actions.empty()) draw_actions(x0 + inner - actions_w + px(14), small_y, false);
  }
  ImGui::PopFont();

  // Line 2: the detail (a comment's whole text), the note, the editors.
  ImGui::SetCursorScreenPos(ImVec2(x0, y0 + line1_h + px(4)));
  ImGui::BeginGroup();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(8), px(4)));
  if (below) {
    ImGui::PushFont(fonts().small);
    text_clipped(meta, inner, color::kMuted);
    ImGui::PopFont();
  }
  if (e.kind == TimelineKind::Comment && ui.editing == e.id) {
    ImGui::InputTextMultiline("##edit", &ui.edit_text, ImVec2(inner, ImGui::GetTextLineHeight() * 4 + ImGui::GetStyle().FramePadding.y * 2));
    sem_item("tl:editbox:" + e.id, "textbox", tr("tl.edit_comment"), ui.edit_text).multiline = true;
    // An emptied comment is not saved (the core refuses it, and the editor would close): deleting is its own action.
    if (button(tr("dialog.save"), "tl:save:" + e.id, true, ui.edit_text.find_first_not_of(" \t\r\n") != std::string::npos)) {
      out.commands.push_back(EditComment{item.id, e.id, ui.edit_text, false});
      ui.editing.clear();
    }
    ImGui::SameLine();
    if (button(tr("dialog.cancel"), "tl:cancel:" + e.id)) ui.editing.clear();
  } else if (e.kind == TimelineKind::Comment) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner);
    ImGui::TextUnformatted(detail.c_str());
    ImGui::PopTextWrapPos();
  } else if (!detail.empty() && text_clipped(detail, inner, color::rgb(0x525c69)) && ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s", detail.c_str());
  }
  if (ui.noting == e.id) {
    ImGui::SetNextItemWidth(inner);
    ImGui::InputTextWithHint("##note", tr("tl.note_hint"), &ui.note_text);
    sem_item("tl:notebox:" + e.id, "textbox", tr("tl.note"), ui.note_text);
    if (button(tr("dialog.save"), "tl:notesave:" + e.id, true)) {
      out.commands.push_back(SetNote{item.id, e.id, ui.note_text});
      ui.noting.clear();
    }
    ImGui::SameLine();
    if (button(tr("dialog.cancel"), "tl:notecancel:" + e.id)) ui.noting.clear();
  } else if (!e.note.empty()) {
    ImGui::PushFont(fonts().small);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::rgb(0x8a6d00)));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner);
    ImGui::TextUnformatted((std::string(tr("tl.note")) + ": " + e.note).c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
  }
  ImGui::PopStyleVar();
  ImGui::EndGroup();
  // A phone's actions: a line of their own, always shown.
  if (!inline_actions && !actions.empty()) {
    ImGui::PushFont(fonts().small);
    draw_actions(x0, ImGui::GetItemRectMax().y + px(6), true);
    ImGui::PopFont();
  }
  ImGui::PopID();
  SemNode& n = sem_rect(node_id, "article", timeline_title(ws, item, e), c0, c1);
  n.value = detail;
  // The note as a sighted user reads it under the entry: "Заметка: …".
  n.description = meta + (e.note.empty() ? "" : " \xc2\xb7 " + std::string(tr("tl.note")) + ": " + e.note);
  n.selected = e.pinned;
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + h));
  ImGui::Dummy(ImVec2(width, 0));
}

// The height an entry needs at this width: measured once per text and width.
float entry_height(const Workspace& ws, const Item& item, const TimelineEntry& e, float width, TimelineUi& ui) {
  const bool special = ui.editing == e.id || ui.noting == e.id;
  auto it = ui.heights.find(e.id);
  if (!special && it != ui.heights.end()) return it->second;
  const float inner = width - px(40) - px(24);
  ImGui::PushFont(fonts().medium);
  const float title = ImGui::GetTextLineHeight();
  ImGui::PopFont();
  const float line = ImGui::GetTextLineHeight();
  const float spacing = px(4);
  float h = px(8) + title + spacing;  // padding, title
  if (meta_below(meta_width(entry_meta(ws, e)), inner)) {  // when and who, under the title
    ImGui::PushFont(fonts().small);
    h += ImGui::GetTextLineHeight() + spacing;
    ImGui::PopFont();
  }
  if (ui.editing == e.id) {
    h += line * 4 + ImGui::GetStyle().FramePadding.y * 2 + px(8) + ImGui::GetFrameHeight() + spacing;
  } else if (e.kind == TimelineKind::Comment) {
    h += ImGui::CalcTextSize(e.text.c_str(), nullptr, false, inner).y + spacing;
  } else if (!timeline_detail(ws, item, e).empty()) {
    h += line + spacing;
  }
  if (ui.noting == e.id) h += ImGui::GetFrameHeight() * 2 + spacing * 2;
  else if (!e.note.empty()) {
    ImGui::PushFont(fonts().small);
    h += ImGui::CalcTextSize((std::string(tr("tl.note")) + ": " + e.note).c_str(), nullptr, false, inner).y + spacing;
    ImGui::PopFont();
  }
  if (is_phone()) h += touch_height(line) + px(6);  // the actions' own line: finger-sized links
  h += px(6) + px(8);  // padding, gap
  h = std::max(h, px(46));  // the icon
  if (!special) ui.heights[e.id] = h;
  return h;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> comment_drafts() {
  std::vector<std::pair<std::string, std::string>> out(g_drafts.begin(), g_drafts.end());
  const TimelineUi& ui = open_state();
  if (!ui.item.empty() && !ui.composer.empty()) out.emplace_back(ui.item, ui.composer);
  return out;
}

void set_comment_draft(const std::string& item, const std::string& text) {
  TimelineUi& ui = open_state();
  if (!item.empty() && ui.item == item) ui.composer = text;
  else keep_draft(item, text);
}

void draw_comment_box(const Workspace& ws, const Item& item, const UiEnv& env, float width, UiOutput& out) {
  TimelineUi& ui = state_for(item.id);
  if (item.deleted || !can_act(ws.schema(), env.user, item, Action::Edit)) return;
  // The button beside the box when the width allows (a phone puts it under).
  const float send_w = button_width(tr("tl.send"));
  const bool beside = width - send_w - px(10) >= px(240);
  const bool writing = ImGui::GetActiveID() == ImGui::GetID("##composer") || !ui.composer.empty();
  const ImVec2 pad = ImGui::GetStyle().FramePadding;  // a phone's is higher: a finger's box (apply_form_factor_style)
  const float box_h = ImGui::GetTextLineHeight() * (writing ? 3 : 1) + pad.y * 2;
  ImGui::InputTextMultiline("##composer", &ui.composer, ImVec2(beside ? width - send_w - px(10) : width, box_h));
  sem_item("tl:composer", "textbox", tr("tl.composer"), ui.composer).multiline = true;
  if (ui.composer.empty() && !ImGui::IsItemActive()) {
    ImVec2 r = ImGui::GetItemRectMin();
    ImGui::GetWindowDrawList()->AddText(ImVec2(r.x + pad.x, r.y + pad.y), color::kMuted, tr("tl.composer"));
  }
  if (beside) ImGui::SameLine(0, px(10));
  if (button(tr("tl.send"), "tl:send", true, ui.composer.find_first_not_of(" \t\r\n") != std::string::npos)) {
    out.commands.push_back(AddComment{item.id, ui.composer});
    ui.composer.clear();
  }
}

void draw_timeline(const Workspace& ws, const Item& item, const UiEnv& env, float width, UiOutput& out, bool composer) {
  TimelineUi& ui = state_for(item.id);
  g_tz_minutes = env.tz_minutes;
  if (ui.measured_width != width || ui.measured_lang != language()) {
    ui.heights.clear();
    ui.measured_width = width;
    ui.measured_lang = language();
  }
  const bool can_edit = !item.deleted && can_act(ws.schema(), env.user, item, Action::Edit);

  // The History tab has a heading and the comment box; the main tab's column, whose composer is above,
  // goes straight to the filters. The search sits at the right of the filters (under them when narrow).
  const float search_w = std::min(px(160), width - px(14));
  if (composer) {
    heading(tr("card.timeline"), "heading:timeline");
    ImGui::Dummy(ImVec2(0, px(2)));
  }
  if (composer && can_edit) {
    draw_comment_box(ws, item, env, width - px(14), out);
    ImGui::Dummy(ImVec2(0, px(4)));
  }
  // Filters and search.
  ImGui::PushFont(fonts().small);
  const float filters_right = ImGui::GetCursorScreenPos().x + width - px(14);
  const float filters_x = ImGui::GetCursorPosX();
  for (size_t i = 0; i < filters().size(); ++i) {
    if (i) {
      if (ImGui::GetItemRectMax().x + px(12) + text_width(tr(filters()[i].key)) <= filters_right) ImGui::SameLine(0, px(12));
      else ImGui::SetCursorPosX(filters_x);
    }
    const bool on = ui.filter == static_cast<int>(i);
    if (link(tr(filters()[i].key), std::string("tlfilter:") + filters()[i].key, on ? color::kText : color::kLink))
      ui.filter = static_cast<int>(i);
    if (on) {
      ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y + px(1)), ImVec2(b.x, b.y + px(1)), color::kAccent, px(2));
    }
  }
  ImGui::PopFont();
  if (ImGui::GetItemRectMax().x + px(16) + search_w <= filters_right) {
    ImGui::SameLine();
    ImGui::SetCursorScreenPos(ImVec2(filters_right - search_w, ImGui::GetCursorScreenPos().y - px(6)));
  }
  ImGui::SetNextItemWidth(search_w);
  ImGui::InputTextWithHint("##tlsearch", tr("tl.search"), &ui.search);
  sem_item("tl:search", "searchbox", tr("tl.search"), ui.search);
  ImGui::Dummy(ImVec2(0, px(4)));

  // The entries: pinned ones, and the history newest first, filtered, with the tops of its entries.
  TimelineUi::Shown& sh = ui.shown;
  const std::vector<TimelineEntry>& all = ws.timeline(item.id);
  const int filter = std::clamp(ui.filter, 0, static_cast<int>(filters().size()) - 1);
  const float line = ImGui::GetTextLineHeight();
  if (sh.ws != &ws || sh.version != ws.version() || sh.data != all.data() || sh.size != all.size() ||
      sh.user != env.user || sh.filter != filter || sh.search != ui.search || sh.editing != ui.editing ||
      sh.noting != ui.noting || sh.width != width || sh.line != line) {
    sh.ws = &ws;
    sh.version = ws.version();
    sh.data = all.data();
    sh.size = all.size();
    sh.user = env.user;
    sh.filter = filter;
    sh.search = ui.search;
    sh.editing = ui.editing;
    sh.noting = ui.noting;
    sh.width = width;
    if (sh.line != line) ui.heights.clear();
    sh.line = line;
    const auto entries = visible_timeline(ws, item, env.user);
    sh.visible = entries.size();
    sh.pinned.clear();
    for (const auto* e : entries)
      if (e->pinned) sh.pinned.push_back(e);
    const Filter& f = filters()[static_cast<size_t>(filter)];
    sh.entries.clear();
    sh.entries.reserve(entries.size());
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      const TimelineEntry& e = **it;
      if (!f.kinds.empty() && std::find(f.kinds.begin(), f.kinds.end(), e.kind) == f.kinds.end()) continue;
      if (!ui.search.empty() &&
          !contains_folded(timeline_title(ws, item, e) + " " + timeline_detail(ws, item, e) + " " + e.note, ui.search))
        continue;
      sh.entries.push_back(&e);
    }
    sh.tops.assign(1, 0.0f);
    sh.tops.reserve(sh.entries.size() + 1);
    for (const TimelineEntry* e : sh.entries) sh.tops.push_back(sh.tops.back() + entry_height(ws, item, *e, width, ui));
  }

  // Pinned entries on top (they also stay in their place below).
  if (!sh.pinned.empty()) {
    caption(tr("tl.pinned"));
    for (auto it = sh.pinned.rbegin(); it != sh.pinned.rend(); ++it) {
      // Drawn twice (here and in its place below): the copy's nodes get ids of their own.
      ImGui::PushID("pinned");
      const size_t first = sem_nodes().size();
      draw_entry(ws, item, **it, env, can_edit, width, entry_height(ws, item, **it, width, ui), ui, out,
                 "timeline:" + (*it)->id);
      sem_suffix_ids(first, ":pinned");
      ImGui::PopID();
    }
    caption(tr("tl.history"));
  }

  // The history, virtualised by measured heights: only the entries in view are drawn.
  if (sh.entries.empty()) {
    const char* why = tr(sh.visible == 0 ? "tl.no_entries" : "tl.nothing_found");
    ImGui::TextDisabled("%s", why);
    sem_item("tl:empty", "status", why);
    return;
  }
  const float top = ImGui::GetCursorPosY();
  const float view_top = ImGui::GetScrollY();
  const float view_bottom = view_top + ImGui::GetWindowHeight();
  // The first entry whose bottom reaches the view: tops[i + 1] is entry i's bottom.
  size_t i = static_cast<size_t>(std::lower_bound(sh.tops.begin() + 1, sh.tops.end(), view_top - top) - (sh.tops.begin() + 1));
  for (; i < sh.entries.size(); ++i) {
    const float y = top + sh.tops[i];
    if (y > view_bottom) break;
    ImGui::SetCursorPosY(y);
    draw_entry(ws, item, *sh.entries[i], env, can_edit, width, sh.tops[i + 1] - sh.tops[i], ui, out,
               "timeline:" + sh.entries[i]->id);
  }
  const float y = top + sh.tops.back();
  ImGui::SetCursorPosY(y);
  ImGui::Dummy(ImVec2(width, 0));
}

}  // namespace kt::ui
