// The UI's one table of strings (assets/i18n/ru.json and en.json, src/ui/i18n.hpp): every key in both
// languages with the same placeholders, no key twice in a file, and every key the code names in the table.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema.hpp"
#include "ui/i18n.hpp"

using namespace kt;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// printf conversions in order ("%d", "%s", "%lld"), then {1}-style placeholders in order of their number.
std::string placeholders(const std::string& text) {
  static const std::regex printf_like("%[-+#0]*[0-9]*(\\.[0-9]+)?(ll|l|z)?[dsuxfg%]");
  static const std::regex numbered("\\{[0-9]+\\}");
  std::string out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), printf_like); it != std::sregex_iterator(); ++it)
    out += it->str() + " ";
  std::set<std::string> n;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), numbered); it != std::sregex_iterator(); ++it)
    n.insert(it->str());
  for (const auto& s : n) out += s + " ";
  return out;
}

bool has(const std::string& key) {
  return ui::translation(key.c_str(), Lang::Ru) && ui::translation(key.c_str(), Lang::En);
}

}  // namespace

TEST_CASE("every string of the UI is there in Russian and in English, with the same placeholders") {
  const auto keys = ui::translation_keys();
  REQUIRE(keys.size() > 700);
  for (const auto& k : keys) {
    const std::string key(k);
    CAPTURE(key);
    const char* ru = ui::translation(key.c_str(), Lang::Ru);
    const char* en = ui::translation(key.c_str(), Lang::En);
    REQUIRE_MESSAGE(ru, "missing in assets/i18n/ru.json");
    REQUIRE_MESSAGE(en, "missing in assets/i18n/en.json");
    CHECK(*ru);
    CHECK(*en);
    CHECK(placeholders(ru) == placeholders(en));
  }
  ui::set_language(Lang::En);
  CHECK(std::string(ui::tr("app.name")) == "Kartoteka");
  CHECK(std::string(ui::tr("no.such.key")) == "no.such.key");  // visible rather than blank
  CHECK(ui::error_text("invalid_date") == "Enter a date, for example 26.11.2026");
  CHECK(ui::error_text("no_such_code") == ui::tr("err.generic"));
  ui::set_language(Lang::Ru);
  CHECK(std::string(ui::tr("app.name")) == "Картотека");
  CHECK(std::string(ui::tr("help.title")) == "Сочетания клавиш");  // the web shell's strings, same table
}

TEST_CASE("each language's file is one flat object with no key twice, and the files hold the same keys") {
  std::map<std::string, std::set<std::string>> keys_of;
  for (const char* lang : {"ru", "en"}) {
    const std::string text = read_file(fs::path(KT_SOURCE_DIR) / "assets/i18n" / (std::string(lang) + ".json"));
    CAPTURE(lang);
    // The parser keeps the last of two equal keys without a word: count them in the text.
    static const std::regex key_line("\n\\s*\"([^\"]+)\"\\s*:");
    std::map<std::string, int> seen;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), key_line); it != std::sregex_iterator(); ++it)
      if (++seen[(*it)[1]] == 2) FAIL_CHECK("twice: " << (*it)[1]);
    const nlohmann::json j = nlohmann::json::parse(text);
    REQUIRE(j.is_object());
    for (const auto& [k, v] : j.items()) {
      CHECK_MESSAGE(v.is_string(), k);
      keys_of[lang].insert(k);
    }
    CHECK(seen.size() == j.size());
  }
  for (const auto& k : keys_of["ru"]) CHECK_MESSAGE(keys_of["en"].count(k), "only in ru.json: " << k);
  for (const auto& k : keys_of["en"]) CHECK_MESSAGE(keys_of["ru"].count(k), "only in en.json: " << k);
}

TEST_CASE("every key the code names is in the table") {
  // Every dotted literal of the UI, the app shell and the page ("card.back"), but file names; and every
  // {{ru:key}} of the stamped pages.
  static const std::regex literal("\"([a-z][a-z_0-9]*(\\.[a-z_0-9]+)+)\"");
  static const std::regex file_name(".*\\.(json|bin|js|svg|webmanifest|html|png|css|wasm|data)");
  static const std::regex stamped("\\{\\{(ru|en):([A-Za-z0-9_.]+)(\\|json)?\\}\\}");
  size_t named = 0;
  for (const char* dir : {"src/ui", "src/app", "src/platform", "web"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(KT_SOURCE_DIR) / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cpp" && ext != ".hpp" && ext != ".js" && ext != ".html" && ext != ".webmanifest") continue;
      const std::string text = read_file(entry.path());
      CAPTURE(entry.path().string());
      for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it) {
        const std::string key = (*it)[1];
        if (std::regex_match(key, file_name)) continue;
        CHECK_MESSAGE(has(key), key);
        ++named;
      }
      for (auto it = std::sregex_iterator(text.begin(), text.end(), stamped); it != std::sregex_iterator(); ++it) {
        CHECK_MESSAGE(has((*it)[2]), (*it)[2]);
        ++named;
      }
    }
  }
  CHECK(named > 500);
  // Keys the code puts together from a prefix and a value.
  for (int t = 0; t <= static_cast<int>(FieldType::Email); ++t)
    CHECK_MESSAGE(has(std::string("type.") + field_type_name(static_cast<FieldType>(t))), t);
  for (const char* c : {"call", "email", "sms", "whatsapp"}) {
    CHECK(has(std::string("comm.title.") + c));
    CHECK(has(std::string("tl.comm.") + c + ".out"));
    CHECK(has(std::string("tl.comm.") + c + ".in"));
  }
  for (const char* o : {"reached", "no_answer", "busy", "left_message", "sent", "received"})
    CHECK(has(std::string("comm.outcome.") + o));
  for (int i = 0; i <= 5; ++i) CHECK(has("todo.color." + std::to_string(i)));
  for (int m : {0, 15, 60, 1440}) CHECK(has("todo.remind." + std::to_string(m)));
  for (int i = 0; i <= 3; ++i) CHECK(has("docs.num.period." + std::to_string(i)));
  for (const char* e : {"lead", "deal", "contact", "company", "quote", "invoice"}) CHECK(has(std::string("list.empty.") + e));
  for (const char* code : {"unavailable", "open_failed", "quota", "write_failed"})  // web/glue.js
    CHECK(has(std::string("storage.err.") + code));
}

TEST_CASE("every refusal of the core, the sync, the storage and the server reads as words in both languages") {
  // A refusal reaches a person as a toast, an inline error or a line of the refused changes by its code
  // (ui::error_text, refusal_reason): a code without words would read "the value does not fit the field".
  // (And the reasons documents*.cpp give numerators and templates through their `refuse`, a template's
  // after the position of the fault.)
  static const std::regex failure("(?:Status::Fail|refuse)\\(\\s*(?:[a-z_.]+,\\s*)?\"([a-z_]+)\"");
  std::set<std::string> codes;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(KT_SOURCE_DIR) / "src")) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".cpp" && ext != ".hpp") continue;
    const std::string text = read_file(entry.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), failure); it != std::sregex_iterator(); ++it)
      codes.insert((*it)[1]);
  }
  CHECK(codes.size() > 100);
  for (const auto& code : codes) {
    CAPTURE(code);
    CHECK(has("err." + code));
    CHECK(ui::error_text(code) != ui::tr("err.generic"));
  }
}
