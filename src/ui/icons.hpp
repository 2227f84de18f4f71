// Icons of the UI: glyphs of Material Icons (Debian's fonts-material-design-icons-iconfont), merged into
// every font of the ImGui atlas at their own code points (src/ui/theme.cpp). The build subsets the font to
// exactly these code points (KT_ICON_CODEPOINTS in CMakeLists.txt): a new icon goes into both lists.
#pragma once

namespace kt::ui::icon {

inline constexpr const char* kComment = "\xee\x83\x8a";    // chat_bubble (U+E0CA)
inline constexpr const char* kTodo = "\xee\x98\x94";       // event_available (U+E614)
inline constexpr const char* kTodoDone = "\xee\x8b\xa6";   // task_alt (U+E2E6)
inline constexpr const char* kCall = "\xee\x82\xb0";       // call (U+E0B0)
inline constexpr const char* kEmail = "\xee\x85\x98";      // mail (U+E158)
inline constexpr const char* kSms = "\xee\x98\xa5";        // sms (U+E625)
inline constexpr const char* kWhatsApp = "\xee\x82\xbf";   // forum (U+E0BF)
inline constexpr const char* kDocument = "\xee\xa1\xb3";   // description (U+E873)
inline constexpr const char* kStage = "\xee\x97\x88";      // arrow_forward (U+E5C8)
inline constexpr const char* kEdit = "\xee\x8f\x89";       // edit (U+E3C9)
inline constexpr const char* kLink = "\xee\x85\x97";       // link (U+E157)
inline constexpr const char* kConvert = "\xee\xa1\xa3";    // autorenew (U+E863)
inline constexpr const char* kCreated = "\xee\x85\x85";    // add (U+E145)
inline constexpr const char* kPin = "\xef\x84\x8d";        // push_pin (U+F10D)
inline constexpr const char* kLock = "\xee\xa2\x97";       // lock (U+E897)
inline constexpr const char* kShown = "\xee\xa3\xb4";      // visibility (U+E8F4)
inline constexpr const char* kHidden = "\xee\xa3\xb5";     // visibility_off (U+E8F5)
inline constexpr const char* kDrag = "\xee\xa5\x85";       // drag_indicator (U+E945)
inline constexpr const char* kHistory = "\xee\xa2\x89";    // history (U+E889)
inline constexpr const char* kDelete = "\xee\xa1\xb2";     // delete (U+E872)
inline constexpr const char* kPerson = "\xee\x9f\xbd";     // person (U+E7FD)
inline constexpr const char* kRestore = "\xee\xa2\xb3";    // restore (U+E8B3)
inline constexpr const char* kWarning = "\xee\x80\x82";    // warning (U+E002)
inline constexpr const char* kCalendar = "\xee\xa1\xb8";   // event (U+E878)

}  // namespace kt::ui::icon
