// What a camera's threads hand to the node's event thread: one message type,
// posted (a short lock and a notify) and never read back across threads. The
// event thread owns everything these change: alerts, coverage, the published
// topics and the files under the state directory.
#pragma once

#include <string>
#include <variant>

#include "analysis/baseline_store.hpp"
#include "app/detection_monitor.hpp"
#include "app/view_monitor.hpp"
#include "health/camera_health.hpp"

namespace villagecam::app {

// The camera's state changed (connecting, online, stalled, offline, ...).
struct HealthChanged {
  health::CameraHealth health;
};

// The view's raised issues changed (after hysteresis): the whole state, so
// the event thread keeps its own copy.
struct ViewChanged {
  std::string camera_id;
  ViewState view;
};

// A zone's event started, was updated or ended.
struct ZoneEventNote {
  std::string camera_id;
  std::string camera_name;
  DetectionEvent event;
};

// The view monitor learned a new baseline from clean views: to be stored
// (written and synced on the event thread, never on the camera's).
struct BaselineRefreshed {
  std::string camera_id;
  analysis::StoredBaseline baseline;
  bool night = false;  // of the camera's infrared (grey) view
};

using CameraMessage = std::variant<HealthChanged, ViewChanged, ZoneEventNote, BaselineRefreshed>;

}  // namespace villagecam::app
