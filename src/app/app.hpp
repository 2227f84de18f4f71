// The application: wires the layers together. It owns the workspace, the session and the journal, loads
// the local data at start, runs the UI each frame and dispatches what the UI asks for. No ImGui backend or
// browser code lives here (main_web.cpp does that), and no domain rule either (the core does that).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/session.hpp"
#include "core/workspace.hpp"
#include "storage/journal.hpp"
#include "ui/ui_state.hpp"

namespace kt {

class App {
 public:
  App();
  ~App();

  // Loads the journal (or seeds demo data into an empty one) and applies the URL's route.
  void start();
  // Draws one frame of UI and applies what it asked for. Call between ImGui::NewFrame and ImGui::Render.
  void frame();

  // The platform reports that writes up to `mark` are durable (ok) or failed to persist.
  void on_persisted(std::uint64_t mark, bool ok);
  // Changes made but not yet durable.
  std::uint64_t unsaved() const { return appended_ - durable_; }
  // The URL changed (back/forward or a typed link).
  void on_route_changed();

  // State for tests and diagnostics: screen, open card with its values and timeline, journal counters.
  std::string debug_json() const;

 private:
  void dispatch(Command cmd, std::int64_t now);
  void sync_route(bool push);
  void refresh_title();
  void load_prefs();
  void save_prefs();

  Workspace ws_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<storage::Journal> journal_;
  ui::ViewState view_;
  ui::ViewState last_view_;
  ui::EditState edit_;
  std::uint64_t appended_ = 0;
  std::uint64_t durable_ = 0;
  std::uint64_t loaded_records_ = 0;
  bool persist_failed_ = false;
  std::string notice_;
  std::string last_title_;
};

}  // namespace kt
