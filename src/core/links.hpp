// Links out of the app: what a call, a message, an e-mail or a web address opens. The page hands them to
// the browser as a DOM link would (web/handoff.js); here they are only built, so that every channel builds
// its address one way and a test can read it.
#pragma once

#include <string>

namespace kt {

// Percent-encoding of everything but the unreserved characters of RFC 3986 (A-Z a-z 0-9 - _ . ~).
std::string url_encode(const std::string& s);
// What a phone dials: the digits of `phone`, with a leading "+" kept ("+7 (499) 555-77-00" -> "+74995557700").
std::string dial_digits(const std::string& phone);

std::string tel_href(const std::string& phone);
std::string sms_href(const std::string& phone, const std::string& body);
std::string mailto_href(const std::string& address, const std::string& subject, const std::string& body);
// wa.me takes the number without its "+".
std::string whatsapp_href(const std::string& phone, const std::string& body);
// A web address as a person types it ("example.com", "https://x.example/a"): an http(s) link, "https://"
// added when it names no scheme. Anything with another scheme (javascript:, data:, file:) is not a web
// address: empty, so that it opens nothing.
std::string web_href(const std::string& text);

}  // namespace kt
