// The document generator (SPEC §8, inventory G-1 and §7): numerators, templates, the values a template can
// use, and rendering a template into a printable HTML document. Pure: no I/O, no clock (callers pass the document date),
// no time zone database (callers pass the UTC offset). Storing documents and the timeline entry are the
// caller's business.
//
// Index: [Numerators] [Templates and documents] [Values and context] [Building a context]
//        [Rendering] [Generating documents] [Words and formats] [Defaults]
//
// Integration (the workspace stores templates, numerators with their NumeratorState, and MyCompany in its
// configuration; JSON forms are in documents_json.hpp):
//   1. templates_for(...)            the "Documents" menu of a card;
//   2. generate_document(ws, ...)    checks rights, takes the next number, renders; or, step by step,
//      next_number(...) then render_document(ws, user, item_id, template, me, number, date_ms, tz);
//   3. a GenerateDocument command carries the resulting Document (number, html) and NumeratorState, so that
//      replaying the journal never renders again and the stored page stays what the user saw.
// The rendered page is HTML written by the template's author: show it in a sandboxed frame (no scripts),
// and let only administrators edit templates.
//
// ---------------------------------------------------------------------------------------------------------
// Template syntax (the body is trusted HTML; every substituted value is HTML-escaped):
//
//   {Name}                 a value: "{Title}", "{TITLE}", "{Название}", "{Company.TITLE}", "{MyCompany.INN}"
//   {Name~mod}             a value with a modifier; modifiers chain: "{TotalSum~words~upper}"
//   {#Table} ... {/Table}  repeats the block once per row of a table; inside it "{Table.Column}",
//                          "{Table.Item.Column}" (Bitrix-style chain, same thing) and "{Table.INDEX}" (1-based)
//   {#Name} ... {/Name}    for a value: the block appears once when the value is filled and not zero
//   {^Name} ... {/Name}    the opposite: when the value (or the table) is empty or zero
//   Blocks must be closed and nested: an unclosed {#Name}, a {/Name} that closes nothing and crossed blocks
//   ("{#A}{#B}{/A}{/B}") are errors with their line ("line 3: {#Products} is not closed: ..."), and no
//   document is made from such a template (check_template refuses to save it); so is nesting deeper than
//   32 blocks. Unknown placeholders and modifiers are only warnings: they render empty and the document is
//   still made.
//
// A name starts with a letter (any script) and holds no braces, '~', ':', ';', '<', '>', quotes, backslashes,
// tabs, line breaks or double spaces, so CSS such as "body { margin: 0 }" or "a{color:red}" is never
// mistaken for a placeholder. Braces holding anything else are copied as they are.
//
// Modifiers, by value kind (an unknown modifier, or one that does not fit the kind, renders empty and adds a
// warning; an empty value renders empty whatever the modifier):
//   date, date-time  PHP-like tokens: d j (day), m n (month), F (month name; genitive in Russian: "ноября"),
//                    f (month name, nominative), M (short month), Y y (year), H G h g (hour), i (minute),
//                    s (second), A a (AM/PM), l D (weekday); "\x" is a literal x; other non-letters and
//                    non-ASCII text are kept: "{DocumentCreateTime~d F Y г.}" -> "26 ноября 2026 г."
//   money            money (default: "1 234,50 ₽"), number ("1 234,50"), 0..9 (that many decimals, no
//                    currency), words ("Одна тысяча двести тридцать четыре рубля 50 копеек"), currency ("RUB")
//   number           number (default), 0..9 (decimals), words (whole part in words)
//   any              upper, lower, ucfirst (applied to the text formatted so far)
// ---------------------------------------------------------------------------------------------------------
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/item.hpp"
#include "core/schema.hpp"
#include "core/status.hpp"
#include "core/value.hpp"

namespace kt {

class Workspace;
struct GenerateDocument;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Numerators
// ---------------------------------------------------------------------------------------------------------


struct NextNumber {
  std::string number;  // the formatted document number: "СЧ-2026-0001"
  NumeratorState next;  // the state to store once the document is saved
};

// "" when the numerator is usable, otherwise the reason in English (step 0, negative length, unknown token,
// a periodic reset without the date tokens that keep numbers unique, ...), and in *code (when given) a stable
// id of the reason that the UI translates ("numerator_step", "numerator_token", "numerator_reset_month", ...).
std::string check_numerator(const Numerator& n, std::string* code = nullptr);

// The period a moment falls in, at UTC offset tz_offset_min: "2026" for "year", "2026-11" for "month",
// "2026-11-26" for "day", "" otherwise.
std::string period_key(const std::string& periodic, std::int64_t date_ms, int tz_offset_min);

// The next number for a document dated `date_ms` (its period and the {YEAR}/{MONTH}/{DAY} tokens come from
// that date at UTC offset tz_offset_min). A fresh counter, or a new (later) period, starts at `start`; the
// same period continues at last + step, never below `start` (so raising `start` takes effect at once); an
// earlier period (a back-dated document) continues that period's own count. Numbers are unique as long as
// every issued number's `next` state is stored before the next call. Expects a numerator that passes
// check_numerator().
NextNumber next_number(const Numerator& n, const NumeratorState& state, std::int64_t date_ms, int tz_offset_min);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Templates and documents
// ---------------------------------------------------------------------------------------------------------



// "" when the template is usable, otherwise the reason (no id, unknown region, no target, a syntax error of
// the body as check_template_syntax() reports it, ...); *fault (when given) gets it with its code.
struct TemplateFault;
std::string check_template(const DocTemplate& t, TemplateFault* fault = nullptr);

// The language of a template's region ("en" -> English, anything else -> Russian).
Lang region_lang(const std::string& region);

// Whether a template is offered for an item of `entity` in `pipeline` (ignores `active`).
bool applies_to(const DocTemplate& t, const std::string& entity, const std::string& pipeline);
// Whether a user may use the template: administrators, "UA", a matching code, or its creator.
bool can_use_template(const Schema& s, const std::string& user, const DocTemplate& t);
// The active templates a user may use for an item, by `sort` then name.
std::vector<const DocTemplate*> templates_for(const std::vector<DocTemplate>& all, const Schema& s,
                                              const std::string& user, const Item& item);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Values and context
// ---------------------------------------------------------------------------------------------------------

enum class DocValueKind { Empty, Text, Number, Money, Date, DateTime, Table };

// One typed value a placeholder stands for. Empty = a known placeholder with nothing to show (not filled, or
// hidden from the user): it renders empty without a warning.
struct DocValue {
  DocValueKind kind = DocValueKind::Empty;
  std::string text;     // Text; Date as "YYYY-MM-DD"
  double number = 0;    // Number
  int decimals = -1;    // Number: decimals shown by default; -1 = as many as needed
  Money money;          // Money
  std::int64_t ms = 0;  // DateTime: UTC milliseconds

  static DocValue of_text(std::string s);
  static DocValue of_number(double v, int decimals = -1);
  static DocValue of_money(Money m);
  static DocValue of_date(std::string iso_date);
  static DocValue of_datetime(std::int64_t utc_ms);
  bool operator==(const DocValue&) const = default;
};

using DocRow = std::map<std::string, DocValue>;  // column ("Name", "Price") -> value

// Everything a template can use. Callers may fill it by hand, or with make_context().
struct DocContext {
  Lang lang = Lang::Ru;   // the template's region language
  int tz_offset_min = 0;  // date-times and the document's date are shown at this UTC offset
  std::map<std::string, DocValue> values;
  std::map<std::string, std::vector<DocRow>> tables;  // "Products", "Contacts"
  // What each value or table (by name) shows of the workspace, so that a document can say what it holds
  // (Document::uses): "F:entity.FIELD" for a field of an item (even empty: {^X} shows that X is empty), and
  // "I:id" for a related item. make_context() fills it; a name without an entry shows nothing restricted.
  std::map<std::string, std::vector<std::string>> deps;
};


// One entry of the placeholder help of the template editor.
struct PlaceholderInfo {
  std::string name;   // as written between the braces: "Company.TITLE", "Products.Price"
  std::string title;  // what it is, in the requested language
  DocValueKind kind = DocValueKind::Text;
  bool operator==(const PlaceholderInfo&) const = default;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Building a context
// ---------------------------------------------------------------------------------------------------------

// Finds a related item by id; returns nullptr when there is none.
using ItemLookup = std::function<const Item*(const std::string& id)>;

// Fills a context from an item, as seen by `user`:
//  - every field of the item's entity by id and by its Russian and English labels ("TITLE", "Название",
//    "Deal name"; when two fields share a label the first in schema order wins), plus the aliases Title,
//    Amount, Currency, Stage, Responsible, CreatedTime;
//  - the client through the item's binding fields (CLIENT, COMPANY_ID, CONTACT_ID): Company.<field>,
//    Contact.<field> (the first contact), the aliases Company.Name/Phone/Email/Address,
//    Contact.Name/FirstName/LastName/Post/Phone/Email, Client.Name/Phone/Email/Address (the company, else
//    the contact), and the table Contacts (Name, Post, Phone, Email);
//  - MyCompany.* from `me`;
//  - the table Products (INDEX, Name, Price, FinalPrice, Quantity, Unit, Discount, DiscountSum, TaxRate,
//    Tax, Sum = after discount as entered, Total = with any added tax) and the totals TotalRows,
//    TotalSubtotal (sum of Sum), TotalDiscount, TotalTax, TotalTaxTitle ("В том числе НДС 20%"),
//    TotalSum (to pay), in the item's currency;
//  - DocumentNumber, DocumentCreateTime, DocumentTitle as known but empty (set_document_meta fills them).
// A field the user may not see (can_see_field), a related item the user may not read (can_act), or a
// binding field that is hidden leaves its placeholders Empty: hidden data never reaches a document.
// The caller checks that the user may read `item` itself.
DocContext make_context(const Schema& s, const Item& item, const ItemLookup& lookup, const std::string& user,
                        const MyCompany& me, Lang lang, int tz_offset_min = 0);
// The same, looking related items up in a workspace.
DocContext make_context(const Workspace& ws, const Item& item, const std::string& user, const MyCompany& me,
                        Lang lang, int tz_offset_min = 0);

// Sets DocumentNumber, DocumentCreateTime (a date-time) and DocumentTitle.
void set_document_meta(DocContext& ctx, const std::string& number, std::int64_t created_ms,
                       const std::string& title);

// Every placeholder make_context() provides for items of `entity`, with table columns as "Products.Name"
// (the table itself listed with kind Table), for the template editor's help.
std::vector<PlaceholderInfo> placeholders_for(const Schema& s, const std::string& entity, Lang lang);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Rendering
// ---------------------------------------------------------------------------------------------------------

struct RenderResult {
  std::string html;                   // "" when there are errors
  std::vector<std::string> errors;    // the body is broken (see the syntax at the top): nothing was rendered
  std::vector<std::string> warnings;  // unknown placeholders and modifiers (rendered empty); each once
  std::vector<std::string> used;      // the names of the values and tables the body looked up, sorted
  bool ok() const { return errors.empty(); }
};

// Renders a template body. Never throws on bad templates: structural problems are errors, the rest warnings.
RenderResult render(const std::string& body, const DocContext& ctx);

// A structural fault of a template body: its line, a stable code the UI translates ("tpl_unclosed",
// "tpl_closes_nothing", "tpl_crossed", "tpl_too_deep"), the tags and numbers the sentence names, in its
// order, and the sentence in English.
struct TemplateFault {
  size_t line = 0;  // 0: not a fault of the body's text (check_template's other reasons)
  std::string code;
  std::vector<std::string> args;
  std::string message;
  // "line 3: {#Products} is not closed: ..." (the message alone when there is no line).
  std::string where() const { return line ? "line " + std::to_string(line) + ": " + message : message; }
};
std::vector<TemplateFault> template_faults(const std::string& body);

// The structural errors of a template body, each with its line; empty when the body can be rendered.
std::vector<std::string> check_template_syntax(const std::string& body);

// The text of one value with modifiers ("d F Y", "words", ...), unescaped; `error` gets the reason when a
// modifier is unknown or does not fit (the result is then empty).
std::string format_doc_value(const DocValue& v, const std::vector<std::string>& modifiers, const DocContext& ctx,
                             std::string* error);

// Whether `name` can be written as a placeholder (labels with ':' or quotes cannot, and are not offered).
bool is_placeholder_name(const std::string& name);

// & < > " ' as entities.
std::string html_escape(const std::string& s);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Generating documents
// ---------------------------------------------------------------------------------------------------------

struct RenderedDocument {
  // ok, or why no document can be made (the message has the specifics, in English):
  //   "not_found"                the item does not exist or is in the recycle bin
  //   "forbidden"                the user may not read the item, or may not use the template
  //   "template_not_applicable"  the template is inactive, or not for this entity type or pipeline
  //   "invalid_template"         check_template() refuses it (a broken body included)
  //   "invalid_numerator"        (generate_document) check_numerator() refuses the numerator
  Status status;
  std::string title;  // "Счёт на оплату № СЧ-2026-0001": the template's name and the number, if any
  std::string html;   // the complete standalone page; "" unless ok
  std::vector<std::string> warnings;  // unknown placeholders and modifiers: the document is made regardless
  std::vector<std::string> uses;      // what the page shows (DocContext::deps of the names it used), sorted
};

// Renders template `t` for item `item_id` as `user` sees it: fields the user may not see and related items
// the user may not read render empty. `number` ("" = none) and `date_ms` (the document date, shown at
// tz_offset_min) fill DocumentNumber, DocumentCreateTime and DocumentTitle. Pure and deterministic.
RenderedDocument render_document(const Workspace& ws, const std::string& user, const std::string& item_id,
                                 const DocTemplate& t, const MyCompany& me, const std::string& number,
                                 std::int64_t date_ms, int tz_offset_min = 0);
// The same for a context built by the caller (make_context), without rights checks: the context decides
// what can be seen. The language becomes the template's.
RenderedDocument render_document(const DocTemplate& t, DocContext ctx, const std::string& number,
                                 std::int64_t date_ms);

struct GeneratedDocument {
  Status status;                   // as in RenderedDocument
  Document document;               // to store (and show); empty unless ok
  NumeratorState numerator_state;  // to store together with the document; `state` unchanged unless ok
  std::vector<std::string> warnings;
};

// Everything the GenerateDocument command needs: the next number from `numerator` (nullptr = the document
// gets no number) for a document dated `date_ms`, the rendered page, and the Document record with the
// given id, made by `user`.
GeneratedDocument generate_document(const Workspace& ws, const std::string& user, const std::string& item_id,
                                    const DocTemplate& t, const MyCompany& me, const Numerator* numerator,
                                    const NumeratorState& state, const std::string& document_id,
                                    std::int64_t date_ms, int tz_offset_min = 0);

// What a server does with a GenerateDocument command before applying it, trusting nothing of the client's
// page: renders the document again from the workspace as `author` sees it (generate_document), dated
// c->document.created_ms at UTC offset c->tz and numbered from c->previous, and replaces the command's
// number, title, page, uses and next numerator state with the result. What the workspace refuses anyway
// (no such item or template, another numerator) is left to it: Ok and *c unchanged. Otherwise a refusal
// as generate_document's, or "invalid_document" for a date or offset out of range.
Status regenerate_document(const Workspace& ws, const std::string& author, GenerateDocument* c);

// What a stored document shows (Document::uses) for one stored by a version that did not record it: its
// template rendered again for the item as `author` sees the workspace now (exact when the workspace is as it
// was then: a log replayed), or {"?"} when that cannot be done (template or item gone, a broken template):
// a use of no known kind, so that only administrators receive the document.
std::vector<std::string> document_uses_now(const Workspace& ws, const std::string& author, const std::string& item_id,
                                           const Document& d);

// Whether `user` may receive a stored document (projection: documents are values like any other): an
// administrator always; anyone else when he may see every field it shows and read every related item it
// shows (`readable` answers for an item id; without it, a document showing a related item is withheld). A
// field that no longer exists withholds it too.
bool can_see_document(const Schema& s, const std::string& user, const Document& d,
                      const std::function<bool(const std::string& item)>& readable);

// Limits of stored documents (the workspace refuses a GenerateDocument beyond them, "invalid_document" and
// "too_many_documents"): the page, the number per item, and all pages of an item together.
constexpr std::size_t kMaxDocumentBytes = 1024 * 1024;
constexpr std::size_t kMaxDocumentsPerItem = 100;
constexpr std::size_t kMaxDocumentBytesPerItem = 8 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Words and formats
// ---------------------------------------------------------------------------------------------------------

// A whole number in words, lower case: "двадцать одна тысяча", "twenty-one thousand". `feminine` picks
// "одна"/"две" for the units (Russian only).
std::string number_in_words(std::int64_t n, Lang lang, bool feminine = false);
// An amount in words with its currency, capitalised; the minor part in digits:
// "Сто двадцать три рубля 45 копеек", "One hundred twenty-three dollars and 45 cents".
// Knows RUB, USD, EUR, KZT, BYN, UAH, CNY; other codes follow the words as they are.
std::string money_in_words(const Money& m, Lang lang);
// A date ("YYYY-MM-DD" at midnight) or a moment, in PHP-like tokens (see the top of this file). `error`
// gets the reason for an unknown token.
std::string format_date_pattern(const std::string& pattern, std::int64_t local_ms, Lang lang, std::string* error);

// A readable preview of a generated page: the text of its body, line by line (no head, styles or scripts;
// rows, paragraphs, headings and breaks start lines, cells are spaced apart, the entities the renderer
// writes decoded). The download is the real page; this is for a place that cannot show HTML.
std::string preview_text(const std::string& page);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Defaults
// ---------------------------------------------------------------------------------------------------------

// "invoice" (СЧ-{YEAR}-{NUMBER}, 4 digits, yearly) and "quote" (КП-{YEAR}-{NUMBER}, 4 digits, yearly).
std::vector<Numerator> default_numerators();
// "invoice" (Счёт на оплату; deals and invoices) and "quote" (Коммерческое предложение; deals and quotes):
// printable A4 pages in Russian, available to every user.
std::vector<DocTemplate> default_templates();

}  // namespace kt
