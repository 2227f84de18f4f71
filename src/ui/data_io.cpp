#include "ui/data_io.hpp"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/calendar.hpp"
#include "core/io/backup.hpp"
#include "core/io/csv.hpp"
#include "core/io/export.hpp"
#include "core/io/ics.hpp"
#include "core/io/import.hpp"
#include "core/io/vcard.hpp"
#include "core/rights.hpp"
#include "core/text.hpp"
#include "platform/files.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

std::string fmt(const char* pattern, long long a) {
  char buf[256];
  std::snprintf(buf, sizeof buf, pattern, a);
  return buf;
}
std::string fmt(const char* pattern, long long a, long long b) {
  char buf[256];
  std::snprintf(buf, sizeof buf, pattern, a, b);
  return buf;
}

std::string today(std::int64_t now_ms) { return iso(utc_from_ms(now_ms).date); }

// The bytes of a picked file: the app reads small files for us; big ones are read here. Either way the
// copy in the local file store goes, since an imported file is not an attachment.
std::string file_bytes(const PickedFile& f) {
  std::string bytes = f.text;
  const std::string path = platform::files_dir() + "/" + f.id;
  if (bytes.empty() && f.size > 0) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  std::remove(path.c_str());
  return bytes;
}

void progress(float fraction, const std::string& text, const std::string& id, float width) {
  ImGui::ProgressBar(fraction, ImVec2(width, px(22)), text.c_str());
  SemNode& n = sem_item(id, "progressbar", text, std::to_string(static_cast<int>(fraction * 100)));
  (void)n;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Import state
// ---------------------------------------------------------------------------------------------------------

enum class Step { Choose, Map, Checking, Review, Importing, Done };

struct ImportUi {
  bool open = false;
  Step step = Step::Choose;
  std::string entity;
  std::string error;

  // The file.
  std::string file_name;
  bool vcard = false;
  io::Encoding encoding = io::Encoding::Utf8;
  char delimiter = ';';
  std::unique_ptr<std::string> text;  // UTF-8; the reader points into it
  std::vector<std::string> header;
  std::vector<io::CsvRecord> preview;  // the first rows
  io::VCardTable cards;                // vCard files, as a table
  std::vector<std::string> columns;    // the mapping: a field per column ("" = not imported)
  bool create_companies = false;

  // Checking and writing.
  std::unique_ptr<io::CsvReader> reader;
  size_t next_card = 0;
  std::unique_ptr<io::ImportPlanner> planner;
  io::DuplicateAction action = io::DuplicateAction::Skip;
  size_t to_create = 0, to_merge = 0;
  std::vector<std::string> created;
  bool undone = false;
};

ImportUi& import_ui() {
  static ImportUi u;
  return u;
}

constexpr size_t kPreviewRows = 5;
constexpr double kFrameBudget = 0.012;  // seconds of work per frame, so that the page stays responsive

bool has_company_link(const Schema& s, const std::string& entity) {
  const FieldDef* f = s.field(entity, "COMPANY_ID");
  return f && f->type == FieldType::CrmBinding;
}

void load_file(const Workspace& ws, const UiEnv& env, ImportUi& u, const PickedFile& f) {
  const std::string bytes = file_bytes(f);
  u.file_name = f.name;
  u.error.clear();
  u.preview.clear();
  u.header.clear();
  u.cards = {};
  u.reader.reset();
  u.planner.reset();
  if (bytes.empty()) {
    u.error = tr("io.file_empty");
    return;
  }
  u.vcard = ends_with_nocase(f.name, ".vcf") || ends_with_nocase(f.name, ".vcard") || bytes.find("BEGIN:VCARD") != std::string::npos;
  if (u.vcard) {
    std::vector<io::VCardProblem> problems;
    auto cards = io::parse_vcards(bytes, &problems);
    if (cards.empty()) {
      u.error = tr("io.file_holds_no_vcards");
      return;
    }
    u.entity = "contact";
    u.cards = io::vcards_as_table(cards);
    u.header = u.cards.header;
    u.columns = u.cards.columns;
    // Columns the user may not import into are not offered.
    const auto fields = io::importable_fields(ws.schema(), env.user, u.entity);
    for (auto& c : u.columns)
      if (std::find(fields.begin(), fields.end(), c) == fields.end()) c.clear();
    for (size_t i = 0; i < u.cards.rows.size() && i < kPreviewRows; ++i)
      u.preview.push_back(io::CsvRecord{u.cards.rows[i], u.cards.lines[i], {}});
  } else {
    u.encoding = io::detect_encoding(bytes);
    u.text = std::make_unique<std::string>(io::to_utf8(bytes, u.encoding));
    u.delimiter = io::detect_delimiter(*u.text);
    io::CsvReader r(*u.text, u.delimiter);
    io::CsvRecord rec;
    if (!r.next(&rec)) {
      u.error = tr("io.file_empty");
      return;
    }
    u.header = rec.fields;
    while (u.preview.size() < kPreviewRows && r.next(&rec)) u.preview.push_back(rec);
    u.columns = io::suggest_mapping(ws.schema(), env.user, u.entity, u.header);
  }
  u.create_companies = has_company_link(ws.schema(), u.entity);
  u.step = Step::Map;
}

void start_checking(const Workspace& ws, const UiEnv& env, ImportUi& u) {
  io::ImportOptions o;
  o.entity = u.entity;
  o.columns = u.columns;
  o.create_companies = u.create_companies;
  u.planner = std::make_unique<io::ImportPlanner>(ws, env.user, o, u.header);
  if (!u.planner->status()) {
    u.error = u.planner->status().message;
    u.planner.reset();
    return;
  }
  u.error.clear();
  u.next_card = 0;
  if (!u.vcard) {
    u.reader = std::make_unique<io::CsvReader>(*u.text, u.delimiter);
    io::CsvRecord skip;
    u.reader->next(&skip);  // the header
  }
  u.step = Step::Checking;
}

// Checks rows for a frame's worth of time; true when every row is checked.
bool check_some(const Workspace& ws, ImportUi& u) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  size_t n = 0;
  if (u.vcard) {
    while (u.next_card < u.cards.rows.size()) {
      u.planner->add_row(ws, u.cards.lines[u.next_card], u.cards.rows[u.next_card]);
      ++u.next_card;
      if (++n % 64 == 0 && elapsed() > kFrameBudget) return false;
    }
    return true;
  }
  io::CsvRecord rec;
  while (u.reader->next(&rec)) {
    u.planner->add_row(ws, rec.line, rec.fields, rec.error);
    if (++n % 64 == 0 && elapsed() > kFrameBudget) return false;
  }
  return true;
}

float checked_fraction(const ImportUi& u) {
  if (u.vcard) return u.cards.rows.empty() ? 1.f : static_cast<float>(u.next_card) / static_cast<float>(u.cards.rows.size());
  if (!u.reader || u.reader->size() == 0) return 1.f;
  return static_cast<float>(u.reader->offset()) / static_cast<float>(u.reader->size());
}

// What a rejection says, in the user's language where the code is known.
std::string reason_text(const Workspace& ws, const std::string& entity, const io::Rejection& r) {
  if (r.code == "required_missing") {
    std::string names;
    std::stringstream ss(r.value);
    std::string id;
    while (std::getline(ss, id, ',')) {
      const FieldDef* f = ws.schema().field(entity, id);
      names += (names.empty() ? "" : ", ") + (f ? f->label.get(language()) : id);
    }
    return std::string(tr("io.required_fields_are_empty")) + names;
  }
  if (r.code == "unclosed_quote") return tr("io.unclosed_quote");
  if (r.code == "too_many_values") return tr("io.too_many_values");
  if (r.code == "no_values") return tr("io.no_imported_value");
  if (r.code == "unknown_option") return std::string(tr("io.no_such_option")) + r.value;
  if (r.code == "unknown_item") return std::string(tr("io.not_found")) + r.value;
  if (r.code == "ambiguous_item") return std::string(tr("io.several_items_have_this")) + r.value;
  if (r.code == "unknown_user") return std::string(tr("io.no_such_employee")) + r.value;
  if (r.code == "unknown_stage") return std::string(tr("io.no_such_stage")) + r.value;
  const std::string known = error_text(r.code);
  if (known != tr("err.generic")) return known + (r.value.empty() ? "" : " (" + r.value + ")");
  return r.message;
}

std::string rejections_csv(const Workspace& ws, const ImportUi& u) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({tr("io.row"), tr("io.file_line"), tr("io.column"), tr("io.value"),
                  tr("io.reason")});
  for (const auto& r : u.planner->rejections())
    rows.push_back({std::to_string(r.row), std::to_string(r.line), r.column_name, r.code == "required_missing" ? "" : r.value,
                    reason_text(ws, u.entity, r)});
  io::CsvWriteOptions o;
  o.delimiter = language() == Lang::Ru ? ';' : ',';
  return io::write_csv(rows, o);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Import steps
// ---------------------------------------------------------------------------------------------------------

void step_choose(const Workspace& ws, const UiEnv& env, ImportUi& u, UiOutput& out, float w) {
  const Schema& s = ws.schema();
  std::vector<std::string> ids, names;
  for (const auto& e : s.entities) {
    const Pipeline* p = s.default_pipeline(e.id);
    if (!can_add(s, env.user, e.id, p ? p->id : "")) continue;
    ids.push_back(e.id);
    names.push_back(e.plural.get(language()));
  }
  int index = static_cast<int>(std::find(ids.begin(), ids.end(), u.entity) - ids.begin());
  if (index >= static_cast<int>(ids.size())) index = ids.empty() ? -1 : 0;
  if (combo(tr("io.what_import"), "import:entity", names, &index, px(300)) || (index >= 0 && u.entity != ids[index]))
    u.entity = ids[static_cast<size_t>(index)];
  ImGui::Dummy(ImVec2(0, px(6)));
  muted_text(tr("io.import_hint"));
  ImGui::Dummy(ImVec2(0, px(6)));
  if (button(tr("io.choose_file"), "import:pick", true, index >= 0))
    out.pick_file = std::make_pair(std::string("data-import"),
                                   std::string(".csv,.tsv,.txt,.vcf,text/csv,text/plain,text/vcard,text/x-vcard"));
  (void)w;
}

void step_map(const Workspace& ws, const UiEnv& env, ImportUi& u, float w) {
  const Schema& s = ws.schema();
  std::string info = u.file_name;
  if (!u.vcard) {
    info += "  ·  " + std::string(io::encoding_name(u.encoding)) + "  ·  ";
    info += u.delimiter == ';' ? tr("io.found_delimiter.semicolon")
            : u.delimiter == ',' ? tr("io.found_delimiter.comma")
            : u.delimiter == '\t' ? tr("io.found_delimiter.tab")
                                  : tr("io.found_delimiter.bar");
  } else {
    info += "  ·  vCard  ·  " + fmt(tr("io.cards_n"), static_cast<long long>(u.cards.rows.size()));
  }
  muted_text(info);
  sem_item("import:fileinfo", "status", info);
  if (!u.vcard) {
    const char* delims = ";,\t|";
    std::vector<std::string> names = {tr("io.delimiter.semicolon"), tr("io.delimiter.comma"), tr("io.delimiter.tab"),
                                      tr("io.delimiter.bar")};
    int d = static_cast<int>(std::string(delims).find(u.delimiter));
    if (combo(tr("io.delimiter"), "import:delimiter", names, &d, px(200)) && d >= 0) {
      u.delimiter = delims[d];
      io::CsvReader r(*u.text, u.delimiter);
      io::CsvRecord rec;
      u.preview.clear();
      if (r.next(&rec)) u.header = rec.fields;
      while (u.preview.size() < kPreviewRows && r.next(&rec)) u.preview.push_back(rec);
      u.columns = io::suggest_mapping(s, env.user, u.entity, u.header);
    }
  }
  ImGui::Dummy(ImVec2(0, px(4)));
  ImGui::TextUnformatted(tr("io.match_files_columns_with"));

  const auto fields = io::importable_fields(s, env.user, u.entity);
  std::vector<std::string> labels = {tr("io.do_not_import")};
  for (const auto& f : fields) labels.push_back(io::target_label(s, u.entity, f, language()));
  u.columns.resize(u.header.size());
  const size_t shown = std::min<size_t>(u.preview.size(), 3);
  // A column's cell of preview row r, on one line.
  auto sample = [&](size_t r, size_t c) {
    const auto& cells = u.preview[r].fields;
    std::string v = c < cells.size() ? cells[c] : std::string();
    std::replace(v.begin(), v.end(), '\n', ' ');
    std::replace(v.begin(), v.end(), '\r', ' ');
    return v;
  };
  // The field a column goes to, named after the file's column, as a sighted user reads it.
  auto mapping = [&](size_t c, float width) {
    int index = 0;
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i] == u.columns[c]) index = static_cast<int>(i) + 1;
    if (combo("", "import:map:" + std::to_string(c), labels, &index, width,
              tr("io.field_for_column") + u.header[c] + tr("io.field_for_column_end")))
      u.columns[c] = index <= 0 ? std::string() : fields[static_cast<size_t>(index - 1)];
  };
  if (is_phone()) {
    // A block per column of the file: its heading, what its first rows hold, and the field it goes to.
    for (size_t c = 0; c < u.header.size(); ++c) {
      if (c > 0) ImGui::Separator();
      ImGui::PushFont(fonts().medium);
      ImGui::TextUnformatted(u.header[c].c_str());
      ImGui::PopFont();
      sem_item("import:col:" + std::to_string(c), "text", u.header[c]);
      std::string rows;
      for (size_t r = 0; r < shown; ++r) rows += (r ? "  ·  " : "") + sample(r, c);
      if (!rows.empty()) {
        muted_text(rows);
        sem_item("import:samples:" + std::to_string(c), "text", rows);
      }
      mapping(c, w);
      ImGui::Dummy(ImVec2(0, px(4)));
    }
  } else if (ImGui::BeginTable("mapping", 2 + static_cast<int>(shown),
                               ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn(tr("io.file_column"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(tr("io.field"), ImGuiTableColumnFlags_WidthFixed, px(240));
    for (size_t r = 0; r < shown; ++r)
      ImGui::TableSetupColumn(fmt(tr("io.row_n"), static_cast<long long>(r + 1)).c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (size_t c = 0; c < u.header.size(); ++c) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(u.header[c].c_str());
      sem_item("import:col:" + std::to_string(c), "cell", u.header[c]);
      ImGui::TableNextColumn();
      mapping(c, px(232));
      for (size_t r = 0; r < shown; ++r) {
        ImGui::TableNextColumn();
        const std::string v = sample(r, c);
        text_clipped(v, ImGui::GetContentRegionAvail().x, color::kText);
        sem_item("import:preview:" + std::to_string(r) + ":" + std::to_string(c), "cell", v);
      }
    }
    ImGui::EndTable();
  }
  if (has_company_link(s, u.entity))
    checkbox(tr("io.create_companies_do_not"), "import:create_companies",
             &u.create_companies);
}

void step_review(const Workspace& ws, ImportUi& u, UiOutput& out, const UiEnv& env, float w) {
  io::ImportPlanner& p = *u.planner;
  const std::string summary = fmt(tr("io.rows_checked_ready_import"),
                                  static_cast<long long>(p.rows_seen()), static_cast<long long>(p.rows_planned()));
  ImGui::TextUnformatted(summary.c_str());
  sem_item("import:summary", "status", summary, std::to_string(p.rows_planned()));
  if (!p.new_companies().empty()) {
    const std::string c = fmt(tr("io.companies_create"), static_cast<long long>(p.new_companies().size()));
    muted_text(c);
  }
  if (p.rows_rejected() > 0) {
    const std::string r = fmt(tr("io.rows_rejected_they_not"),
                              static_cast<long long>(p.rows_rejected()));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
    ImGui::TextUnformatted(r.c_str());
    ImGui::PopStyleColor();
    sem_item("import:rejected", "alert", r, std::to_string(p.rows_rejected()));
    const size_t n = std::min<size_t>(p.rejections().size(), 500);
    ImGui::BeginChild("import:rejections", ImVec2(w, std::min(px(240), px(26) * static_cast<float>(n + 1) + px(8))), true);
    if (ImGui::BeginTable("rejections", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn(tr("io.row"), ImGuiTableColumnFlags_WidthFixed, px(60));
      ImGui::TableSetupColumn(tr("io.column"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn(tr("io.value"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn(tr("io.reason"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
      ImGui::TableHeadersRow();
      ImGuiListClipper clip;
      clip.Begin(static_cast<int>(n));
      while (clip.Step())
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
          const io::Rejection& r = p.rejections()[static_cast<size_t>(i)];
          const std::string reason = reason_text(ws, u.entity, r);
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::Text("%d", static_cast<int>(r.row));
          ImGui::TableNextColumn();
          text_clipped(r.column >= 0 ? r.column_name : std::string("—"), ImGui::GetContentRegionAvail().x, color::kText);
          ImGui::TableNextColumn();
          text_clipped(r.code == "required_missing" ? std::string() : r.value, ImGui::GetContentRegionAvail().x, color::kText);
          ImGui::TableNextColumn();
          text_clipped(reason, ImGui::GetContentRegionAvail().x, color::kError);
          SemNode& node = sem_item("import:rejection:" + std::to_string(i), "row",
                                   fmt(tr("io.row_n"), static_cast<long long>(r.row)) + ": " +
                                       (r.column >= 0 ? r.column_name + ": " : std::string()) + reason);
          node.value = r.code;
        }
      ImGui::EndTable();
    }
    ImGui::EndChild();
    if (link(tr("io.download_report_rejected_rows"), "import:report", color::kLink))
      out.download = UiOutput::Download{"rejected-rows-" + today(env.now_ms) + ".csv", "text/csv;charset=utf-8", rejections_csv(ws, u)};
  }
  if (p.duplicates() > 0) {
    ImGui::Dummy(ImVec2(0, px(6)));
    const std::string d = fmt(tr("io.duplicates_phone_e_mail"),
                              static_cast<long long>(p.duplicates()), static_cast<long long>(p.duplicates_of_existing()));
    ImGui::TextUnformatted(d.c_str());
    sem_item("import:duplicates", "status", d, std::to_string(p.duplicates()));
    struct Choice {
      io::DuplicateAction action;
      const char* id;
    };
    const Choice choices[] = {{io::DuplicateAction::Skip, "skip"}, {io::DuplicateAction::Merge, "merge"},
                              {io::DuplicateAction::Create, "create"}};
    for (const auto& c : choices) {
      if (button(tr((std::string("io.dup.") + c.id).c_str()), std::string("import:dup:") + c.id, u.action == c.action))
        u.action = c.action;
      ImGui::SameLine();
    }
    ImGui::NewLine();
  }
}

void draw_import(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out) {
  ImportUi& u = import_ui();
  if (!u.open) return;
  if (auto f = take_file("data-import")) load_file(ws, env, u, *f);
  const float w = dialog_width(820);
  const bool working = u.step == Step::Checking || u.step == Step::Importing;
  bool open = true;
  if (!dialog_begin(tr("io.import_data"), "dataimport", &open, w)) {
    if (!working) u = ImportUi{};
    return;
  }
  if (!open && !working) {
    u = ImportUi{};
    ImGui::CloseCurrentPopup();
    dialog_end();
    return;
  }
  const float inner = w - px(48);
  dialog_body_begin("dataimport");
  switch (u.step) {
    case Step::Choose: step_choose(ws, env, u, out, inner); break;
    case Step::Map: step_map(ws, env, u, inner); break;
    case Step::Checking: {
      if (check_some(ws, u)) {
        u.step = Step::Review;
        u.reader.reset();
      }
      const std::string text = fmt(tr("io.checking_rows"), static_cast<long long>(u.planner->rows_seen()));
      progress(checked_fraction(u), text, "import:progress", inner);
      break;
    }
    case Step::Review: step_review(ws, u, out, env, inner); break;
    case Step::Importing: {
      io::ImportPlanner& p = *u.planner;
      // A chunk of commands per frame: dispatched by the app after this frame, like any edit.
      const auto start = std::chrono::steady_clock::now();
      std::function<std::string(const std::string&)> new_id = env.new_id;
      do {
        auto cmds = p.next_commands(ws, 200, u.action, new_id);
        for (auto& c : cmds) out.commands.push_back(std::move(c));
        // Merges read the items as they are: the next batch waits until this one is applied.
        if (cmds.empty() || out.commands.size() >= 2000 || u.action == io::DuplicateAction::Merge) break;
      } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < kFrameBudget / 2 &&
               p.steps_done() < p.steps_total());
      if (p.steps_done() >= p.steps_total()) {
        u.created = p.created_ids();
        u.step = Step::Done;
      }
      const float fraction = p.steps_total() ? static_cast<float>(p.steps_done()) / static_cast<float>(p.steps_total()) : 1.f;
      progress(fraction, fmt(tr("io.importing"), static_cast<long long>(p.steps_done()),
                             static_cast<long long>(p.steps_total())),
               "import:progress", inner);
      break;
    }
    case Step::Done: {
      const std::string text = u.undone ? std::string(tr("io.import_undone_items_created"))
                                        : fmt(tr("io.done_created_merged"),
                                              static_cast<long long>(u.to_create), static_cast<long long>(u.to_merge));
      ImGui::TextUnformatted(text.c_str());
      sem_item("import:done", "status", text, std::to_string(u.to_create));
      break;
    }
  }
  if (!u.error.empty()) error_text_line(u.error, "import:error");
  dialog_body_end();

  // Buttons.
  switch (u.step) {
    case Step::Map:
      if (button(tr("io.check_rows"), "import:check", true)) start_checking(ws, env, u);
      ImGui::SameLine();
      if (button(tr("io.another_file"), "import:back")) u.step = Step::Choose;
      ImGui::SameLine();
      break;
    case Step::Review: {
      const size_t n = u.planner->would_create(u.action) + u.planner->would_merge(u.action);
      const std::string label = fmt(tr("io.import_n"), static_cast<long long>(u.planner->rows_planned()));
      if (button(label, "import:confirm", true, n > 0)) {
        u.to_create = u.planner->would_create(u.action);
        u.to_merge = u.planner->would_merge(u.action);
        u.step = Step::Importing;
      }
      ImGui::SameLine();
      if (button(tr("io.back_columns"), "import:remap")) {
        u.planner.reset();
        u.step = Step::Map;
      }
      ImGui::SameLine();
      break;
    }
    case Step::Done:
      if (button(tr("io.show_list"), "import:show", true)) {
        view.screen = Screen::List;
        view.entity = u.entity;
        view.board = false;
        view.item.clear();
        out.navigated = true;
        open = false;
      }
      ImGui::SameLine();
      if (!u.undone && !u.created.empty() &&
          button(tr("io.undo_import"), "import:undo")) {
        for (auto it = u.created.rbegin(); it != u.created.rend(); ++it) out.commands.push_back(DeleteItem{*it});
        u.undone = true;
      }
      ImGui::SameLine();
      break;
    default: break;
  }
  if (!working) {
    if (button(u.step == Step::Done ? tr("dialog.close") : tr("dialog.cancel"), "import:cancel")) open = false;
  } else if (u.step == Step::Checking && button(tr("io.stop"), "import:stop")) {
    u.planner.reset();
    u.reader.reset();
    u.step = Step::Map;
  }
  if (!open) {
    u = ImportUi{};
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Restore state
// ---------------------------------------------------------------------------------------------------------

struct RestoreUi {
  std::string file_name;
  std::string text;
  std::string error;
  bool ready = false;
  io::RestoreReport report;
  bool confirm = false;
};

RestoreUi& restore_ui() {
  static RestoreUi r;
  return r;
}

void report_table(const io::RestoreReport& r, const std::string& id) {
  if (!ImGui::BeginTable(id.c_str(), 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit)) return;
  auto row = [&](const std::string& name, size_t n, const std::string& key) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d", static_cast<int>(n));
    sem_item(id + ":" + key, "row", name + ": " + std::to_string(n), std::to_string(n));
  };
  for (const auto& k : r.kinds) row(k.name.get(language()), k.items, k.entity);
  row(tr("io.users"), r.users, "users");
  row(tr("io.departments"), r.departments, "departments");
  row(tr("io.roles"), r.roles, "roles");
  row(tr("io.pipelines"), r.pipelines, "pipelines");
  row(tr("io.custom_fields"), r.custom_fields, "custom_fields");
  row(tr("io.timeline_entries"), r.timeline_entries, "timeline");
  row(tr("io.comments"), r.comments, "comments");
  row(tr("io.todos"), r.todos, "todos");
  ImGui::EndTable();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Public
// ---------------------------------------------------------------------------------------------------------

void open_import_dialog(const std::string& entity) {
  ImportUi& u = import_ui();
  u = ImportUi{};
  u.open = true;
  u.entity = entity;
}

bool data_io_busy() {
  const ImportUi& u = import_ui();
  return u.open && (u.step == Step::Checking || u.step == Step::Importing);
}

void draw_data_io_dialogs(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out) {
  // A file dropped on the page: a backup goes to the restore page, a table or address book to the import.
  if (auto f = take_file("drop")) {
    std::string name = f->name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const bool json = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
    const bool vcf = name.size() > 4 && name.compare(name.size() - 4, 4, ".vcf") == 0;
    if (json && is_admin(ws.schema(), env.user)) {
      view.screen = Screen::Settings;
      view.settings = "data";
      out.navigated = true;
      f->purpose = "backup-restore";
      deliver_file(std::move(*f));
    } else if (json) {
      toast(tr("io.only_administrator_can_restore"), true);
    } else if (!data_io_busy()) {
      const std::string entity = vcf ? "contact" : view.screen == Screen::List ? view.entity : "contact";
      open_import_dialog(entity);
      f->purpose = "data-import";
      deliver_file(std::move(*f));
    }
  }
  draw_import(ws, env, view, out);
}

std::string data_io_menu_label() { return tr("io.import_export"); }

void data_io_list_menu(const Workspace& ws, const UiEnv& env, const std::string& entity,
                       const std::vector<std::string>& ids, const std::vector<std::string>& columns, UiOutput& out) {
  const Schema& s = ws.schema();
  if (button(data_io_menu_label(), "list:dataio")) ImGui::OpenPopup("dataio");
  if (!menu_begin("dataio")) return;
  const Pipeline* dp = s.default_pipeline(entity);
  const std::string date = today(env.now_ms);
  if (can_add(s, env.user, entity, dp ? dp->id : "")) {
    if (ImGui::Selectable(tr("io.import_from_csv_vcard"))) open_import_dialog(entity);
    sem_item("dataio:import", "menuitem", tr("io.import_from_csv_vcard"));
    ImGui::Separator();
  }
  const std::string csv_label = fmt(tr("io.export_csv"), static_cast<long long>(ids.size()));
  if (ImGui::Selectable(csv_label.c_str()))
    out.download = UiOutput::Download{entity + "-" + date + ".csv", "text/csv;charset=utf-8",
                                      io::export_csv(ws, env.user, entity, ids, columns, language())};
  sem_item("dataio:csv", "menuitem", csv_label);
  if (entity == "contact") {
    for (io::VCardVersion v : {io::VCardVersion::V3, io::VCardVersion::V4}) {
      const std::string label = v == io::VCardVersion::V3 ? tr("io.export_vcard_3_0")
                                                          : tr("io.export_vcard_4_0");
      if (ImGui::Selectable(label.c_str()))
        out.download = UiOutput::Download{"contacts-" + date + ".vcf", "text/vcard;charset=utf-8",
                                          io::export_vcards(ws, env.user, ids, v)};
      sem_item(v == io::VCardVersion::V3 ? "dataio:vcard3" : "dataio:vcard4", "menuitem", label);
    }
  }
  io::IcsOptions o;
  o.now_ms = env.now_ms;
  o.lang = language();
  if (const size_t n = io::count_ics(ws, env.user, ids, o); n > 0) {
    const std::string label = fmt(tr("io.todos_to_calendar"), static_cast<long long>(n));
    if (ImGui::Selectable(label.c_str()))
      out.download = UiOutput::Download{entity + "-todos-" + date + ".ics", "text/calendar;charset=utf-8", io::export_ics(ws, env.user, ids, o)};
    sem_item("dataio:ics", "menuitem", label);
  }
  menu_end();
}

void data_settings_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  RestoreUi& r = restore_ui();
  heading(tr("io.backup"), "backup:heading");
  muted_text(tr("io.backup_hint"));
  const io::RestoreReport current = io::describe(ws);
  if (button(tr("io.download_backup"), "backup:download", true)) {
    const User* u = ws.schema().user(env.user);
    out.download = UiOutput::Download{"kartoteka-backup-" + today(env.now_ms) + ".json", "application/json",
                                      io::make_backup(ws, u ? u->name : env.user, env.now_ms)};
  }
  ImGui::Dummy(ImVec2(0, px(16)));
  heading(tr("io.restore"), "restore:heading");
  if (env.connection.connected) {
    muted_text(tr("io.restore_local_only"));
    return;
  }
  muted_text(tr("io.restore_hint"));
  if (auto f = take_file("backup-restore")) {
    r = RestoreUi{};
    r.file_name = f->name;
    r.text = file_bytes(*f);
    Workspace probe;
    Status st = io::read_backup(r.text, env.now_ms, &probe, &r.report);
    if (!st) {
      r.error = std::string(tr("io.file_refused")) +
                (st.code == "backup_foreign"   ? tr("io.backup_foreign")
                 : st.code == "backup_not_json" ? tr("io.backup_not_json")
                 : st.code == "backup_newer"    ? tr("io.backup_newer")
                 : st.code == "backup_damaged"  ? tr("io.backup_damaged")
                 : st.code == "backup_empty"    ? tr("io.backup_empty")
                                                : st.message.c_str());
      r.text.clear();
    } else {
      r.ready = true;
    }
  }
  if (button(tr("io.choose_backup_file"), "restore:pick"))
    out.pick_file = std::make_pair(std::string("backup-restore"), std::string(".json,application/json"));
  if (!r.error.empty()) error_text_line(r.error, "restore:error");
  if (!r.ready) return;
  ImGui::Dummy(ImVec2(0, px(8)));
  const std::string replaced = fmt(tr("io.current_workspace_items_users"),
                                   static_cast<long long>(current.items), static_cast<long long>(current.users));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
  ImGui::TextWrapped("%s", replaced.c_str());
  ImGui::PopStyleColor();
  sem_item("restore:warning", "alert", replaced);
  if (button(tr("io.restore_confirm"), "restore:confirm", true)) {
    out.restore_backup = std::move(r.text);
    r = RestoreUi{};
    return;
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "restore:cancel")) {
    r = RestoreUi{};
    return;
  }
  ImGui::Dummy(ImVec2(0, px(6)));
  std::string what = std::string(tr("io.checked_file")) + r.file_name +
                     tr("io.would_create");
  ImGui::TextUnformatted(what.c_str());
  sem_item("restore:report", "status", what, std::to_string(r.report.items));
  report_table(r.report, "restore:counts");
  (void)width;
}

}  // namespace kt::ui
