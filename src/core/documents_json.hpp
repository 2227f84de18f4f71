// JSON forms of the document generator's stored types (numerators and their counters, templates, generated
// documents, the seller's details). Missing keys take the defaults of the C++ types, as in schema_json.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include "core/documents.hpp"
#include "core/schema_json.hpp"

namespace kt {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Numerator, id, name, pattern, start, step, length, pad, periodic)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NumeratorState, last, period_key, earlier)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TemplateTarget, entity, pipeline)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DocTemplate, id, name, numerator_id, region, targets, access, active,
                                                sort, body, created_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Document, id, template_id, number, title, html, created_ms,
                                                created_by, entity, item_id, uses)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MyCompany, name, inn, kpp, ogrn, address, phone, email, bank, bik,
                                                account, corr_account, director, accountant)

}  // namespace kt
