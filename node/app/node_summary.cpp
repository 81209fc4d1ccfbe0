#include "app/node_summary.hpp"

#include <fmt/format.h>

namespace villagecam::app {

std::string statusLine(const std::vector<health::CameraHealth>& cameras, const health::CoverageReport& report,
                       std::optional<std::size_t> outbox_depth) {
  int online = 0;
  for (const auto& h : cameras) online += h.state == health::CameraState::Online;
  std::string out = fmt::format("{}/{} cameras online", online, cameras.size());
  if (!report.areas.empty()) {
    const auto ratio = report.ratio();
    out += fmt::format("; {}/{} areas covered ({})", report.count(health::AreaState::Covered), report.areas.size(),
                       ratio ? fmt::format("{:.0f}%", *ratio * 100) : std::string("not known yet"));
    if (const int unverified = report.count(health::AreaState::Unverified)) {
      out += fmt::format(", {} unverified", unverified);
    }
  }
  if (outbox_depth) out += fmt::format("; {} alert(s) waiting for the broker", *outbox_depth);
  return out;
}

CamerasSummary camerasSummary(const std::vector<health::CameraHealth>& cameras, WallTime now) {
  std::size_t online = 0;
  std::string trouble;
  for (const auto& h : cameras) {
    if (h.state == health::CameraState::Online) {
      ++online;
      continue;
    }
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - h.since).count();
    trouble += fmt::format("; {} {} for {} min ({})", h.id, health::toString(h.state), minutes, h.reason);
  }
  if (trouble.empty()) return {true, fmt::format("all {} camera(s) online", cameras.size())};
  return {false, fmt::format("{} of {} camera(s) online{}", online, cameras.size(), trouble)};
}

}  // namespace villagecam::app
