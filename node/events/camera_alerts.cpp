#include "events/camera_alerts.hpp"

namespace villagecam::events {

std::optional<Alert> cameraHealthAlert(const CameraCondition& c) {
  Alert a;
  switch (c.state) {
    case health::CameraState::Offline: a.type = AlertType::CameraOffline; break;
    case health::CameraState::Stalled: a.type = AlertType::CameraStalled; break;
    case health::CameraState::Unauthorized: a.type = AlertType::CameraUnauthorized; break;
    default: return std::nullopt;
  }
  a.camera_id = c.camera_id;
  a.camera_name = c.camera_name;
  a.reason_code = c.reason_code;
  a.detail = c.reason;
  return a;
}

}  // namespace villagecam::events
