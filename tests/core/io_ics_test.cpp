// iCalendar export of to-dos and meetings: structure, escaping, folding, alarms, rights.
#include <doctest/doctest.h>

#include "core/demo.hpp"
#include "core/io/csv.hpp"
#include "core/io/ics.hpp"
#include "test_support.hpp"

using namespace kt;
using namespace kt::io;
using kt::test::kNow;

namespace {

// Unfolds content lines and returns them (without CRLF); checks the folding rules on the way.
std::vector<std::string> unfold(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\r\n", start);
    REQUIRE_MESSAGE(end != std::string::npos, "every line ends with CRLF");
    std::string line = text.substr(start, end - start);
    CHECK(line.size() <= 75);
    CHECK(line.find('\n') == std::string::npos);
    if (!line.empty() && line[0] == ' ') {
      REQUIRE(!lines.empty());
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
    start = end + 2;
  }
  for (const auto& l : lines) CHECK(is_valid_utf8(l));
  return lines;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      out += n == 'n' || n == 'N' ? '\n' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> values_of(const std::vector<std::string>& lines, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (l.rfind(name + ":", 0) == 0) out.push_back(l.substr(name.size() + 1));
  return out;
}

struct Demo {
  Workspace ws;
  Session admin{ws, "a", "u1"};
  Demo() {
    seed_demo(admin, kNow);
    Activity call;
    call.id = "t1";
    call.subject = "Позвонить: уточнить объём; цены, сроки\\этапы";
    call.description = "Первая строка\nВторая строка с длинным текстом, чтобы строка точно была длиннее семидесяти пяти октетов";
    call.deadline_ms = 1795600800000;  // 2026-11-25 10:00 UTC
    call.responsible = "u2";
    call.reminders = {15, 0};
    REQUIRE(admin.dispatch(PutTodo{"D1", call}, kNow).ok());
    Activity meeting;
    meeting.id = "t2";
    meeting.subject = "Встреча на объекте";
    meeting.deadline_ms = 1795687200000;  // 2026-11-26 10:00 UTC
    meeting.location = "Москва, ул. Тверская, 7";
    meeting.participants = {"u2", "u4"};
    REQUIRE(admin.dispatch(PutTodo{"D2", meeting}, kNow).ok());
    Activity done;
    done.id = "t3";
    done.deadline_ms = 1795000000000;  // 2026-11-18 11:06:40 UTC
    REQUIRE(admin.dispatch(PutTodo{"D3", done}, kNow).ok());
    REQUIRE(admin.dispatch(CompleteTodo{"D3", "t3", true}, kNow + 1000).ok());
  }
};

}  // namespace

TEST_CASE("to-dos become VTODOs and meetings VEVENTs, with escaping, folding and alarms") {
  Demo d;
  IcsOptions o;
  o.now_ms = kNow;
  const std::string ics = export_ics(d.ws, "u1", {}, o);
  const auto lines = unfold(ics);
  CHECK(lines.front() == "BEGIN:VCALENDAR");
  CHECK(lines.back() == "END:VCALENDAR");
  CHECK(values_of(lines, "VERSION") == std::vector<std::string>{"2.0"});
  CHECK(values_of(lines, "BEGIN") ==
        std::vector<std::string>{"VCALENDAR", "VTODO", "VALARM", "VALARM", "VEVENT", "VTODO"});
  CHECK(count_ics(d.ws, "u1", {}, o) == 3);

  const auto summaries = values_of(lines, "SUMMARY");
  REQUIRE(summaries.size() == 3);
  CHECK(summaries[0] == "Позвонить: уточнить объём\\; цены\\, сроки\\\\этапы");
  CHECK(unescape(summaries[0]) == "Позвонить: уточнить объём; цены, сроки\\этапы");
  CHECK(summaries[2] == "Дело");  // no subject: the default title
  const auto descriptions = values_of(lines, "DESCRIPTION");
  CHECK(unescape(descriptions[0]).rfind("Первая строка\nВторая строка", 0) == 0);
  CHECK(unescape(descriptions[0]).find("Сделка: Поставка серверного оборудования") != std::string::npos);
  CHECK(unescape(descriptions[0]).find("Ответственный: Иван Петров") != std::string::npos);
  CHECK(values_of(lines, "DUE") == std::vector<std::string>{"20261125T100000Z", "20261118T110640Z"});
  CHECK(values_of(lines, "TRIGGER;RELATED=END") == std::vector<std::string>{"-PT15M", "PT0M"});
  CHECK(values_of(lines, "DTSTART") == std::vector<std::string>{"20261126T100000Z"});
  CHECK(values_of(lines, "DTEND") == std::vector<std::string>{"20261126T110000Z"});
  CHECK(values_of(lines, "LOCATION") == std::vector<std::string>{"Москва\\, ул. Тверская\\, 7"});
  CHECK(values_of(lines, "STATUS") == std::vector<std::string>{"NEEDS-ACTION", "TENTATIVE", "COMPLETED"});
  CHECK(values_of(lines, "COMPLETED").size() == 1);
  const auto uids = values_of(lines, "UID");
  CHECK(uids == std::vector<std::string>{"D1-t1@kartoteka", "D2-t2@kartoteka", "D3-t3@kartoteka"});
  for (const auto& l : lines) {
    const bool escaped_break = l.find("\\n") != std::string::npos;
    CHECK((!escaped_break || l.rfind("DESCRIPTION:", 0) == 0));
  }
}

TEST_CASE("only the items asked for and readable by the user; open ones only when asked") {
  Demo d;
  IcsOptions o;
  o.now_ms = kNow;
  CHECK(count_ics(d.ws, "u1", {"D2"}, o) == 1);
  o.include_done = false;
  CHECK(count_ics(d.ws, "u1", {}, o) == 2);
  // A user whose role reads only his own deals does not get other people's to-dos.
  Role own{"own", "Свои", {}, {}};
  own.defaults.read = Level::Own;
  REQUIRE(d.admin.dispatch(PutRole{own, false}, kNow).ok());
  REQUIRE(d.admin.dispatch(PutUser{User{"u9", "Стажёр", "d2", false, {"own"}, true}}, kNow).ok());
  CHECK(count_ics(d.ws, "u9", {}, o) == 0);
  const auto lines = unfold(export_ics(d.ws, "u9", {}, o));
  CHECK(values_of(lines, "BEGIN") == std::vector<std::string>{"VCALENDAR"});
}
