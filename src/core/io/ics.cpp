#include "core/io/ics.hpp"

#include <cstdio>

#include "core/calendar.hpp"
#include "core/io/content_line.hpp"
#include "core/rights.hpp"

namespace kt::io {


std::string ics_utc(std::int64_t ms) {
  const DateTime t = utc_from_ms(ms);
  const std::int64_t sec = ((ms % 60000) + 60000) % 60000 / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", t.date.year, t.date.month, t.date.day, t.hour, t.minute,
                static_cast<int>(sec));
  return buf;
}

namespace {

template <typename F>
void each_todo(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids, const IcsOptions& o, F&& f) {
  auto visit = [&](const std::string& id) {
    const Item* it = ws.item(id);
    if (!it || it->deleted || !can_act(ws.schema(), user, *it, Action::Read)) return;
    for (const auto& a : it->activities)
      if (a.deadline_ms > 0 && (o.include_done || !a.completed)) f(*it, a);
  };
  if (!ids.empty()) {
    for (const auto& id : ids) visit(id);
    return;
  }
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) visit(id);
}

std::string user_name(const Workspace& ws, const std::string& id) {
  const User* u = ws.schema().user(id);
  return u ? u->name : id;
}

}  // namespace

size_t count_ics(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids, const IcsOptions& o) {
  size_t n = 0;
  each_todo(ws, user, ids, o, [&](const Item&, const Activity&) { ++n; });
  return n;
}

std::string export_ics(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids,
                       const IcsOptions& o) {
  const bool ru = o.lang == Lang::Ru;
  std::string out =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kartoteka//CRM//" + std::string(ru ? "RU" : "EN") +
      "\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n";
  out += fold_line("X-WR-CALNAME:" + escape_text(ru ? "Дела Картотеки" : "Kartoteka to-dos"));
  const std::string stamp = ics_utc(o.now_ms);
  each_todo(ws, user, ids, o, [&](const Item& it, const Activity& a) {
    const bool meeting = !a.location.empty() || !a.participants.empty();
    const EntityType* et = ws.schema().entity(it.entity);
    std::string summary = a.subject.empty() ? (meeting ? (ru ? "Встреча" : "Meeting") : (ru ? "Дело" : "To-do")) : a.subject;
    std::string description = a.description;
    const std::string about = (et ? et->name.get(o.lang) : it.entity) + ": " + ws.display_name(it);
    description += (description.empty() ? "" : "\n\n") + about;
    if (!a.responsible.empty()) description += "\n" + std::string(ru ? "Ответственный: " : "Responsible: ") + user_name(ws, a.responsible);
    if (!a.participants.empty()) {
      std::string names;
      for (const auto& p : a.participants) names += (names.empty() ? "" : ", ") + user_name(ws, p);
      description += "\n" + std::string(ru ? "Участники: " : "Participants: ") + names;
    }
    out += meeting ? "BEGIN:VEVENT\r\n" : "BEGIN:VTODO\r\n";
    out += fold_line("UID:" + escape_text(it.id + "-" + a.id + "@kartoteka"));
    out += "DTSTAMP:" + stamp + "\r\n";
    if (a.created_ms > 0) out += "CREATED:" + ics_utc(a.created_ms) + "\r\n";
    out += fold_line("SUMMARY:" + escape_text(summary));
    out += fold_line("DESCRIPTION:" + escape_text(description));
    if (!a.location.empty()) out += fold_line("LOCATION:" + escape_text(a.location));
    if (meeting) {
      out += "DTSTART:" + ics_utc(a.deadline_ms) + "\r\n";
      out += "DTEND:" + ics_utc(a.deadline_ms + o.meeting_minutes * 60000) + "\r\n";
      out += a.completed ? "STATUS:CONFIRMED\r\n" : "STATUS:TENTATIVE\r\n";
    } else {
      out += "DUE:" + ics_utc(a.deadline_ms) + "\r\n";
      out += a.completed ? "STATUS:COMPLETED\r\n" : "STATUS:NEEDS-ACTION\r\n";
      if (a.completed && a.completed_ms > 0) out += "COMPLETED:" + ics_utc(a.completed_ms) + "\r\n";
    }
    if (!a.completed)
      for (int minutes : a.reminders) {
        out += "BEGIN:VALARM\r\nACTION:DISPLAY\r\n";
        // A to-do has no start: its alarms count from its due time (RELATED=END), a meeting's from its start.
        out += meeting ? "TRIGGER:" : "TRIGGER;RELATED=END:";
        out += minutes == 0 ? "PT0M\r\n" : "-PT" + std::to_string(minutes) + "M\r\n";
        out += fold_line("DESCRIPTION:" + escape_text(summary));
        out += "END:VALARM\r\n";
      }
    out += meeting ? "END:VEVENT\r\n" : "END:VTODO\r\n";
  });
  out += "END:VCALENDAR\r\n";
  return out;
}

}  // namespace kt::io
