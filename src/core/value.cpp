#include "core/value.hpp"

#include <nlohmann/json.hpp>

namespace kt {

bool Value::empty() const {
  if (is_null()) return true;
  if (is_string()) return as_string().empty();
  if (is_list()) {
    for (const auto& e : as_list())
      if (!e.empty()) return false;
    return true;
  }
  if (is_money()) return as_money().currency.empty() && as_money().minor == 0;
  if (is_file()) return as_file().id.empty();
  return false;
}

const std::string& Value::str_or_empty() const {
  static const std::string kEmpty;
  return is_string() ? as_string() : kEmpty;
}

Value::List Value::elements() const {
  if (is_list()) return as_list();
  if (is_null()) return {};
  return {*this};
}

namespace {

template <class T>
std::strong_ordering cmp3(const T& a, const T& b) {
  if (a < b) return std::strong_ordering::less;
  if (b < a) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

}  // namespace

std::strong_ordering compare(const Value& a, const Value& b) {
  const auto& da = a.data();
  const auto& db = b.data();
  // Numbers compare across int/double so a sort over a number field never splits by representation.
  auto as_number = [](const Value& v, double& out) {
    if (v.is_int()) return out = static_cast<double>(v.as_int()), true;
    if (v.is_double()) return out = v.as_double(), true;
    return false;
  };
  double na, nb;
  if (as_number(a, na) && as_number(b, nb)) {
    if (na < nb) return std::strong_ordering::less;
    if (na > nb) return std::strong_ordering::greater;
    return std::strong_ordering::equal;
  }
  if (da.index() != db.index()) return cmp3(da.index(), db.index());
  switch (da.index()) {
    case 0: return std::strong_ordering::equal;
    case 1: return cmp3(a.as_bool(), b.as_bool());
    case 4: return a.as_string().compare(b.as_string()) <=> 0;
    case 5: {
      auto c = a.as_money().currency.compare(b.as_money().currency) <=> 0;
      if (c != 0) return c;
      return cmp3(a.as_money().minor, b.as_money().minor);
    }
    case 6: return a.as_file().name.compare(b.as_file().name) <=> 0;
    case 7: {
      const auto& la = a.as_list();
      const auto& lb = b.as_list();
      for (size_t i = 0; i < la.size() && i < lb.size(); ++i) {
        auto c = compare(la[i], lb[i]);
        if (c != 0) return c;
      }
      return cmp3(la.size(), lb.size());
    }
  }
  return std::strong_ordering::equal;
}

namespace {

void value_to_json(nlohmann::json& j, const Value& v, int depth) {
  if (depth > kMaxValueDepth) throw nlohmann::json::type_error::create(302, "a value nested too deep", nullptr);
  std::visit(
      [&j, depth](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          j = nullptr;
        } else if constexpr (std::is_same_v<T, Money>) {
          j = nlohmann::json{{"m", x.minor}, {"c", x.currency}};
        } else if constexpr (std::is_same_v<T, FileBox>) {
          const FileRef& f = x.get();
          j = nlohmann::json{{"file", f.id}, {"name", f.name}, {"mime", f.mime}, {"size", f.size}};
        } else if constexpr (std::is_same_v<T, Value::List>) {
          j = nlohmann::json::array();
          for (const auto& e : x) value_to_json(j.emplace_back(), e, depth + 1);
        } else {
          j = x;
        }
      },
      v.data());
}

void value_from_json(const nlohmann::json& j, Value& v, int depth) {
  if (depth > kMaxValueDepth)
    throw nlohmann::json::type_error::create(
        302, "a value nested more than " + std::to_string(kMaxValueDepth) + " lists deep", &j);
  switch (j.type()) {
    case nlohmann::json::value_t::null: v = Value(); break;
    case nlohmann::json::value_t::boolean: v = Value(j.get<bool>()); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: v = Value(j.get<std::int64_t>()); break;
    case nlohmann::json::value_t::number_float: v = Value(j.get<double>()); break;
    case nlohmann::json::value_t::string: v = Value(j.get<std::string>()); break;
    case nlohmann::json::value_t::array: {
      Value::List l(j.size());
      for (size_t i = 0; i < l.size(); ++i) value_from_json(j[i], l[i], depth + 1);
      v = Value(std::move(l));
      break;
    }
    case nlohmann::json::value_t::object:
      if (j.contains("m") && j.contains("c")) {
        v = Value(Money{j.at("m").get<std::int64_t>(), j.at("c").get<std::string>()});
      } else if (j.contains("file")) {
        v = Value(FileRef{j.at("file").get<std::string>(), j.value("name", ""), j.value("mime", ""),
                          j.value("size", std::int64_t{0})});
      } else {
        throw nlohmann::json::type_error::create(302, "unknown value object", &j);
      }
      break;
    default: throw nlohmann::json::type_error::create(302, "unsupported value type", &j);
  }
}

}  // namespace

// Through helpers that count the depth: nlohmann's own recursion (push_back of a Value, get<Value>) would
// not.
void to_json(nlohmann::json& j, const Value& v) { value_to_json(j, v, 0); }

void from_json(const nlohmann::json& j, Value& v) { value_from_json(j, v, 0); }

}  // namespace kt
