#include "ui/i18n.hpp"

#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"

namespace kt::ui {

namespace {

Lang g_lang = Lang::Ru;

struct Entry {
  std::string key;
  std::optional<std::string> ru, en;
};

// Read once, at the first lookup, from the embedded files; looked up through a hash map of views into the
// entries (the deque keeps them in place), so that a lookup allocates nothing.
struct Table {
  std::deque<Entry> entries;
  std::unordered_map<std::string_view, Entry*> by_key;

  // One language's file: {"key": "text", ...}. Whatever else it holds is skipped (assets' tests keep the
  // files whole: tests/ui/i18n_test.cpp).
  void read(std::string_view path, std::optional<std::string> Entry::*slot) {
    const nlohmann::json j = parse_json_bounded(ui_asset(path));
    if (!j.is_object()) return;
    for (const auto& [key, text] : j.items()) {
      if (!text.is_string()) continue;
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        Entry& e = entries.emplace_back(Entry{key, {}, {}});
        it = by_key.emplace(e.key, &e).first;
      }
      it->second->*slot = text.get<std::string>();
    }
  }
};

const Table& table() {
  static const Table kTable = [] {
    Table t;
    t.read("i18n/ru.json", &Entry::ru);
    t.read("i18n/en.json", &Entry::en);
    return t;
  }();
  return kTable;
}

}  // namespace

void set_language(Lang lang) { g_lang = lang; }
Lang language() { return g_lang; }

const char* translation(const char* key, Lang lang) {
  auto it = table().by_key.find(key);
  if (it == table().by_key.end()) return nullptr;
  const auto& text = lang == Lang::En ? it->second->en : it->second->ru;
  return text ? text->c_str() : nullptr;
}

const char* tr(const char* key) {
  const char* s = translation(key, g_lang);
  return s ? s : key;
}

std::vector<std::string_view> translation_keys() {
  std::vector<std::string_view> keys;
  for (const auto& e : table().entries) keys.push_back(e.key);
  return keys;
}

std::string error_text(const std::string& code) {
  std::string key = "err." + code;
  const char* s = tr(key.c_str());
  return s == key.c_str() || std::strcmp(s, key.c_str()) == 0 ? tr("err.generic") : s;
}

}  // namespace kt::ui
