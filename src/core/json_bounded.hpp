// JSON from the network or a file, parsed with its nesting bounded. nlohmann's parser itself is iterative,
// but nearly everything done with the document afterwards recurses once per level (copies, dump(),
// comparisons, the from_json conversions of Value and the commands): a value nested 20,000 deep exhausted
// the stack and killed the process. Nothing the app writes comes near the limit: a push is
// {mutations: [{cmd: {def: {options: [{...}]}}}]}, a snapshot or a pull page {items: [{fields: {F: {v: ...}}}]},
// a value at most a list of money or file objects (about a dozen levels in all).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.hpp"

namespace kt {

// Arrays and objects inside one another, counting the outermost: "[]" is 1, "[[]]" is 2, "1" is 0.
constexpr int kMaxJsonDepth = 64;

// Whether no array or object in `text` lies deeper than `max_depth`, by one pass over the bytes (strings,
// with their escapes, skipped): 4 MB of snapshot items took 10 ms, parsing them 130 ms (a parser callback
// would cost a call per token, and the parser would still build the deep part). Only the nesting is looked
// at; well-formed or not is the parser's business.
bool json_depth_within(std::string_view text, int max_depth = kMaxJsonDepth);

// nlohmann::json::parse(text, nullptr, false), but also discarded when the text nests deeper than
// `max_depth`, without building anything. On failure `why` (when given) says which: "too_deep" or
// "malformed_json", with a message.
nlohmann::json parse_json_bounded(std::string_view text, Status* why = nullptr, int max_depth = kMaxJsonDepth);

// The string member `key` of `o`, or "" when `o` is no object, has no such member or it is no string.
std::string json_text(const nlohmann::json& o, const char* key);
// The strings of the array member `key` of `o`, at most `max` of them (other elements skipped); none when it
// is missing or no array.
std::vector<std::string> json_texts(const nlohmann::json& o, const char* key, size_t max);

}  // namespace kt
