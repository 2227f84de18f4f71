// Acting from the card (SPEC §7, §8): the action bar, the client block with calls, e-mail, SMS and
// WhatsApp, planned to-dos with reminders, the products tab, conversion and documents.
//
// Index: [State] [Helpers] [Action bar] [Client block] [To-dos] [Products] [Dialogs: to-do, communication,
//        conversion, document] [Reminders]
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "core/calendar.hpp"
#include "core/convert.hpp"
#include "core/documents.hpp"
#include "core/format.hpp"
#include "core/json_bounded.hpp"
#include "core/layouts.hpp"
#include "core/links.hpp"
#include "core/rights.hpp"
#include "ui/card_internal.hpp"
#include "ui/form_fields.hpp"
#include "ui/icons.hpp"
#include "ui/i18n.hpp"
#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/timeline_view.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] State
// ---------------------------------------------------------------------------------------------------------

constexpr int kReminderChoices[] = {0, 15, 60, 1440};
constexpr const char* kTodoColors[] = {"", "#2fc6f6", "#9dcf00", "#ffa900", "#ff5752", "#7e57c2"};

struct TodoDialog {
  bool open = false;
  bool in_place = false;  // drawn in the composer (the card's history column), not as a dialog
  bool more = false;      // in place: the description, colour, participants and place shown too
  std::string editing;  // to-do id, "" for a new one
  std::string subject, description, location;
  FormValue deadline, responsible, participants;
  bool reminders[std::size(kReminderChoices)] = {false, true, false, false};
  int color = 0;
  std::string error;
};

struct CommDialog {
  bool open = false;
  bool in_place = false;  // as TodoDialog's
  std::string channel;  // call, email, sms, whatsapp
  std::string address;
  int direction = 0;  // 0 out, 1 in
  int outcome = 0;
  std::string duration;  // "m:ss" or minutes
  std::string subject, body;  // e-mail
  std::string note;
  std::string error;
};

struct ConvertDialog {
  bool open = false;
  int scheme = 0;
  ConversionPlan plan;
  Status plan_status;
  std::vector<bool> create_fields;                         // per plan.unmatched
  std::map<std::pair<int, std::string>, FormValue> fills;  // (target, field) -> value
  std::string error;
  bool creating_fields = false;  // fields were issued this frame: plan again on the next one
  std::string open_after;        // the item to open once the conversion landed
  std::uint64_t issued_at = 0;   // the workspace version when the conversion was issued
};

struct DocDialog {
  bool open = false;
  int choice = 0;
  std::string doc_id;
  GeneratedDocument made;
  std::string preview;  // the page's text, made once per generated document
  bool generated = false;
  std::string error;
};

struct ProductsDraft {
  struct Row {
    ProductRow row;
    std::string price, quantity, discount, tax;
  };
  std::vector<Row> rows;
  bool loaded = false, dirty = false;
  std::string error;
};

struct ActionsUi {
  std::string item;
  TodoDialog todo;
  CommDialog comm;
  ConvertDialog convert;
  DocDialog doc;
  ProductsDraft products;
};

// The to-do and message forms left open with text typed in them, and product rows changed and not saved,
// per item other than the open one: opening another card keeps them, as the comment box keeps its text
// (timeline_view.cpp), and the app keeps them across a page the browser discards (form_drafts,
// App::save_drafts). At most kMaxCommentDrafts items.
struct FormsDraft {
  TodoDialog todo;
  CommDialog comm;
  ProductsDraft products;
};
std::map<std::string, FormsDraft> g_form_drafts;

bool typed(const TodoDialog& d) { return d.open && (!d.subject.empty() || !d.description.empty() || !d.location.empty()); }
bool typed(const CommDialog& d) {
  return d.open && (!d.subject.empty() || !d.body.empty() || !d.note.empty() || !d.duration.empty());
}
bool typed(const ProductsDraft& d) { return d.loaded && d.dirty; }
bool typed(const FormsDraft& f) { return typed(f.todo) || typed(f.comm) || typed(f.products); }

// What of an item's forms is worth keeping (see FormsDraft): the rest left as new.
FormsDraft worth_keeping(const TodoDialog& todo, const CommDialog& comm, const ProductsDraft& products) {
  FormsDraft f;
  if (typed(todo)) f.todo = todo;
  if (typed(comm)) f.comm = comm;
  if (typed(products)) f.products = products;
  return f;
}

void keep_forms(const std::string& item, const ActionsUi& ui) {
  FormsDraft f = worth_keeping(ui.todo, ui.comm, ui.products);
  if (!typed(f)) g_form_drafts.erase(item);
  else if (g_form_drafts.size() < kMaxCommentDrafts || g_form_drafts.count(item)) g_form_drafts[item] = std::move(f);
}

ActionsUi& open_actions() {
  static ActionsUi ui;
  return ui;
}

ActionsUi& actions_ui(const std::string& item) {
  ActionsUi& ui = open_actions();
  if (ui.item != item) {
    if (!ui.item.empty()) keep_forms(ui.item, ui);
    ui = ActionsUi{};
    ui.item = item;
    if (auto d = g_form_drafts.find(item); d != g_form_drafts.end()) {
      ui.todo = std::move(d->second.todo);
      ui.comm = std::move(d->second.comm);
      ui.products = std::move(d->second.products);
      g_form_drafts.erase(d);
    }
  }
  return ui;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

std::string user_name(const Schema& s, const std::string& id) {
  const User* u = s.user(id);
  return u ? u->name : id;
}

std::string entity_name(const Schema& s, const std::string& entity) {
  const EntityType* et = s.entity(entity);
  return et ? et->name.get(language()) : entity;
}

void open_item(CardContext& c, const std::string& id) {
  c.view.item = id;
  c.view.tab = "main";
  c.edit.close();
  c.out.navigated = true;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Dialog openers
// ---------------------------------------------------------------------------------------------------------

FieldDef pseudo_field(const std::string& entity, const char* id, FieldType type, bool multiple = false) {
  FieldDef f;
  f.entity = entity;
  f.id = id;
  f.type = type;
  f.multiple = multiple;
  return f;
}

void open_todo(CardContext& c, ActionsUi& ui, const Activity* a) {
  TodoDialog& d = ui.todo;
  d = TodoDialog{};
  d.open = true;
  const std::string& e = c.item.entity;
  if (a) {
    d.editing = a->id;
    d.subject = a->subject;
    d.description = a->description;
    d.location = a->location;
    form_init(c.ws, pseudo_field(e, "DEADLINE", FieldType::DateTime), Value(local_iso(a->deadline_ms, c.env.tz_minutes)), &d.deadline);
    form_init(c.ws, pseudo_field(e, "RESPONSIBLE", FieldType::Employee), Value(a->responsible), &d.responsible);
    Value::List parts;
    for (const auto& p : a->participants) parts.emplace_back(p);
    form_init(c.ws, pseudo_field(e, "PARTICIPANTS", FieldType::Employee, true), Value(parts), &d.participants);
    for (size_t i = 0; i < std::size(kReminderChoices); ++i)
      d.reminders[i] = std::find(a->reminders.begin(), a->reminders.end(), kReminderChoices[i]) != a->reminders.end();
    for (size_t i = 0; i < std::size(kTodoColors); ++i)
      if (a->color == kTodoColors[i]) d.color = static_cast<int>(i);
  } else {
    // Tomorrow at 10:00, local time.
    const std::int64_t local = c.env.now_ms + static_cast<std::int64_t>(c.env.tz_minutes) * 60000;
    DateTime t = utc_from_ms(local + 86400000);
    t.hour = 10;
    t.minute = 0;
    form_init(c.ws, pseudo_field(e, "DEADLINE", FieldType::DateTime), Value(iso(t)), &d.deadline);
    form_init(c.ws, pseudo_field(e, "RESPONSIBLE", FieldType::Employee), Value(c.env.user), &d.responsible);
    form_init(c.ws, pseudo_field(e, "PARTICIPANTS", FieldType::Employee, true), Value(), &d.participants);
  }
}

void open_comm(ActionsUi& ui, const std::string& channel, const std::string& address) {
  CommDialog& d = ui.comm;
  d = CommDialog{};
  d.open = true;
  d.channel = channel;
  d.address = address;
}

void plan_again(CardContext& c, ConvertDialog& d) {
  const auto schemes = conversion_schemes(c.item.entity);
  if (schemes.empty()) return;
  d.scheme = std::clamp(d.scheme, 0, static_cast<int>(schemes.size()) - 1);
  d.plan_status = plan_conversion(c.ws, c.env.user, c.item.id, schemes[static_cast<size_t>(d.scheme)],
                                  [&](const std::string& prefix) { return c.env.new_id(prefix); }, &d.plan);
  d.create_fields.assign(d.plan.unmatched.size(), true);
  for (const auto& m : d.plan.missing)
    for (const auto& fid : m.fields) {
      const std::string entity = m.target < 0 ? c.item.entity : d.plan.command.targets[static_cast<size_t>(m.target)].entity;
      if (const FieldDef* f = c.ws.schema().field(entity, fid); f && !d.fills.count({m.target, fid}))
        form_init(c.ws, *f, f->default_value, &d.fills[{m.target, fid}]);
    }
}

void open_convert(CardContext& c, ActionsUi& ui) {
  ConvertDialog& d = ui.convert;
  d = ConvertDialog{};
  d.open = true;
  plan_again(c, d);
}

void open_document(ActionsUi& ui) {
  ui.doc = DocDialog{};
  ui.doc.open = true;
}

// The forms of the dialogs, which the composer also draws in place ([Dialogs]).
void todo_form(CardContext& c, TodoDialog& d, float fw);
void comm_form(CardContext& c, CommDialog& d, float fw);

std::string scheme_label(const Schema& s, const std::vector<std::string>& scheme) {
  std::string out;
  for (const auto& e : scheme) out += (out.empty() ? "" : " + ") + std::string(entity_name(s, e));
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Action bar
// ---------------------------------------------------------------------------------------------------------

std::string convert_label(const CardContext& c) {
  if (!c.can_edit_item || conversion_schemes(c.item.entity).empty()) return {};
  return tr(c.item.entity == "lead" ? "convert.lead" : "convert.button");
}

bool convert_button(CardContext& c) {
  const std::string label = convert_label(c);
  if (label.empty()) return false;
  if (button(label, "action:convert")) open_convert(c, actions_ui(c.item.id));
  return true;
}

void draw_action_bar(CardContext& c, float width, bool composer) {
  ActionsUi& ui = actions_ui(c.item.id);
  const Schema& s = c.ws.schema();
  // The buttons wrap where the width ends (a phone, a narrow column).
  FlowRow row(ImGui::GetCursorScreenPos().x + width, ImGui::GetCursorPosX());
  auto next = [&](const std::string& label) {
    row.next(button_width(label));
    return label;
  };
  if (c.can_edit_item && !composer) {
    if (button(next(std::string("+ ") + tr("todo.add")), "action:todo", true)) open_todo(c, ui, nullptr);
  }
  // Those who may edit the item make documents; those who may read it see the ones made before.
  if ((!composer || !c.can_edit_item) &&
      ((c.can_edit_item && !templates_for(s.templates, s, c.env.user, c.item).empty()) || !c.item.documents.empty())) {
    if (button(next(tr("doc.button")), "action:document")) open_document(ui);
  }
  if (!composer && !convert_label(c).empty()) {
    if (button(next(convert_label(c)), "action:convert")) open_convert(c, ui);
  }
  ImGui::Dummy(ImVec2(0, px(2)));
}

std::vector<const Item*> client_parties(CardContext& c, bool* self);
std::string first_address(CardContext& c, const char* field);

// The composer at the top of the card's history: a comment written in place, and what else is done from the
// card — a to-do, a call, an e-mail, an SMS, WhatsApp, a document — one tab each, opening its form.
void draw_composer(CardContext& c, float width) {
  ActionsUi& ui = actions_ui(c.item.id);
  const Schema& s = c.ws.schema();
  if (!c.can_edit_item) return;
  panel_begin("composer", width);
  const float inner = width - px(40);
  const std::string phone = first_address(c, "PHONE"), mail = first_address(c, "EMAIL");
  const bool docs = !templates_for(s.templates, s, c.env.user, c.item).empty() || !c.item.documents.empty();
  struct Tab {
    const char* id;
    const char* icon;
    const char* label;
    bool enabled;
    std::string href;  // a link out of the app the tab opens (a call)
  };
  const Tab tabs[] = {
      {"composer:comment", icon::kComment, tr("composer.comment"), true, {}},
      {"action:todo", icon::kTodo, tr("composer.todo"), true, {}},
      {"composer:call", icon::kCall, tr("composer.call"), !phone.empty(), phone.empty() ? "" : tel_href(phone)},
      {"composer:email", icon::kEmail, tr("composer.email"), !mail.empty(), {}},
      {"composer:sms", icon::kSms, "SMS", !phone.empty(), {}},
      {"composer:whatsapp", icon::kWhatsApp, "WhatsApp", !phone.empty(), {}},
      {"action:document", icon::kDocument, tr("composer.document"), docs, {}},
  };
  // The tab shown: a to-do's or a message's form in place, else the comment box. Esc folds a form back to
  // the comment box, unless it belongs to a popup or to a card field being edited.
  TodoDialog* todo = ui.todo.open && ui.todo.in_place ? &ui.todo : nullptr;
  CommDialog* comm = ui.comm.open && ui.comm.in_place ? &ui.comm : nullptr;
  if ((todo || comm) && c.esc_free) {
    if (todo) todo->open = false;
    if (comm) comm->open = false;
    todo = nullptr;
    comm = nullptr;
  }
  const std::string shown = todo ? "action:todo" : comm ? "composer:" + comm->channel : "composer:comment";
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::PushFont(fonts().small);
  const float right = ImGui::GetCursorScreenPos().x + inner;
  FlowRow row(right, ImGui::GetCursorPosX(), px(2));
  const float tab_h = touch_height(px(30));
  for (const Tab& t : tabs) {
    const std::string text = std::string(t.icon) + " " + t.label;
    const float w = text_width(text) + px(12);
    row.next(w);
    const ImVec2 a = ImGui::GetCursorScreenPos();
    if (!t.enabled) ImGui::BeginDisabled();
    const bool clicked = ImGui::InvisibleButton(t.id, ImVec2(w, tab_h));
    if (!t.enabled) ImGui::EndDisabled();
    const bool hovered = ImGui::IsItemHovered() && t.enabled;
    const bool on = t.id == shown;
    if (hovered) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      dl->AddRectFilled(a, ImVec2(a.x + w, a.y + tab_h), color::kHover, px(4));
    }
    if (on) dl->AddRectFilled(ImVec2(a.x + px(4), a.y + tab_h - px(2)), ImVec2(a.x + w - px(4), a.y + tab_h), color::kAccent);
    const ImU32 col = !t.enabled ? color::rgb(0xb0b6bc) : on ? color::kText : color::kLink;
    dl->AddText(ImVec2(a.x + px(6), a.y + (tab_h - ImGui::GetTextLineHeight()) / 2), col, text.c_str());
    SemNode& n = sem_item(t.id, "button", t.label);  // buttons: the card's tabs are the tabs
    n.selected = on;
    n.disabled = !t.enabled;
    if (t.enabled) sem_href(n, t.href);
    if (!t.enabled && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s", tr(std::string(t.id) == "action:document" ? "composer.no_templates" : "composer.no_address"));
    if (!clicked || !t.enabled) continue;
    const std::string id = t.id;
    if (id == "action:document") {  // the page needs the room of a dialog
      open_document(ui);
      continue;
    }
    if (id == "composer:call") c.out.open_url = t.href;
    if (id == shown) continue;  // a second click keeps what is written
    // One form at a time: another tab folds the one shown.
    if (todo) todo->open = false;
    if (comm) comm->open = false;
    todo = nullptr;
    comm = nullptr;
    if (id == "action:todo") {
      open_todo(c, ui, nullptr);
      ui.todo.in_place = true;
      todo = &ui.todo;
    } else if (id != "composer:comment") {
      const std::string channel = id.substr(std::string("composer:").size());
      open_comm(ui, channel, channel == "email" ? mail : phone);
      ui.comm.in_place = true;
      comm = &ui.comm;
    }
  }
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, px(2)));
  if (todo) todo_form(c, *todo, inner);
  else if (comm) comm_form(c, *comm, inner);
  else draw_comment_box(c.ws, c.item, c.env, inner, c.out);
  panel_end();
  ImGui::Dummy(ImVec2(0, px(6)));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Client block
// ---------------------------------------------------------------------------------------------------------

namespace {

// One person or company with its phones and e-mails, each with the channels it offers.
void draw_party(CardContext& c, ActionsUi& ui, const Item& party, bool is_self, float width) {
  const Schema& s = c.ws.schema();
  if (!is_self) {
    ImGui::PushFont(fonts().small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color::kMuted), "%s", entity_name(s, party.entity).c_str());
    ImGui::PopFont();
    if (link(c.ws.display_name(party), "client:" + party.id, color::kLink)) open_item(c, party.id);
  }
  auto channels = [&](const char* field, bool phone) {
    const FieldDef* f = s.field(party.entity, field);
    if (!f || !can_see_field(s, c.env.user, *f)) return;
    int n = 0;
    for (const auto& v : party.get(field).elements()) {
      const std::string addr = v.str_or_empty();
      if (addr.empty()) continue;
      const std::string key = party.id + ":" + field + ":" + std::to_string(n++);
      ImGui::PushID(key.c_str());
      // The channels beside the address when both fit, else under it (a phone, a narrow column).
      ImGui::PushFont(fonts().small);
      const float links_w = phone ? link_width(tr("comm.call")) + link_width("SMS") + link_width("WhatsApp") + px(32)
                                  : link_width(tr("comm.write")) + px(12);
      ImGui::PopFont();
      const float addr_w = std::min(width * 0.45f, px(200));
      const bool beside = addr_w + links_w <= width;
      // On a phone the line is as high as its links (touch_height), the address in its middle.
      text_clipped(addr, beside ? addr_w : width, color::kText, beside ? touch_height(0) : 0);
      sem_item("contact:" + key, "text", addr);
      ImGui::PushFont(fonts().small);
      if (!beside) ImGui::SetCursorPosY(ImGui::GetCursorPosY() - px(2));
      if (phone) {
        if (beside) ImGui::SameLine(0, px(12));
        const std::string tel = tel_href(addr);
        if (link(tr("comm.call"), "comm:call:" + key, color::kLink, tel)) {
          c.out.open_url = tel;
          open_comm(ui, "call", addr);
        }
        ImGui::SameLine(0, px(10));
        if (link("SMS", "comm:sms:" + key, color::kLink)) open_comm(ui, "sms", addr);
        ImGui::SameLine(0, px(10));
        if (link("WhatsApp", "comm:whatsapp:" + key, color::kLink)) open_comm(ui, "whatsapp", addr);
      } else {
        if (beside) ImGui::SameLine(0, px(12));
        if (link(tr("comm.write"), "comm:email:" + key, color::kLink)) open_comm(ui, "email", addr);
      }
      ImGui::PopFont();
      ImGui::PopID();
    }
  };
  channels("PHONE", true);
  channels("EMAIL", false);
}

}  // namespace

// The people and companies a card deals with: the item itself when it has phones or e-mails (a contact, a
// company, a lead), then its client, company and contact, those the viewer may read.
std::vector<const Item*> client_parties(CardContext& c, bool* self) {
  const Schema& s = c.ws.schema();
  std::vector<const Item*> parties;
  auto add = [&](const Value& v) {
    for (const auto& e : v.elements())
      if (const Item* it = c.ws.item(e.str_or_empty()); it && !it->deleted && can_act(s, c.env.user, *it, Action::Read))
        parties.push_back(it);
  };
  const std::string& e = c.item.entity;
  *self = (e == "contact" || e == "company" || e == "lead") &&
          (!c.item.get("PHONE").empty() || !c.item.get("EMAIL").empty());
  if (s.field(e, "CLIENT")) add(c.item.get("CLIENT"));
  if (e == "lead") {
    add(c.item.get("COMPANY_ID"));
    add(c.item.get("CONTACT_ID"));
  }
  if (e == "contact") add(c.item.get("COMPANY_ID"));
  return parties;
}

// The first phone (or e-mail) the viewer may see among the card's parties; empty when there is none.
std::string first_address(CardContext& c, const char* field) {
  const Schema& s = c.ws.schema();
  bool self = false;
  std::vector<const Item*> parties = client_parties(c, &self);
  if (self) parties.insert(parties.begin(), &c.item);
  for (const Item* p : parties) {
    const FieldDef* f = s.field(p->entity, field);
    if (!f || !can_see_field(s, c.env.user, *f)) continue;
    for (const auto& v : p->get(field).elements())
      if (!v.str_or_empty().empty()) return v.str_or_empty();
  }
  return {};
}

void draw_client_block(CardContext& c, float width) {
  ActionsUi& ui = actions_ui(c.item.id);
  bool self = false;
  const std::vector<const Item*> parties = client_parties(c, &self);
  const std::string& e = c.item.entity;
  if (!self && parties.empty()) return;
  panel_begin("client", width);
  heading(tr(e == "contact" || e == "company" ? "client.channels" : "client.title"), "heading:client");
  const float inner = width - px(40);
  // On a phone the lines are finger-sized (links 44 CSS px high, touch_height): no gaps between them.
  if (is_phone()) ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
  if (self) draw_party(c, ui, c.item, true, inner);
  for (const Item* p : parties) {
    if (self || p != parties.front()) ImGui::Dummy(ImVec2(0, px(is_phone() ? 8 : 4)));
    draw_party(c, ui, *p, false, inner);
  }
  if (is_phone()) ImGui::PopStyleVar();
  panel_end();
  ImGui::Dummy(ImVec2(0, px(10)));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] To-dos
// ---------------------------------------------------------------------------------------------------------

void draw_todo_block(CardContext& c, float width) {
  ActionsUi& ui = actions_ui(c.item.id);
  const Schema& s = c.ws.schema();
  std::vector<const Activity*> open;
  for (const auto& a : c.item.activities)
    if (!a.completed) open.push_back(&a);
  if (open.empty()) return;
  std::sort(open.begin(), open.end(), [](const Activity* a, const Activity* b) { return a->deadline_ms < b->deadline_ms; });
  panel_begin("todos", width);
  heading(std::string(tr("todo.planned")) + " (" + std::to_string(open.size()) + ")", "heading:todos");
  const float inner = width - px(40);
  for (const Activity* a : open) {
    ImGui::PushID(a->id.c_str());
    const bool overdue = a->deadline_ms > 0 && a->deadline_ms < c.env.now_ms;
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    if (!a->color.empty())
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p0.x - px(10), p0.y), ImVec2(p0.x - px(6), p0.y + px(40)),
                                                parse_color(a->color), px(2));
    bool done = false;
    const std::string subject = a->subject.empty() ? std::string(tr("todo.untitled")) : a->subject;
    if (c.can_edit_item && checkbox("##done", "todo:done:" + a->id, &done, tr("todo.mark_done") + (": " + subject)) && done)
      c.out.commands.push_back(CompleteTodo{c.item.id, a->id, true});
    if (c.can_edit_item) ImGui::SameLine();
    if (link(subject, "todo:open:" + a->id, color::kText) && c.can_edit_item) open_todo(c, ui, a);
    const float subject_right = ImGui::GetItemRectMax().x;
    ImGui::PushFont(fonts().small);
    std::string when = format_timestamp(a->deadline_ms, c.env.tz_minutes, language());
    if (overdue) when = std::string(tr("todo.overdue")) + " · " + when;
    when += "  ·  " + user_name(s, a->responsible);
    if (!a->location.empty()) when += "  ·  " + a->location;
    // On the subject's line when it fits (one line per to-do), else under it.
    const float row_right = p0.x + inner;
    const float postpone_w = c.can_edit_item ? text_width(tr("todo.postpone")) + px(12) : 0;
    const float when_w = std::min(text_width(when), inner - px(120));
    if (subject_right + px(12) + when_w + postpone_w <= row_right) {
      ImGui::SameLine(0, px(12));
      ImGui::SetCursorPosY(ImGui::GetCursorPosY() + px(2));
    }
    text_clipped(when, when_w, overdue ? color::kError : color::kMuted);
    SemNode& n = sem_item("todo:" + a->id, "listitem", subject);
    n.value = when;
    n.description = overdue ? "overdue" : "";
    if (c.can_edit_item) {
      ImGui::SameLine(0, px(12));
      if (link(tr("todo.postpone"), "todo:postpone:" + a->id, color::kLink)) ImGui::OpenPopup("postpone");
      if (menu_begin("postpone")) {
        struct Step {
          const char* key;
          std::int64_t ms;
        };
        for (const Step& st : {Step{"todo.plus_hour", 3600000}, Step{"todo.plus_day", 86400000}, Step{"todo.plus_week", 7 * 86400000LL}}) {
          if (ImGui::Selectable(tr(st.key))) {
            Activity moved = *a;
            // Overdue to-dos move from now, the others from their deadline.
            moved.deadline_ms = std::max(a->deadline_ms, c.env.now_ms) + st.ms;
            c.out.commands.push_back(PutTodo{c.item.id, moved});
          }
          sem_item(std::string("postpone:") + st.key, "menuitem", tr(st.key));
        }
        menu_end();
      }
    }
    ImGui::PopFont();
    ImGui::PopID();
  }
  panel_end();
  ImGui::Dummy(ImVec2(0, px(8)));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Products
// ---------------------------------------------------------------------------------------------------------

void draw_products(CardContext& c, float width) {
  ActionsUi& ui = actions_ui(c.item.id);
  ProductsDraft& d = ui.products;
  const Schema& s = c.ws.schema();
  // Rows changed and kept for a user who may no longer change them (a draft) are not shown as the item's.
  if (!c.can_edit_item) d.dirty = false;
  if (!d.loaded || (!d.dirty && [&] {
        if (d.rows.size() != c.item.products.size()) return true;
        for (size_t i = 0; i < d.rows.size(); ++i)
          if (!(d.rows[i].row == c.item.products[i])) return true;
        return false;
      }())) {
    d.rows.clear();
    for (const auto& r : c.item.products)
      d.rows.push_back({r, minor_text(r.price), decimal_text(r.quantity), decimal_text(r.discount_percent), decimal_text(r.tax_rate)});
    d.loaded = true;
    d.dirty = false;
  }
  const Value amount = c.item.get("OPPORTUNITY_WITH_CURRENCY");
  const std::string currency = amount.is_money() ? amount.as_money().currency : "RUB";
  panel_begin("products", width);
  heading(tr("tab.products"), "heading:products");
  const bool editable = c.can_edit_item;
  const float inner = width - px(40);
  const char* heads[] = {"prod.name", "prod.price", "prod.qty", "prod.unit", "prod.discount", "prod.tax", "prod.tax_included", "prod.sum"};
  const bool phone = is_phone();
  std::int64_t total = 0, tax = 0;
  int remove = -1;
  // One row's controls: a table's cells on a wide screen, a block of labelled fields on a phone (a product
  // per block: the name over the whole width, the numbers two and three to a line).
  auto draw_row = [&](size_t i) {
    auto& r = d.rows[i];
    const std::string key = "prod:" + std::to_string(i);
    // The typed columns 0-5: what each edits, and its id's last part.
    std::string* const texts[] = {&r.row.name, &r.price, &r.quantity, &r.row.unit, &r.discount, &r.tax};
    static const char* const what[] = {"name", "price", "qty", "unit", "discount", "tax"};
    auto edit = [&](int col, float w) {
      const std::string id = key + ":" + what[col];
      std::string* text = texts[col];
      if (phone) {
        caption_at_line_top();
        caption(tr(heads[col]));
      }
      if (editable) {
        if (text_box(id, text, w, tr(heads[col]))) d.dirty = true;
        if (col != 0 && col != 3) sem_last(id).keyboard = keyboard_for(FieldType::Number);  // digits
      } else {
        ImGui::TextUnformatted(text->c_str());
        sem_item(id, "text", tr(heads[col]), *text);
      }
    };
    // Fields side by side on a phone, each with its caption over it, in a table's cells.
    auto line = [&](const char* id, std::initializer_list<int> cols) {
      ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(px(6), 0));
      if (ImGui::BeginTable(id, static_cast<int>(cols.size()), ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_NoPadOuterX,
                            ImVec2(inner, 0))) {
        for (int col : cols) {
          ImGui::TableNextColumn();
          edit(col, -1);
        }
        ImGui::EndTable();
      }
      ImGui::PopStyleVar();
    };
    // The row's sum from what is typed so far (invalid numbers count as they last were).
    ProductRow calc = r.row;
    double v = 0;
    if (parse_decimal(r.price, &v)) calc.price = static_cast<std::int64_t>(std::llround(v * 100));
    if (parse_decimal(r.quantity, &v)) calc.quantity = v;
    if (parse_decimal(r.discount, &v)) calc.discount_percent = v;
    if (parse_decimal(r.tax, &v)) calc.tax_rate = v;
    total += row_total(calc);
    tax += row_tax(calc);
    const std::string sum = format_money(Money{row_total(calc), currency}, language());
    auto included = [&] {
      if (editable) {
        if (checkbox(phone ? std::string(tr("prod.tax_included_name")) : std::string("##incl"), key + ":included",
                     &r.row.tax_included, tr("prod.tax_included_name")))
          d.dirty = true;
      } else {
        ImGui::TextUnformatted(r.row.tax_included ? tr("dialog.yes") : "—");
      }
    };
    ImGui::PushID(static_cast<int>(i));
    if (phone) {
      if (i > 0) ImGui::Separator();
      edit(0, inner);
      line("numbers", {1, 2});
      line("terms", {3, 4, 5});
      included();
      const std::string text = std::string(tr("prod.sum")) + ": " + sum;
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(text.c_str());
      sem_item(key + ":sum", "text", tr("prod.sum"), sum);
      if (editable) {
        ImGui::SameLine(std::max(ImGui::GetCursorPosX(), inner - touch_height(0)));
        if (icon_button("\xe2\x9c\x95", tr("prod.remove"), key + ":remove")) remove = static_cast<int>(i);
      }
      ImGui::Dummy(ImVec2(0, px(6)));
    } else {
      ImGui::TableNextRow();
      for (int col = 0; col < 6; ++col) {
        ImGui::TableSetColumnIndex(col);
        edit(col, -1);
      }
      ImGui::TableSetColumnIndex(6);
      included();
      ImGui::TableSetColumnIndex(7);
      ImGui::TextUnformatted(sum.c_str());
      sem_item(key + ":sum", "text", tr("prod.sum"), sum);
      ImGui::TableSetColumnIndex(8);
      if (editable && icon_button("\xe2\x9c\x95", tr("prod.remove"), key + ":remove")) remove = static_cast<int>(i);
    }
    ImGui::PopID();
  };
  bool drawn = false;
  if (phone) {
    for (size_t i = 0; i < d.rows.size(); ++i) draw_row(i);
    drawn = true;
  } else if (ImGui::BeginTable("rows", 9, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH, ImVec2(inner, 0))) {
    // Shares of what the ✕ column (as wide as its button) leaves: a fixed estimate of the cells' padding
    // made the columns wider than the panel and cut the ✕ off.
    const float cols[] = {0.28f, 0.14f, 0.09f, 0.07f, 0.11f, 0.08f, 0.08f, 0.15f};  // "Скидка, %" whole at 768 px
    for (size_t i = 0; i < std::size(cols); ++i)
      ImGui::TableSetupColumn(tr(heads[i]), ImGuiTableColumnFlags_WidthStretch, cols[i]);
    ImGui::TableSetupColumn("##del", ImGuiTableColumnFlags_WidthFixed, touch_height(0));
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < d.rows.size(); ++i) draw_row(i);
    ImGui::EndTable();
    drawn = true;
  }
  if (drawn) {
    if (remove >= 0) {
      d.rows.erase(d.rows.begin() + remove);
      d.dirty = true;
    }
    if (d.rows.empty()) muted_text(tr("prod.none"));
    ImGui::Dummy(ImVec2(0, px(6)));
    const std::string totals = std::string(tr("prod.total")) + ": " + format_money(Money{total, currency}, language()) +
                               "   " + tr("prod.tax_total") + ": " + format_money(Money{tax, currency}, language());
    ImGui::PushFont(fonts().medium);
    ImGui::TextUnformatted(totals.c_str());
    ImGui::PopFont();
    // Read as shown: the total and the tax in it.
    sem_item("prod:total", "text", totals, format_money(Money{total, currency}, language()));
  }
  if (c.item.get("IS_MANUAL_OPPORTUNITY").is_bool() && c.item.get("IS_MANUAL_OPPORTUNITY").as_bool())
    muted_text(tr("prod.manual_amount"));
  if (!d.error.empty()) error_text_line(d.error, "prod:error");
  if (editable) {
    if (button(std::string("+ ") + tr("prod.add"), "prod:add")) {
      ProductsDraft::Row r;
      r.row.id = c.env.new_id("pr");
      r.price = "0,00";
      r.quantity = "1";
      r.discount = "0";
      r.tax = "0";
      d.rows.push_back(std::move(r));
      d.dirty = true;
    }
    if (d.dirty) {
      ImGui::SameLine();
      if (button(tr("dialog.save"), "prod:save", true)) {
        SetProducts cmd{c.item.id, {}, {}};
        d.error.clear();
        for (size_t i = 0; i < d.rows.size() && d.error.empty(); ++i) {
          auto& r = d.rows[i];
          ProductRow row = r.row;
          double price = 0, qty = 0, disc = 0, taxr = 0;
          const std::string at = std::string(tr("prod.row")) + " " + std::to_string(i + 1) + ": ";
          if (row.name.find_first_not_of(' ') == std::string::npos) d.error = at + tr("err.product_name_empty");
          else if (!parse_decimal(r.price, &price) || price < 0) d.error = at + tr("err.invalid_price");
          else if (!parse_decimal(r.quantity, &qty) || qty <= 0) d.error = at + tr("err.invalid_quantity");
          else if (!parse_decimal(r.discount, &disc) || disc < 0 || disc > 100) d.error = at + tr("err.invalid_discount");
          else if (!parse_decimal(r.tax, &taxr) || taxr < 0 || taxr > 100) d.error = at + tr("err.invalid_tax");
          row.price = static_cast<std::int64_t>(std::llround(price * 100));
          row.quantity = qty;
          row.discount_percent = disc;
          row.tax_rate = taxr;
          cmd.rows.push_back(row);
        }
        if (d.error.empty()) {
          c.out.commands.push_back(std::move(cmd));
          d.dirty = false;
          d.loaded = false;
        }
      }
      ImGui::SameLine();
      if (button(tr("dialog.cancel"), "prod:cancel")) {
        d.loaded = false;
        d.dirty = false;
        d.error.clear();
      }
    }
  }
  (void)s;
  panel_end();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Dialogs
// ---------------------------------------------------------------------------------------------------------

namespace {

// Ends a form: a dialog's popup closes with it.
void close_form(bool* open, bool in_place) {
  *open = false;
  if (!in_place) ImGui::CloseCurrentPopup();
}

// A to-do's form, `fw` wide: in its dialog, or in place in the composer (d.in_place).
void todo_form(CardContext& c, TodoDialog& d, float fw) {
  const std::string& e = c.item.entity;
  if (!d.in_place) dialog_body_begin("tododlg:body");
  text_input(tr("todo.subject"), "todo:subject", &d.subject, fw, tr("todo.subject_hint"));
  // In place the form stays short, its buttons in view: what a to-do needs first, the rest behind "more".
  const bool all = !d.in_place || d.more;
  if (all) text_input(tr("todo.description"), "todo:description", &d.description, fw, nullptr, true);
  const FieldDef deadline = pseudo_field(e, "DEADLINE", FieldType::DateTime);
  const FieldDef responsible = pseudo_field(e, "RESPONSIBLE", FieldType::Employee);
  const FieldDef participants = pseudo_field(e, "PARTICIPANTS", FieldType::Employee, true);
  // The deadline and who does it side by side where the width allows.
  const bool pair = fw >= px(420);
  const float half = pair ? (fw - px(12)) / 2 : fw;
  if (pair) ImGui::BeginGroup();
  form_field(c.ws, deadline, tr("todo.deadline"), true, &d.deadline, half, "todo:deadline");
  if (pair) {
    ImGui::EndGroup();
    ImGui::SameLine(0, px(12));
    ImGui::BeginGroup();
  }
  form_field(c.ws, responsible, tr("todo.responsible"), true, &d.responsible, half, "todo:responsible");
  if (pair) ImGui::EndGroup();
  caption(tr("todo.reminders"));
  // The choices wrap where the form ends (a phone; English's are longer).
  FlowRow reminders(ImGui::GetCursorScreenPos().x + fw, ImGui::GetCursorPosX(), px(14));
  for (size_t i = 0; i < std::size(kReminderChoices); ++i) {
    const std::string key = "todo.remind." + std::to_string(kReminderChoices[i]);
    const char* label = tr(key.c_str());
    reminders.next(checkbox_width(label));
    checkbox(label, "todo:remind:" + std::to_string(kReminderChoices[i]), &d.reminders[i]);
  }
  if (all) {
    std::vector<std::string> colors;
    for (size_t i = 0; i < std::size(kTodoColors); ++i) colors.push_back(tr(("todo.color." + std::to_string(i)).c_str()));
    combo(tr("todo.color"), "todo:color", colors, &d.color, fw);
    form_field(c.ws, participants, tr("todo.participants"), false, &d.participants, fw, "todo:participants");
    text_input(tr("todo.location"), "todo:location", &d.location, fw);
  } else {
    ImGui::Dummy(ImVec2(0, px(2)));
    if (link(std::string("+ ") + tr("todo.more"), "todo:more", color::kLink)) d.more = true;
    ImGui::Dummy(ImVec2(0, px(2)));
  }
  if (!d.in_place) dialog_body_end();
  if (!d.error.empty()) error_text_line(d.error, "todo:error");
  if (button(tr("dialog.save"), "todo:save", true)) {
    Value when, who, parts;
    bool ok = form_value(c.ws, c.item, deadline, &d.deadline, &when).ok();
    ok = form_value(c.ws, c.item, responsible, &d.responsible, &who).ok() && ok;
    ok = form_value(c.ws, c.item, participants, &d.participants, &parts).ok() && ok;
    bool parsed = false;
    const std::int64_t deadline_ms = when.is_string() ? utc_of_local(when.as_string(), c.env.tz_minutes, &parsed) : 0;
    if (!ok) {
      d.error = tr("err.check_fields");
    } else if (!parsed) {
      d.deadline.error = tr("err.required");
      d.error = tr("err.check_fields");
    } else if (who.str_or_empty().empty()) {
      d.responsible.error = tr("err.required");
      d.error = tr("err.check_fields");
    } else {
      Activity a;
      if (!d.editing.empty())
        if (const Activity* old = c.item.activity(d.editing)) a = *old;
      a.id = d.editing.empty() ? c.env.new_id("td") : d.editing;
      a.subject = d.subject;
      a.description = d.description;
      a.location = d.location;
      a.deadline_ms = deadline_ms;
      a.responsible = who.str_or_empty();
      a.participants.clear();
      for (const auto& p : parts.elements()) a.participants.push_back(p.str_or_empty());
      a.reminders.clear();
      for (size_t i = 0; i < std::size(kReminderChoices); ++i)
        if (d.reminders[i]) a.reminders.push_back(kReminderChoices[i]);
      a.color = kTodoColors[std::clamp(d.color, 0, static_cast<int>(std::size(kTodoColors)) - 1)];
      c.out.commands.push_back(PutTodo{c.item.id, a});
      close_form(&d.open, d.in_place);
    }
  }
  ImGui::SameLine();
  if (!d.editing.empty()) {
    if (danger_button(tr("todo.delete"), "todo:delete")) {
      c.out.commands.push_back(RemoveTodo{c.item.id, d.editing});
      close_form(&d.open, d.in_place);
    }
    ImGui::SameLine();
  }
  if (button(tr("dialog.cancel"), "todo:cancel")) close_form(&d.open, d.in_place);
}

void draw_todo_dialog(CardContext& c, ActionsUi& ui) {
  TodoDialog& d = ui.todo;
  if (!d.open || d.in_place) return;
  const float w = dialog_width(520);
  if (!dialog_begin(tr(d.editing.empty() ? "todo.new" : "todo.edit"), "tododlg", &d.open, w)) return;
  todo_form(c, d, w - px(48));
  dialog_end();
}

// The outcomes that fit the channel: a call is answered or not; a message is sent or received.
constexpr const char* kCallOutcomes[] = {"reached", "no_answer", "busy", "left_message"};
constexpr const char* kMessageOutcomes[] = {"sent", "received"};

std::string comm_title(const CommDialog& d) {
  return std::string(tr(("comm.title." + d.channel).c_str())) + ": " + d.address;
}

// The form that logs a call or a message (and opens the message in its app), `fw` wide: in its dialog, or in
// place in the composer (d.in_place), under a line saying to whom.
void comm_form(CardContext& c, CommDialog& d, float fw) {
  const bool call = d.channel == "call", email = d.channel == "email";
  if (d.in_place) {
    muted_text(comm_title(d));
    sem_item("comm:to", "text", comm_title(d));
  } else {
    dialog_body_begin("commdlg:body");
  }
  if (email) {
    text_input(tr("comm.subject"), "comm:subject", &d.subject, fw);
    text_input(tr("comm.body"), "comm:body", &d.body, fw, nullptr, true);
  } else if (!call) {
    text_input(tr("comm.message"), "comm:body", &d.body, fw, nullptr, true);
  } else {
    muted_text(tr("comm.call_hint"));
  }
  std::vector<std::string> dirs{tr(call ? "comm.out" : "comm.out.message"), tr(call ? "comm.in" : "comm.in.message")};
  // A message's outcome follows its direction until picked otherwise: sent when outgoing, received when not.
  if (combo(tr("comm.direction"), "comm:direction", dirs, &d.direction, fw) && !call) d.outcome = d.direction;
  const std::vector<const char*> outcome_ids = call ? std::vector<const char*>(std::begin(kCallOutcomes), std::end(kCallOutcomes))
                                                    : std::vector<const char*>(std::begin(kMessageOutcomes), std::end(kMessageOutcomes));
  std::vector<std::string> outcomes;
  for (const char* o : outcome_ids) outcomes.push_back(tr((std::string("comm.outcome.") + o).c_str()));
  combo(tr("comm.outcome"), "comm:outcome", outcomes, &d.outcome, fw);
  if (call) text_input(tr("comm.duration"), "comm:duration", &d.duration, fw, "3:25");
  text_input(tr("comm.note"), "comm:note", &d.note, fw, nullptr, true);
  if (!d.in_place) dialog_body_end();
  if (!d.error.empty()) error_text_line(d.error, "comm:error");
  // Opening the channel: a call was opened when the dialog was; messages open with what was written.
  if (!call) {
    const char* open_key = email ? "comm.open_email" : d.channel == "sms" ? "comm.open_sms" : "comm.open_whatsapp";
    const std::string href = email                 ? mailto_href(d.address, d.subject, d.body)
                             : d.channel == "sms" ? sms_href(d.address, d.body)
                                                  : whatsapp_href(d.address, d.body);
    if (button(tr(open_key), "comm:open", false, true, href)) c.out.open_url = href;
    ImGui::SameLine();
  }
  if (button(tr("comm.log"), "comm:save", true)) {
    int seconds = 0;
    d.error.clear();
    if (call && !d.duration.empty()) {
      int m = 0, s = 0;
      char extra = 0;
      if (std::sscanf(d.duration.c_str(), "%d:%d%c", &m, &s, &extra) == 2 && m >= 0 && s >= 0 && s < 60) seconds = m * 60 + s;
      else if (std::sscanf(d.duration.c_str(), "%d%c", &m, &extra) == 1 && m >= 0) seconds = m * 60;
      else d.error = tr("err.invalid_duration");
    }
    if (d.error.empty()) {
      LogCommunication cmd;
      cmd.item = c.item.id;
      cmd.channel = d.channel;
      cmd.direction = d.direction == 1 ? "in" : "out";
      cmd.address = d.address;
      cmd.outcome = outcome_ids[static_cast<size_t>(std::clamp(d.outcome, 0, static_cast<int>(outcome_ids.size()) - 1))];
      cmd.duration_s = seconds;
      cmd.note = d.note;
      if (email && !d.subject.empty()) cmd.note = d.subject + (d.note.empty() ? "" : "\n" + d.note);
      c.out.commands.push_back(std::move(cmd));
      close_form(&d.open, d.in_place);
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "comm:cancel")) close_form(&d.open, d.in_place);
}

void draw_comm_dialog(CardContext& c, ActionsUi& ui) {
  CommDialog& d = ui.comm;
  if (!d.open || d.in_place) return;
  const float w = dialog_width(500);
  if (!dialog_begin(comm_title(d), "commdlg", &d.open, w)) return;
  comm_form(c, d, w - px(48));
  dialog_end();
}

void draw_convert_dialog(CardContext& c, ActionsUi& ui) {
  ConvertDialog& d = ui.convert;
  if (!d.open) return;
  const Schema& s = c.ws.schema();
  bool go_on = false;
  if (d.creating_fields) {
    // The fields asked for exist now: plan again so that their values are carried, and carry on. Fields
    // still unmatched are those the user chose not to create.
    d.creating_fields = false;
    auto fills = d.fills;
    plan_again(c, d);
    d.fills = fills;
    d.create_fields.assign(d.plan.unmatched.size(), false);
    go_on = d.plan_status.ok();
  }
  const float w = dialog_width(600);
  if (!dialog_begin(tr(c.item.entity == "lead" ? "convert.lead" : "convert.button"), "convertdlg", &d.open, w)) return;
  const float fw = w - px(48);
  dialog_body_begin("convertdlg:body");
  const auto schemes = conversion_schemes(c.item.entity);
  std::vector<std::string> labels;
  for (const auto& sc : schemes) labels.push_back(scheme_label(s, sc));
  if (combo(tr("convert.scheme"), "convert:scheme", labels, &d.scheme, fw)) plan_again(c, d);
  if (!d.plan_status) {
    error_text_line(error_text(d.plan_status.code), "convert:refused");
  } else {
    caption(tr("convert.will_create"));
    for (const auto& t : d.plan.command.targets) muted_text(std::string("• ") + entity_name(s, t.entity));
    for (const auto& id : d.plan.reused)
      if (const Item* it = c.ws.item(id))
        muted_text(std::string("• ") + tr("convert.reuses") + ": " + entity_name(s, it->entity) + " «" + c.ws.display_name(*it) + "»");
    if (!d.plan.unmatched.empty()) {
      ImGui::Dummy(ImVec2(0, px(6)));
      caption(tr("convert.unmatched"));
      for (size_t i = 0; i < d.plan.unmatched.size(); ++i) {
        const auto& u = d.plan.unmatched[i];
        bool on = d.create_fields[i];
        const std::string label = std::string(tr("convert.create_field")) + " «" + u.proposed.label.get(language()) + "» — " +
                                  entity_name(s, u.proposed.entity);
        if (checkbox(label, "convert:field:" + u.proposed.entity + ":" + u.source_field, &on)) d.create_fields[i] = on;
      }
    }
    if (!d.plan.missing.empty()) {
      ImGui::Dummy(ImVec2(0, px(6)));
      caption(tr("convert.fill_required"));
      for (const auto& m : d.plan.missing) {
        const std::string entity = m.target < 0 ? c.item.entity : d.plan.command.targets[static_cast<size_t>(m.target)].entity;
        for (const auto& fid : m.fields) {
          const FieldDef* f = s.field(entity, fid);
          if (!f) continue;
          form_field(c.ws, *f, std::string(entity_name(s, entity)) + ": " + f->label.get(language()), true,
                     &d.fills[{m.target, fid}], fw, "convert:fill:" + entity + ":" + fid);
        }
      }
    }
  }
  dialog_body_end();
  if (!d.error.empty()) error_text_line(d.error, "convert:error");
  if (button(tr("convert.do"), "convert:go", true, d.plan_status.ok()) || go_on) {
    d.error.clear();
    // First the fields to create (the plan is made again on the next frame, once they exist).
    // Each new field also goes to the end of the first section of the destination's card, where the user
    // may change that card's layout (else it waits in "Select field").
    bool fields = false;
    std::map<std::string, Layout> layouts;  // family -> layout with the new fields
    std::map<std::string, std::string> scopes;
    for (size_t i = 0; i < d.plan.unmatched.size(); ++i)
      if (d.create_fields[i]) {
        const FieldDef& f = d.plan.unmatched[i].proposed;
        c.out.commands.push_back(PutField{f});
        fields = true;
        const Pipeline* p = s.default_pipeline(f.entity);
        const std::string family = layout_family(s, f.entity, p ? p->id : "");
        if (!layouts.count(family)) {
          const ResolvedLayout r = resolve_layout(s, c.env.user, family);
          if (!r.layout || !can_edit_scope(s, c.env.user, family, r.scope) || r.layout->sections.empty()) continue;
          layouts[family] = *r.layout;
          scopes[family] = r.scope;
        }
        layouts[family].sections.front().elements.push_back({f.id, true, {}});
      }
    for (auto& [family, layout] : layouts) c.out.commands.push_back(PutLayout{family, scopes[family], layout, false});
    if (fields) {
      d.creating_fields = true;
    } else {
      ConversionPlan plan = d.plan;
      bool ok = true;
      for (const auto& m : plan.missing) {
        const std::string entity = m.target < 0 ? c.item.entity : plan.command.targets[static_cast<size_t>(m.target)].entity;
        for (const auto& fid : m.fields) {
          const FieldDef* f = s.field(entity, fid);
          if (!f) continue;
          Item probe;
          probe.entity = entity;
          Value v;
          FormValue& fv = d.fills[{m.target, fid}];
          if (!form_value(c.ws, m.target < 0 ? c.item : probe, *f, &fv, &v).ok()) ok = false;
          else if (v.empty()) {
            fv.error = tr("err.required");
            ok = false;
          } else {
            set_planned_value(&plan, m.target, fid, v);
          }
        }
      }
      if (!ok) {
        d.error = tr("err.required_missing");
      } else {
        for (const auto& t : plan.command.targets)
          if (t.entity == "deal" || d.open_after.empty()) d.open_after = t.item;
        c.out.commands.push_back(plan.command);
        d.issued_at = c.ws.version();
        d.open = false;
        ImGui::CloseCurrentPopup();
      }
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "convert:cancel")) {
    d.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

void draw_document_dialog(CardContext& c, ActionsUi& ui) {
  DocDialog& d = ui.doc;
  if (!d.open) return;
  const Schema& s = c.ws.schema();
  const float w = dialog_width(820);
  if (!dialog_begin(tr("doc.title"), "docdlg", &d.open, w)) return;
  const float fw = w - px(48);
  const auto templates =
      c.can_edit_item ? templates_for(s.templates, s, c.env.user, c.item) : std::vector<const DocTemplate*>{};
  std::vector<std::string> names;
  for (const auto* t : templates) names.push_back(t->name.get(language()));
  dialog_body_begin("docdlg:body");
  if (!templates.empty() && combo(tr("doc.template"), "doc:template", names, &d.choice, fw)) d.generated = false;
  d.choice = std::clamp(d.choice, 0, std::max(0, static_cast<int>(templates.size()) - 1));
  const DocTemplate* t = templates.empty() ? nullptr : templates[static_cast<size_t>(d.choice)];
  if (t && !d.generated) {
    const Numerator* n = s.numerator(t->numerator_id);
    auto st = s.numerator_states.find(t->numerator_id);
    const NumeratorState state = st == s.numerator_states.end() ? NumeratorState{} : st->second;
    if (d.doc_id.empty()) d.doc_id = c.env.new_id("doc");
    d.made = generate_document(c.ws, c.env.user, c.item.id, *t, s.my_company, n, state, d.doc_id, c.env.now_ms, c.env.tz_minutes);
    d.preview = preview_text(d.made.document.html);
    d.generated = true;
  }
  if (d.generated && !d.made.status) {
    error_text_line(d.made.status.message.empty() ? error_text(d.made.status.code) : d.made.status.message, "doc:error");
  } else if (d.generated) {
    ImGui::PushFont(fonts().medium);
    ImGui::TextUnformatted(d.made.document.title.c_str());
    ImGui::PopFont();
    sem_item("doc:preview-title", "heading", d.made.document.title);
    // The real page, over room kept for it (the platform shows it in a frame: sem_page), except while a
    // popup of the dialog (the template list) lies over it. The mirror carries its text too.
    const float ph = is_phone() ? std::max(px(320), ImGui::GetContentRegionAvail().y - px(120)) : px(380);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(fw, ph));
    ImGuiContext& g = *GImGui;
    const bool covered = g.OpenPopupStack.Size > g.BeginPopupStack.Size;
    if (!covered) sem_page(d.made.document.html, tr("doc.page"), at, ImVec2(at.x + fw, at.y + ph));
    sem_item("doc:preview", "document", d.made.document.title, d.preview);
    for (const auto& wmsg : d.made.warnings) muted_text(wmsg);
  }
  // Documents made before.
  if (!c.item.documents.empty()) {
    ImGui::Dummy(ImVec2(0, px(6)));
    caption(tr("doc.earlier"));
    for (auto it = c.item.documents.rbegin(); it != c.item.documents.rend(); ++it) {
      const std::string line = it->title + "  ·  " + format_timestamp(it->created_ms, c.env.tz_minutes, language());
      if (link(line, "doc:download:" + it->id, color::kLink))
        c.out.download = UiOutput::Download{it->title + ".html", "text/html", it->html};
    }
  }
  dialog_body_end();
  const bool ready = d.generated && d.made.status.ok();
  // Saving numbers the document (the counter moves): it is then downloaded, or printed through the browser,
  // whose print dialog also saves a PDF.
  // A phone's screen takes the long buttons one or two to a line.
  const bool save = button(tr("doc.save_download"), "doc:save", true, ready);
  same_line_if_fits(tr("doc.save_print"));
  const bool print = button(tr("doc.save_print"), "doc:print", false, ready);
  if (save || print) {
    const Document& doc = d.made.document;
    auto st = s.numerator_states.find(t->numerator_id);
    const NumeratorState previous = st == s.numerator_states.end() ? NumeratorState{} : st->second;
    c.out.commands.push_back(
        GenerateDocument{c.item.id, doc, t->numerator_id, previous, d.made.numerator_state, c.env.tz_minutes});
    if (save) c.out.download = UiOutput::Download{doc.title + ".html", "text/html", doc.html};
    else sem_print(doc.html);
    d.open = false;
    ImGui::CloseCurrentPopup();
  }
  same_line_if_fits(tr("dialog.cancel"));
  if (button(tr("dialog.cancel"), "doc:cancel")) {
    d.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Form drafts
// ---------------------------------------------------------------------------------------------------------

nlohmann::json form_drafts() {
  using nlohmann::json;
  std::map<std::string, FormsDraft> all = g_form_drafts;
  const ActionsUi& open = open_actions();
  if (FormsDraft f = worth_keeping(open.todo, open.comm, open.products); !open.item.empty() && typed(f))
    all[open.item] = std::move(f);
  json out = json::object();
  for (const auto& [item, f] : all) {
    json j = json::object();
    if (typed(f.todo)) {
      const TodoDialog& d = f.todo;
      j["todo"] = {{"editing", d.editing}, {"subject", d.subject}, {"description", d.description},
                   {"location", d.location}, {"deadline", d.deadline.text}, {"responsible", d.responsible.picks},
                   {"participants", d.participants.picks}, {"reminders", d.reminders}, {"color", d.color},
                   {"more", d.more}, {"in_place", d.in_place}};
    }
    if (typed(f.comm)) {
      const CommDialog& d = f.comm;
      j["comm"] = {{"channel", d.channel}, {"address", d.address}, {"direction", d.direction}, {"outcome", d.outcome},
                   {"duration", d.duration}, {"subject", d.subject}, {"body", d.body}, {"note", d.note},
                   {"in_place", d.in_place}};
    }
    if (typed(f.products)) {
      json rows = json::array();
      for (const auto& r : f.products.rows)
        rows.push_back({{"id", r.row.id}, {"name", r.row.name}, {"unit", r.row.unit}, {"tax_included", r.row.tax_included},
                        {"price", r.price}, {"quantity", r.quantity}, {"discount", r.discount}, {"tax", r.tax}});
      j["products"] = std::move(rows);
    }
    if (!j.empty()) out[item] = std::move(j);
  }
  return out;
}

void set_form_drafts(const Workspace& ws, const nlohmann::json& forms) {
  using nlohmann::json;
  if (!forms.is_object()) return;
  auto num = [](const json& o, const char* k, int hi) {
    return o.contains(k) && o[k].is_number_integer() ? std::clamp(o[k].get<int>(), 0, hi) : 0;
  };
  auto flag = [](const json& o, const char* k) { return o.contains(k) && o[k].is_boolean() && o[k].get<bool>(); };
  auto picks = [](const json& o, const char* k) { return json_texts(o, k, kMaxDraftPicks); };
  for (const auto& [id, j] : forms.items()) {
    const Item* item = ws.item(id);
    if (!item || item->deleted || !j.is_object() || open_actions().item == id) continue;
    if (g_form_drafts.size() >= kMaxCommentDrafts && !g_form_drafts.count(id)) break;
    FormsDraft f;
    if (auto t = j.find("todo"); t != j.end() && t->is_object()) {
      TodoDialog& d = f.todo;
      d.open = true;
      d.editing = json_text(*t, "editing");
      d.subject = json_text(*t, "subject");
      d.description = json_text(*t, "description");
      d.location = json_text(*t, "location");
      d.deadline.text = json_text(*t, "deadline");
      d.responsible.picks = picks(*t, "responsible");
      d.participants.picks = picks(*t, "participants");
      if (auto r = t->find("reminders"); r != t->end() && r->is_array())
        for (size_t i = 0; i < std::min(r->size(), std::size(d.reminders)); ++i) d.reminders[i] = (*r)[i].is_boolean() && (*r)[i].get<bool>();
      d.color = num(*t, "color", static_cast<int>(std::size(kTodoColors)) - 1);
      d.more = flag(*t, "more");
      d.in_place = flag(*t, "in_place");
      // A form editing a to-do the card no longer has (removed meanwhile) is not brought back.
      if (!typed(d) || (!d.editing.empty() && !item->activity(d.editing))) f.todo = TodoDialog{};
    }
    if (auto m = j.find("comm"); m != j.end() && m->is_object()) {
      CommDialog& d = f.comm;
      d.open = true;
      d.channel = json_text(*m, "channel");
      d.address = json_text(*m, "address");
      d.direction = num(*m, "direction", 1);
      d.outcome = num(*m, "outcome", static_cast<int>(std::size(kCallOutcomes)) - 1);
      d.duration = json_text(*m, "duration");
      d.subject = json_text(*m, "subject");
      d.body = json_text(*m, "body");
      d.note = json_text(*m, "note");
      d.in_place = flag(*m, "in_place");
      const bool known = d.channel == "call" || d.channel == "email" || d.channel == "sms" || d.channel == "whatsapp";
      if (!known || !typed(d)) f.comm = CommDialog{};
    }
    // Product rows as typed (Сохранить checks them as it would have); a row needs its id.
    if (auto p = j.find("products"); p != j.end() && p->is_array() && p->size() <= 200) {
      ProductsDraft& d = f.products;
      for (const auto& r : *p) {
        if (!r.is_object() || json_text(r, "id").empty()) continue;
        ProductsDraft::Row row;
        row.row.id = json_text(r, "id");
        row.row.name = json_text(r, "name");
        row.row.unit = json_text(r, "unit");
        row.row.tax_included = flag(r, "tax_included");
        row.price = json_text(r, "price");
        row.quantity = json_text(r, "quantity");
        row.discount = json_text(r, "discount");
        row.tax = json_text(r, "tax");
        d.rows.push_back(std::move(row));
      }
      d.loaded = d.dirty = true;
    }
    if (typed(f)) g_form_drafts[id] = std::move(f);
  }
}

void draw_action_dialogs(CardContext& c) {
  ActionsUi& ui = actions_ui(c.item.id);
  // A phone has no composer: a form left open in it (the window narrowed) goes on as a dialog.
  if (is_phone()) ui.todo.in_place = ui.comm.in_place = false;
  draw_todo_dialog(c, ui);
  draw_comm_dialog(c, ui);
  draw_convert_dialog(c, ui);
  draw_document_dialog(c, ui);
  // After a conversion: open the new deal (or the first item made) once it exists.
  if (!ui.convert.open_after.empty() && !ui.convert.open && c.ws.version() != ui.convert.issued_at) {
    const std::string target = ui.convert.open_after;
    if (const Item* it = c.ws.item(target); it && !it->deleted) {
      ui.convert.open_after.clear();
      open_item(c, target);
    } else if (c.ws.item(c.item.id) && c.item.entity == "lead" && c.item.get("STAGE_ID").str_or_empty() != "CONVERTED") {
      // The conversion was refused (the app said why): stay on the lead.
      ui.convert.open_after.clear();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Reminders
// ---------------------------------------------------------------------------------------------------------

namespace {

// The items that hold an open to-do with reminders, kept between scans: a change (an edit, a pull) looks
// again only at the items it touched (Item::rev after the last look), not at every item of the workspace,
// which after every edit had cost ~5 ms unthrottled with 10k deals (~20 ms on a phone's CPU).
struct ReminderItems {
  std::uint64_t identity = 0, layout = 0, version = 0;
  std::vector<const Item*> all;   // every item of the types with to-dos; valid while layout_version() holds
  std::vector<const Item*> with;  // of those, the ones with an open to-do that has reminders
};

bool has_reminders(const Item& it) {
  for (const auto& a : it.activities)
    if (!a.completed && !a.reminders.empty()) return true;
  return false;
}

const std::vector<const Item*>& items_with_reminders(const Workspace& ws) {
  static ReminderItems r;
  if (r.identity != ws.identity() || r.layout != ws.layout_version()) {
    r = ReminderItems{ws.identity(), ws.layout_version(), 0, {}, {}};
    for (const auto& entity : {"lead", "deal", "contact", "company", "quote", "invoice"})
      for (const auto& id : ws.item_ids(entity))
        if (const Item* it = ws.item(id)) r.all.push_back(it);
    for (const Item* it : r.all)
      if (has_reminders(*it)) r.with.push_back(it);
  } else if (ws.version() != r.version) {
    for (const Item* it : r.all) {
      if (it->rev <= r.version) continue;
      const bool has = has_reminders(*it);
      const auto at = std::find(r.with.begin(), r.with.end(), it);
      if (has && at == r.with.end()) r.with.push_back(it);
      else if (!has && at != r.with.end()) r.with.erase(at);
    }
  }
  r.version = ws.version();
  return r.with;
}

}  // namespace

void notify_reminders(const Workspace& ws, const UiEnv& env) {
  static std::int64_t last_check = 0;
  static std::int64_t next_due = 0;
  static std::uint64_t seen_version = 0;
  if (env.now_ms <= 0) return;
  if (last_check == 0) last_check = env.now_ms;  // reminders due before the page opened are not replayed
  // A scan when the earliest reminder is due, or when the data changed (a to-do planned or moved) — at most
  // once a second, so that a stream of changes (an import) does not scan every frame.
  const bool due = next_due != 0 && env.now_ms >= next_due;
  if (!due && ws.version() == seen_version) return;
  if (!due && env.now_ms - last_check < 1000) {
    request_redraw_at(ImGui::GetTime() + static_cast<double>(1000 - (env.now_ms - last_check)) / 1000.0);
    return;
  }
  seen_version = ws.version();
  next_due = 0;
  for (const Item* it : items_with_reminders(ws)) {
    if (it->deleted) continue;
    for (const auto& a : it->activities) {
      if (a.completed || a.responsible != env.user) continue;
      for (int minutes : a.reminders) {
        const std::int64_t at = a.deadline_ms - static_cast<std::int64_t>(minutes) * 60000;
        if (at > last_check && at <= env.now_ms) {
          toast(std::string(tr("todo.reminder")) + ": " + (a.subject.empty() ? tr("todo.untitled") : a.subject) + " — " +
                    ws.display_name(*it) + ", " + format_timestamp(a.deadline_ms, env.tz_minutes, language()),
                false);
        } else if (at > env.now_ms && (next_due == 0 || at < next_due)) {
          next_due = at;
        }
      }
    }
  }
  last_check = env.now_ms;
  // Wake the page for the next reminder even when nothing else moves (an idle page otherwise draws nothing).
  if (next_due) request_redraw_at(ImGui::GetTime() + static_cast<double>(next_due - env.now_ms) / 1000.0 + 0.05);
}

}  // namespace kt::ui
