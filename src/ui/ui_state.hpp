// The UI's own state, kept apart from domain data (STYLE: three kinds of state in three types):
//   ViewState  - what is shown (screen, entity, open item, tab, sorting): local to this user and browser;
//   EditState  - transient widget buffers of the field being edited: never persisted;
//   UiEnv      - facts the app hands to the UI each frame (user, clock, save state, id source);
//   UiOutput   - what the UI asks the app to do: commands to dispatch, undo/redo, navigation.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "core/refused.hpp"
#include "core/schema.hpp"

namespace kt {
class Workspace;
struct Item;
}  // namespace kt

namespace kt::ui {

enum class Screen { List, Card, Settings, Bin };

struct ViewState {
  Screen screen = Screen::List;
  std::string entity = "deal";  // the list shown
  std::string item;             // id of the open card
  // The card a route named by its number ("deal/12") while no item has that number here (a connected
  // workspace still loading, a creation not yet pulled): the card opens once one has (draw_card).
  std::string ref;
  std::string tab = "main";     // the card's tab
  std::string settings = "users";
  bool board = false;            // the kanban board instead of the list
  std::string board_pipeline = "0";

  bool operator==(const ViewState&) const = default;
};

// "#/list/<entity>", "#/kanban/<entity>/<pipeline>", "#/<entity>/<number>" and "#/<entity>/<number>/<tab>"
// (a card by its item number, Item::number: what a person reads and shares), "#/item/<id>[/<tab>]" (an item
// without a number yet; older links), "#/settings/<page>", "#/bin"; "#/deals" is the deal list.
// parse_route returns false (leaving `view` alone) for anything else. `ws` finds items by number and
// numbers by item (without it, cards are named by id).
std::string route_of(const ViewState& view, const Workspace* ws);
bool parse_route(const std::string& hash, ViewState* view, const Workspace* ws);
// The item a "<entity>/<number>" reference names, or nullptr.
const Item* item_of_ref(const Workspace& ws, const std::string& ref);

struct EditState {
  std::string item, field;  // the field being edited; empty when none
  std::string origin;       // which widget edits it (a field can be shown twice: the title in the header)
  std::string buffer;       // text of the editor
  std::vector<std::string> rows;  // one buffer per value of a multiple text-like field
  std::string currency;     // money editors
  std::string error;        // inline error under the editor (already translated)
  std::vector<std::string> picks;  // choices made so far in a multiple-choice popup
  std::string search;       // filter text of a choice popup
  bool focus_pending = false;
  bool popup_pending = false;
  bool was_active = false;
  bool held = false;        // the editor keeps the focus with none of its widgets active (a list closed by Esc)
  int frames_open = 0;

  bool open() const { return !field.empty(); }
  bool is(const std::string& i, const std::string& f) const { return item == i && field == f; }
  bool is(const std::string& i, const std::string& f, const std::string& o) const {
    return item == i && field == f && origin == o;
  }
  void close() { *this = EditState{}; }
};

enum class SaveState { Saved, Saving, MemoryOnly, Error };

// Where the data lives: this browser only, or a server it syncs with.
struct ConnectionInfo {
  bool connected = false;
  std::string server;      // "" = this page's own server
  std::string login;
  enum class Sync { Synced, Syncing, Pending, Offline, Error, Unauthorized } sync = Sync::Synced;
  size_t pending = 0;      // local changes not yet confirmed by the server
  std::string reason;      // what went wrong, for Error/Unauthorized
  // Logins on the server (administrators, user settings): user id -> login; none until loaded.
  std::shared_ptr<const std::map<std::string, std::string>> logins;
  std::string account_error;  // translated: why the last login given was refused
  std::string account_saved;  // the user whose login was just given
};

// The state of a login attempt started from the connect dialog.
struct LoginState {
  bool busy = false;
  bool ok = false;          // logged in: the user chooses upload or replace
  std::string error;        // translated
  std::string user_name;
  bool local_has_data = false;
  bool admin = false;       // only a server's administrator may bring a whole workspace to it
  // Bringing the local workspace to the server after "Отправить мои данные" (sync/upload.hpp).
  struct Upload {
    enum class Phase { None, Sending, Checking, Review, Applying, Done, Failed } phase = Phase::None;
    double progress = 0;     // of the backup sent
    std::shared_ptr<const nlohmann::json> report;  // the server's dry run (PROTOCOL.md, "Restore")
    nlohmann::json users;    // the user mapping it was made with
    std::string error;       // translated
  } upload;
};

struct UiEnv {
  std::string user;
  int tz_minutes = 0;
  std::int64_t now_ms = 0;
  bool can_undo = false;
  bool can_redo = false;
  SaveState save = SaveState::Saved;
  std::string storage_error;
  std::string notice;
  ConnectionInfo connection;
  LoginState login;
  bool other_tab = false;   // another tab owns the local store: this one only shows a notice
  // Changes the server refused (connected mode; nullptr otherwise), kept for the user to deal with.
  const RefusedList* refused = nullptr;
  // A new unique id for something the UI creates ("UF_CRM_", "sec", "view", ...).
  std::function<std::string(const std::string& prefix)> new_id;
};

// A file the user picked, delivered by the platform (bytes are in the local file store already).
struct PickedFile {
  std::string purpose;  // what asked for it: "field:<item>:<field>", "layout-import"
  std::string id, name, mime;
  std::int64_t size = 0;
  std::string text;  // the content, for text files the UI reads (layout JSON)
};

struct UiOutput {
  std::vector<Command> commands;
  bool undo = false;
  bool redo = false;
  bool navigated = false;  // the view changed by a user action: add a browser history entry
  std::optional<Lang> language;
  std::optional<std::string> switch_user;
  // Platform requests: pick a file (purpose, accept filter), download a file (name, mime, content).
  std::optional<std::pair<std::string, std::string>> pick_file;
  struct Download {
    std::string name, mime, content;
  };
  std::optional<Download> download;
  std::optional<FileRef> open_file;       // a stored file to open (download)
  std::optional<std::string> open_url;    // an external link
  // A card's address to pass on (its route, "#/deal/12", and its title): handed to a phone's share sheet
  // when `share`, where the browser has one, else copied (platform::share_link).
  struct ShareLink {
    std::string route, title;
    bool share = false;
  };
  std::optional<ShareLink> share_link;
  bool haptic = false;  // a short vibration (a card picked up on a touch screen), where the device has one
  std::optional<std::string> open_item;   // a linked item to open
  bool prefs_changed = false;             // list columns or saved filters changed: save the preferences
  // Connecting to a server, and leaving it.
  struct Login {
    std::string server, login, password;
  };
  std::optional<Login> login;
  std::optional<bool> connect_upload;  // after a successful login: true = upload local data, false = replace
  bool cancel_login = false;
  bool upload_apply = false;                    // the user confirmed the dry run
  std::optional<nlohmann::json> upload_users;   // the user changed the mapping: check again
  bool upload_retry = false;                    // start the upload over after a failure
  bool load_logins = false;                     // user settings want the server's logins
  struct Account {
    std::string user, login, password;
  };
  std::optional<Account> set_account;           // give a user a login on the server
  bool logout = false;
  bool take_over_tab = false;  // use the store here; the other tab stops
  bool retry_sync = false;
  std::optional<std::string> restore_backup;  // a checked backup to put in place of the local workspace
  // A refused change (by refused_id) to dispatch again as a new change, or to forget.
  std::optional<std::string> refused_reapply, refused_discard;
};

// Short messages at the bottom of the page (errors and confirmations).
void toast(std::string text, bool error);
// The same for a message named by its translation key (the page's own): shown in the language of the
// moment, also when it changes while the toast is up.
void toast_key(const std::string& key, bool error);
// A toast that opens something when clicked (`action` names it: "refused" opens the refused changes), with
// `link` drawn under the text. A newer toast with the same action replaces the older one.
void toast_action(std::string text, bool error, std::string link, std::string action);
// Something floats over the screen's bottom right corner this frame (a phone's "+" button) from screen y
// `top` down: toasts stack above it instead of covering it.
void toasts_above(float top);
// A band of the screen toasts must not cover this frame, from screen y `top` to `bottom` (a phone dialog's
// buttons, a calendar over it): they stay at the screen's bottom when they fit under it; else beside it, when
// what the band holds ends at screen x `used_right` (< 0: the whole width) and they fit in its height and
// the room right of that (a dialog's buttons on a phone held sideways); else they stack above it. The first
// band of a frame counts: a popup ends before the dialog it opened from.
void toasts_clear_of(float top, float bottom, float used_right = -1);
// Files picked since the last frame, handed over by the app.
void deliver_file(PickedFile f);
std::optional<PickedFile> take_file(const std::string& purpose);

}  // namespace kt::ui
