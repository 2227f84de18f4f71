// Settings → Documents (SPEC §8): the company's own details, document templates and numerators. Every
// change is checked here first (the same checks the core makes) so that a mistake shows inline.
#include "ui/settings_documents.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <charconv>

#include "core/documents.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "ui/form_send.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct CompanyForm {
  bool loaded = false;
  MyCompany draft;
};

struct TemplateForm {
  bool open = false, fresh = false;
  DocTemplate t;
  int region = 0;     // 0 ru, 1 en
  int numerator = 0;  // 0 none, else index + 1
  bool everyone = true;
  std::string error;
};

struct NumeratorForm {
  bool open = false, fresh = false;
  Numerator n;
  std::string start, step, length;
  int periodic = 0;
  std::string error;
};

CompanyForm g_company;
TemplateForm g_tpl;
NumeratorForm g_num;

constexpr const char* kPeriods[] = {"", "year", "month", "day"};

void company_section(const Workspace& ws, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  if (!g_company.loaded) {
    g_company.draft = s.my_company;
    g_company.loaded = true;
  }
  heading(tr("docs.company"), "heading:docs-company");
  muted_text(tr("docs.company_hint"));
  MyCompany& m = g_company.draft;
  struct Row {
    const char* key;
    std::string* value;
  };
  const Row rows[] = {{"docs.co.name", &m.name},       {"docs.co.inn", &m.inn},
                      {"docs.co.kpp", &m.kpp},         {"docs.co.ogrn", &m.ogrn},
                      {"docs.co.address", &m.address}, {"docs.co.phone", &m.phone},
                      {"docs.co.email", &m.email},     {"docs.co.bank", &m.bank},
                      {"docs.co.bik", &m.bik},         {"docs.co.account", &m.account},
                      {"docs.co.corr", &m.corr_account}, {"docs.co.director", &m.director},
                      {"docs.co.accountant", &m.accountant}};
  // Two columns where they are wide enough for a bank account number; one on a phone.
  const bool two = (width - px(20)) / 2 >= px(240);
  const float col = two ? (width - px(20)) / 2 : width;
  for (size_t i = 0; i < std::size(rows); ++i) {
    if (two && i % 2) {
      ImGui::SameLine(0, px(20));
      caption_at_line_top();
    }
    ImGui::BeginGroup();
    text_input(tr(rows[i].key), std::string("docs:") + rows[i].key, rows[i].value, col);
    ImGui::EndGroup();
  }
  const bool changed = !(m == s.my_company);
  if (button(tr("dialog.save"), "docs:company:save", true, changed)) out.commands.push_back(SetMyCompany{m});
  if (changed) {
    ImGui::SameLine();
    if (button(tr("dialog.cancel"), "docs:company:cancel")) g_company.loaded = false;
  }
}

void open_template(const Schema& s, const DocTemplate& t, bool fresh) {
  g_tpl = TemplateForm{};
  g_tpl.open = true;
  g_tpl.fresh = fresh;
  g_tpl.t = t;
  g_tpl.region = t.region == "en" ? 1 : 0;
  for (size_t i = 0; i < s.numerators.size(); ++i)
    if (s.numerators[i].id == t.numerator_id) g_tpl.numerator = static_cast<int>(i) + 1;
  g_tpl.everyone = std::find(t.access.begin(), t.access.end(), "UA") != t.access.end();
}

// A template's fault as a person reads it: "Строка 3: {#Products} не закрыт: …".
std::string fault_text(const TemplateFault& f) {
  const std::string what = fill_placeholders(error_text(f.code), f.args);
  return f.line ? fill_placeholders(tr("err.tpl_line"), {std::to_string(f.line), what}) : what;
}

void template_dialog(const Workspace& ws, const UiEnv& env, UiOutput& out) {
  if (!g_tpl.open) return;
  const Schema& s = ws.schema();
  const float w = dialog_width(760);
  if (!dialog_begin(tr(g_tpl.fresh ? "docs.tpl.new" : "docs.tpl.edit"), "tplform", &g_tpl.open, w)) return;
  DocTemplate& t = g_tpl.t;
  dialog_body_begin("tplform:body");
  const float fw = ImGui::GetContentRegionAvail().x - px(4);  // the body's width, its scroll bar excluded
  // Two fields side by side, each a caption over its box (grouped, so that both start at the same height);
  // one under the other on a phone.
  const bool phone = is_phone();
  const float half = phone ? fw : fw / 2 - px(8);
  auto pair = [&](const auto& left, const auto& right) {
    ImGui::BeginGroup();
    left();
    ImGui::EndGroup();
    if (!phone) {
      ImGui::SameLine(0, px(16));
      caption_at_line_top();
    }
    ImGui::BeginGroup();
    right();
    ImGui::EndGroup();
  };
  pair([&] { text_input(tr("docs.tpl.name_ru"), "tplform:name_ru", &t.name.ru, half); },
       [&] { text_input(tr("docs.tpl.name_en"), "tplform:name_en", &t.name.en, half); });
  caption(tr("docs.tpl.for"));
  const float right = ImGui::GetCursorScreenPos().x + fw;
  FlowRow kinds(right, ImGui::GetCursorPosX(), px(12));
  for (const auto& e : s.entities) {
    bool on = std::any_of(t.targets.begin(), t.targets.end(), [&](const TemplateTarget& x) { return x.entity == e.id; });
    const std::string name = e.plural.get(language());
    kinds.next(checkbox_width(name));
    if (checkbox(name, "tplform:for:" + e.id, &on)) {
      if (on) t.targets.push_back({e.id, ""});
      else t.targets.erase(std::remove_if(t.targets.begin(), t.targets.end(), [&](const TemplateTarget& x) { return x.entity == e.id; }), t.targets.end());
    }
  }
  std::vector<std::string> nums{tr("docs.tpl.no_number")};
  for (const auto& n : s.numerators) nums.push_back(n.name.get(language()) + "  (" + n.pattern + ")");
  std::vector<std::string> regions{"Русский", "English"};
  pair([&] { combo(tr("docs.tpl.numerator"), "tplform:numerator", nums, &g_tpl.numerator, half); },
       [&] { combo(tr("docs.tpl.region"), "tplform:region", regions, &g_tpl.region, half); });
  FlowRow flags(right, ImGui::GetCursorPosX(), px(20));
  flags.next(checkbox_width(tr("docs.tpl.everyone")));
  checkbox(tr("docs.tpl.everyone"), "tplform:everyone", &g_tpl.everyone);
  flags.next(checkbox_width(tr("docs.tpl.active")));
  checkbox(tr("docs.tpl.active"), "tplform:active", &t.active);
  // The body, with the placeholders of the first kind it is for: a click adds one at the end. On a phone the
  // placeholders wrap under the body.
  const float body_w = phone ? fw : fw * 0.66f;
  caption(tr("docs.tpl.body"));
  ImGui::InputTextMultiline("##body", &t.body, ImVec2(body_w, px(300)));
  sem_item("tplform:body", "textbox", tr("docs.tpl.body"), t.body).multiline = true;
  if (!phone) ImGui::SameLine(0, px(12));
  ImGui::BeginChild("placeholders", ImVec2(phone ? fw : fw - body_w - px(12), phone ? px(200) : px(300)), true);
  ImGui::PushFont(fonts().small);
  const std::string entity = t.targets.empty() ? "deal" : t.targets.front().entity;
  FlowRow tags(ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x, ImGui::GetCursorPosX(), px(12));
  for (const auto& p : placeholders_for(s, entity, language())) {
    const std::string tag = "{" + p.name + "}";
    if (phone) tags.next(link_width(tag));
    if (link(tag, "tplform:ph:" + p.name, color::kLink)) t.body += tag;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.title.c_str());
  }
  ImGui::PopFont();
  ImGui::EndChild();
  muted_text(tr("docs.tpl.syntax"));
  dialog_body_end();
  if (!g_tpl.error.empty()) error_text_line(g_tpl.error, "tplform:error");
  if (button(tr("dialog.save"), "tplform:save", true)) {
    t.region = g_tpl.region == 1 ? "en" : "ru";
    t.numerator_id = g_tpl.numerator > 0 ? s.numerators[static_cast<size_t>(g_tpl.numerator) - 1].id : "";
    t.access.erase(std::remove(t.access.begin(), t.access.end(), "UA"), t.access.end());
    if (g_tpl.everyone) t.access.push_back("UA");
    // A broken template is said with its line (check_template's fault); the rest as the core says it.
    if (TemplateFault fault; !check_template(t, &fault).empty()) g_tpl.error = fault_text(fault);
    else send_if_accepted(ws, env, PutTemplate{t, false}, &g_tpl.error, &g_tpl.open, out);
  }
  ImGui::SameLine();
  if (!g_tpl.fresh && button(tr("settings.delete"), "tplform:delete"))
    send_if_accepted(ws, env, PutTemplate{t, true}, &g_tpl.error, &g_tpl.open, out);
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "tplform:cancel")) {
    g_tpl.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

void open_numerator(const Numerator& n, bool fresh) {
  g_num = NumeratorForm{};
  g_num.open = true;
  g_num.fresh = fresh;
  g_num.n = n;
  g_num.start = std::to_string(n.start);
  g_num.step = std::to_string(n.step);
  g_num.length = std::to_string(n.length);
  for (size_t i = 0; i < std::size(kPeriods); ++i)
    if (n.periodic == kPeriods[i]) g_num.periodic = static_cast<int>(i);
}

void numerator_dialog(const Workspace& ws, const UiEnv& env, UiOutput& out) {
  if (!g_num.open) return;
  const float w = dialog_width(520);
  if (!dialog_begin(tr(g_num.fresh ? "docs.num.new" : "docs.num.edit"), "numform", &g_num.open, w)) return;
  const float fw = w - px(48);
  Numerator& n = g_num.n;
  text_input(tr("docs.num.name"), "numform:name", &n.name.ru, fw);
  text_input(tr("docs.num.pattern"), "numform:pattern", &n.pattern, fw, "СЧ-{YEAR}-{NUMBER}");
  muted_text(tr("docs.num.pattern_hint"));
  const float third = (fw - px(32)) / 3;
  // Three boxes on a line, their captions level.
  const std::tuple<const char*, const char*, std::string*> numbers_row[] = {
      {"docs.num.start", "numform:start", &g_num.start}, {"docs.num.step", "numform:step", &g_num.step},
      {"docs.num.length", "numform:length", &g_num.length}};
  for (const auto& [label, id, value] : numbers_row) {
    if (value != &g_num.start) ImGui::SameLine(0, px(16));
    ImGui::BeginGroup();
    caption_at_line_top();
    text_input(tr(label), id, value, third);
    ImGui::EndGroup();
  }
  std::vector<std::string> periods;
  for (size_t i = 0; i < std::size(kPeriods); ++i) periods.push_back(tr(("docs.num.period." + std::to_string(i)).c_str()));
  combo(tr("docs.num.periodic"), "numform:periodic", periods, &g_num.periodic, fw);
  // What the next number would look like; in its place, while there is one, what stops it (said as it is
  // typed: the numbers, then the pattern against the reset period).
  Numerator probe = n;
  std::string problem;
  std::int64_t v = 0;
  for (const auto& [label, id, value] : numbers_row)
    if (problem.empty() && !parse_int64(*value, &v)) problem = std::string(tr(label)) + ": " + tr("err.invalid_number");
  if (parse_int64(g_num.start, &v)) probe.start = v;
  if (parse_int64(g_num.step, &v)) probe.step = v;
  if (parse_int64(g_num.length, &v)) probe.length = static_cast<int>(std::clamp<std::int64_t>(v, -1, 21));
  probe.periodic = kPeriods[std::clamp(g_num.periodic, 0, static_cast<int>(std::size(kPeriods)) - 1)];
  std::string code;
  if (problem.empty() && !check_numerator(probe, &code).empty()) problem = error_text(code);
  if (problem.empty()) {
    auto st = ws.schema().numerator_states.find(n.id);
    const NumeratorState state = st == ws.schema().numerator_states.end() || g_num.fresh ? NumeratorState{} : st->second;
    const std::string next = next_number(probe, state, env.now_ms, env.tz_minutes).number;
    muted_text(std::string(tr("docs.num.next")) + ": " + next);
    sem_item("numform:next", "text", tr("docs.num.next"), next);
  } else {
    error_text_line(problem, "numform:problem");
  }
  if (!g_num.error.empty()) error_text_line(g_num.error, "numform:error");
  if (button(tr("dialog.save"), "numform:save", true)) {
    g_num.error.clear();
    probe.name.en = probe.name.en.empty() ? probe.name.ru : probe.name.en;
    if (problem.empty()) send_if_accepted(ws, env, PutNumerator{probe, false}, &g_num.error, &g_num.open, out);
  }
  ImGui::SameLine();
  if (!g_num.fresh && button(tr("settings.delete"), "numform:delete"))
    send_if_accepted(ws, env, PutNumerator{n, true}, &g_num.error, &g_num.open, out);
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "numform:cancel")) {
    g_num.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

}  // namespace

void documents_settings_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width) {
  const Schema& s = ws.schema();
  // Templates.
  heading(tr("docs.templates"), "heading:docs-templates");
  for (const auto& t : s.templates) {
    std::string kinds;
    for (const auto& x : t.targets)
      if (const EntityType* e = s.entity(x.entity)) kinds += (kinds.empty() ? "" : ", ") + e->plural.get(language());
    const std::string line = t.name.get(language()) + "  ·  " + kinds + (t.active ? "" : "  ·  " + std::string(tr("docs.inactive")));
    if (link(line, "docs:tpl:" + t.id, color::kLink)) open_template(s, t, false);
  }
  if (button(std::string("+ ") + tr("docs.tpl.new"), "docs:tpl:add")) {
    DocTemplate t;
    t.id = env.new_id ? env.new_id("tpl") : "tpl";
    t.targets = {{"deal", ""}};
    t.access = {"UA"};
    t.body = "<h1>{DocumentTitle}</h1>\n<p>{Title}</p>\n";
    open_template(s, t, true);
  }
  ImGui::Dummy(ImVec2(0, px(12)));
  // Numerators.
  heading(tr("docs.numerators"), "heading:docs-numerators");
  for (const auto& n : s.numerators) {
    const std::string line = n.name.get(language()) + "  ·  " + n.pattern;
    if (link(line, "docs:num:" + n.id, color::kLink)) open_numerator(n, false);
  }
  if (button(std::string("+ ") + tr("docs.num.new"), "docs:num:add")) {
    Numerator n;
    n.id = env.new_id ? env.new_id("num") : "num";
    n.pattern = "{NUMBER}";
    open_numerator(n, true);
  }
  ImGui::Dummy(ImVec2(0, px(12)));
  company_section(ws, out, width);
  template_dialog(ws, env, out);
  numerator_dialog(ws, env, out);
}

}  // namespace kt::ui
