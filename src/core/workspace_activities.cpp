// To-dos, communications and product rows (issue 7; inventory §4, G-6).
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/rights.hpp"
#include "core/workspace.hpp"

namespace kt {

using nlohmann::json;

namespace {
constexpr size_t kMaxText = 65536;
constexpr int kMaxReminder = 7 * 24 * 60;  // a week before
}  // namespace

std::int64_t row_tax(const ProductRow& r) {
  const double net = static_cast<double>(r.price) * r.quantity * (1.0 - r.discount_percent / 100.0);
  if (r.tax_rate <= 0) return 0;
  // An included tax is the part of the price; an added one is on top of it.
  const double tax = r.tax_included ? net * r.tax_rate / (100.0 + r.tax_rate) : net * r.tax_rate / 100.0;
  return static_cast<std::int64_t>(std::llround(tax));
}

std::int64_t row_total(const ProductRow& r) {
  const double net = static_cast<double>(r.price) * r.quantity * (1.0 - r.discount_percent / 100.0);
  std::int64_t sum = static_cast<std::int64_t>(std::llround(net));
  return r.tax_included ? sum : sum + row_tax(r);
}

bool Item::has_overdue_todo(std::int64_t now_ms) const {
  return std::any_of(activities.begin(), activities.end(),
                     [&](const Activity& a) { return !a.completed && a.deadline_ms > 0 && a.deadline_ms < now_ms; });
}

size_t Item::open_todos() const {
  return static_cast<size_t>(std::count_if(activities.begin(), activities.end(), [](const Activity& a) { return !a.completed; }));
}

const Activity* Item::activity(const std::string& id) const {
  for (const auto& a : activities)
    if (a.id == id) return &a;
  return nullptr;
}

Item* Workspace::editable_item(const Mutation& m, const std::string& id, Status* why) {
  auto found = items_.find(id);
  if (found == items_.end()) return *why = Status::Fail("unknown_item", "no such item: " + id), nullptr;
  if (found->second.item.deleted) return *why = Status::Fail("item_deleted", "item " + id + " is deleted"), nullptr;
  if (!can_act(schema_, m.author, found->second.item, Action::Edit))
    return *why = Status::Fail("forbidden", "you may not edit this item"), nullptr;
  return &found->second.item;
}

Status Workspace::apply_item(const Mutation& m, const PutTodo& c) {
  Status why;
  Item* it = editable_item(m, c.item, &why);
  if (!it) return why;
  const Activity& a = c.todo;
  if (a.id.empty()) return Status::Fail("invalid_id", "a to-do needs an id");
  if (a.deadline_ms <= 0) return Status::Fail("deadline_missing", "a to-do needs a deadline", "deadline");
  if (!a.responsible.empty() && !schema_.user(a.responsible))
    return Status::Fail("unknown_user", "no such user: " + a.responsible, "responsible");
  for (const auto& p : a.participants)
    if (!schema_.user(p)) return Status::Fail("unknown_user", "no such user: " + p, "participants");
  for (int r : a.reminders)
    if (r < 0 || r > kMaxReminder) return Status::Fail("invalid_reminder", "reminders are 0 to 7 days before", "reminders");
  if (a.subject.size() > 1024 || a.description.size() > kMaxText || a.location.size() > 1024)
    return Status::Fail("too_long", "the text is too long");
  if (!a.color.empty() && (a.color.size() != 7 || a.color[0] != '#')) return Status::Fail("invalid_color", "bad colour", "color");
  auto existing = std::find_if(it->activities.begin(), it->activities.end(), [&](const Activity& x) { return x.id == a.id; });
  if (existing != it->activities.end()) {
    Activity updated = a;
    updated.created_by = existing->created_by;
    updated.created_ms = existing->created_ms;
    updated.completed = existing->completed;  // completion changes through CompleteTodo
    updated.completed_ms = existing->completed_ms;
    *existing = updated;
  } else {
    Activity created = a;
    created.created_by = m.author;
    created.created_ms = m.time_ms;
    created.completed = false;
    created.completed_ms = 0;
    if (created.responsible.empty()) created.responsible = m.author;
    it->activities.push_back(created);
    auto& e = add_timeline(m, c.item, TimelineKind::TodoPlanned, {}, {}, {}, nullptr);
    e.text = created.subject;
    e.payload = json{{"todo", created.id}, {"deadline", created.deadline_ms}, {"responsible", created.responsible}}.dump();
  }
  it->rev = version_;
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const CompleteTodo& c) {
  Status why;
  Item* it = editable_item(m, c.item, &why);
  if (!it) return why;
  auto a = std::find_if(it->activities.begin(), it->activities.end(), [&](const Activity& x) { return x.id == c.todo; });
  if (a == it->activities.end()) return Status::Fail("unknown_todo", "no such to-do");
  if (a->completed == c.completed) return Status::Ok();
  a->completed = c.completed;
  a->completed_ms = c.completed ? m.time_ms : 0;
  it->rev = version_;
  if (c.completed) {
    auto& e = add_timeline(m, c.item, TimelineKind::TodoCompleted, {}, {}, {}, nullptr);
    e.text = a->subject;
    e.payload = json{{"todo", a->id}, {"deadline", a->deadline_ms}}.dump();
  }
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const RemoveTodo& c) {
  Status why;
  Item* it = editable_item(m, c.item, &why);
  if (!it) return why;
  auto a = std::find_if(it->activities.begin(), it->activities.end(), [&](const Activity& x) { return x.id == c.todo; });
  if (a == it->activities.end()) return Status::Fail("unknown_todo", "no such to-do");
  it->activities.erase(a);
  it->rev = version_;
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const LogCommunication& c) {
  Status why;
  Item* it = editable_item(m, c.item, &why);
  if (!it) return why;
  static const char* kChannels[] = {"call", "email", "sms", "whatsapp"};
  if (std::none_of(std::begin(kChannels), std::end(kChannels), [&](const char* x) { return c.channel == x; }))
    return Status::Fail("invalid_channel", "no such channel: " + c.channel);
  if (c.direction != "in" && c.direction != "out") return Status::Fail("invalid_direction", "in or out");
  if (c.duration_s < 0 || c.duration_s > 24 * 3600) return Status::Fail("invalid_duration", "a call lasts 0 to 24 hours", "duration");
  if (c.note.size() > kMaxText) return Status::Fail("too_long", "the note is too long", "note");
  auto& e = add_timeline(m, c.item, TimelineKind::Communication, {}, {}, {}, nullptr);
  e.text = c.note;
  e.payload = json{{"channel", c.channel}, {"direction", c.direction}, {"address", c.address},
                   {"outcome", c.outcome}, {"duration", c.duration_s}}.dump();
  return Status::Ok();
}

Status Workspace::apply_item(const Mutation& m, const SetProducts& c) {
  Status why;
  Item* it = editable_item(m, c.item, &why);
  if (!it) return why;
  if (!schema_.field(it->entity, "OPPORTUNITY_WITH_CURRENCY"))
    return Status::Fail("no_products", it->entity + " has no products");
  for (const auto& r : c.rows) {
    if (r.id.empty()) return Status::Fail("invalid_id", "a product row needs an id");
    if (r.name.find_first_not_of(' ') == std::string::npos) return Status::Fail("product_name_empty", "a product needs a name", "name");
    if (r.price < 0) return Status::Fail("invalid_price", "prices are not negative", "price");
    if (!(r.quantity > 0) || r.quantity > 1e9) return Status::Fail("invalid_quantity", "the quantity must be positive", "quantity");
    if (r.discount_percent < 0 || r.discount_percent > 100) return Status::Fail("invalid_discount", "a discount is 0 to 100%", "discount");
    if (r.tax_rate < 0 || r.tax_rate > 100) return Status::Fail("invalid_tax", "a tax rate is 0 to 100%", "tax");
  }
  if (!c.amount.is_null() && !c.amount.is_money()) return Status::Fail("invalid_amount", "the amount is a sum of money");
  it->products = c.rows;
  it->rev = version_;
  const FieldDef& amount_field = *schema_.field(it->entity, "OPPORTUNITY_WITH_CURRENCY");
  if (!c.amount.is_null()) {
    write_cell(m, *it, amount_field, c.amount, nullptr);
    return Status::Ok();
  }
  // The total becomes the amount unless it is set by hand.
  const Value& manual = it->get("IS_MANUAL_OPPORTUNITY");
  if (!(manual.is_bool() && manual.as_bool())) {
    std::int64_t total = 0;
    for (const auto& r : c.rows) total += row_total(r);
    const Value& amount = it->get("OPPORTUNITY_WITH_CURRENCY");
    const std::string currency = amount.is_money() && !amount.as_money().currency.empty() ? amount.as_money().currency : "RUB";
    write_cell(m, *it, amount_field, Value(Money{total, currency}), nullptr);
  }
  return Status::Ok();
}

}  // namespace kt
