// vCard (RFC 2426 "3.0", RFC 6350 "4.0", and the older 2.1 that phones still write): reading the address books
// people export from Google Contacts, Apple Contacts and Android, and writing contacts back out.
// Reading handles folded lines, quoted-printable values with soft line breaks, CHARSET parameters (UTF-8 and
// Windows-1251), grouped properties ("item1.TEL"), escaped text and structured values. Pure text: no files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/workspace.hpp"

namespace kt::io {

struct VCard {
  std::string family, given, additional, prefix, suffix;  // N
  std::string formatted;                                  // FN
  std::vector<std::string> phones, emails, addresses, urls;
  std::string org, title, note;
  std::string birthday;  // "YYYY-MM-DD"; empty when absent or without a year
  std::string uid;
  size_t line = 0;  // line of its BEGIN:VCARD
  bool operator==(const VCard&) const = default;
};

struct VCardProblem {
  size_t line = 0;
  std::string code;     // "unterminated_card", "birthday_without_year", "no_vcards"
  std::string message;  // English, with the specifics
};

// Every card in the file, in order. Problems that do not stop reading are reported in `problems`.
std::vector<VCard> parse_vcards(std::string_view bytes, std::vector<VCardProblem>* problems = nullptr);

enum class VCardVersion { V3, V4 };
// One card, CRLF line ends, folded at 75 octets.
std::string write_vcard(const VCard& card, VCardVersion version);

// A contact as a card, with what `user` may see of it (restricted fields are left out).
VCard contact_vcard(const Workspace& ws, const std::string& user, const Item& contact);
// The contacts among `ids` the user may read, as one .vcf text.
std::string export_vcards(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids,
                          VCardVersion version);

// Cards as a table for the importer (ImportPlanner with entity "contact"): `columns` are the contact fields
// each column goes to, `header` names them as in the vCard; several phones or e-mails share one cell.
struct VCardTable {
  std::vector<std::string> header, columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> lines;
};
VCardTable vcards_as_table(const std::vector<VCard>& cards);

}  // namespace kt::io
