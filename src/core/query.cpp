#include "core/query.hpp"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/rights.hpp"
#include "core/text.hpp"

namespace kt {

using nlohmann::json;

namespace {

const char* kOps[] = {"eq", "contains", "empty", "not_empty", "between", "any_of"};

}  // namespace

void to_json(json& j, const Condition& c) {
  j = json{{"field", c.field}, {"op", kOps[static_cast<int>(c.op)]}};
  if (!c.value.is_null()) j["value"] = c.value;
  if (!c.value2.is_null()) j["value2"] = c.value2;
  if (!c.any.empty()) j["any"] = c.any;
}

void from_json(const json& j, Condition& c) {
  c.field = j.at("field").get<std::string>();
  const std::string op = j.value("op", "eq");
  c.op = Condition::Op::Equals;
  for (int i = 0; i < 6; ++i)
    if (op == kOps[i]) c.op = static_cast<Condition::Op>(i);
  c.value = j.contains("value") ? j["value"].get<Value>() : Value();
  c.value2 = j.contains("value2") ? j["value2"].get<Value>() : Value();
  c.any = j.value("any", std::vector<std::string>{});
}

void to_json(json& j, const Query& q) {
  j = json{{"entity", q.entity}, {"pipeline", q.pipeline}, {"conditions", q.conditions},
           {"text", q.text},     {"sort", q.sort_field},    {"desc", q.descending}};
}

void from_json(const json& j, Query& q) {
  q.entity = j.value("entity", "");
  q.pipeline = j.value("pipeline", "");
  q.conditions = j.value("conditions", std::vector<Condition>{});
  q.text = j.value("text", "");
  q.sort_field = j.value("sort", "");
  q.descending = j.value("desc", false);
}

bool matches(const Workspace& ws, const Item& item, const std::vector<Condition>& conditions) {
  for (const auto& c : conditions) {
    const Value& v = item.get(c.field);
    switch (c.op) {
      case Condition::Op::Empty:
        if (!v.empty()) return false;
        break;
      case Condition::Op::NotEmpty:
        if (v.empty()) return false;
        break;
      case Condition::Op::Equals: {
        bool hit = false;
        for (const auto& e : v.elements()) hit = hit || e == c.value;
        if (!hit && !(v == c.value)) return false;
        break;
      }
      case Condition::Op::AnyOf: {
        bool hit = false;
        for (const auto& e : v.elements())
          hit = hit || std::find(c.any.begin(), c.any.end(), e.str_or_empty()) != c.any.end();
        if (!hit) return false;
        break;
      }
      case Condition::Op::Contains: {
        const FieldDef* f = ws.schema().field(item.entity, c.field);
        std::string text = f ? format_value(ws, *f, v, Lang::Ru) + " " + format_value(ws, *f, v, Lang::En) : v.str_or_empty();
        if (fold(text).find(fold(c.value.str_or_empty())) == std::string::npos) return false;
        break;
      }
      case Condition::Op::Between: {
        if (v.is_null()) return false;
        // Money compares by amount (currencies are not converted).
        auto key = [](const Value& x) { return x.is_money() ? Value(x.as_money().minor) : x; };
        if (!c.value.is_null() && compare(key(v), key(c.value)) < 0) return false;
        if (!c.value2.is_null() && compare(key(v), key(c.value2)) > 0) return false;
        break;
      }
    }
  }
  return true;
}

const std::string& QueryCache::search_text(const Workspace& ws, const Item& item) {
  Blob& b = blobs_[item.id];
  if (b.rev == item.rev) return b.text;
  std::string t = ws.display_name(item);
  for (const char* field : {"PHONE", "EMAIL", "COMPANY_TITLE", "NAME", "LAST_NAME"}) {
    for (const auto& v : item.get(field).elements()) {
      t += ' ';
      t += v.str_or_empty();
      if (std::string(field) == "PHONE") t += ' ' + phone_digits(v.str_or_empty());
    }
  }
  b.text = fold(t);
  b.rev = item.rev;
  return b.text;
}

const std::vector<std::string>& QueryCache::run(const Workspace& ws, const Query& q, const std::string& user) {
  if (version_ == ws.version() && query_ == q && user_ == user) return result_;
  version_ = ws.version();
  query_ = q;
  user_ = user;
  result_.clear();
  ++generation_;
  const Schema& s = ws.schema();

  // The quick search also finds items by their client: first the companies and contacts that match.
  const std::string needle = fold(q.text);
  const std::string needle_digits = phone_digits(q.text);
  const bool digits = needle_digits.size() >= 3;
  auto text_hit = [&](const Item& it) {
    const std::string& t = search_text(ws, it);
    return t.find(needle) != std::string::npos || (digits && t.find(needle_digits) != std::string::npos);
  };
  std::unordered_set<std::string> client_hits;
  if (!needle.empty() && q.entity != "contact" && q.entity != "company") {
    for (const char* kind : {"company", "contact"})
      for (const auto& id : ws.item_ids(kind))
        if (const Item* it = ws.item(id); it && !it->deleted && text_hit(*it)) client_hits.insert(id);
  }
  static const char* kClientFields[] = {"CLIENT", "COMPANY_ID", "CONTACT_ID"};

  for (const auto& id : ws.item_ids(q.entity)) {
    const Item* it = ws.item(id);
    if (!it || it->deleted) continue;
    if (!q.pipeline.empty() && it->pipeline != q.pipeline) continue;
    if (!matches(ws, *it, q.conditions)) continue;
    if (!needle.empty() && !text_hit(*it)) {
      bool by_client = false;
      for (const char* f : kClientFields)
        for (const auto& v : it->get(f).elements()) by_client = by_client || client_hits.count(v.str_or_empty()) > 0;
      if (!by_client) continue;
    }
    if (!can_act(s, user, *it, Action::Read)) continue;
    result_.push_back(id);
  }

  if (q.sort_field.empty()) {
    std::reverse(result_.begin(), result_.end());  // newest first
    if (q.descending) std::reverse(result_.begin(), result_.end());
    return result_;
  }
  const FieldDef* def = q.sort_field == "TITLE" && q.entity == "contact" ? nullptr : s.field(q.entity, q.sort_field);
  std::vector<std::pair<Value, std::string>> keyed;
  keyed.reserve(result_.size());
  for (const auto& id : result_) {
    const Item& it = *ws.item(id);
    Value key;
    if (!def || q.sort_field == "TITLE") {
      key = Value(fold(ws.display_name(it)));
    } else if (def->type == FieldType::Stage) {
      const Pipeline* p = s.pipeline(it.entity, it.pipeline);
      key = Value(std::int64_t{p ? p->stage_index(it.get(def->id).str_or_empty()) : -1});
    } else if (def->type == FieldType::Money) {
      const Value& v = it.get(def->id);
      key = v.is_money() ? Value(v.as_money().minor) : Value();
    } else if (def->type == FieldType::Date || def->type == FieldType::DateTime || def->type == FieldType::Integer ||
               def->type == FieldType::Number || def->type == FieldType::Boolean) {
      key = it.get(def->id);
    } else {
      key = Value(fold(format_value(ws, *def, it.get(def->id), Lang::Ru)));
    }
    keyed.emplace_back(std::move(key), id);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    // Empty values last, whatever the direction.
    if (a.first.is_null() != b.first.is_null()) return b.first.is_null();
    auto c = compare(a.first, b.first);
    return q.descending ? c > 0 : c < 0;
  });
  for (size_t i = 0; i < keyed.size(); ++i) result_[i] = std::move(keyed[i].second);
  return result_;
}

}  // namespace kt
