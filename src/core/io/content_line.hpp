// Content lines shared by vCard and iCalendar: both fold lines longer than 75 octets with CRLF and a space.
#pragma once

#include <string>

namespace kt::io {

// The line with its CRLF, folded at 75 octets without splitting a UTF-8 sequence.
std::string fold_line(const std::string& line);
// A TEXT value escaped as both formats want it: backslash, comma and semicolon escaped, line breaks as \n.
std::string escape_text(const std::string& s);

}  // namespace kt::io
