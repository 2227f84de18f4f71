// The files of assets/ the core embeds (src/core/assets.hpp): each one is there and reads as what it is.
// (The demo workspace has its own tests in demo_test.cpp.)
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/assets.hpp"
#include "core/documents.hpp"
#include "core/json_bounded.hpp"

using namespace kt;

TEST_CASE("the default templates come from assets/templates/, each a whole page with the shared page setup") {
  CHECK(core_asset("no/such/file").empty());
  const std::string page_css(core_asset("templates/page.css"));
  REQUIRE(!page_css.empty());
  const nlohmann::json list = parse_json_bounded(core_asset("templates/templates.json"));
  REQUIRE(list.is_object());
  const auto templates = default_templates();
  REQUIRE(templates.size() == list.at("templates").size());
  REQUIRE(templates.size() == 2);
  CHECK(templates[0].id == "invoice");
  CHECK(templates[1].id == "quote");
  for (size_t i = 0; i < templates.size(); ++i) {
    const DocTemplate& t = templates[i];
    CAPTURE(t.id);
    CHECK(!core_asset("templates/" + list["templates"][i]["body"].get<std::string>()).empty());
    CHECK(t.body.rfind("<!DOCTYPE html>\n", 0) == 0);
    CHECK(t.body.find("<style>\n" + page_css + "\n") != std::string::npos);  // the import replaced by the file
    CHECK(t.body.find("@import") == std::string::npos);
    CHECK(check_template(t) == "");
    CHECK(t.access == std::vector<std::string>{"UA"});
  }
  const auto numerators = default_numerators();
  REQUIRE(numerators.size() == 2);
  CHECK(numerators[0].pattern == "СЧ-{YEAR}-{NUMBER}");
  CHECK(numerators[1].pattern == "КП-{YEAR}-{NUMBER}");
  CHECK(numerators[1].length == 4);
  CHECK(numerators[1].periodic == "year");
}
