// HTTP for the sync client in the browser.
#pragma once

#include <string>

#include "sync/client.hpp"

namespace kt::platform {

class FetchTransport : public sync::Transport {
 public:
  explicit FetchTransport(std::string base) : base_(std::move(base)) {}
  void set_base(std::string base) { base_ = std::move(base); }
  void send(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
            std::function<void(sync::HttpResponse)> done) override;

 private:
  std::string base_;  // "" for the page's own origin, else "https://crm.example.com"
};

}  // namespace kt::platform
