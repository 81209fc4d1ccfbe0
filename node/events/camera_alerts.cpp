#include "events/camera_alerts.hpp"

namespace villagecam::events {
namespace {

// Which alert a state calls for; nullopt means "none" and Connecting (not yet
// known after a start) is handled by the caller: it neither opens nor ends.
std::optional<AlertType> alertFor(ingest::CameraState state) {
  switch (state) {
    case ingest::CameraState::Offline: return AlertType::CameraOffline;
    case ingest::CameraState::Stalled: return AlertType::CameraStalled;
    case ingest::CameraState::Unauthorized: return AlertType::CameraUnauthorized;
    default: return std::nullopt;
  }
}

}  // namespace

Alert CameraAlertTracker::start(AlertType type, const CameraCondition& c, WallTime now) const {
  Alert a;
  a.id = newAlertId();
  a.type = type;
  a.severity = severityOf(type);
  a.phase = AlertPhase::Start;
  a.camera_id = c.camera_id;
  a.camera_name = c.camera_name;
  a.started_at = now;
  a.reason_code = c.reason_code;
  a.detail = c.reason;
  a.message = renderMessage(a, language_);
  return a;
}

Alert CameraAlertTracker::end(const Alert& open, WallTime now) const {
  Alert a = open;
  a.phase = AlertPhase::End;
  a.ended_at = now;
  a.message = renderMessage(a, language_);
  return a;
}

std::vector<Alert> CameraAlertTracker::update(const CameraCondition& c, WallTime now) {
  std::vector<Alert> out;
  if (c.state == ingest::CameraState::Connecting) return out;
  const auto wanted = alertFor(c.state);
  auto it = open_.find(c.camera_id);
  if (it != open_.end() && (!wanted || *wanted != it->second.type)) {
    out.push_back(end(it->second, now));
    open_.erase(it);
    it = open_.end();
  }
  if (wanted && it == open_.end()) {
    Alert a = start(*wanted, c, now);
    open_.emplace(c.camera_id, a);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<Alert> CameraAlertTracker::forget(const std::string& camera_id, WallTime now) {
  std::vector<Alert> out;
  if (auto it = open_.find(camera_id); it != open_.end()) {
    out.push_back(end(it->second, now));
    open_.erase(it);
  }
  return out;
}

std::vector<Alert> CameraAlertTracker::openAlerts() const {
  std::vector<Alert> out;
  for (const auto& [id, a] : open_) out.push_back(a);
  return out;
}

void CameraAlertTracker::restore(const std::vector<Alert>& open) {
  for (const auto& a : open) open_[a.camera_id] = a;
}

}  // namespace villagecam::events
