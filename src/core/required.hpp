// Required fields (inventory 1C): always-required fields, required-on-stage ranges per pipeline, who has to
// fill them, and how ranges follow when stages are added, deleted or reordered (R-6..R-8).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/item.hpp"
#include "core/schema.hpp"

namespace kt {

// R-3 (+R-1): f is required for an item of (entity, pipeline) standing on `stage`. For entity types without
// stages any range means always. Does not look at who asks; see required_for.
bool required_on_stage(const Schema& s, const FieldDef& f, const std::string& pipeline, const std::string& stage);

// Like required_on_stage, and the user can see the field (R-10: a required field the user may not see is
// not required for that user).
bool required_for(const Schema& s, const std::string& user, const FieldDef& f, const std::string& pipeline,
                  const std::string& stage);

// Required anywhere in this pipeline (mandatory, or any range): such a field cannot be hidden from a layout
// and a section holding one cannot be deleted (L-7, L-8).
bool required_anywhere(const Schema& s, const FieldDef& f, const std::string& pipeline);

// The fields that must be filled for `item` to stand on `stage`, given extra values about to be written
// (`fills`), that are empty; in the order of the entity's fields.
std::vector<std::string> missing_required(const Schema& s, const std::string& user, const Item& item,
                                          const std::string& stage,
                                          const std::vector<std::pair<std::string, Value>>& fills = {});

// The ranges of (entity, pipeline) rewritten for a change of the pipeline's stage list from `before` to
// `after` (stages matched by id): R-6 extension after a range's finish, R-7 deletion, R-8 reordering.
// Ranges of other pipelines are returned unchanged.
std::vector<RequiredRange> adjust_ranges(const std::vector<RequiredRange>& ranges, const std::string& entity,
                                         const std::string& pipeline, const std::vector<Stage>& before,
                                         const std::vector<Stage>& after);

// Checks that ranges given for one field and pipeline are well-formed: stages exist, start <= finish,
// groups match the stages' semantics. Returns an empty string or the reason.
std::string check_ranges(const Schema& s, const std::vector<RequiredRange>& ranges);

}  // namespace kt
