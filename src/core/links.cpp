#include "core/links.hpp"

#include <cctype>

namespace kt {

namespace {

bool unreserved(unsigned char ch) {
  return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

std::string encode(const std::string& s, const char* also_kept) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (ch < 0x80 && (unreserved(ch) || (ch && std::string(also_kept).find(static_cast<char>(ch)) != std::string::npos))) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

std::string lower_ascii(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string trim_space(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

std::string url_encode(const std::string& s) { return encode(s, ""); }

std::string dial_digits(const std::string& phone) {
  std::string d;
  for (char ch : phone)
    if ((ch >= '0' && ch <= '9') || (ch == '+' && d.empty())) d += ch;
  return d;
}

std::string tel_href(const std::string& phone) { return "tel:" + dial_digits(phone); }

std::string sms_href(const std::string& phone, const std::string& body) {
  return "sms:" + dial_digits(phone) + "?body=" + url_encode(body);
}

std::string mailto_href(const std::string& address, const std::string& subject, const std::string& body) {
  // The address keeps its "@" (and the "+" of a sub-address) readable; "?", "&" or "#" in it cannot start
  // the query of the link.
  return "mailto:" + encode(trim_space(address), "@+") + "?subject=" + url_encode(subject) + "&body=" + url_encode(body);
}

std::string whatsapp_href(const std::string& phone, const std::string& body) {
  std::string digits = dial_digits(phone);
  if (!digits.empty() && digits[0] == '+') digits.erase(0, 1);
  return "https://wa.me/" + digits + "?text=" + url_encode(body);
}

std::string web_href(const std::string& text) {
  const std::string t = trim_space(text);
  if (t.empty()) return {};
  const std::string lower = lower_ascii(t);
  if (lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0) return t;
  // A scheme is letters, digits, "+", "-", "." before a ":" that comes before any "/" (RFC 3986 3.1);
  // "example.com:8080/x" names a port, not a scheme, and gets https:// like any bare address.
  const size_t colon = t.find(':');
  if (colon != std::string::npos && colon < t.find('/')) {
    bool scheme = std::isalpha(static_cast<unsigned char>(t[0]));
    for (size_t i = 1; i < colon && scheme; ++i) {
      const unsigned char ch = static_cast<unsigned char>(t[i]);
      scheme = std::isalnum(ch) || ch == '+' || ch == '-' || ch == '.';
    }
    const bool port = colon + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[colon + 1]));
    if (scheme && !port) return {};
  }
  return "https://" + t;
}

}  // namespace kt
