#include "sync/upload.hpp"

#include <algorithm>
#include <memory>

#include "core/json_bounded.hpp"

namespace kt::sync {

using nlohmann::json;

namespace {

// A lost answer (status 0) is retried this many times before the upload fails: a chunk is resent from
// what the server says it has.
constexpr int kRetries = 3;

// Answers are read like the sync client's (client.cpp): nesting bounded, and a member of another type reads
// as absent, without the throw of json::value() (the web build has no exception catching).
json parse(const std::string& body) {
  json j = parse_json_bounded(body);
  return j.is_discarded() ? json() : j;
}

}  // namespace

WorkspaceUpload::WorkspaceUpload(Transport& transport, std::string token, std::string backup, std::string me)
    : transport_(transport),
      token_(std::move(token)),
      backup_(std::move(backup)),
      me_(std::move(me)),
      alive_(std::make_shared<bool>(true)) {}

WorkspaceUpload::~WorkspaceUpload() { *alive_ = false; }

double WorkspaceUpload::progress() const {
  if (backup_.empty()) return 1.0;
  return static_cast<double>(sent_) / static_cast<double>(backup_.size());
}

std::function<void(HttpResponse)> WorkspaceUpload::guard(std::function<void(HttpResponse)> then) {
  return [alive = alive_, gen = generation_, this, then = std::move(then)](HttpResponse r) {
    if (!*alive || gen != generation_ || phase_ == Phase::Cancelled) return;
    then(std::move(r));
  };
}

void WorkspaceUpload::fail(const HttpResponse& r, const std::string& during) {
  const json j = parse(r.body);
  phase_ = Phase::Failed;
  if (r.status == 0) {
    error_code_ = "offline";
    error_message_ = "no answer from the server " + during;
  } else if (!json_text(j, "error").empty()) {
    error_code_ = json_text(j, "error");
    error_message_ = json_text(j, "message");
  } else {
    error_code_ = "http_" + std::to_string(r.status);
    error_message_ = "the server answered " + std::to_string(r.status) + " " + during;
  }
}

void WorkspaceUpload::start() {
  phase_ = Phase::Sending;
  transport_.send("POST", "/api/restore/uploads", "{}", token_, guard([this](HttpResponse r) {
                    const json j = parse(r.body);
                    if (r.status != 201 && r.status != 200) return fail(r, "while starting the upload");
                    if (!j.is_object() || !j.contains("upload") || !j["upload"].is_string())
                      return fail(HttpResponse{502, ""}, "while starting the upload");
                    id_ = j["upload"].get<std::string>();
                    if (j.contains("chunkBytes") && j["chunkBytes"].is_number_unsigned())
                      chunk_ = std::clamp<std::size_t>(j["chunkBytes"].get<std::size_t>(), 64 * 1024, 3u << 20);
                    send_chunk();
                  }));
}

void WorkspaceUpload::send_chunk() {
  if (sent_ >= backup_.size()) return check();
  const std::size_t n = std::min(chunk_, backup_.size() - sent_);
  const std::size_t offset = sent_;
  transport_.send("PUT", "/api/restore/uploads/" + id_ + "?offset=" + std::to_string(offset),
                  backup_.substr(offset, n), token_, guard([this, offset](HttpResponse r) {
                    const json j = parse(r.body);
                    // The server says how much it has: after a lost answer or a mismatch, go on from there.
                    const bool says = j.is_object() && j.contains("received") && j["received"].is_number_unsigned();
                    if (r.status == 200 && says) {
                      sent_ = std::min(j["received"].get<std::size_t>(), backup_.size());
                      retries_ = 0;
                      return send_chunk();
                    }
                    if ((r.status == 0 || (r.status == 409 && says)) && retries_++ < kRetries) {
                      if (says) sent_ = std::min(j["received"].get<std::size_t>(), backup_.size());
                      else sent_ = offset;
                      return send_chunk();
                    }
                    fail(r, "while sending the backup");
                  }));
}

void WorkspaceUpload::check() {
  phase_ = Phase::Checking;
  ++generation_;
  const json body{{"users", users_}, {"me", me_}};
  transport_.send("POST", "/api/restore/uploads/" + id_ + "/check", body.dump(), token_,
                  guard([this](HttpResponse r) {
                    json j = parse(r.body);
                    if (r.status != 200 || !j.is_object()) return fail(r, "while checking the backup");
                    // A dry run without its plan cannot be applied: not a review the user could confirm.
                    if (json_text(j, "plan").empty()) return fail(HttpResponse{502, ""}, "while checking the backup");
                    plan_ = json_text(j, "plan");
                    report_ = std::move(j);
                    phase_ = Phase::Review;
                  }));
}

void WorkspaceUpload::set_users(json users) {
  if (phase_ != Phase::Review || !users.is_object()) return;
  users_ = std::move(users);
  check();
}

void WorkspaceUpload::apply() {
  if (phase_ != Phase::Review) return;
  phase_ = Phase::Applying;
  const json body{{"plan", plan_}, {"users", users_}, {"me", me_}};
  transport_.send("POST", "/api/restore/uploads/" + id_ + "/apply", body.dump(), token_,
                  guard([this](HttpResponse r) {
                    if (r.status == 200) {
                      phase_ = Phase::Done;
                      return;
                    }
                    fail(r, "while applying the backup");
                    // The restore is one transaction on the server, but without an answer nobody knows
                    // whether it was committed: say so rather than suggest a second try blindly.
                    if (r.status == 0) error_code_ = "outcome_unknown";
                  }));
}

void WorkspaceUpload::cancel() {
  if (phase_ == Phase::Done || phase_ == Phase::Cancelled) return;
  phase_ = Phase::Cancelled;
  if (!id_.empty())
    transport_.send("DELETE", "/api/restore/uploads/" + id_, "", token_, [](HttpResponse) {});
}

}  // namespace kt::sync
