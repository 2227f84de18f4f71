#include "core/query.hpp"

#include <algorithm>
#include <cstring>
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
        for (const auto& e : v.element_view()) hit = hit || e == c.value;
        if (!hit && !(v == c.value)) return false;
        break;
      }
      case Condition::Op::AnyOf: {
        bool hit = false;
        for (const auto& e : v.element_view())
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

namespace {

// The item number a quick search names: "12", "№12", "№ 12", "#12" (0 for anything else).
std::uint64_t number_searched(std::string_view q) {
  auto trim = [&] {
    while (!q.empty() && q.front() == ' ') q.remove_prefix(1);
    while (!q.empty() && q.back() == ' ') q.remove_suffix(1);
  };
  trim();
  for (std::string_view sign : {"\xe2\x84\x96" /* № */, "#"})
    if (q.substr(0, sign.size()) == sign) q.remove_prefix(sign.size());
  trim();
  return item_number_of(q);
}

// Horspool's substring search, set up once per query and run on every item's text.
class Finder {
 public:
  explicit Finder(const std::string& needle) : needle_(needle) {
    const size_t m = needle_.size();
    for (auto& s : shift_) s = m;
    for (size_t j = 0; j + 1 < m; ++j) shift_[static_cast<unsigned char>(needle_[j])] = m - 1 - j;
  }
  // Whether the needle occurs in hay[0, n), as std::string::find would say.
  bool in(const char* hay, size_t n) const {
    const size_t m = needle_.size();
    if (m == 0) return true;
    if (n < m) return false;
    const unsigned char last = static_cast<unsigned char>(needle_[m - 1]);
    for (size_t i = 0; i <= n - m;) {
      const unsigned char c = static_cast<unsigned char>(hay[i + m - 1]);
      if (c == last && std::memcmp(hay + i, needle_.data(), m - 1) == 0) return true;
      i += shift_[c];
    }
    return false;
  }

 private:
  std::string needle_;
  size_t shift_[256];
};

const std::string kSearchFields[] = {"PHONE", "EMAIL", "COMPANY_TITLE", "NAME", "LAST_NAME"};
const std::string kClientFields[] = {"CLIENT", "COMPANY_ID", "CONTACT_ID"};

}  // namespace

// The text the quick search looks in: the item's name, phones (also as bare digits), e-mails, company
// title and person names, folded.
void QueryCache::refresh(const Workspace& ws, Index& x, Row& r) {
  const Item& item = *r.item;
  scratch_.clear();
  ws.append_display_name(scratch_, item);
  for (const auto& field : kSearchFields) {
    for (const auto& v : item.get(field).element_view()) {
      scratch_ += ' ';
      scratch_ += v.str_or_empty();
      if (&field == &kSearchFields[0]) {
        scratch_ += ' ';
        scratch_ += phone_digits(v.str_or_empty());
      }
    }
  }
  if (r.rev != ~0ull) x.live -= r.len;
  r.off = static_cast<std::uint32_t>(x.text.size());
  r.len = static_cast<std::uint32_t>(scratch_.size());
  r.rev = item.rev;
  fold_append(x.text, scratch_.data(), scratch_.size());
  x.live += r.len;
}

void QueryCache::resolve_clients(const Workspace& ws, Index& x, Row& r) {
  const Item& item = *r.item;
  r.clients_off = static_cast<std::uint32_t>(x.clients.size());
  for (const auto& f : kClientFields)
    for (const auto& v : item.get(f).element_view())
      if (const Item* c = v.is_string() ? ws.item(v.as_string()) : nullptr) x.clients.push_back(c);
  r.clients_n = static_cast<std::uint16_t>(std::min<size_t>(x.clients.size() - r.clients_off, 0xffff));
  r.clients_rev = item.rev;
}

QueryCache::Index& QueryCache::index(const Workspace& ws, const std::string& entity) {
  Index& x = indexes_[entity];
  const auto& ids = ws.item_ids(entity);
  if (x.layout != ws.layout_version() || x.rows.size() != ids.size()) {
    // Items were added or removed: find every item again, keeping the text of those still there (ids keep
    // their order; new ones come last).
    std::vector<Row> rows(ids.size());
    size_t j = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      rows[i].item = ws.item(ids[i]);
      size_t k = j;
      while (k < x.ids.size() && k < j + 64 && x.ids[k] != ids[i]) ++k;
      if (k < x.ids.size() && x.ids[k] == ids[i]) {
        rows[i].rev = x.rows[k].rev;
        rows[i].off = x.rows[k].off;
        rows[i].len = x.rows[k].len;
        j = k + 1;
      }
    }
    x.rows = std::move(rows);
    x.ids = ids;
    x.warm_next = 0;
    x.clients.clear();  // the rows' client pointers are found again as they are needed (clients_rev = ~0)
    x.layout = ws.layout_version();
    x.live = 0;
    for (const auto& r : x.rows)
      if (r.rev != ~0ull) x.live += r.len;
  }
  const EntityType* et = ws.schema().entity(entity);
  static const std::string kTitle = "TITLE";
  const std::string& title = entity == "contact" ? entity : et ? et->title_field : kTitle;
  if (x.title_field != title) {
    // The name comes from another field now: every text is made again.
    for (auto& r : x.rows) r.rev = ~0ull;
    x.text.clear();
    x.live = 0;
    x.title_field = title;
  }
  if (x.text.size() > 2 * x.live + (1u << 20)) {
    // Texts replaced by newer ones take more room than the live ones: copy the live ones over.
    std::string text;
    text.reserve(x.live + x.live / 4);
    for (auto& r : x.rows) {
      if (r.rev == ~0ull) continue;
      const std::uint32_t off = static_cast<std::uint32_t>(text.size());
      text.append(x.text, r.off, r.len);
      r.off = off;
    }
    x.text = std::move(text);
  }
  return x;
}

void QueryCache::check_identity(const Workspace& ws) {
  if (identity_ != ws.identity()) {
    // Another workspace object: its revs say nothing about the texts made for the last one.
    indexes_.clear();
    identity_ = ws.identity();
    version_ = ~0ull;
  }
}

bool QueryCache::warm(const Workspace& ws, const std::string& entity, size_t max_rows) {
  check_identity(ws);
  Index& x = index(ws, entity);
  size_t made = 0;
  const bool clients = entity != "company" && entity != "contact";  // their own clients are never searched
  for (; x.warm_next < x.rows.size(); ++x.warm_next) {
    Row& r = x.rows[x.warm_next];
    if (!r.item) continue;
    const bool text = r.rev != r.item->rev, links = clients && r.clients_rev != r.item->rev;
    if (!text && !links) continue;
    if (made == max_rows) return false;
    if (text) refresh(ws, x, r);
    if (links) resolve_clients(ws, x, r);
    ++made;
  }
  // Items edited since are made by the search that meets them; start over only after a layout change.
  return true;
}

const std::vector<std::string>& QueryCache::run(const Workspace& ws, const Query& q, const std::string& user) {
  check_identity(ws);
  if (version_ == ws.version() && layout_ == ws.layout_version() && query_ == q && user_ == user) return result_;
  version_ = ws.version();
  layout_ = ws.layout_version();
  query_ = q;
  user_ = user;
  result_.clear();
  ++generation_;
  const Schema& s = ws.schema();

  // The quick search also finds items by their client: first the companies and contacts that match.
  const std::string needle = fold(q.text);
  const std::string needle_digits = phone_digits(q.text);
  const bool digits = needle_digits.size() >= 3;
  const std::uint64_t number = number_searched(q.text);
  const Finder find_text(needle), find_digits(needle_digits);
  auto text_hit = [&](Index& x, Row& r) {
    if (r.rev != r.item->rev) refresh(ws, x, r);
    const char* t = x.text.data() + r.off;
    return find_text.in(t, r.len) || (digits && find_digits.in(t, r.len));
  };
  std::unordered_set<const Item*> client_hits;
  if (!needle.empty() && q.entity != "contact" && q.entity != "company") {
    for (const char* kind : {"company", "contact"}) {
      Index& x = index(ws, kind);
      for (Row& r : x.rows)
        if (r.item && !r.item->deleted && text_hit(x, r)) client_hits.insert(r.item);
    }
  }

  Index& x = index(ws, q.entity);
  auto client_hit = [&](Row& r) {
    if (r.clients_rev != r.item->rev) resolve_clients(ws, x, r);
    for (std::uint32_t k = 0; k < r.clients_n; ++k)
      if (client_hits.count(x.clients[r.clients_off + k])) return true;
    return false;
  };
  // Whether an item passes the filter depends on its own values only (its rev), except for "contains",
  // which compares formatted values (names of linked items, option labels): those are not kept.
  const bool keep_passed = std::none_of(q.conditions.begin(), q.conditions.end(),
                                        [](const Condition& c) { return c.op == Condition::Op::Contains; });
  if (!keep_passed || x.filter != q.conditions || x.filter_pipeline != q.pipeline) {
    for (auto& r : x.rows) r.passed_rev = ~0ull;
    x.filter = q.conditions;
    x.filter_pipeline = q.pipeline;
  }
  ActCheck can_read(s, user, Action::Read);
  std::vector<const Item*> found;
  for (size_t i = 0; i < x.rows.size(); ++i) {
    Row& r = x.rows[i];
    const Item* it = r.item;
    if (!it) continue;
    if (r.passed_rev != it->rev) {
      r.passed = !it->deleted && (q.pipeline.empty() || it->pipeline == q.pipeline) && matches(ws, *it, q.conditions);
      r.passed_rev = keep_passed ? it->rev : ~0ull;
    }
    if (!r.passed) continue;
    if (!needle.empty() && !(number && it->number == number) && !text_hit(x, r) &&
        (client_hits.empty() || !client_hit(r)))
      continue;
    if (!can_read(*it)) continue;
    result_.push_back(x.ids[i]);
    found.push_back(it);
  }

  if (q.sort_field.empty()) {
    std::reverse(result_.begin(), result_.end());  // newest first
    if (q.descending) std::reverse(result_.begin(), result_.end());
    return result_;
  }
  const FieldDef* def = q.sort_field == "TITLE" && q.entity == "contact" ? nullptr : s.field(q.entity, q.sort_field);
  std::vector<std::pair<Value, std::string>> keyed;
  keyed.reserve(result_.size());
  for (size_t i = 0; i < result_.size(); ++i) {
    const Item& it = *found[i];
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
    keyed.emplace_back(std::move(key), std::move(result_[i]));
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
