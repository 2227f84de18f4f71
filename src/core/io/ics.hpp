// iCalendar (RFC 5545) export of to-dos and meetings, for calendar apps (Google Calendar, Apple Calendar,
// Outlook, Thunderbird). A to-do with a place or other participants is a meeting (VEVENT of one hour from its
// deadline); any other is a VTODO due at its deadline. Reminders become VALARMs; times are UTC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/workspace.hpp"

namespace kt::io {

struct IcsOptions {
  std::int64_t now_ms = 0;  // DTSTAMP
  Lang lang = Lang::Ru;      // default titles, the name of the item in descriptions
  bool include_done = true;  // completed to-dos too
  std::int64_t meeting_minutes = 60;
};

// The to-dos of the items among `ids` (every item the user may read when `ids` is empty), as one calendar.
std::string export_ics(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids,
                       const IcsOptions& options);
// How many to-dos export_ics would write.
size_t count_ics(const Workspace& ws, const std::string& user, const std::vector<std::string>& ids,
                 const IcsOptions& options);

// "20261126T184500Z"
std::string ics_utc(std::int64_t ms);

}  // namespace kt::io
