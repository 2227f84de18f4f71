#include "ui/timeline_view.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <unordered_map>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/text.hpp"
#include "core/rights.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

using nlohmann::json;

namespace {

int g_tz_minutes = 0;  // the viewer's UTC offset, for times inside entry texts

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
  // Heights of entries by id, for the width they were measured at (virtualised scrolling).
  float measured_width = 0;
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

TimelineUi& state_for(const std::string& item) {
  static TimelineUi ui;
  if (ui.item != item) {
    ui = TimelineUi{};
    ui.item = item;
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
      const std::string channel = p.is_object() ? p.value("channel", "call") : "call";
      const std::string dir = p.is_object() ? p.value("direction", "out") : "out";
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
      const std::int64_t deadline = p.is_object() ? p.value("deadline", std::int64_t{0}) : 0;
      std::string s = e.text.empty() ? std::string(tr("todo.untitled")) : e.text;
      if (deadline) s += "  ·  " + format_timestamp(deadline, g_tz_minutes, language());
      return s;
    }
    case TimelineKind::TodoCompleted: return e.text.empty() ? std::string(tr("todo.untitled")) : e.text;
    case TimelineKind::Communication: {
      const json p = json::parse(e.payload, nullptr, false);
      if (!p.is_object()) return e.text;
      std::string s = p.value("address", "");
      const std::string outcome = p.value("outcome", "");
      if (!outcome.empty()) s += "  ·  " + std::string(tr(("comm.outcome." + outcome).c_str()));
      if (const int d = p.value("duration", 0); d > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%d:%02d", d / 60, d % 60);
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
          const Item* it = ws.item(t.value("item", ""));
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
void draw_entry(const Workspace& ws, const Item& item, const TimelineEntry& e, const UiEnv& env, bool can_edit,
                float width, float h, TimelineUi& ui, UiOutput& out) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p = ImGui::GetCursorScreenPos();
  const float card_w = width - px(34);
  float cx = p.x + px(10);
  dl->AddLine(ImVec2(cx, p.y), ImVec2(cx, p.y + h), color::rgb(0xd5dbe0), px(2));
  dl->AddCircleFilled(ImVec2(cx, p.y + px(22)), px(7), dot_color(ws, item, e));
  dl->AddCircle(ImVec2(cx, p.y + px(22)), px(7), color::kPanel, 0, px(2));
  ImVec2 c0(p.x + px(28), p.y + px(4));
  ImVec2 c1(c0.x + card_w, p.y + h - px(6));
  dl->AddRectFilled(c0, c1, e.pinned ? color::rgb(0xfffbe6) : color::kPanel, px(8));
  const bool hovered = ImGui::IsMouseHoveringRect(c0, c1) && ImGui::IsWindowHovered();

  const User* author = ws.schema().user(e.author);
  std::string meta = format_timestamp(e.time_ms, env.tz_minutes, language()) + "  ·  " +
                     (author ? author->name : std::string(tr("tl.system")));
  if (e.edited_ms) meta += "  ·  " + std::string(tr("tl.edited"));
  if (e.pinned) meta = std::string("\xe2\x98\x85 ") + meta;
  const std::string title = timeline_title(ws, item, e);
  const std::string detail = timeline_detail(ws, item, e);
  const float inner = card_w - px(28);

  ImGui::PushID(e.id.c_str());
  ImGui::SetCursorScreenPos(ImVec2(c0.x + px(14), c0.y + px(12)));
  ImGui::BeginGroup();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(8), px(4)));
  ImGui::PushFont(fonts().small);
  text_clipped(meta, inner, color::kMuted);
  ImGui::PopFont();
  ImGui::PushFont(fonts().medium);
  text_clipped(title, inner, color::kText);
  ImGui::PopFont();
  if (e.kind == TimelineKind::Comment && ui.editing == e.id) {
    ImGui::InputTextMultiline("##edit", &ui.edit_text, ImVec2(inner, ImGui::GetTextLineHeight() * 4));
    sem_item("tl:editbox:" + e.id, "textbox", tr("tl.edit_comment"), ui.edit_text);
    if (button(tr("dialog.save"), "tl:save:" + e.id, true)) {
      out.commands.push_back(EditComment{item.id, e.id, ui.edit_text, false});
      ui.editing.clear();
    }
    ImGui::SameLine();
    if (button(tr("dialog.cancel"), "tl:cancel:" + e.id)) ui.editing.clear();
  } else if (e.kind == TimelineKind::Comment) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + inner);
    ImGui::TextUnformatted(detail.c_str());
    ImGui::PopTextWrapPos();
  } else if (!detail.empty() && text_clipped(detail, inner, color::kText) && ImGui::IsItemHovered()) {
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
  // Actions: visible on hover (and always reachable through the semantics tree).
  if (can_edit && ui.editing != e.id && ui.noting != e.id) {
    ImGui::PushFont(fonts().small);
    const ImU32 col = hovered ? color::kLink : color::rgb(0xffffff, 0);
    if (link(e.pinned ? tr("tl.unpin") : tr("tl.pin"), "tl:pin:" + e.id, col))
      out.commands.push_back(PinEntry{item.id, e.id, !e.pinned});
    ImGui::SameLine(0, px(14));
    if (link(e.note.empty() ? tr("tl.add_note") : tr("tl.edit_note"), "tl:note:" + e.id, col)) {
      ui.noting = e.id;
      ui.note_text = e.note;
    }
    if (e.kind == TimelineKind::Document) {
      const json pl = json::parse(e.payload, nullptr, false);
      const std::string doc = pl.is_object() ? pl.value("document", "") : "";
      for (const auto& d : item.documents)
        if (d.id == doc) {
          ImGui::SameLine(0, px(14));
          if (link(tr("doc.download"), "tl:download:" + e.id, hovered ? color::kLink : color::rgb(0x2067b0)))
            out.download = UiOutput::Download{d.title + ".html", "text/html", d.html};
        }
    }
    if (e.kind == TimelineKind::Comment && e.author == env.user) {
      ImGui::SameLine(0, px(14));
      if (link(tr("tl.edit"), "tl:edit:" + e.id, col)) {
        ui.editing = e.id;
        ui.edit_text = e.text;
      }
      ImGui::SameLine(0, px(14));
      if (link(tr("tl.delete"), "tl:delete:" + e.id, hovered ? color::kError : col))
        out.commands.push_back(EditComment{item.id, e.id, {}, true});
    }
    ImGui::PopFont();
  }
  ImGui::PopStyleVar();
  ImGui::EndGroup();
  ImGui::PopID();
  SemNode& n = sem_rect("timeline:" + e.id, "article", title, c0, c1);
  n.value = detail;
  n.description = meta + (e.note.empty() ? "" : " · " + e.note);
  n.selected = e.pinned;
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + h));
  ImGui::Dummy(ImVec2(width, 0));
}

// The height an entry needs at this width: measured once per text and width.
float entry_height(const Workspace& ws, const Item& item, const TimelineEntry& e, float width, TimelineUi& ui) {
  const bool special = ui.editing == e.id || ui.noting == e.id;
  auto it = ui.heights.find(e.id);
  if (!special && it != ui.heights.end()) return it->second;
  const float inner = width - px(34) - px(28);
  const float line = ImGui::GetTextLineHeight();
  const float small = line * 13.0f / 15.0f;
  const float spacing = px(4);
  float h = px(12) + small + spacing + line + spacing;  // padding, meta, title
  if (ui.editing == e.id) {
    h += line * 4 + px(8) + ImGui::GetFrameHeight() + spacing;
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
  h += small + spacing;  // actions row
  h += px(12) + px(10);  // padding, gap
  if (!special) ui.heights[e.id] = h;
  return h;
}

}  // namespace

void draw_timeline(const Workspace& ws, const Item& item, const UiEnv& env, float width, UiOutput& out) {
  TimelineUi& ui = state_for(item.id);
  g_tz_minutes = env.tz_minutes;
  if (ui.measured_width != width) {
    ui.heights.clear();
    ui.measured_width = width;
  }
  const bool can_edit = !item.deleted && can_act(ws.schema(), env.user, item, Action::Edit);

  heading(tr("card.timeline"), "heading:timeline");
  ImGui::Dummy(ImVec2(0, px(2)));
  // The composer.
  if (can_edit) {
    ImGui::InputTextMultiline("##composer", &ui.composer, ImVec2(width - px(14), ImGui::GetTextLineHeight() * 2 + px(14)));
    sem_item("tl:composer", "textbox", tr("tl.composer"), ui.composer);
    if (ui.composer.empty() && !ImGui::IsItemActive()) {
      ImVec2 r = ImGui::GetItemRectMin();
      ImGui::GetWindowDrawList()->AddText(ImVec2(r.x + px(10), r.y + px(7)), color::kMuted, tr("tl.composer"));
    }
    if (button(tr("tl.send"), "tl:send", true, ui.composer.find_first_not_of(" \t\r\n") != std::string::npos)) {
      out.commands.push_back(AddComment{item.id, ui.composer});
      ui.composer.clear();
    }
    ImGui::Dummy(ImVec2(0, px(4)));
  }
  // Filters and search.
  ImGui::PushFont(fonts().small);
  for (size_t i = 0; i < filters().size(); ++i) {
    if (i) ImGui::SameLine(0, px(12));
    const bool on = ui.filter == static_cast<int>(i);
    if (link(tr(filters()[i].key), std::string("tlfilter:") + filters()[i].key, on ? color::kText : color::kLink))
      ui.filter = static_cast<int>(i);
    if (on) {
      ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
      ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y + px(1)), ImVec2(b.x, b.y + px(1)), color::kAccent, px(2));
    }
  }
  ImGui::PopFont();
  ImGui::SetNextItemWidth(width - px(14));
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
      ImGui::PushID("pinned");
      draw_entry(ws, item, **it, env, can_edit, width, entry_height(ws, item, **it, width, ui), ui, out);
      ImGui::PopID();
    }
    caption(tr("tl.history"));
  }

  // The history, virtualised by measured heights: only the entries in view are drawn.
  if (sh.entries.empty()) {
    ImGui::TextDisabled("%s", tr(sh.visible == 0 ? "tl.no_entries" : "tl.nothing_found"));
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
    draw_entry(ws, item, *sh.entries[i], env, can_edit, width, sh.tops[i + 1] - sh.tops[i], ui, out);
  }
  const float y = top + sh.tops.back();
  ImGui::SetCursorPosY(y);
  ImGui::Dummy(ImVec2(width, 0));
}

}  // namespace kt::ui
