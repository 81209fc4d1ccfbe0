// Slows password guessing: after 5 failed logins for one name, or 20 from
// one client, within 5 minutes, logins for it are refused until the oldest
// failure is 5 minutes old. Pure: times in, answers out.
#pragma once

#include <deque>
#include <map>
#include <string>

#include "util/clock.hpp"

namespace villagecam::county {

class LoginThrottle {
 public:
  static constexpr int kPerName = 5;
  static constexpr int kPerClient = 20;
  static constexpr auto kWindow = std::chrono::minutes(5);

  // Seconds to wait before trying again, or 0.
  long waitSeconds(const std::string& name, const std::string& client, SteadyTime now);
  void failed(const std::string& name, const std::string& client, SteadyTime now);
  void succeeded(const std::string& name);

 private:
  static long waitFor(std::deque<SteadyTime>& failures, int limit, SteadyTime now);
  std::map<std::string, std::deque<SteadyTime>> by_name_;
  std::map<std::string, std::deque<SteadyTime>> by_client_;
};

}  // namespace villagecam::county
