// Lists as tables: the rows of a list (its visible columns, its current filter and order) as text that a
// spreadsheet shows and that the importer reads back into the same values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/io/csv.hpp"
#include "core/workspace.hpp"

namespace kt::io {

// The text of a value for a table cell: option, stage, employee and item names; numbers without group
// separators and with the language's decimal mark; dates dd.mm.yyyy (ru) or ISO (en); money as
// "150000,50 RUB"; several values separated by ", " (by line breaks for texts). Guarded (guard_cell).
std::string cell_text(const Workspace& ws, const FieldDef& f, const Value& v, Lang lang);

// Whether a spreadsheet would run the cell as a formula (OWASP's CSV injection rule: =, +, -, @, tab or CR
// first), or whether an importer would take its leading apostrophe for a guard. A plain number, phone or
// amount after a leading + or - is data: digits, spaces and "+-().," with an optional currency code at the
// end ("+7 912 555-10-01", "-15", "-0,05 EUR") can call no function.
bool formula_like(std::string_view s);
// `s` with a leading apostrophe when it is formula_like: every cell of an export goes through it, the header
// row's labels included, whatever kind of value it shows (texts, links, e-mails, names of linked items and
// users, options). The importer drops the apostrophe again.
std::string guard_cell(std::string s);

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
