// Lists as tables: the rows of a list (its visible columns, its current filter and order) as text that a
// spreadsheet shows and that the importer reads back into the same values.
#pragma once

#include <string>
#include <vector>

#include "core/io/csv.hpp"
#include "core/workspace.hpp"

namespace kt::io {

// The text of a value for a table cell: option, stage, employee and item names; numbers without group
// separators and with the language's decimal mark; dates dd.mm.yyyy (ru) or ISO (en); money as
// "150000,50 RUB"; several values separated by ", " (by line breaks for texts). Text that a spreadsheet
// would run as a formula (=, +, -, @ followed by more than a number or phone) gets a leading apostrophe.
std::string cell_text(const Workspace& ws, const FieldDef& f, const Value& v, Lang lang);

// The header and one row per item, for `columns` (field ids; "TITLE" = the item's name, which for contacts
// becomes the last and first name columns). Columns the user may not see and items he may not read are
// left out, whatever the caller asks for.
std::vector<std::vector<std::string>> export_table(const Workspace& ws, const std::string& user,
                                                   const std::string& entity, const std::vector<std::string>& ids,
                                                   const std::vector<std::string>& columns, Lang lang);

// The same as CSV: UTF-8 with a byte order mark, CRLF line ends, and the delimiter Excel expects in the
// language (';' where the decimal mark is a comma, ',' otherwise) unless `delimiter` is given.
std::string export_csv(const Workspace& ws, const std::string& user, const std::string& entity,
                       const std::vector<std::string>& ids, const std::vector<std::string>& columns, Lang lang,
                       char delimiter = 0);

}  // namespace kt::io
