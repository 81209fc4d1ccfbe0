// Slows password guessing without locking the real user out (docs/county.md,
// security). Failures are counted per (name, client): after kFreeTries, each
// further try waits twice as long as the one before (1 s, 2 s, 4 s ... up to
// kMaxWait) from the last failure, so a guesser gets a few tries an hour
// while the user of that name from another client is not slowed at all. A
// client that fails for many names (a spray: kSprayFailures within
// kSprayWindow) waits the same way for every name, except the names that
// logged in from it before (remembered kRemember), so the operators behind
// one proxy are not shut out by a stranger behind it. A success clears its
// (name, client). Pure: times in, answers out; bounded (stale entries go).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "util/clock.hpp"

namespace villagecam::county {

class LoginThrottle {
 public:
  static constexpr int kFreeTries = 3;
  static constexpr auto kMaxWait = std::chrono::minutes(5);
  static constexpr int kSprayFailures = 30;
  static constexpr auto kSprayWindow = std::chrono::minutes(15);
  static constexpr auto kRemember = std::chrono::hours(24 * 30);
  static constexpr std::size_t kMaxEntries = 100000;

  // Seconds to wait before trying again, or 0.
  long waitSeconds(const std::string& name, const std::string& client, SteadyTime now);
  // A try is counted as failed when it begins (so tries made at once see
  // each other); succeeded() then takes back the one begun at `now`.
  void failed(const std::string& name, const std::string& client, SteadyTime now);
  void succeeded(const std::string& name, const std::string& client, SteadyTime now);

 private:
  struct Failures {
    int count = 0;
    SteadyTime last{};
  };
  static Duration backoff(int failures_over);
  void prune(SteadyTime now);

  std::map<std::pair<std::string, std::string>, Failures> by_pair_;
  std::map<std::string, std::deque<SteadyTime>> by_client_;
  std::map<std::pair<std::string, std::string>, SteadyTime> known_;  // (name, client) that logged in
  std::size_t prune_at_ = 4096;
};

}  // namespace villagecam::county
