// Camera health alerts (offline, stalled, unauthorized) from the cameras'
// state changes: each condition opens one alert, and its end carries the same
// id and the duration. Pure: the caller passes the time and keeps the open
// alerts across restarts (openAlerts / restore).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "events/alert.hpp"
#include "ingest/camera_state.hpp"

namespace villagecam::events {

struct CameraCondition {
  std::string camera_id;
  std::string camera_name;
  ingest::CameraState state = ingest::CameraState::Connecting;
  std::string reason_code;  // the last failure's kind, e.g. "refused"
  std::string reason;       // plain words
};

class CameraAlertTracker {
 public:
  explicit CameraAlertTracker(config::Language language) : language_(language) {}

  // The alerts this condition raises now (none, a start, an end, or an end
  // and a start when one bad state turns into another).
  std::vector<Alert> update(const CameraCondition& condition, WallTime now);
  // Ends the open alert of a camera that left the config.
  std::vector<Alert> forget(const std::string& camera_id, WallTime now);

  std::vector<Alert> openAlerts() const;
  void restore(const std::vector<Alert>& open);

 private:
  Alert start(AlertType type, const CameraCondition& c, WallTime now) const;
  Alert end(const Alert& open, WallTime now) const;

  config::Language language_;
  std::map<std::string, Alert> open_;  // by camera id
};

}  // namespace villagecam::events
