#include "ui/i18n.hpp"

#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"  // kMaxJsonDepth

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
  // files whole: tests/ui/i18n_test.cpp). Read as a stream of tokens, without building the document: the
  // first lookup comes during the page's start (the text field's name), where the document's ~2,000 nodes
  // took ~40 ms of a phone's throttled CPU.
  void read(std::string_view path, std::optional<std::string> Entry::*slot) {
    struct Sax : nlohmann::json_sax<nlohmann::json> {
      Table* t;
      std::optional<std::string> Entry::*slot;
      int depth = 0;
      std::string last_key;
      bool null() override { return true; }  // values other than text are skipped
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool string(string_t& text) override {
        if (depth != 1) return true;
        auto it = t->by_key.find(last_key);
        if (it == t->by_key.end()) {
          Entry& e = t->entries.emplace_back(Entry{last_key, {}, {}});
          it = t->by_key.emplace(e.key, &e).first;
        }
        it->second->*slot = std::move(text);
        return true;
      }
      bool key(string_t& k) override {
        if (depth == 1) last_key = std::move(k);
        return true;
      }
      bool start_object(std::size_t) override { return ++depth <= kMaxJsonDepth; }
      bool end_object() override { return --depth, true; }
      bool start_array(std::size_t) override { return ++depth <= kMaxJsonDepth; }
      bool end_array() override { return --depth, true; }
      bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
    } sax;
    sax.t = this;
    sax.slot = slot;
    const std::string_view text = ui_asset(path);
    nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
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
