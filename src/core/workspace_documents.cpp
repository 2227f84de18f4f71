// Documents in the workspace (SPEC §8): storing a generated document with its number, and the
// configuration of templates, numerators and the seller's details.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/documents.hpp"
#include "core/rights.hpp"
#include "core/workspace.hpp"

namespace kt {

using nlohmann::json;

namespace {

Status admins_only(const Schema& s, const std::string& user, const char* what) {
  if (is_admin(s, user)) return Status::Ok();
  return Status::Fail("forbidden", std::string("only administrators may change ") + what);
}

}  // namespace

Status Workspace::apply_item(const Mutation& m, const GenerateDocument& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  Item& it = found->second.item;
  if (it.deleted) return Status::Fail("item_deleted", "item " + c.item + " is deleted");
  if (!can_act(schema_, m.author, it, Action::Read)) return Status::Fail("unknown_item", "no such item: " + c.item);
  // A stored document is a change of the item (its list, its timeline, a number taken): for those who may
  // edit it. Anyone who may read it can still print the card.
  if (!can_act(schema_, m.author, it, Action::Edit))
    return Status::Fail("forbidden", "you may not add documents to this item");
  const Document& d = c.document;
  if (d.id.empty() || d.id.size() > 200) return Status::Fail("invalid_id", "a document needs an id of 1 to 200 bytes");
  if (std::any_of(it.documents.begin(), it.documents.end(), [&](const Document& x) { return x.id == d.id; }))
    return Status::Fail("duplicate_id", "this document is already stored");
  const DocTemplate* t = schema_.doc_template(d.template_id);
  if (!t || !t->active) return Status::Fail("not_found", "no such template: " + d.template_id);
  if (!can_use_template(schema_, m.author, *t)) return Status::Fail("forbidden", "you may not use this template");
  if (!applies_to(*t, it.entity, it.pipeline))
    return Status::Fail("template_not_applicable", "this template is not for this kind of item");
  if (d.html.empty() || d.html.size() > kMaxDocumentBytes)
    return Status::Fail("invalid_document", "a document is a page of at most 1 MB");
  size_t stored_bytes = d.html.size();
  for (const auto& x : it.documents) stored_bytes += x.html.size();
  if (it.documents.size() >= kMaxDocumentsPerItem || stored_bytes > kMaxDocumentBytesPerItem)
    return Status::Fail("too_many_documents", "an item keeps at most " + std::to_string(kMaxDocumentsPerItem) +
                                                  " documents, of 8 MB together");
  if (c.numerator != t->numerator_id) return Status::Fail("invalid_numerator", "the template numbers its documents elsewhere");
  if (!c.numerator.empty()) {
    if (!schema_.numerator(c.numerator)) return Status::Fail("invalid_numerator", "no such numerator: " + c.numerator);
    auto st = schema_.numerator_states.find(c.numerator);
    const NumeratorState current = st == schema_.numerator_states.end() ? NumeratorState{} : st->second;
    if (!(current == c.previous))
      return Status::Fail("number_taken", "number " + d.number + " was given to another document meanwhile; generate it again");
    schema_.numerator_states[c.numerator] = c.next;
  }
  Document stored = d;
  stored.created_ms = m.time_ms;
  stored.created_by = m.author;
  stored.entity = it.entity;
  stored.item_id = it.id;
  it.documents.push_back(std::move(stored));
  it.rev = version_;
  auto& e = add_timeline(m, found->second, TimelineKind::Document, {}, {}, {}, nullptr);
  e.text = d.title;
  e.payload = json{{"document", d.id}, {"number", d.number}, {"template", d.template_id}}.dump();
  return Status::Ok();
}

size_t Workspace::fill_document_uses(
    const std::function<std::vector<std::string>(const Item& item, const Document& d)>& uses_of) {
  // Asked first, stored after: `uses_of` reads this workspace.
  std::vector<std::pair<Document*, std::vector<std::string>>> found;
  for (auto& [id, slot] : items_)
    for (auto& d : slot.item.documents)
      if (d.uses.empty())
        if (auto uses = uses_of(slot.item, d); !uses.empty()) found.emplace_back(&d, std::move(uses));
  for (auto& [d, uses] : found) d->uses = std::move(uses);
  return found.size();
}

Status Workspace::check(const std::string& author, const PutTemplate& c) const {
  if (auto s = admins_only(schema_, author, "document templates"); !s) return s;
  if (c.remove)
    return schema_.doc_template(c.tmpl.id) ? Status::Ok() : Status::Fail("not_found", "no such template: " + c.tmpl.id);
  if (blank(c.tmpl.name)) return Status::Fail("name_empty", "a template needs a name");
  if (std::string why = check_template(c.tmpl); !why.empty()) return Status::Fail("invalid_template", why);
  if (!c.tmpl.numerator_id.empty() && !schema_.numerator(c.tmpl.numerator_id))
    return Status::Fail("invalid_numerator", "no such numerator: " + c.tmpl.numerator_id);
  for (const auto& t : c.tmpl.targets)
    if (!schema_.entity(t.entity)) return Status::Fail("unknown_entity", "no such entity type: " + t.entity);
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutTemplate& c) {
  if (Status s = check(m.author, c); !s) return s;
  auto& all = schema_.templates;
  auto it = std::find_if(all.begin(), all.end(), [&](const DocTemplate& t) { return t.id == c.tmpl.id; });
  if (c.remove) {
    all.erase(it);
    return Status::Ok();
  }
  DocTemplate t = c.tmpl;
  if (it == all.end()) {
    if (t.created_by.empty()) t.created_by = m.author;
    all.push_back(std::move(t));
  } else {
    t.created_by = it->created_by;
    *it = std::move(t);
  }
  return Status::Ok();
}

Status Workspace::check(const std::string& author, const PutNumerator& c) const {
  if (auto s = admins_only(schema_, author, "numerators"); !s) return s;
  const Numerator& n = c.numerator;
  if (c.remove) {
    if (!schema_.numerator(n.id)) return Status::Fail("not_found", "no such numerator: " + n.id);
    for (const auto& t : schema_.templates)
      if (t.numerator_id == n.id)
        return Status::Fail("numerator_in_use", "the template «" + t.name.ru + "» numbers its documents with it");
    return Status::Ok();
  }
  if (n.id.empty()) return Status::Fail("invalid_id", "a numerator needs an id");
  if (blank(n.name)) return Status::Fail("name_empty", "a numerator needs a name");
  if (std::string why = check_numerator(n); !why.empty()) return Status::Fail("invalid_numerator", why);
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const PutNumerator& c) {
  if (Status s = check(m.author, c); !s) return s;
  auto& all = schema_.numerators;
  auto it = std::find_if(all.begin(), all.end(), [&](const Numerator& n) { return n.id == c.numerator.id; });
  if (c.remove) {
    all.erase(it);
    schema_.numerator_states.erase(c.numerator.id);
    return Status::Ok();
  }
  if (it == all.end()) all.push_back(c.numerator);
  else *it = c.numerator;
  return Status::Ok();
}

Status Workspace::apply_config(const Mutation& m, const SetMyCompany& c) {
  if (auto s = admins_only(schema_, m.author, "the company's details"); !s) return s;
  schema_.my_company = c.company;
  return Status::Ok();
}

}  // namespace kt
