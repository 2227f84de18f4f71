// A TCP relay on a loopback port in front of another address, which can be frozen: it then stops reading and
// accepting while every connection stays open, as a PostgreSQL stopped with SIGSTOP (or a machine that hangs)
// looks to its clients: connections are made and data is acknowledged by the kernel, and nothing answers.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kt::test {

class FrozenProxy {
 public:
  FrozenProxy(std::string host, int port) : host_(std::move(host)), target_port_(port) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FrozenProxy() {
    stop_ = true;
    thread_.join();
    for (auto [a, b] : pairs_) ::close(a), ::close(b);
    ::close(listen_);
  }
  FrozenProxy(const FrozenProxy&) = delete;
  FrozenProxy& operator=(const FrozenProxy&) = delete;

  int port() const { return port_; }
  void freeze(bool on) { frozen_ = on; }

 private:
  void run() {
    while (!stop_) {
      if (frozen_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      std::vector<pollfd> p{{listen_, POLLIN, 0}};
      for (auto [a, b] : pairs_) p.push_back({a, POLLIN, 0}), p.push_back({b, POLLIN, 0});
      if (::poll(p.data(), p.size(), 20) <= 0 || frozen_) continue;
      std::vector<std::pair<int, int>> keep;
      for (size_t i = 0; 2 + 2 * i < p.size(); ++i) {  // the pairs polled (an accepted one comes after)
        auto [a, b] = pairs_[i];
        const bool ok = (!p[1 + 2 * i].revents || relay(a, b)) && (!p[2 + 2 * i].revents || relay(b, a));
        if (ok) keep.emplace_back(a, b);
        else ::close(a), ::close(b);
      }
      pairs_ = std::move(keep);
      if (p[0].revents & POLLIN) accept_one();
    }
  }
  void accept_one() {
    const int in = ::accept(listen_, nullptr, nullptr);
    if (in < 0) return;
    const int out = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(target_port_));
    ::inet_pton(AF_INET, host_.c_str(), &a.sin_addr);
    if (::connect(out, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(in), ::close(out);
      return;
    }
    pairs_.emplace_back(in, out);
  }
  // Copies what `from` has to `to`; false when either is closed.
  static bool relay(int from, int to) {
    char buf[16384];
    const ssize_t n = ::recv(from, buf, sizeof buf, 0);
    if (n <= 0) return false;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::send(to, buf + done, static_cast<size_t>(n - done), MSG_NOSIGNAL);
      if (w <= 0) return false;
      done += w;
    }
    return true;
  }

  std::string host_;
  int target_port_ = 0, port_ = 0, listen_ = -1;
  std::atomic<bool> frozen_{false}, stop_{false};
  std::vector<std::pair<int, int>> pairs_;  // (client, target), used by the relay's thread only
  std::thread thread_;
};

}  // namespace kt::test
