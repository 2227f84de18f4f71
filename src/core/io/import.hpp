// Importing items from a table (a CSV file, or vCards turned into rows): which column goes to which field,
// how each cell's text becomes a value of its field's type, which rows are refused and why, which rows are
// duplicates of existing items (same phone or e-mail), and the commands that carry out the import.
//
// Nothing here writes anything. The planner checks rows one at a time (so that a large file is checked
// across frames), then hands out the commands in chunks: CreateItem for new items and SetField for merges,
// the same commands a person's edits produce, applied and journaled by the session like any other.
//
// Index: [Targets and mapping] [Cell values] [The plan]
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/command.hpp"
#include "core/duplicates.hpp"
#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::io {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Targets and mapping
// ---------------------------------------------------------------------------------------------------------

// A pseudo-field of people (contacts, leads): "Last First Middle" in one column, split into LAST_NAME and
// NAME (first name and patronymic).
inline constexpr const char* kFullName = "FULL_NAME";

// The fields a user may import into for an entity type: the fields he can see, except files (which a table
// cannot carry) and the stage of entities without stages. FULL_NAME first for people.
std::vector<std::string> importable_fields(const Schema& s, const std::string& user, const std::string& entity);
// The label of a field or pseudo-field in a language.
std::string target_label(const Schema& s, const std::string& entity, const std::string& field, Lang lang);

// Guesses the field of each column from its heading: a field id, its label in either language, or a common
// name ("Телефон", "E-mail", "Фамилия", "Company", ...). "" for columns it cannot place. A single-valued field
// is given to one column only; phones and e-mails may take several.
std::vector<std::string> suggest_mapping(const Schema& s, const std::string& user, const std::string& entity,
                                         const std::vector<std::string>& header);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Cell values
// ---------------------------------------------------------------------------------------------------------

// Reads the text of a spreadsheet cell as a value of a field, more leniently than the card's editors:
// dates as dd.mm.yyyy, dd/mm/yyyy or ISO (a time after a date is ignored for date fields), numbers with comma
// or dot decimals and group separators, money with a currency code or sign ("150 000,50 ₽", "$1,200",
// "150000.00|RUB"), yes/no in both languages, list and directory options, stages and employees by name,
// linked items by name. Multiple fields take several values separated by line breaks, ';' or ','.
// Empty text is a null value. A leading apostrophe that protects a formula-like text (see export) is dropped.
// A multiple field takes at most kMaxValues values from one row, from one cell or from several columns (more
// is refused with too_many_elements: no one has a thousand phones, and each value is compared with the others).
class CellReader {
 public:
  static constexpr size_t kMaxValues = 1000;

  CellReader(const Workspace& ws, std::string user, std::string entity, std::string pipeline, std::string currency);

  // On failure the status carries the code (invalid_date, unknown_option, ...) and a message naming the text.
  // `new_company` is called for a link to a company that does not exist when creating such companies is
  // allowed; it returns the placeholder value to store.
  Status read(const Workspace& ws, const FieldDef& f, const std::string& text, Value* out,
              const std::function<Value(const std::string& name)>* new_company = nullptr);

 private:
  Status read_one(const Workspace& ws, const FieldDef& f, const std::string& text, Value* out,
                  const std::function<Value(const std::string&)>* new_company);
  const std::string* find_option(const Workspace& ws, const FieldDef& f, const std::string& text);
  Status find_item(const Workspace& ws, const FieldDef& f, const std::string& text, Value* out,
                   const std::function<Value(const std::string&)>* new_company);

  std::string user_, entity_, pipeline_, currency_;
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> options_;  // field -> folded label -> id
  std::unordered_map<std::string, std::string> users_;                                    // folded name -> id
  std::unordered_map<std::string, std::unordered_multimap<std::string, std::string>> names_;  // entity -> folded name -> ids
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The plan
// ---------------------------------------------------------------------------------------------------------

struct ImportOptions {
  std::string entity;
  std::string pipeline;              // "" = the default pipeline of entities with stages
  std::vector<std::string> columns;  // per column of the table: a field id (or FULL_NAME); "" = not imported
  std::string currency = "RUB";      // for amounts written without a currency
  bool create_companies = false;     // a link to a company that does not exist creates it
};

// A row refused, or one cell of it. Rows are counted from 1 after the header; `line` is the file's line.
struct Rejection {
  size_t row = 0;
  size_t line = 0;
  int column = -1;            // index into the header; -1 when the whole row is concerned
  std::string column_name;    // the header text
  std::string value;          // the cell's text
  std::string code;           // invalid_date, unknown_option, required_missing, unclosed_quote, too_many_values, ...
  std::string message;        // English, with the specifics
};

enum class DuplicateAction {
  Skip,    // rows matching an existing item (or an earlier row) are left out
  Merge,   // their empty fields are filled and new phones and e-mails added; nothing is overwritten
  Create,  // they are created as new items anyway
};

class ImportPlanner {
 public:
  ImportPlanner(const Workspace& ws, std::string user, ImportOptions options, std::vector<std::string> header);

  // Whether the import can run at all (rights, mapping). When not, rows are not looked at.
  const Status& status() const { return status_; }
  const ImportOptions& options() const { return options_; }
  const std::vector<std::string>& header() const { return header_; }

  // Checks one data record (cells in column order): it joins the plan or the rejections. `error` is the
  // reader's complaint about the record ("unclosed_quote"). Blank records are ignored.
  void add_row(const Workspace& ws, size_t line, const std::vector<std::string>& cells, const std::string& error = {});

  size_t rows_seen() const { return rows_; }
  size_t rows_planned() const { return planned_.size(); }
  size_t rows_rejected() const { return rejected_rows_; }
  // Planned rows that match an existing item or an earlier row by phone or e-mail.
  size_t duplicates() const { return duplicates_; }
  size_t duplicates_of_existing() const { return duplicates_existing_; }
  const std::vector<Rejection>& rejections() const { return rejections_; }  // the first kMaxRejections
  const std::vector<std::string>& new_companies() const { return company_names_; }
  static constexpr size_t kMaxRejections = 100000;

  // How many items the import creates and updates with `action`.
  size_t would_create(DuplicateAction action) const;
  size_t would_merge(DuplicateAction action) const;

  // The commands of the next `max` steps (new companies first, then the rows in order); empty when done.
  // `new_id(prefix)` names new items. Merges read the workspace as it is when they are produced.
  std::vector<Command> next_commands(const Workspace& ws, size_t max, DuplicateAction action,
                                     const std::function<std::string(const std::string&)>& new_id);
  // Ids of the items next_commands has asked to create so far (companies first).
  std::vector<std::string> created_ids() const;
  size_t steps_total() const { return company_names_.size() + planned_.size(); }
  size_t steps_done() const { return cursor_; }

 private:
  struct Planned {
    size_t row = 0;
    FieldValues values;
    std::string existing;           // the existing item it duplicates
    long earlier = -1;              // or the index of the earlier planned row it duplicates
    std::vector<size_t> followers;  // later planned rows that duplicate this one
  };
  void reject(size_t row, size_t line, int column, const std::string& value, const Status& why);
  std::vector<std::string> keys_of(const FieldValues& values) const;
  Value resolve(const Value& v) const;  // placeholders of new companies -> their ids
  FieldValues merged(const Workspace& ws, const FieldValues& base, const FieldValues& extra) const;

  std::string user_;
  ImportOptions options_;
  std::vector<std::string> header_;
  Status status_;
  std::string pipeline_;
  std::vector<const FieldDef*> targets_;  // per column; nullptr = not imported (or FULL_NAME)
  CellReader cells_;
  std::unordered_map<std::string, std::string> existing_keys_;  // phone/e-mail key -> existing item id
  std::unordered_map<std::string, size_t> planned_keys_;        // phone/e-mail key -> planned index
  std::vector<Planned> planned_;
  std::vector<Rejection> rejections_;
  size_t rows_ = 0, rejected_rows_ = 0, duplicates_ = 0, duplicates_existing_ = 0;
  std::vector<std::string> company_names_;                // companies to create, in order
  std::unordered_map<std::string, size_t> company_index_;  // folded name -> index
  std::vector<std::string> company_ids_;                  // assigned when created
  std::vector<std::string> planned_ids_;                  // assigned when created
  size_t cursor_ = 0;
};

// Normalised keys that identify a person or company are core/duplicates.hpp's phone_key and email_key.
using kt::email_key;
using kt::phone_key;

}  // namespace kt::io
