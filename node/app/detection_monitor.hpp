// Per camera: motion and zone events at the detection rate, on the camera's
// worker thread (never a GStreamer one). Runs the MotionDetector, the
// ObjectTracker over its blobs (an object that stops stays), one
// ZoneTracker per configured zone (with its schedule, dwell, clear time and
// cooldown), the people check for people-only zones, and a per-camera rate
// limit against alert storms; draws the zone and the objects onto the JPEG of
// each event's start. The node turns the events into alerts.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/motion.hpp"
#include "analysis/object_tracker.hpp"
#include "analysis/people.hpp"
#include "analysis/zones.hpp"
#include "app/view_monitor.hpp"
#include "config/config.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

struct DetectionEvent {
  std::string zone_id;
  std::string zone_name;
  config::ZoneKind kind = config::ZoneKind::Intrusion;
  analysis::ZonePhase phase = analysis::ZonePhase::Start;
  std::vector<analysis::Blob> objects;
  std::optional<bool> person;                    // people-only zones
  std::shared_ptr<const ViewSnapshot> snapshot;  // on start: the frame with the zone and the objects drawn
  std::uint64_t suppressed = 0;                  // on start: events suppressed on this camera since the last one
};

struct DetectionStats {
  std::uint64_t frames = 0;         // frames analysed
  std::uint64_t global_changes = 0; // frames taken as a global change (lights, IR switch, exposure)
  std::uint64_t events = 0;         // starts reported
  std::uint64_t suppressed = 0;     // starts suppressed by cooldowns and the rate limit
};

class DetectionMonitor {
 public:
  // `prior`: what the view looks like (the view baseline's reference; empty:
  // not known), so that the first frames already tell who is there.
  DetectionMonitor(const config::DetectionConfig& config, int jpeg_quality, const cv::Mat& prior = {});

  // A decoded frame; analysed if the detection interval has passed. After a
  // gap in the frames of 10 s or more (the camera reconnected) the background model starts
  // again from what it held before, judging the first frame against it.
  std::vector<DetectionEvent> onFrame(const analysis::AnalysisFrame& frame, SteadyTime now, WallTime wall);
  // Zones, masks and thresholds from a reloaded config, without losing the
  // background model or the state of zones that are still there.
  void reconfigure(const config::DetectionConfig& config);
  // An event open before a restart: the zone starts open, and ends after its
  // clear time unless the object is still there.
  void restoreOpen(const std::string& zone_id, SteadyTime now);
  DetectionStats stats() const;

 private:
  std::shared_ptr<const ViewSnapshot> drawSnapshot(const cv::Mat& frame, const analysis::ZoneSpec& zone,
                                                   const std::vector<analysis::Blob>& objects, WallTime wall) const;
  bool admit(SteadyTime now);  // the rate limit

  config::DetectionConfig config_;
  int jpeg_quality_;
  analysis::MotionDetector detector_;
  analysis::ObjectTracker objects_;  // what the detector found, followed: still ones stay
  std::vector<analysis::ZoneTracker> zones_;
  std::unique_ptr<analysis::PeopleCheck> people_;  // only when a zone wants people only
  Duration interval_;
  SteadyTime next_{};
  std::optional<SteadyTime> last_frame_;  // the last frame analysed
  std::deque<SteadyTime> recent_starts_;
  std::set<std::string> silenced_;  // zones whose current event was suppressed: their update and end are too
  std::uint64_t suppressed_since_report_ = 0;

  std::mutex run_mutex_;  // onFrame (worker thread) against reconfigure and restoreOpen (event thread)
  mutable std::mutex mutex_;
  DetectionStats stats_;
};

analysis::ZoneSpec zoneSpecFrom(const config::ZoneConfig& zone);
analysis::MotionConfig motionConfigFrom(const config::DetectionConfig& config);

}  // namespace villagecam::app
