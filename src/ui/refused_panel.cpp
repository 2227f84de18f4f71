#include "ui/refused_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/format.hpp"
#include "core/refused.hpp"
#include "ui/app_ui.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

bool g_open = false;

// A translation that exists (tr() returns the key itself for a missing one).
const char* known(const std::string& key) {
  const char* s = tr(key.c_str());
  return std::strcmp(s, key.c_str()) == 0 ? nullptr : s;
}

// "Поле «Сумма»: 1 000 ₽ → 777 000 ₽", "Комментарий: …", "Удаление".
std::string change_line(const ChangeText& t) {
  std::string what;
  if (t.kind == "field") {
    what = t.field_label;
  } else if (const char* k = known("refused.kind." + t.kind)) {
    what = k;
  } else {
    what = t.command;
  }
  if (t.kind == "config") what += " (" + t.command + ")";
  std::string values;
  if (!t.old_text.empty() && !t.new_text.empty()) values = t.old_text + "  \xe2\x86\x92  " + t.new_text;
  else if (!t.new_text.empty()) values = t.new_text;
  else if (t.kind == "field") values = std::string(tr("card.empty_value"));
  return values.empty() ? what : what + ": " + values;
}

std::string title_line(const ChangeText& t) {
  if (t.kind == "config" && t.item.empty()) return tr("refused.config");
  return t.entity.empty() ? t.item_title : t.entity + " \xc2\xab" + t.item_title + "\xc2\xbb";
}

}  // namespace

void open_refused_panel() { g_open = true; }
bool refused_panel_open() { return g_open; }

std::string refusal_reason(const std::string& code, const std::string& message) {
  if (!code.empty()) {
    if (const char* s = known("refused.err." + code)) return s;
    if (const char* s = known("err." + code)) return s;
  }
  if (!message.empty()) return message;
  return code.empty() ? std::string(tr("err.generic")) : code;
}

void draw_refused_panel(const Workspace& ws, const UiEnv& env, UiOutput& out) {
  if (!g_open) return;
  const size_t n = env.refused ? env.refused->size() : 0;
  char title[160];
  std::snprintf(title, sizeof title, tr("refused.title_n"), static_cast<int>(n));
  const float w = dialog_width(760);
  if (!dialog_begin(title, "refused", &g_open, w)) return;
  const float fw = w - px(48);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + fw);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
  ImGui::TextUnformatted(tr("refused.text"));
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
  sem_item("refused:text", "text", tr("refused.text"));
  ImGui::Dummy(ImVec2(0, px(4)));

  dialog_body_begin("refused");
  if (n == 0) {
    ImGui::TextDisabled("%s", tr("refused.empty"));
    sem_item("refused:empty", "text", tr("refused.empty"));
  } else {
    const float inner = ImGui::GetContentRegionAvail().x - px(4);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Newest first: the one just reported is on top.
    const auto& items = env.refused->items();
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      const RefusedChange& c = *it;
      const std::string id = refused_id(c.mutation);
      const ChangeText t = describe_change(ws, c, language());
      ImGui::PushID(id.c_str());
      const ImVec2 top = ImGui::GetCursorScreenPos();
      dl->ChannelsSplit(2);
      dl->ChannelsSetCurrent(1);
      ImGui::BeginGroup();
      ImGui::Dummy(ImVec2(inner, px(6)));
      ImGui::Indent(px(14));
      const float text_w = inner - px(28);

      // The item, and when the change was made.
      const std::string head = title_line(t);
      const std::string when = format_timestamp(c.mutation.time_ms, env.tz_minutes, language());
      const float when_w = text_width(when);
      const ImVec2 head_pos = ImGui::GetCursorScreenPos();
      ImGui::PushFont(fonts().medium);
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w - when_w - px(16));
      ImGui::TextUnformatted(head.c_str());
      ImGui::PopTextWrapPos();
      ImGui::PopFont();
      sem_item("refused:title:" + id, "heading", head);
      const ImVec2 when_pos(top.x + inner - px(14) - when_w, head_pos.y);
      dl->AddText(when_pos, color::kMuted, when.c_str());
      sem_rect("refused:when:" + id, "text", when, when_pos,
               ImVec2(when_pos.x + when_w, when_pos.y + ImGui::GetTextLineHeight()));

      // What it wrote, and why the server refused it.
      const std::string change = change_line(t);
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w);
      ImGui::TextUnformatted(change.c_str());
      sem_item("refused:change:" + id, "text", change, t.new_text);
      const std::string reason = std::string(tr("refused.reason")) + ": " + refusal_reason(c.code, c.message);
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
      ImGui::TextUnformatted(reason.c_str());
      ImGui::PopStyleColor();
      ImGui::PopTextWrapPos();
      sem_item("refused:reason:" + id, "text", reason, c.code);
      ImGui::Dummy(ImVec2(0, px(2)));

      if (button(tr("refused.reapply"), "refused:reapply:" + id, true)) out.refused_reapply = id;
      ImGui::SameLine();
      const bool can_copy = !t.copy_text.empty();
      if (button(tr("refused.copy"), "refused:copy:" + id, false, can_copy)) {
        ImGui::SetClipboardText(t.copy_text.c_str());
        toast(tr("refused.copied"), false);
      }
      ImGui::SameLine();
      if (danger_button(tr("refused.discard"), "refused:discard:" + id)) out.refused_discard = id;
      ImGui::Unindent(px(14));
      ImGui::Dummy(ImVec2(inner, px(6)));
      ImGui::EndGroup();
      const ImVec2 bottom(top.x + inner, ImGui::GetItemRectMax().y);
      dl->ChannelsSetCurrent(0);
      dl->AddRectFilled(top, bottom, color::rgb(0xfafbfc), px(8));
      dl->AddRect(top, bottom, color::kBorder, px(8));
      dl->AddRectFilled(top, ImVec2(top.x + px(4), bottom.y), color::kError, px(8), ImDrawFlags_RoundCornersLeft);
      dl->ChannelsMerge();
      sem_rect("refused:" + id, "listitem", head + ". " + change + ". " + reason, top, bottom);
      ImGui::PopID();
      ImGui::Dummy(ImVec2(0, px(8)));
    }
  }
  dialog_body_end();
  if (button(tr("dialog.close"), "refused:close")) {
    g_open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

}  // namespace kt::ui
