#include "console/login_throttle.hpp"

namespace villagecam::county {

long LoginThrottle::waitFor(std::deque<SteadyTime>& failures, int limit, SteadyTime now) {
  while (!failures.empty() && now - failures.front() >= kWindow) failures.pop_front();
  if (static_cast<int>(failures.size()) < limit) return 0;
  return std::chrono::ceil<std::chrono::seconds>(failures.front() + kWindow - now).count();
}

long LoginThrottle::waitSeconds(const std::string& name, const std::string& client, SteadyTime now) {
  return std::max(waitFor(by_name_[name], kPerName, now), waitFor(by_client_[client], kPerClient, now));
}

void LoginThrottle::failed(const std::string& name, const std::string& client, SteadyTime now) {
  by_name_[name].push_back(now);
  by_client_[client].push_back(now);
}

void LoginThrottle::succeeded(const std::string& name) { by_name_.erase(name); }

}  // namespace villagecam::county
