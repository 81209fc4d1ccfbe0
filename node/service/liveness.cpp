#include "service/liveness.hpp"

namespace villagecam::service {

std::vector<std::string> staleHeartbeats(const std::vector<Heartbeat>& beats, SteadyTime now, Duration max_age) {
  std::vector<std::string> stale;
  for (const auto& b : beats) {
    if (now - b.last > max_age) stale.push_back(b.name);
  }
  return stale;
}

}  // namespace villagecam::service
