// Conversion: creating related items from a lead, a deal or a quote (inventory §6, SPEC §8).
//
// plan_conversion() works out, for a source item and a set of destinations, the Convert command that would
// create them: system fields carried over by a fixed map per (source, destination) pair, custom fields
// matched by type, multiplicity and label, links back to the source. It also reports what the user must
// decide before the command can succeed: custom fields with no match (offered to be created in the
// destination with the same settings and visibility, as PutField commands issued first), and required
// fields of each destination (and of the lead's success stage) left empty.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/status.hpp"

namespace kt {

class Workspace;

// The destination sets offered for a source entity, the default first: lead → the seven schemes
// (deal + contact + company, deal + contact, deal + company, deal, contact + company, contact, company);
// deal → invoice, quote; quote → deal, invoice. Empty for entities that do not convert.
std::vector<std::vector<std::string>> conversion_schemes(const std::string& source_entity);

struct ConversionPlan {
  Convert command;  // ready to dispatch once `missing` is filled in and `unmatched` decided
  // A custom field of the source with no counterpart in a destination, and the field that would be created.
  struct Unmatched {
    std::string source_field;
    FieldDef proposed;
  };
  std::vector<Unmatched> unmatched;
  // Required fields left empty, per target (index into command.targets); target -1 is the source (a lead's
  // success stage).
  struct Missing {
    int target = 0;
    std::vector<std::string> fields;
  };
  std::vector<Missing> missing;
  // Existing items used instead of creating new ones (a repeat lead's contact or company).
  std::vector<std::string> reused;
};

// Plans converting `source` into `destinations` (one of conversion_schemes()) for `user`. `new_id` names
// the items to create (called with a two-letter prefix of the entity). Fails with "forbidden" when the user
// may not edit the source or create a destination, "invalid_scheme", "already_converted" (a lead standing on
// a success stage), "unknown_item".
Status plan_conversion(const Workspace& ws, const std::string& user, const std::string& source,
                       const std::vector<std::string>& destinations,
                       const std::function<std::string(const std::string&)>& new_id, ConversionPlan* out);

// Sets a value on the planned target (or, with target -1, on the source) replacing any planned one.
void set_planned_value(ConversionPlan* plan, int target, const std::string& field, const Value& value);

}  // namespace kt
