#include "ui/settings.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "core/rights.hpp"
#include "core/text.hpp"
#include "ui/data_io.hpp"
#include "ui/form_send.hpp"
#include "ui/settings_documents.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Dialog state
// ---------------------------------------------------------------------------------------------------------

struct UserForm {
  bool open = false;
  User user;
  bool fresh = false;
  int department = 0;
  std::string error;
  std::string login, password;  // the server login to give (connected mode)
};

struct DepartmentForm {
  bool open = false;
  Department dep;
  bool fresh = false;
  int parent = 0;
  std::string error;
};

struct RoleForm {
  bool open = false;
  Role role;
  bool fresh = false;
  std::string error;
  bool confirm_remove = false;  // "Удалить" pressed: the buttons ask to confirm
};

struct TypeForm {
  bool open = false;
  EntityType type;
  std::string error;
  bool fresh = true;  // a new type; an existing one changes only its names and its client block
};

struct DeleteFieldForm {
  bool open = false;
  std::string entity, field, text;
};

struct PipelineForm {
  bool open = false;
  bool fresh = false;
  Pipeline pipeline;
  std::vector<std::string> names;  // stage name buffers
  std::vector<bool> existing;      // stage kept from before (its kind is fixed)
  std::string error;
  bool confirm_remove = false;     // "Удалить воронку" pressed: the buttons ask to confirm
};

PipelineForm g_pipeline;
int g_pipelines_entity = 0;

UserForm g_user;
DepartmentForm g_dep;
RoleForm g_role;
TypeForm g_type;
DeleteFieldForm g_delete;
int g_fields_entity = 1;  // deals

std::vector<std::string> level_names() {
  return {tr("level.none"), tr("level.own"), tr("level.department"), tr("level.all")};
}

std::string department_path(const Schema& s, const std::string& id) {
  const Department* d = s.department(id);
  return d ? d->name : std::string("—");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Pages
// ---------------------------------------------------------------------------------------------------------

// Connected to a server: who can log in, and giving a login (and a new password) to a user, for example one
// brought by "Отправить мои данные", who has none yet.
void server_login_form(const UiEnv& env, UiOutput& out, float w) {
  const ConnectionInfo& c = env.connection;
  ImGui::Dummy(ImVec2(0, px(8)));
  heading(tr("account.heading"), "userform:account");
  const std::string* login = nullptr;
  if (c.logins)
    if (auto it = c.logins->find(g_user.user.id); it != c.logins->end()) login = &it->second;
  const std::string status = !c.logins ? tr("account.loading")
                             : login   ? std::string(tr("account.has")) + " " + *login
                                       : tr("account.none");
  muted_text(status);
  sem_item("userform:account:status", "text", status);
  text_input(tr("connect.login"), "userform:account:login", &g_user.login, w);
  password_input(tr("connect.password"), "userform:account:password", &g_user.password, w);
  if (!c.account_error.empty()) error_text_line(c.account_error, "userform:account:error");
  else if (c.account_saved == g_user.user.id) muted_text(tr("account.saved"));
  if (button(tr("account.give"), "userform:account:save", false, !g_user.login.empty() && !g_user.password.empty()))
    out.set_account = UiOutput::Account{g_user.user.id, g_user.login, g_user.password};
}

void users_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  const bool server = env.connection.connected;
  if (server && !env.connection.logins) out.load_logins = true;
  if (button(std::string("+ ") + tr("settings.add_user"), "settings:add_user", true)) {
    g_user = UserForm{true, User{env.new_id ? env.new_id("u") : "u", "", "", false, {}, true}, true, 0, "", "", ""};
  }
  ImGui::Dummy(ImVec2(0, px(6)));
  auto open_user = [&](const User& u) {
    g_user = UserForm{true, u, false, 0, "", "", ""};
    if (env.connection.logins)
      if (auto it = env.connection.logins->find(u.id); it != env.connection.logins->end()) g_user.login = it->second;
    for (size_t i = 0; i < s.departments.size(); ++i)
      if (s.departments[i].id == u.department) g_user.department = static_cast<int>(i) + 1;
  };
  auto roles_of = [&](const User& u) {
    std::string roles;
    for (const auto& r : u.roles)
      if (const Role* role = s.role(r)) roles += (roles.empty() ? "" : ", ") + role->name;
    return roles;
  };
  auto login_of = [&](const User& u) {
    std::string login = "—";
    if (env.connection.logins)
      if (auto it = env.connection.logins->find(u.id); it != env.connection.logins->end()) login = it->second;
    return login;
  };
  const auto shown_name = [](const User& u) {
    return u.name + (u.active ? "" : std::string(" (") + tr("settings.inactive") + ")");
  };
  if (is_phone()) {
    // A phone: a block per user, what the table's columns say under the name.
    for (const auto& u : s.users) {
      std::string detail = department_path(s, u.department);
      for (const std::string& part : {roles_of(u), std::string(u.admin ? tr("settings.admin") : ""),
                                      std::string(server ? std::string(tr("account.column")) + ": " + login_of(u) : "")})
        if (!part.empty()) detail += (detail.empty() ? "" : " · ") + part;
      if (phone_row("user:" + u.id, shown_name(u), detail, {{tr("settings.edit"), "edituser:" + u.id, color::kLink}}, width) == 0)
        open_user(u);
    }
  } else if (ImGui::BeginTable("users", server ? 6 : 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX,
                        ImVec2(width, 0))) {
    std::vector<FittedColumn> cols;
    for (const char* k : {"settings.name", "settings.department", "settings.roles", "settings.admin"})
      cols.push_back({tr(k), text_width(tr(k))});
    if (server) cols.push_back({tr("account.column"), text_width(tr("account.column"))});
    cols.push_back({"", text_width(tr("settings.edit")), true});
    for (const auto& u : s.users) {
      cols[0].fit(text_width(shown_name(u)));
      cols[1].fit(text_width(department_path(s, u.department)));
      cols[2].fit(text_width(roles_of(u)));
      if (server) cols[4].fit(text_width(login_of(u)));
    }
    table_columns_fitted(cols, width);
    const int edit_column = server ? 5 : 4;
    ImGui::TableHeadersRow();
    for (const auto& u : s.users) {
      ImGui::TableNextRow(ImGuiTableRowFlags_None, px(34));
      ImGui::PushID(u.id.c_str());
      ImGui::TableSetColumnIndex(0);
      table_cell_text(shown_name(u), "user:" + u.id, "cell");
      ImGui::TableSetColumnIndex(1);
      table_cell_text(department_path(s, u.department), "userdepartment:" + u.id);
      ImGui::TableSetColumnIndex(2);
      table_cell_text(roles_of(u), "userroles:" + u.id);
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(u.admin ? "\xe2\x9c\x93" : "");
      if (server) {
        ImGui::TableSetColumnIndex(4);
        const std::string login = login_of(u);
        table_cell_text(login, "userlogin:" + u.id, "cell");
      }
      ImGui::TableSetColumnIndex(edit_column);
      if (link(tr("settings.edit"), "edituser:" + u.id, color::kLink)) open_user(u);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (!g_user.open) return;
  const float w = dialog_width(480);
  if (!dialog_begin(tr(g_user.fresh ? "settings.add_user" : "settings.edit_user"), "userform", &g_user.open, w)) return;
  dialog_body_begin("userform");
  text_input(tr("settings.person_name"), "userform:name", &g_user.user.name, w - px(48));
  std::vector<std::string> deps{"—"};
  for (const auto& d : s.departments) deps.push_back(d.name);
  combo(tr("settings.department"), "userform:department", deps, &g_user.department, w - px(48));
  caption(tr("settings.roles"));
  for (const auto& r : s.roles) {
    bool on = std::find(g_user.user.roles.begin(), g_user.user.roles.end(), r.id) != g_user.user.roles.end();
    if (checkbox(r.name, "userform:role:" + r.id, &on)) {
      if (on) g_user.user.roles.push_back(r.id);
      else g_user.user.roles.erase(std::remove(g_user.user.roles.begin(), g_user.user.roles.end(), r.id), g_user.user.roles.end());
    }
  }
  checkbox(tr("settings.admin"), "userform:admin", &g_user.user.admin);
  checkbox(tr("settings.active"), "userform:active", &g_user.user.active);
  // A user the server does not know yet (a new one) gets a login once saved and synced.
  if (server && !g_user.fresh) server_login_form(env, out, w - px(48));
  dialog_body_end();
  if (!g_user.error.empty()) error_text_line(g_user.error, "userform:error");
  if (button(tr("dialog.save"), "userform:save", true)) {
    g_user.user.department = g_user.department > 0 ? s.departments[static_cast<size_t>(g_user.department) - 1].id : "";
    send_if_accepted(ws, env, PutUser{g_user.user}, &g_user.error, &g_user.open, out);
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "userform:cancel")) {
    g_user.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

// A deletion asked in place of a form (ask_delete_in_place) while `*asking`: Удалить hands over `remove` and
// closes the form's dialog (*open = false), Отмена goes back to the form. The caller ends its dialog after it.
void confirm_in_form(bool* asking, const std::string& question, const std::string& form, Command remove, bool* open,
                     UiOutput& out) {
  const int answer = ask_delete_in_place(question, form);
  if (answer > 0) {
    out.commands.push_back(std::move(remove));
    *open = false;
    ImGui::CloseCurrentPopup();
  }
  if (answer != 0) *asking = false;
}

void department_rows(const Schema& s, const std::string& parent, int depth) {
  for (const auto& d : s.departments) {
    if (d.parent != parent) continue;
    ImGui::PushID(d.id.c_str());
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + px(24) * static_cast<float>(depth));
    if (finger_sized()) ImGui::AlignTextToFramePadding();  // level with its finger-sized Изменить
    ImGui::TextUnformatted(d.name.c_str());
    sem_item("department:" + d.id, "treeitem", d.name);
    ImGui::SameLine(0, px(16));
    if (link(tr("settings.edit"), "editdep:" + d.id, color::kLink)) {
      g_dep = DepartmentForm{true, d, false, 0, ""};
      for (size_t i = 0; i < s.departments.size(); ++i)
        if (s.departments[i].id == d.parent) g_dep.parent = static_cast<int>(i) + 1;
    }
    ImGui::PopID();
    if (depth < 32) department_rows(s, d.id, depth + 1);
  }
}

void departments_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  if (button(std::string("+ ") + tr("settings.add_department"), "settings:add_department", true))
    g_dep = DepartmentForm{true, Department{env.new_id ? env.new_id("d") : "d", "", ""}, true, 0, ""};
  ImGui::Dummy(ImVec2(0, px(6)));
  department_rows(s, "", 0);
  if (!g_dep.open) return;
  const float w = dialog_width(440);
  if (!dialog_begin(tr(g_dep.fresh ? "settings.add_department" : "settings.edit_department"), "depform", &g_dep.open, w)) return;
  text_input(tr("settings.name"), "depform:name", &g_dep.dep.name, w - px(48));
  std::vector<std::string> parents{"—"};
  for (const auto& d : s.departments) parents.push_back(d.name);
  combo(tr("settings.parent"), "depform:parent", parents, &g_dep.parent, w - px(48));
  if (!g_dep.error.empty()) error_text_line(g_dep.error, "depform:error");
  if (button(tr("dialog.save"), "depform:save", true)) {
    g_dep.dep.parent = g_dep.parent > 0 ? s.departments[static_cast<size_t>(g_dep.parent) - 1].id : "";
    // The core's answer, said in the form before it closes (a department never sits inside itself or inside
    // one of its own sub-departments).
    send_if_accepted(ws, env, PutDepartment{g_dep.dep, false}, &g_dep.error, &g_dep.open, out);
  }
  ImGui::SameLine();
  if (!g_dep.fresh && button(tr("settings.delete"), "depform:delete")) {
    // Members or sub-departments keep it: said here, the form stays open.
    send_if_accepted(ws, env, PutDepartment{g_dep.dep, true}, &g_dep.error, &g_dep.open, out);
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "depform:cancel")) {
    g_dep.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

// A role's four levels (ids of their controls, their columns' headers) and the width of a level's drop-down
// in the table.
constexpr const char* kLevelNames[] = {"read", "add", "edit", "remove"};
constexpr const char* kLevelHeads[] = {"right.read", "right.add", "right.edit", "right.remove"};
constexpr float kLevelComboCss = 110;

// One row of rights: four levels and two switches.
// A phone: an entity's rights as a block (the table's seven columns do not fit): its name, the four levels
// two by two, the two switches; each control keeps the name the table gives it (row: column).
void rights_block(const std::string& label, const std::string& id, EntityRights* r, float width) {
  auto levels = level_names();
  ImGui::PushFont(fonts().medium);
  ImGui::TextUnformatted(label.c_str());
  ImGui::PopFont();
  Level* fields[] = {&r->read, &r->add, &r->edit, &r->remove};
  const float gap = px(12), half = (width - gap) / 2;
  ImVec2 row{};
  for (int i = 0; i < 4; ++i) {
    // The second of a row at the first's top (SameLine would align its caption with the combo's text, lower).
    if (i % 2) ImGui::SetCursorPos(ImVec2(row.x + half + gap, row.y));
    else row = ImGui::GetCursorPos();
    ImGui::BeginGroup();
    caption(tr(kLevelHeads[i]));
    int v = static_cast<int>(*fields[i]);
    if (combo("", id + ":" + kLevelNames[i], levels, &v, half, label + ": " + tr(kLevelHeads[i]))) *fields[i] = static_cast<Level>(v);
    ImGui::EndGroup();
  }
  checkbox(std::string(tr("right.own_view")) + "##ownview", id + ":own_view", &r->own_view, label + ": " + tr("right.own_view"));
  checkbox(std::string(tr("right.configure")) + "##configure", id + ":configure", &r->configure,
           label + ": " + tr("right.configure"));
  ImGui::Dummy(ImVec2(0, px(10)));
}

void rights_row(const std::string& label, const std::string& id, EntityRights* r) {
  auto levels = level_names();
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::AlignTextToFramePadding();  // on the line of the row's drop-downs
  ImGui::TextUnformatted(label.c_str());
  Level* fields[] = {&r->read, &r->add, &r->edit, &r->remove};
  // Each control is named by its row and column, as a sighted user reads the table.
  for (int i = 0; i < 4; ++i) {
    ImGui::TableSetColumnIndex(i + 1);
    int v = static_cast<int>(*fields[i]);
    if (combo("", id + ":" + kLevelNames[i], levels, &v, px(kLevelComboCss), label + ": " + tr(kLevelHeads[i])))
      *fields[i] = static_cast<Level>(v);
  }
  ImGui::TableSetColumnIndex(5);
  checkbox("##ownview", id + ":own_view", &r->own_view, label + ": " + tr("right.own_view"));
  ImGui::TableSetColumnIndex(6);
  checkbox("##configure", id + ":configure", &r->configure, label + ": " + tr("right.configure"));
}

// How wide the table of rights_row lines is (its seven columns, each as wide as its header or its controls).
float rights_table_width(const Schema& s) {
  float names = std::max(text_width(tr("settings.entity")), text_width(tr("settings.default_rights")));
  for (const auto& e : s.entities) names = std::max(names, text_width(e.plural.get(language())));
  float w = names + 7 * 2 * ImGui::GetStyle().CellPadding.x;
  for (const char* k : kLevelHeads) w += std::max(px(kLevelComboCss), text_width(tr(k)));
  for (const char* k : {"right.own_view", "right.configure"}) w += std::max(ImGui::GetFrameHeight(), text_width(tr(k)));
  return w;
}

void roles_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  if (button(std::string("+ ") + tr("settings.add_role"), "settings:add_role", true))
    g_role = RoleForm{true, Role{env.new_id ? env.new_id("role") : "role", "", {}, {}}, true, ""};
  ImGui::Dummy(ImVec2(0, px(6)));
  for (const auto& r : s.roles) {
    ImGui::PushID(r.id.c_str());
    if (finger_sized()) ImGui::AlignTextToFramePadding();  // level with its finger-sized Изменить
    ImGui::TextUnformatted(r.name.c_str());
    sem_item("role:" + r.id, "text", r.name);
    ImGui::SameLine(0, px(16));
    if (link(tr("settings.edit"), "editrole:" + r.id, color::kLink)) g_role = RoleForm{true, r, false, ""};
    ImGui::PopID();
  }
  if (!g_role.open) return;
  const float w = dialog_width(980);
  if (!dialog_begin(tr(g_role.fresh ? "settings.add_role" : "settings.edit_role"), "roleform", &g_role.open, w)) return;
  if (g_role.confirm_remove) {
    // Asked in place of the form (on a phone the form fills the screen: the question below it would push its
    // buttons off). The users who hold the role lose its rights with it: named in the question.
    std::string holders;
    for (const auto& u : s.users)
      if (std::find(u.roles.begin(), u.roles.end(), g_role.role.id) != u.roles.end())
        holders += (holders.empty() ? "" : ", ") + u.name;
    std::string q = fill_placeholders(tr("settings.delete_role_q"), {g_role.role.name});
    if (!holders.empty()) q += " " + fill_placeholders(tr("settings.delete_role_holders"), {holders});
    confirm_in_form(&g_role.confirm_remove, q, "roleform", PutRole{g_role.role, true}, &g_role.open, out);
    dialog_end();
    return;
  }
  dialog_body_begin("roleform");
  text_input(tr("settings.name"), "roleform:name", &g_role.role.name, std::min(px(360), w - px(48)));
  // The table of rights where it fits (a tablet held upright has not the room for its seven columns), else
  // a block per type, as on a phone. The body's room: less its scroll bar, as the dialog's other fields.
  const float avail = std::min(ImGui::GetContentRegionAvail().x, w - px(48));
  if (is_phone() || rights_table_width(s) > avail) {
    rights_block(tr("settings.default_rights"), "roleform:default", &g_role.role.defaults, avail);
    for (const auto& e : s.entities) {
      auto it = g_role.role.entities.find(e.id);
      EntityRights r = it == g_role.role.entities.end() ? g_role.role.defaults : it->second;
      EntityRights before = r;
      rights_block(e.plural.get(language()), "roleform:" + e.id, &r, avail);
      if (!(r == before)) g_role.role.entities[e.id] = r;
    }
  } else if (ImGui::BeginTable("rights", 7, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) {
    for (const char* k : {"settings.entity", "right.read", "right.add", "right.edit", "right.remove", "right.own_view",
                          "right.configure"})
      ImGui::TableSetupColumn(tr(k));
    ImGui::TableHeadersRow();
    rights_row(tr("settings.default_rights"), "roleform:default", &g_role.role.defaults);
    for (const auto& e : s.entities) {
      auto it = g_role.role.entities.find(e.id);
      EntityRights r = it == g_role.role.entities.end() ? g_role.role.defaults : it->second;
      EntityRights before = r;
      rights_row(e.plural.get(language()), "roleform:" + e.id, &r);
      if (!(r == before)) g_role.role.entities[e.id] = r;
    }
    ImGui::EndTable();
  }
  dialog_body_end();
  if (!g_role.error.empty()) error_text_line(g_role.error, "roleform:error");
  if (button(tr("dialog.save"), "roleform:save", true)) {
    send_if_accepted(ws, env, PutRole{g_role.role, false}, &g_role.error, &g_role.open, out);
  }
  ImGui::SameLine();
  if (!g_role.fresh && button(tr("settings.delete"), "roleform:delete")) g_role.confirm_remove = true;
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "roleform:cancel")) {
    g_role.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

void fields_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  std::vector<std::string> names;
  for (const auto& e : s.entities) names.push_back(e.plural.get(language()));
  g_fields_entity = std::clamp(g_fields_entity, 0, static_cast<int>(s.entities.size()) - 1);
  combo(tr("settings.entity"), "fields:entity", names, &g_fields_entity, px(300));
  const std::string entity = s.entities[static_cast<size_t>(g_fields_entity)].id;
  ImGui::Dummy(ImVec2(0, px(6)));
  auto ask_delete = [&](const FieldDef& f, const std::string& label) {
    size_t n = ws.count_values(entity, f.id);
    char text[512];
    std::snprintf(text, sizeof text, tr("settings.delete_field_q"), label.c_str(), static_cast<int>(n));
    g_delete = DeleteFieldForm{true, entity, f.id, text};
  };
  auto required_text = [&](const FieldDef& f) -> std::string {
    bool staged = false;
    for (const auto& r : s.required) staged = staged || (r.entity == entity && r.field == f.id);
    return f.mandatory ? tr("field.req_always") : staged ? tr("field.req_stages") : "";
  };
  const auto type_text = [](const FieldDef& f) { return std::string(tr((std::string("type.") + field_type_name(f.type)).c_str())); };
  if (is_phone()) {
    // A phone: a block per field, its type and rules under its name.
    for (const FieldDef* f : s.fields_of(entity)) {
      const std::string label = f->label.get(language());
      std::string detail = type_text(*f);
      for (const std::string& part : {std::string(f->multiple ? tr("field.multiple") : ""), required_text(*f),
                                      std::string(f->system ? tr("settings.system") : "")})
        if (!part.empty()) detail += " · " + part;
      const bool deletable = !f->system && can_configure(s, env.user, entity);
      std::vector<RowAction> actions;
      if (deletable) actions.push_back({tr("settings.delete"), "deletefield:" + f->id, color::kError});
      if (phone_row("fieldrow:" + f->id, label, detail, actions, width) == 0) ask_delete(*f, label);
    }
  } else if (ImGui::BeginTable("fields", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX,
                        ImVec2(width, 0))) {
    std::vector<FittedColumn> cols;
    for (const char* k : {"settings.name", "field.type", "field.multiple", "field.required"}) cols.push_back({tr(k), text_width(tr(k))});
    cols.push_back({"", text_width(tr("settings.system")), true});
    for (const FieldDef* f : s.fields_of(entity)) {
      cols[0].fit(text_width(f->label.get(language())));
      cols[1].fit(text_width(type_text(*f)));
      cols[3].fit(text_width(required_text(*f)));
      if (!f->system) cols[4].fit(text_width(tr("settings.delete")));
    }
    table_columns_fitted(cols, width);
    ImGui::TableHeadersRow();
    for (const FieldDef* f : s.fields_of(entity)) {
      ImGui::TableNextRow(ImGuiTableRowFlags_None, px(32));
      ImGui::PushID(f->id.c_str());
      ImGui::TableSetColumnIndex(0);
      const std::string label = f->label.get(language());
      table_cell_text(label, "fieldrow:" + f->id, "cell");
      ImGui::TableSetColumnIndex(1);
      table_cell_text(type_text(*f), "fieldtype:" + f->id);
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(f->multiple ? "\xe2\x9c\x93" : "");
      ImGui::TableSetColumnIndex(3);
      table_cell_text(required_text(*f), "fieldrequired:" + f->id);
      ImGui::TableSetColumnIndex(4);
      if (f->system) {
        ImGui::TextDisabled("%s", tr("settings.system"));
      } else if (can_configure(s, env.user, entity) && link(tr("settings.delete"), "deletefield:" + f->id, color::kError)) {
        ask_delete(*f, label);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (!g_delete.open) return;
  const float w = dialog_width(460);
  if (!dialog_begin(tr("settings.delete_field"), "deletefield", &g_delete.open, w)) return;
  ImGui::PushTextWrapPos(w - px(48));
  ImGui::TextUnformatted(g_delete.text.c_str());
  ImGui::PopTextWrapPos();
  sem_item("deletefield:text", "text", g_delete.text);
  ImGui::Dummy(ImVec2(0, px(8)));
  if (danger_button(tr("settings.delete"), "deletefield:yes", true)) {
    out.commands.push_back(DeleteField{g_delete.entity, g_delete.field});
    g_delete.open = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "deletefield:no")) {
    g_delete.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

// A palette for stage colours, as in the reference product's kanban, with the names a screen reader reads
// and a tooltip shows.
struct StageColor {
  const char* hex;
  const char* name;  // i18n key
};
constexpr StageColor kStageColors[] = {{"#39a8ef", "color.blue"},   {"#2fc6f6", "color.light_blue"},
                                       {"#55d0e0", "color.turquoise"}, {"#47e4c2", "color.mint"},
                                       {"#ffa900", "color.orange"}, {"#ff5752", "color.red"},
                                       {"#7bd500", "color.green"},  {"#b67bf0", "color.violet"},
                                       {"#a5adb5", "color.grey"}};

void open_pipeline_form(const Workspace& ws, const Pipeline& p, bool fresh) {
  g_pipeline = PipelineForm{true, fresh, p, {}, {}, ""};
  for (const auto& st : p.stages) {
    g_pipeline.names.push_back(st.name.get(language()));
    g_pipeline.existing.push_back(!fresh && ws.schema().pipeline(p.entity, p.id) && ws.schema().pipeline(p.entity, p.id)->stage(st.id));
  }
}

void pipelines_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  std::vector<const EntityType*> staged;
  for (const auto& e : s.entities)
    if (e.has_stages && can_configure(s, env.user, e.id)) staged.push_back(&e);
  if (staged.empty()) return;
  std::vector<std::string> names;
  for (const auto* e : staged) names.push_back(e->plural.get(language()));
  g_pipelines_entity = std::clamp(g_pipelines_entity, 0, static_cast<int>(staged.size()) - 1);
  combo(tr("settings.entity"), "pipelines:entity", names, &g_pipelines_entity, px(300));
  const EntityType& et = *staged[static_cast<size_t>(g_pipelines_entity)];
  ImGui::Dummy(ImVec2(0, px(6)));
  for (const Pipeline* p : s.pipelines_of(et.id)) {
    ImGui::PushID(p->id.c_str());
    ImGui::PushFont(fonts().medium);
    const std::string title = p->name.get(language()) + (p->is_default ? std::string(" (") + tr("pipelines.default") + ")" : "");
    if (finger_sized()) ImGui::AlignTextToFramePadding();  // level with its finger-sized Изменить
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    sem_item("pipeline:" + p->id, "heading", p->name.get(language()));
    ImGui::SameLine(0, px(16));
    if (link(tr("settings.edit"), "editpipeline:" + p->id, color::kLink)) open_pipeline_form(ws, *p, false);
    // The stages wrap where the panel ends (a phone).
    FlowRow stages(ImGui::GetCursorScreenPos().x + width, ImGui::GetCursorPosX(), px(4));
    for (const auto& st : p->stages) {
      stages.next(chip_width(st.name.get(language())));
      chip(st.name.get(language()), parse_color(st.color), width);
    }
    ImGui::Dummy(ImVec2(0, px(6)));
    ImGui::PopID();
  }
  if (et.has_pipelines && button(std::string("+ ") + tr("pipelines.add"), "pipelines:add", true)) {
    std::string id = env.new_id ? env.new_id("") : "1";
    std::string prefix = "C" + id + ":";
    for (auto& ch : prefix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    Pipeline p{id, et.id, {tr("pipelines.new"), tr("pipelines.new")}, false,
               {{prefix + "NEW", {tr("pipelines.stage_new"), tr("pipelines.stage_new")}, "#39a8ef", StageSemantics::Process},
                {prefix + "WORK", {tr("pipelines.stage_work"), tr("pipelines.stage_work")}, "#2fc6f6", StageSemantics::Process},
                {prefix + "WON", {tr("pipelines.stage_won"), tr("pipelines.stage_won")}, "#7bd500", StageSemantics::Success},
                {prefix + "LOSE", {tr("pipelines.stage_lose"), tr("pipelines.stage_lose")}, "#ff5752", StageSemantics::Failure}}};
    open_pipeline_form(ws, p, true);
  }
  if (!g_pipeline.open) return;
  PipelineForm& f = g_pipeline;
  const float w = dialog_width(720);
  if (!dialog_begin(tr(f.fresh ? "pipelines.add" : "pipelines.edit"), "pipelineform", &f.open, w)) return;
  if (f.confirm_remove) {
    // In place of the form, as for a role. Deleting a pipeline takes its card views and its stages' required
    // fields with it: asked once more.
    confirm_in_form(&f.confirm_remove, fill_placeholders(tr("pipelines.delete_q"), {f.pipeline.name.get(language())}),
                    "pipelineform", PutPipeline{f.pipeline, true}, &f.open, out);
    dialog_end();
    return;
  }
  dialog_body_begin("pipelineform");
  std::string pname = f.pipeline.name.get(language());
  if (text_input(tr("settings.name"), "pipelineform:name", &pname, px(360))) f.pipeline.name = {pname, pname};
  caption(tr("pipelines.stages"));
  int remove = -1, up = -1;
  for (size_t i = 0; i < f.pipeline.stages.size(); ++i) {
    Stage& st = f.pipeline.stages[i];
    ImGui::PushID(static_cast<int>(i));
    const char* kind = st.semantics == StageSemantics::Process ? "pipelines.process"
                       : st.semantics == StageSemantics::Success ? "pipelines.success" : "pipelines.failure";
    // The name, the colour's swatches, the kind and the tools in a row; on a phone the name and the tools on
    // one line, the kind under them, then the swatches as two rows of finger-sized buttons.
    const bool phone = is_phone();
    const float avail = ImGui::GetContentRegionAvail().x, gap = px(2), tool_w = touch_height(0);
    const float name_w = phone ? avail - 2 * (tool_w + gap) : px(260);
    ImGui::SetNextItemWidth(name_w);
    ImGui::InputText("##name", &f.names[i]);
    sem_item("pipelineform:stage:" + std::to_string(i), "textbox", std::string(tr("pipelines.stage")) + " " + std::to_string(i + 1), f.names[i]);
    auto swatches = [&] {
      constexpr int kPerRow = 5;  // a phone's
      const float sw_w = phone ? (avail - gap * (kPerRow - 1)) / kPerRow : px(18), sw_h = touch_height(px(18));
      const float inset = phone ? px(4) : 0;
      int k = 0;
      for (const StageColor& sc : kStageColors) {
        if (!phone || k % kPerRow != 0) ImGui::SameLine(0, k == 0 ? px(10) : gap);
        ++k;
        const std::string c = sc.hex;
        ImGui::PushID(sc.hex);
        const ImVec2 a = ImGui::GetCursorScreenPos();
        if (ImGui::InvisibleButton("sw", ImVec2(sw_w, sw_h))) st.color = c;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(sc.name));
        const ImVec2 s0(a.x + inset, a.y + inset), s1(a.x + sw_w - inset, a.y + sw_h - inset);
        ImGui::GetWindowDrawList()->AddRectFilled(s0, s1, parse_color(c), px(3));
        if (st.color == c) ImGui::GetWindowDrawList()->AddRect(s0, s1, color::kText, px(3), 0, px(2));
        // Read as "Стадия 2: оранжевый": which stage's colour, and which colour.
        sem_item("pipelineform:color:" + std::to_string(i) + ":" + c, "radio",
                 std::string(tr("pipelines.stage")) + " " + std::to_string(i + 1) + ": " + tr(sc.name))
            .checked = st.color == c ? 1 : 0;
        ImGui::PopID();
      }
    };
    if (!phone) {
      swatches();
      ImGui::SameLine(0, px(10));
      ImGui::TextDisabled("%s", tr(kind));
      ImGui::SameLine();
    } else {
      ImGui::SameLine(0, gap);
    }
    const bool movable = st.semantics != StageSemantics::Success;
    if (icon_button("\xe2\x86\x91", tr("layout.up"), "pipelineform:up:" + std::to_string(i),
                    movable && i > 0 && f.pipeline.stages[i - 1].semantics == st.semantics))
      up = static_cast<int>(i);
    ImGui::SameLine(0, gap);
    if (icon_button("\xe2\x9c\x95", tr("pipelines.delete_stage"), "pipelineform:delete:" + std::to_string(i),
                    st.semantics != StageSemantics::Success)) {
      size_t n = f.existing[i] ? ws.items_in(f.pipeline.entity, f.pipeline.id, &st.id) : 0;
      if (n) {
        char buf[256];
        std::snprintf(buf, sizeof buf, tr("pipelines.stage_has_items"), static_cast<int>(n));
        f.error = buf;
      } else {
        remove = static_cast<int>(i);
      }
    }
    if (phone) {
      ImGui::TextDisabled("%s", tr(kind));
      swatches();
      ImGui::Dummy(ImVec2(0, px(6)));
    }
    ImGui::PopID();
  }
  if (up > 0) {
    std::swap(f.pipeline.stages[up], f.pipeline.stages[up - 1]);
    std::swap(f.names[up], f.names[up - 1]);
    std::vector<bool>::swap(f.existing[up], f.existing[up - 1]);
  }
  if (remove >= 0) {
    f.pipeline.stages.erase(f.pipeline.stages.begin() + remove);
    f.names.erase(f.names.begin() + remove);
    f.existing.erase(f.existing.begin() + remove);
  }
  auto add_stage = [&](StageSemantics sem) {
    std::string id = env.new_id ? env.new_id("S") : "S";
    for (auto& ch : id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    if (!f.pipeline.is_default) id = f.pipeline.stages.front().id.substr(0, f.pipeline.stages.front().id.find(':') + 1) + id;
    Stage st{id, {}, sem == StageSemantics::Failure ? "#ff5752" : "#2fc6f6", sem};
    // In-progress stages go before the success stage; failure stages at the end.
    auto at = sem == StageSemantics::Process
                  ? std::find_if(f.pipeline.stages.begin(), f.pipeline.stages.end(), [](const Stage& x) { return x.semantics != StageSemantics::Process; })
                  : f.pipeline.stages.end();
    size_t index = static_cast<size_t>(at - f.pipeline.stages.begin());
    f.pipeline.stages.insert(at, st);
    f.names.insert(f.names.begin() + static_cast<long>(index), "");
    f.existing.insert(f.existing.begin() + static_cast<long>(index), false);
  };
  if (link(std::string("+ ") + tr("pipelines.add_process"), "pipelineform:add_process", color::kLink)) add_stage(StageSemantics::Process);
  ImGui::SameLine(0, px(20));
  if (link(std::string("+ ") + tr("pipelines.add_failure"), "pipelineform:add_failure", color::kLink)) add_stage(StageSemantics::Failure);
  dialog_body_end();
  if (!f.error.empty()) error_text_line(f.error, "pipelineform:error");
  if (button(tr("dialog.save"), "pipelineform:save", true)) {
    f.error.clear();
    for (size_t i = 0; i < f.pipeline.stages.size(); ++i) f.pipeline.stages[i].name = {f.names[i], f.names[i]};
    send_if_accepted(ws, env, PutPipeline{f.pipeline, false}, &f.error, &f.open, out);
  }
  ImGui::SameLine();
  if (!f.fresh && !f.pipeline.is_default && button(tr("pipelines.delete"), "pipelineform:remove")) {
    // Items in it keep it: said here, in the form, with how many there are.
    if (Status st = ws.check(env.user, PutPipeline{f.pipeline, true}); st.code == "pipeline_has_items") {
      char buf[256];
      std::snprintf(buf, sizeof buf, tr("pipelines.has_items"), static_cast<int>(ws.items_in(f.pipeline.entity, f.pipeline.id)));
      f.error = buf;
    } else if (!st) {
      f.error = error_text(st.code);
    } else {
      f.error.clear();
      f.confirm_remove = true;
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "pipelineform:cancel")) {
    f.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

void types_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  if (button(std::string("+ ") + tr("settings.add_type"), "settings:add_type", true)) {
    int n = 1;
    while (s.entity("smart_" + std::to_string(n))) ++n;
    g_type = TypeForm{true, EntityType{"smart_" + std::to_string(n), {}, {}, true, false, true, false, "TITLE"}, "", true};
  }
  ImGui::Dummy(ImVec2(0, px(6)));
  for (const auto& e : s.entities) {
    std::string line = e.plural.get(language());
    if (!e.system) {
      line += "  ·  ";
      line += e.has_stages ? tr("type.with_stages") : tr("type.no_stages");
      if (e.has_pipelines) line += std::string(", ") + tr("type.with_pipelines");
      if (e.has_client) line += std::string(", ") + tr("type.with_client");
    }
    if (e.system) {
      ImGui::TextUnformatted(line.c_str());
      sem_item("type:" + e.id, "text", e.plural.get(language()));
    } else if (link(line, "type:" + e.id, color::kLink)) {
      // A type of one's own is renamed, or given a client block, here.
      g_type = TypeForm{true, e, "", false};
    }
  }
  if (!g_type.open) return;
  const float w = dialog_width(460);
  if (!dialog_begin(tr(g_type.fresh ? "settings.add_type" : "settings.edit_type"), "typeform", &g_type.open, w)) return;
  text_input(tr("type.name"), "typeform:name", &g_type.type.name.ru, w - px(48));
  text_input(tr("type.plural"), "typeform:plural", &g_type.type.plural.ru, w - px(48));
  // Stages and pipelines stay as the type was made (its items and their history depend on them).
  if (!g_type.fresh) ImGui::BeginDisabled();
  checkbox(tr("type.with_stages"), "typeform:stages", &g_type.type.has_stages);
  if (g_type.type.has_stages) checkbox(tr("type.with_pipelines"), "typeform:pipelines", &g_type.type.has_pipelines);
  else g_type.type.has_pipelines = false;
  if (!g_type.fresh) ImGui::EndDisabled();
  // A client block, once there, stays: the items' clients are kept in it.
  const EntityType* before = g_type.fresh ? nullptr : ws.schema().entity(g_type.type.id);
  const bool client_fixed = before && before->has_client;
  if (client_fixed) ImGui::BeginDisabled();
  checkbox(tr("type.with_client"), "typeform:client", &g_type.type.has_client);
  if (client_fixed) ImGui::EndDisabled();
  if (!g_type.error.empty()) error_text_line(g_type.error, "typeform:error");
  if (button(tr("dialog.save"), "typeform:save", true)) {
    g_type.type.name.en = g_type.type.name.ru;
    g_type.type.plural.en = g_type.type.plural.ru;
    send_if_accepted(ws, env, PutEntityType{g_type.type}, &g_type.error, &g_type.open, out);
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "typeform:cancel")) {
    g_type.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

}  // namespace

void draw_settings(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out) {
  const float margin = is_phone() ? px(10) : px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + margin));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  ImGui::PushFont(fonts().title);
  ImGui::TextUnformatted(tr("settings.title"));
  ImGui::PopFont();
  sem_item("heading:settings", "heading", tr("settings.title"));
  const bool admin = is_admin(ws.schema(), env.user);
  struct Page {
    const char* id;
    const char* key;
    bool allowed;
  };
  bool configurator = admin;
  for (const auto& e : ws.schema().entities) configurator = configurator || can_configure(ws.schema(), env.user, e.id);
  const Page pages[] = {{"users", "settings.users", admin},
                        {"departments", "settings.departments", admin},
                        {"roles", "settings.roles", admin},
                        {"fields", "settings.fields", configurator},
                        {"pipelines", "settings.pipelines", configurator},
                        {"types", "settings.types", admin},
                        {"documents", "settings.documents", admin},
                        {"data", "settings.data", admin}};
  ImGui::SetCursorPosX(margin);
  // The page buttons wrap where the width ends (a tablet, a phone).
  FlowRow row(ImGui::GetCursorScreenPos().x + width, margin);
  for (const auto& p : pages) {
    if (!p.allowed) continue;
    row.next(button_width(tr(p.key)));
    const bool shown = view.settings == p.id;
    if (button(tr(p.key), "settingspage:" + std::string(p.id), shown)) {
      view.settings = p.id;
      out.navigated = true;
    }
    sem_last("settingspage:" + std::string(p.id)).selected = shown;
  }
  ImGui::Dummy(ImVec2(0, px(6)));
  ImGui::SetCursorPosX(margin);
  // The page scrolls under the row of page buttons.
  ImGui::BeginChild("settingsbody", ImVec2(width + px(14), ImGui::GetContentRegionAvail().y - margin), false,
                    ImGuiWindowFlags_NoBackground);
  panel_begin("settings", width);
  const float inner = width - px(40);
  bool shown = false;
  for (const auto& p : pages) {
    if (view.settings != p.id) continue;
    if (!p.allowed) break;
    shown = true;
    if (view.settings == "users") users_page(ws, env, out, inner);
    if (view.settings == "departments") departments_page(ws, env, out, inner);
    if (view.settings == "roles") roles_page(ws, env, out, inner);
    if (view.settings == "fields") fields_page(ws, env, out, inner);
    if (view.settings == "pipelines") pipelines_page(ws, env, out, inner);
    if (view.settings == "types") types_page(ws, env, out, inner);
    if (view.settings == "data") data_settings_page(ws, env, out, inner);
    if (view.settings == "documents") documents_settings_page(ws, env, out, inner);
  }
  if (!shown) {
    ImGui::TextUnformatted(tr("settings.forbidden"));
    sem_item("settings:forbidden", "alert", tr("settings.forbidden"));
  }
  panel_end();
  ImGui::EndChild();
}

}  // namespace kt::ui
