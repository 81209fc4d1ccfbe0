#include "app/live_requests.hpp"

#include <algorithm>

namespace villagecam::app {

using contract::CommandKind;
using contract::ReplyStatus;

namespace {

LiveDecision refuse(const contract::Command& c, std::string code) {
  LiveDecision d;
  d.status = ReplyStatus::Refused;
  d.code = std::move(code);
  d.camera = c.camera_id;
  d.push_command = c.id;
  return d;
}

}  // namespace

double LiveRequests::pushedKbps() const {
  double sum = 0;
  for (const auto& [camera, p] : pushes_) sum += p.kbps;
  return sum;
}

std::optional<SteadyTime> LiveRequests::nextExpiry() const {
  std::optional<SteadyTime> soonest;
  for (const auto& [camera, p] : pushes_) {
    if (!soonest || p.lease_end < *soonest) soonest = p.lease_end;
  }
  return soonest;
}

LiveDecision LiveRequests::decide(const contract::Command& c, const std::string& node_id, const LiveCameraFacts& camera,
                                  const LiveLimits& limits, SteadyTime now, WallTime wall) {
  if (c.node_id != node_id) return refuse(c, "not_for_this_node");
  if (wall > c.expires_at) return refuse(c, "expired");
  if (c.kind == CommandKind::LiveStop) {
    const auto it = pushes_.find(c.camera_id);
    LiveDecision d;
    d.camera = c.camera_id;
    if (it == pushes_.end()) {  // nothing to stop: done already, as asked
      d.status = ReplyStatus::Ended;
      d.code = "stopped";
      d.push_command = c.id;
      return d;
    }
    d.status = ReplyStatus::Ended;
    d.code = "stopped";
    d.stop = true;
    d.push_command = it->second.command;
    pushes_.erase(it);
    return d;
  }
  if (c.kind != CommandKind::LiveStart || !c.lease_until) return refuse(c, "push_failed");
  const auto granted = std::chrono::duration_cast<Duration>(*c.lease_until - c.issued_at);
  const Duration lease = std::clamp(granted, Duration::zero(), limits.longest_lease);
  // A renewal of a running push: its lease moves on, nothing else changes.
  if (auto it = pushes_.find(c.camera_id); it != pushes_.end()) {
    it->second.lease_end = std::max(it->second.lease_end, now + lease);
    LiveDecision d;
    d.status = ReplyStatus::Accepted;
    d.camera = c.camera_id;
    d.push_command = it->second.command;
    return d;
  }
  if (!limits.county_link) return refuse(c, "no_county_link");
  if (!camera.known) return refuse(c, "unknown_camera");
  if (!camera.online) return refuse(c, "camera_offline");
  // Only H.264 goes to the county (browsers play no H.265): the codec as the
  // camera's health names it (h264, h265, from the stream's caps or SDP).
  if (!camera.codec.empty() && camera.codec != "h264") return refuse(c, "unsupported_codec");
  const double kbps = camera.bitrate_kbps > 0 ? camera.bitrate_kbps : limits.unknown_kbps;
  if (limits.max_kbps > 0 && pushedKbps() + kbps > limits.max_kbps) return refuse(c, "over_bitrate");
  pushes_[c.camera_id] = Push{c.id, now + lease, kbps};
  LiveDecision d;
  d.status = ReplyStatus::Accepted;
  d.start = true;
  d.camera = c.camera_id;
  d.push_command = c.id;
  return d;
}

std::vector<LeaseEnded> LiveRequests::expire(SteadyTime now) {
  std::vector<LeaseEnded> out;
  for (auto it = pushes_.begin(); it != pushes_.end();) {
    if (it->second.lease_end <= now) {
      out.push_back({it->first, it->second.command});
      it = pushes_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::optional<LeaseEnded> LiveRequests::ended(const std::string& camera) {
  const auto it = pushes_.find(camera);
  if (it == pushes_.end()) return std::nullopt;
  LeaseEnded e{it->first, it->second.command};
  pushes_.erase(it);
  return e;
}

}  // namespace villagecam::app
