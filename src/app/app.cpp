#include "app/app.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/format.hpp"
#include "core/layouts.hpp"
#include "core/rights.hpp"
#include "platform/files.hpp"
#include "platform/platform.hpp"
#include "ui/app_ui.hpp"
#include "ui/i18n.hpp"
#include "ui/timeline_view.hpp"

namespace kt {

using nlohmann::json;

App::App() = default;
App::~App() = default;

void App::start() {
  load_prefs();
  const std::string client = "c" + platform::random_id(10);
  session_ = std::make_unique<Session>(ws_, client, user_);
  journal_ = std::make_unique<storage::Journal>(platform::data_dir() + "/journal");

  const std::int64_t now = platform::now_ms();
  size_t refused = 0;
  storage::LoadReport report = journal_->load([&](Mutation&& m) {
    if (!session_->replay(m, now)) ++refused;
  });
  loaded_records_ = report.records;
  if (report.skipped || report.dropped_bytes || refused) {
    notice_ = ui::tr("loaded.warning");
    for (const auto& w : report.warnings) std::fprintf(stderr, "journal: %s\n", w.c_str());
  }

  // Every mutation issued from now on goes to the journal, then to IndexedDB (debounced).
  session_->set_sink([this](const Mutation& m) {
    if (auto s = journal_->append(m); !s) {
      persist_failed_ = true;
      ui::toast(ui::error_text(s.code), true);
      std::fprintf(stderr, "journal: %s\n", s.message.c_str());
      return;
    }
    ++appended_;
    platform::persist_soon(appended_);
  });

  if (report.records == 0) seed_demo(*session_, now);
  // The user of the last session, if he still exists; else the first administrator.
  if (!ws_.schema().user(session_->user_id()) || !ws_.schema().user(session_->user_id())->active) {
    for (const auto& u : ws_.schema().users)
      if (u.admin && u.active) {
        session_->set_user(u.id);
        break;
      }
  }

  // Files picked in the browser arrive stored under files_dir(); small text files are read for the UI.
  platform::on_file_picked([](const platform::Picked& p) {
    ui::PickedFile f{p.purpose, p.id, p.name, p.mime, p.size, {}};
    if (p.size <= 4 * 1024 * 1024) {
      std::ifstream in(platform::files_dir() + "/" + p.id, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      f.text = ss.str();
    }
    ui::deliver_file(std::move(f));
  });

  ui::parse_route(platform::current_route(), &view_);
  last_view_ = view_;
  sync_route(false);
}

void App::dispatch(Command cmd, std::int64_t now) {
  if (Status s = session_->dispatch(std::move(cmd), now); !s) ui::toast(ui::error_text(s.code), true);
}

void App::frame() {
  ui::UiEnv env;
  env.user = session_->user_id();
  env.tz_minutes = platform::tz_offset_minutes();
  env.can_undo = session_->can_undo();
  env.can_redo = session_->can_redo();
  if (!platform::storage_available()) {
    env.save = ui::SaveState::MemoryOnly;
    env.storage_error = platform::storage_error();
  } else if (persist_failed_) {
    env.save = ui::SaveState::Error;
    env.storage_error = platform::storage_error();
  } else {
    env.save = unsaved() > 0 ? ui::SaveState::Saving : ui::SaveState::Saved;
  }
  env.notice = notice_;
  env.new_id = [this](const std::string& prefix) { return session_->new_id(prefix); };

  ui::UiOutput out;
  ui::draw_app(ws_, env, view_, edit_, out);

  const std::int64_t now = platform::now_ms();
  for (auto& cmd : out.commands) dispatch(std::move(cmd), now);
  if (out.undo) {
    if (Status s = session_->undo(now); !s) ui::toast(ui::error_text(s.code), true);
    edit_.close();
  }
  if (out.redo) {
    if (Status s = session_->redo(now); !s) ui::toast(ui::error_text(s.code), true);
    edit_.close();
  }
  if (out.language) {
    ui::set_language(*out.language);
    save_prefs();
  }
  if (out.switch_user && ws_.schema().user(*out.switch_user)) {
    session_->set_user(*out.switch_user);
    save_prefs();
  }
  if (out.pick_file) platform::pick_file(out.pick_file->first, out.pick_file->second);
  if (out.download) platform::download(out.download->name, out.download->mime, out.download->content);
  if (out.open_file) platform::open_stored_file(out.open_file->id, out.open_file->name, out.open_file->mime);
  if (out.open_url) platform::open_url(*out.open_url);
  if (!(view_ == last_view_) || out.navigated) sync_route(out.navigated);
}

void App::sync_route(bool push) {
  const std::string hash = ui::route_of(view_);
  if (push) platform::push_route(hash);
  else platform::replace_route(hash);
  last_view_ = view_;
  std::string title = ui::tr("app.name");
  if (view_.screen == ui::Screen::Card) {
    if (const Item* it = ws_.item(view_.item)) title = ws_.display_name(*it) + " — " + title;
  } else if (view_.screen == ui::Screen::Settings) {
    title = std::string(ui::tr("settings.title")) + " — " + title;
  } else if (const EntityType* et = ws_.schema().entity(view_.entity)) {
    title = et->plural.get(ui::language()) + " — " + title;
  }
  if (title != last_title_) platform::set_document_title(last_title_ = title);
}

void App::on_route_changed() {
  ui::ViewState v = view_;
  if (!ui::parse_route(platform::current_route(), &v)) return;
  if (v == view_) return;
  view_ = v;
  edit_.close();
  sync_route(false);
}

void App::on_persisted(std::uint64_t mark, bool ok) {
  if (ok) {
    if (mark > durable_) durable_ = mark;
    persist_failed_ = false;
  } else {
    persist_failed_ = platform::storage_available();
  }
}

// Preferences of this browser (the UI language, the user of the local workspace): view state, so a small
// file beside the journal.
void App::load_prefs() {
  Lang lang = platform::preferred_language() == "en" ? Lang::En : Lang::Ru;
  std::ifstream f(platform::data_dir() + "/prefs.json");
  if (f) {
    try {
      json j = json::parse(f);
      if (j.value("lang", "") == "en") lang = Lang::En;
      if (j.value("lang", "") == "ru") lang = Lang::Ru;
      user_ = j.value("user", user_);
    } catch (const std::exception&) {
      // A damaged preferences file only costs the language and user choice.
    }
  }
  ui::set_language(lang);
}

void App::save_prefs() {
  std::ofstream f(platform::data_dir() + "/prefs.json", std::ios::trunc);
  f << json{{"lang", ui::language() == Lang::En ? "en" : "ru"}, {"user", session_ ? session_->user_id() : user_}}.dump();
  f.close();
  platform::persist_soon(appended_);
}

std::string App::debug_json() const {
  json j;
  j["screen"] = view_.screen == ui::Screen::Card ? "card" : view_.screen == ui::Screen::Settings ? "settings" : "list";
  j["entity"] = view_.entity;
  j["item"] = view_.item;
  j["lang"] = ui::language() == Lang::En ? "en" : "ru";
  j["user"] = session_ ? session_->user_id() : "";
  j["journal"] = {{"appended", appended_},
                  {"durable", durable_},
                  {"loaded", loaded_records_},
                  {"segments", journal_ ? journal_->segment_count() : 0}};
  j["storage"] = {{"available", platform::storage_available()}, {"error", platform::storage_error()}};
  j["deals"] = ws_.item_ids("deal").size();
  j["items"] = ws_.item_count();
  j["can_undo"] = session_ && session_->can_undo();
  j["can_redo"] = session_ && session_->can_redo();
  j["editing"] = edit_.open() ? json{{"item", edit_.item}, {"field", edit_.field}, {"error", edit_.error}}
                              : json(nullptr);
  if (const Item* it = view_.screen == ui::Screen::Card ? ws_.item(view_.item) : nullptr) {
    json card;
    card["id"] = it->id;
    card["entity"] = it->entity;
    card["title"] = ws_.display_name(*it);
    // What this user may see of the item: fields he may not see are absent, as on the server.
    const std::string& user = session_->user_id();
    json fields = json::object();
    for (const auto& [fid, cell] : it->fields) {
      const FieldDef* def = ws_.schema().field(it->entity, fid);
      if (!def || !can_see_field(ws_.schema(), user, *def)) continue;
      fields[fid] = {{"value", cell.value}, {"text", format_value(ws_, *def, cell.value, ui::language())}};
    }
    card["fields"] = std::move(fields);
    card["pipeline"] = it->pipeline;
    const std::string family = layout_family(ws_.schema(), *it);
    ResolvedLayout resolved = resolve_layout(ws_.schema(), user, family);
    card["family"] = family;
    card["scope"] = resolved.scope;
    json sections = json::array();
    for (const auto& sec : resolved.layout->sections) {
      json els = json::array();
      for (const auto& e : sec.elements) els.push_back(e.field);
      sections.push_back({{"id", sec.id}, {"title", sec.title.get(ui::language())}, {"fields", els}});
    }
    card["sections"] = std::move(sections);
    json tabs = json::array();
    for (const auto& t : tabs_of(*resolved.layout, it->entity)) tabs.push_back({{"id", t.id}, {"hidden", t.hidden}});
    card["tabs"] = std::move(tabs);
    card["tab"] = view_.tab;
    json tl = json::array();
    for (const TimelineEntry* ep : ui::visible_timeline(ws_, *it, user)) {
      const TimelineEntry& e = *ep;
      tl.push_back({{"id", e.id},
                    {"kind", timeline_kind_name(e.kind)},
                    {"field", e.field},
                    {"old", e.old_value},
                    {"new", e.new_value},
                    {"author", e.author},
                    {"time", e.time_ms},
                    {"title", ui::timeline_title(ws_, *it, e)},
                    {"detail", ui::timeline_detail(ws_, *it, e)}});
    }
    card["timeline"] = std::move(tl);
    j["card"] = std::move(card);
  }
  return j.dump();
}

}  // namespace kt
