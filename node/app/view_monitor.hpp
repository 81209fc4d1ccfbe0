// Per camera: judges the view about once every check_interval against the
// camera's baseline, through the hysteresis of a ViewTracker. Runs on the
// camera's worker thread (never on a GStreamer thread); the node reads its
// state from other threads.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analysis/baseline_store.hpp"
#include "analysis/view_quality.hpp"
#include "analysis/view_tracker.hpp"
#include "config/config.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

struct ViewState {
  bool has_baseline = false;
  std::optional<WallTime> baseline_taken_at;
  std::vector<analysis::ViewIssue> raised;  // after hysteresis
  std::optional<SteadyTime> last_checked;
};

class ViewMonitor {
 public:
  ViewMonitor(std::optional<analysis::StoredBaseline> baseline, const config::ViewQualityConfig& config);

  // A decoded frame (BGR or grey). Returns true when the raised issues changed.
  bool onFrame(const cv::Mat& frame, SteadyTime now);
  ViewState state() const;

 private:
  std::optional<analysis::StoredBaseline> baseline_;
  Duration interval_;
  analysis::ViewTracker tracker_;
  cv::Mat previous_raw_;
  SteadyTime next_check_{};

  mutable std::mutex mutex_;
  ViewState state_;
};

const char* viewStateName(const ViewState& s);  // "unknown" (no baseline), "ok", "tampered"

}  // namespace villagecam::app
