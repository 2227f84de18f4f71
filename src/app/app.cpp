#include "app/app.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/demo.hpp"
#include "core/format.hpp"
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
  session_ = std::make_unique<Session>(ws_, client, "u1");
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
  if (!(view_ == last_view_) || out.navigated) sync_route(out.navigated);
  refresh_title();
}

void App::sync_route(bool push) {
  const std::string hash = ui::route_of(view_);
  if (push) platform::push_route(hash);
  else platform::replace_route(hash);
  last_view_ = view_;
  refresh_title();
}

// The page's title names what is shown, so it follows a rename of the open item and the language too.
void App::refresh_title() {
  std::string title = ui::tr("app.name");
  if (view_.screen == ui::Screen::Card) {
    if (const Item* it = ws_.item(view_.item)) title = ws_.display_name(*it) + " — " + title;
  } else {
    title = std::string(ui::tr("nav.deals")) + " — " + title;
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

// Preferences of this browser (the UI language): view state, so a small file beside the journal.
void App::load_prefs() {
  Lang lang = platform::preferred_language() == "en" ? Lang::En : Lang::Ru;
  std::ifstream f(platform::data_dir() + "/prefs.json");
  if (f) {
    try {
      json j = json::parse(f);
      if (j.value("lang", "") == "en") lang = Lang::En;
      if (j.value("lang", "") == "ru") lang = Lang::Ru;
    } catch (const std::exception&) {
      // A damaged preferences file only costs the language choice.
    }
  }
  ui::set_language(lang);
}

void App::save_prefs() {
  std::ofstream f(platform::data_dir() + "/prefs.json", std::ios::trunc);
  f << json{{"lang", ui::language() == Lang::En ? "en" : "ru"}}.dump();
  f.close();
  platform::persist_soon(appended_);
}

std::string App::debug_json() const {
  json j;
  j["screen"] = view_.screen == ui::Screen::Card ? "card" : "list";
  j["item"] = view_.item;
  j["lang"] = ui::language() == Lang::En ? "en" : "ru";
  j["user"] = session_ ? session_->user_id() : "";
  j["journal"] = {{"appended", appended_},
                  {"durable", durable_},
                  {"loaded", loaded_records_},
                  {"segments", journal_ ? journal_->segment_count() : 0}};
  j["storage"] = {{"available", platform::storage_available()}, {"error", platform::storage_error()}};
  j["deals"] = ws_.item_ids("deal").size();
  j["can_undo"] = session_ && session_->can_undo();
  j["can_redo"] = session_ && session_->can_redo();
  j["editing"] = edit_.open() ? json{{"item", edit_.item}, {"field", edit_.field}, {"error", edit_.error}}
                              : json(nullptr);
  if (const Item* it = view_.screen == ui::Screen::Card ? ws_.item(view_.item) : nullptr) {
    json card;
    card["id"] = it->id;
    card["entity"] = it->entity;
    card["title"] = ws_.display_name(*it);
    json fields = json::object();
    for (const auto& [fid, cell] : it->fields) {
      const FieldDef* def = ws_.schema().field(it->entity, fid);
      fields[fid] = {{"value", cell.value},
                     {"text", def ? format_value(ws_, *def, cell.value, ui::language()) : ""}};
    }
    card["fields"] = std::move(fields);
    json tl = json::array();
    for (const auto& e : ws_.timeline(it->id)) {
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
