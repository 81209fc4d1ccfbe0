#include "console/login_throttle.hpp"

#include <algorithm>
#include <vector>

namespace villagecam::county {

namespace {

// Above kMaxEntries, the entries older than the median go.
template <class Map, class Time>
void forgetOlderHalf(Map& map, Time time) {
  if (map.size() <= LoginThrottle::kMaxEntries) return;
  std::vector<SteadyTime> times;
  times.reserve(map.size());
  for (const auto& [key, value] : map) times.push_back(time(value));
  auto middle = times.begin() + static_cast<long>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  const auto cut = *middle;
  std::erase_if(map, [&](const auto& e) { return time(e.second) < cut; });
}

}  // namespace

Duration LoginThrottle::backoff(int over) {
  if (over <= 0) return Duration::zero();
  const auto wait = std::chrono::seconds(1) * (1LL << std::min(over - 1, 20));
  return std::min<Duration>(wait, kMaxWait);
}

// A sweep each time the entries double: amortised constant work per call.
void LoginThrottle::prune(SteadyTime now) {
  if (by_pair_.size() + by_client_.size() + known_.size() < prune_at_) return;
  std::erase_if(by_pair_, [&](const auto& e) { return now - e.second.last > kMaxWait * 2; });
  std::erase_if(by_client_, [&](const auto& e) { return e.second.empty() || now - e.second.back() > kSprayWindow; });
  std::erase_if(known_, [&](const auto& e) { return now - e.second > kRemember; });
  // Still too many (a flood of names and addresses): forget the older half.
  forgetOlderHalf(by_pair_, [](const Failures& f) { return f.last; });
  forgetOlderHalf(by_client_, [](const std::deque<SteadyTime>& d) { return d.back(); });
  forgetOlderHalf(known_, [](SteadyTime t) { return t; });
  prune_at_ = std::max<std::size_t>(4096, 2 * (by_pair_.size() + by_client_.size() + known_.size()));
}

long LoginThrottle::waitSeconds(const std::string& name, const std::string& client, SteadyTime now) {
  Duration wait = Duration::zero();
  if (const auto it = by_pair_.find({name, client}); it != by_pair_.end()) {
    wait = std::max(wait, it->second.last + backoff(it->second.count - kFreeTries + 1) - now);
  }
  if (auto it = by_client_.find(client); it != by_client_.end()) {
    auto& failures = it->second;
    while (!failures.empty() && now - failures.front() > kSprayWindow) failures.pop_front();
    const auto known = known_.find({name, client});
    const bool trusted = known != known_.end() && now - known->second <= kRemember;
    const int over = static_cast<int>(failures.size()) - kSprayFailures + 1;
    if (!trusted && over > 0) wait = std::max(wait, failures.back() + backoff(over) - now);
  }
  return std::max<long>(0, std::chrono::ceil<std::chrono::seconds>(wait).count());
}

void LoginThrottle::failed(const std::string& name, const std::string& client, SteadyTime now) {
  prune(now);
  auto& f = by_pair_[{name, client}];
  ++f.count;
  f.last = now;
  auto& spray = by_client_[client];
  spray.push_back(now);
  while (spray.size() > static_cast<std::size_t>(kSprayFailures) * 4) spray.pop_front();
}

void LoginThrottle::succeeded(const std::string& name, const std::string& client, SteadyTime now) {
  by_pair_.erase({name, client});
  // The try was counted as failed when it began (at `now`): not a spray.
  if (auto it = by_client_.find(client); it != by_client_.end()) {
    auto& spray = it->second;
    if (const auto t = std::find(spray.rbegin(), spray.rend(), now); t != spray.rend()) spray.erase(std::next(t).base());
  }
  known_[{name, client}] = now;
}

}  // namespace villagecam::county
