// Duplicate detection when creating a client (issue 7): normalised phone numbers and e-mail addresses.
#include <doctest/doctest.h>

#include "core/demo.hpp"
#include "core/duplicates.hpp"
#include "core/workspace.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::kNow;

TEST_CASE("phone and e-mail keys ignore formatting, country prefixes and case") {
  CHECK(phone_key("+7 (912) 555-10-01") == "9125551001");
  CHECK(phone_key("8 912 5551001") == "9125551001");
  CHECK(phone_key("9125551001") == "9125551001");
  CHECK(phone_key("12-34") == "");
  CHECK(phone_key("доб. 12") == "");
  CHECK(email_key("  Orlova@Sever-Veter.RU ") == "orlova@sever-veter.ru");
  CHECK(email_key("ОРЛОВА@пример.рф") == "орлова@пример.рф");
  CHECK(email_key("no-at-sign") == "");
  CHECK(email_key("@x.ru") == "");
  using F = std::vector<std::pair<std::string, Value>>;
  CHECK(contact_keys(F{{"PHONE", Value(Value::List{Value("+7 912 555-10-01"), Value("8 (912) 555-10-01")})},
                       {"EMAIL", Value(Value::List{Value("A@B.ru")})},
                       {"NAME", Value("+7 912 555-10-01")}}) == std::vector<std::string>{"9125551001", "a@b.ru"});
}

TEST_CASE("find_duplicates: same phone or e-mail among readable, living items of the same kind") {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  seed_demo(admin, kNow - 1000000);
  using F = std::vector<std::pair<std::string, Value>>;
  auto phone = [](const char* p) { return F{{"PHONE", Value(Value::List{Value(p)})}}; };
  auto m = find_duplicates(ws, "u1", "contact", phone("8 (912) 5551001"));
  REQUIRE(m.size() == 1);
  CHECK(m[0].item == "C1");
  CHECK(m[0].key == "9125551001");
  CHECK(find_duplicates(ws, "u1", "contact", F{{"EMAIL", Value(Value::List{Value("ORLOVA@sever-veter.ru")})}}).size() == 1);
  CHECK(find_duplicates(ws, "u1", "contact", phone("+7 900 000-00-00")).empty());
  // Another kind, the item itself, and items in the recycle bin do not count.
  CHECK(find_duplicates(ws, "u1", "company", phone("+7 912 555-10-01")).empty());
  CHECK(find_duplicates(ws, "u1", "contact", phone("+7 912 555-10-01"), "C1").empty());
  REQUIRE(admin.dispatch(DeleteItem{"C1"}, kNow, false).ok());
  CHECK(find_duplicates(ws, "u1", "contact", phone("+7 912 555-10-01")).empty());
}
