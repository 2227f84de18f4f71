// The numerators and templates of a new workspace, from assets/templates/ (embedded at build time):
// templates.json lists them, each template's body is a standalone HTML page there (invoice.html, quote.html)
// whose first style rule imports the page setup they share (page.css), so that a designer can open and edit
// the pages as they are. assets/README.md describes the files.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/assets.hpp"
#include "core/documents.hpp"
#include "core/documents_json.hpp"
#include "core/json_bounded.hpp"

namespace kt {

namespace {

struct Defaults {
  std::vector<Numerator> numerators;
  std::vector<DocTemplate> templates;
};

// The embedded file, which the build guarantees (a test reads every one of them).
std::string asset_text(const std::string& path) {
  const std::string_view text = core_asset("templates/" + path);
  if (text.empty()) throw std::runtime_error("no asset templates/" + path);
  return std::string(text);
}

// The page as a workspace stores it: the shared page setup (page.css) in place of the line that imports it.
std::string with_page_style(std::string body) {
  const std::string import = "@import url(\"page.css\");\n";
  if (const size_t at = body.find(import); at != std::string::npos) body.replace(at, import.size(), asset_text("page.css"));
  return body;
}

Defaults load() {
  Defaults d;
  const nlohmann::json j = parse_json_bounded(core_asset("templates/templates.json"));
  d.numerators = j.at("numerators").get<std::vector<Numerator>>();
  for (const auto& t : j.at("templates")) {
    DocTemplate tmpl = t.get<DocTemplate>();
    tmpl.body = with_page_style(asset_text(t.at("body").get<std::string>()));
    d.templates.push_back(std::move(tmpl));
  }
  return d;
}

// Read once: every new workspace starts from them. The assets are part of the build, so a mistake in them
// is the build's (the tests catch it); such a build gets no default templates rather than no workspace.
const Defaults& defaults() {
  static const Defaults kDefaults = [] {
    try {
      return load();
    } catch (const std::exception&) {
      return Defaults{};
    }
  }();
  return kDefaults;
}

}  // namespace

std::vector<Numerator> default_numerators() { return defaults().numerators; }

std::vector<DocTemplate> default_templates() { return defaults().templates; }

}  // namespace kt
