// Field values: one small tagged union used by every field type, the journal, sync and the UI.
//
// The meaning of a value comes from its field's type (see schema.hpp): a date is a string "YYYY-MM-DD",
// a date-time "YYYY-MM-DDTHH:MM" (UTC), a list option is the option's id, an employee is a user id, a CRM
// binding an item id. Multiple fields hold a List. Money keeps the amount in minor units (kopecks, cents)
// so that sums are exact.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kt {

// Lists inside lists at most this deep (a value itself is at depth 0, the elements of a list one deeper):
// copying, comparing and encoding a value recurse once per level, so every decoder (JSON, the binary
// snapshot) refuses deeper ones. The core itself never nests lists (multiple fields hold single values).
constexpr int kMaxValueDepth = 8;

struct Money {
  std::int64_t minor = 0;  // amount in 1/100 of the currency unit
  std::string currency;    // ISO 4217 code: "RUB", "USD", "EUR"
  bool operator==(const Money&) const = default;
};

struct FileRef {
  std::string id;    // content id of the stored blob
  std::string name;  // original file name
  std::string mime;
  std::int64_t size = 0;  // bytes
  bool operator==(const FileRef&) const = default;
};

// A FileRef held by pointer inside a Value: files are rare, and held inline (48 bytes) they made every value
// 56 bytes instead of 32 (2 per timeline entry, 1 per cell; 100k deals hold millions). Copies copy the file.
class FileBox {
 public:
  explicit FileBox(FileRef f) : p_(std::make_unique<FileRef>(std::move(f))) {}
  FileBox(const FileBox& o) : p_(std::make_unique<FileRef>(*o.p_)) {}
  FileBox(FileBox&&) noexcept = default;
  FileBox& operator=(const FileBox& o) {
    if (this != &o) p_ = std::make_unique<FileRef>(*o.p_);
    return *this;
  }
  FileBox& operator=(FileBox&&) noexcept = default;
  const FileRef& get() const { return *p_; }
  bool operator==(const FileBox& o) const { return *p_ == *o.p_; }

 private:
  std::unique_ptr<FileRef> p_;  // never null (a moved-from box is only destroyed or assigned)
};

class Value {
 public:
  using List = std::vector<Value>;
  using Data = std::variant<std::monostate, bool, std::int64_t, double, std::string, Money, FileBox, List>;

  Value() = default;
  Value(bool b) : data_(b) {}
  Value(std::int64_t i) : data_(i) {}
  Value(int i) : data_(std::int64_t{i}) {}
  Value(double d) : data_(d) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(Money m) : data_(std::move(m)) {}
  Value(FileRef f) : data_(FileBox(std::move(f))) {}
  Value(List l) : data_(std::move(l)) {}

  const Data& data() const { return data_; }

  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  // Empty means "not filled" for required-field and show-when-filled rules: null, "", an empty list, or a
  // list of empty values. false and 0 are filled values.
  bool empty() const;

  bool is_bool() const { return std::holds_alternative<bool>(data_); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(data_); }
  bool is_double() const { return std::holds_alternative<double>(data_); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }
  bool is_money() const { return std::holds_alternative<Money>(data_); }
  bool is_file() const { return std::holds_alternative<FileBox>(data_); }
  bool is_list() const { return std::holds_alternative<List>(data_); }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  double as_double() const { return std::get<double>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const Money& as_money() const { return std::get<Money>(data_); }
  const FileRef& as_file() const { return std::get<FileBox>(data_).get(); }
  const List& as_list() const { return std::get<List>(data_); }

  // The string if this holds one, else an empty string (handy for ids and text fields).
  const std::string& str_or_empty() const;
  // The values of a multiple field, or {this} for a single non-null value, or {} for null.
  List elements() const;
  // The same values as elements() without copying them (hot loops: queries, merges). Valid while this value
  // is unchanged.
  struct ElementView {
    const Value* first = nullptr;
    const Value* last = nullptr;
    const Value* begin() const { return first; }
    const Value* end() const { return last; }
    bool empty() const { return first == last; }
  };
  ElementView element_view() const {
    if (const List* l = std::get_if<List>(&data_)) return {l->data(), l->data() + l->size()};
    if (is_null()) return {};
    return {this, this + 1};
  }

  bool operator==(const Value& o) const { return data_ == o.data_; }

 private:
  Data data_;
};

// Total order used by sorting: null first, then by kind, then by value (money by currency then amount).
std::strong_ordering compare(const Value& a, const Value& b);

// Both throw nlohmann::json::type_error on a value nested deeper than kMaxValueDepth (and from_json on a
// JSON value that is no Value).
void to_json(nlohmann::json& j, const Value& v);
void from_json(const nlohmann::json& j, Value& v);

}  // namespace kt
