#include <doctest/doctest.h>

#include "core/links.hpp"

using namespace kt;

TEST_CASE("a phone number dials its digits, with the leading plus kept") {
  CHECK(dial_digits("+7 (499) 555-77-00") == "+74995557700");
  CHECK(dial_digits("8 800 100-00-00 доб. 12") == "88001000000" "12");
  CHECK(dial_digits("12+34") == "1234");  // a plus inside is not the country prefix
  CHECK(tel_href("+7 (499) 555-77-00") == "tel:+74995557700");
}

TEST_CASE("messages carry their text percent-encoded, Cyrillic as UTF-8") {
  CHECK(url_encode("a b&c=д") == "a%20b%26c%3D%D0%B4");
  CHECK(sms_href("+7 999 000-00-01", "Жду ответа") == "sms:+79990000001?body=%D0%96%D0%B4%D1%83%20%D0%BE%D1%82%D0%B2%D0%B5%D1%82%D0%B0");
  CHECK(whatsapp_href("+7 999 000-00-01", "hi!") == "https://wa.me/79990000001?text=hi%21");
}

TEST_CASE("an e-mail address cannot start the query of its link") {
  CHECK(mailto_href("v.li@oblako.example", "Счёт", "a&b") ==
        "mailto:v.li@oblako.example?subject=%D0%A1%D1%87%D1%91%D1%82&body=a%26b");
  CHECK(mailto_href(" anna+crm@x.example ", "", "") == "mailto:anna+crm@x.example?subject=&body=");
  CHECK(mailto_href("a@b.example?bcc=spy@evil.example", "", "") ==
        "mailto:a@b.example%3Fbcc%3Dspy@evil.example?subject=&body=");
}

TEST_CASE("a web address opens over http(s) only") {
  CHECK(web_href("https://oblako.example/a?b=1") == "https://oblako.example/a?b=1");
  CHECK(web_href("HTTP://x.example") == "HTTP://x.example");
  CHECK(web_href("  oblako.example ") == "https://oblako.example");
  CHECK(web_href("localhost:8080/x") == "https://localhost:8080/x");
  CHECK(web_href("javascript:alert(1)") == "");
  CHECK(web_href("JavaScript:alert(1)") == "");
  CHECK(web_href("data:text/html,x") == "");
  CHECK(web_href("file:///etc/passwd") == "");
  CHECK(web_href("") == "");
}
