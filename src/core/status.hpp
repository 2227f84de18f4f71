// The result of an operation that can fail for a reason the user can act on (validation, unknown id,
// forbidden transition). Programmer errors are assertions, not Status values.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kt {

struct Status {
  std::string code;     // empty when ok; otherwise a stable id the UI translates: "invalid_date", ...
  std::string message;  // English explanation with the specifics, for logs, the server and tests
  std::string field;    // the field concerned, when there is one
  std::vector<std::string> missing;  // required fields left empty ("required_missing")

  bool ok() const { return code.empty(); }
  explicit operator bool() const { return ok(); }

  static Status Ok() { return {}; }
  static Status Fail(std::string code, std::string message, std::string field = {}) {
    return Status{std::move(code), std::move(message), std::move(field), {}};
  }
};

}  // namespace kt
