#include "app/view_monitor.hpp"

namespace villagecam::app {
namespace {

Duration toDuration(config::Seconds s) { return std::chrono::duration_cast<Duration>(s); }

}  // namespace

ViewMonitor::ViewMonitor(std::optional<analysis::StoredBaseline> baseline, const config::ViewQualityConfig& config)
    : baseline_(std::move(baseline)),
      interval_(toDuration(config.check_interval)),
      tracker_({toDuration(config.raise_after), toDuration(config.clear_after)}) {
  state_.has_baseline = baseline_.has_value();
  if (baseline_) state_.baseline_taken_at = baseline_->taken_at;
}

bool ViewMonitor::onFrame(const cv::Mat& frame, SteadyTime now) {
  if (!baseline_ || now < next_check_) return false;
  next_check_ = now + interval_;
  const auto verdict = analysis::assess(frame, previous_raw_, baseline_->baseline);
  previous_raw_ = analysis::rawSmallGrey(frame).clone();
  const auto changes = tracker_.update(verdict.issues, now);
  std::lock_guard lock(mutex_);
  state_.raised = tracker_.raised();
  state_.last_checked = now;
  return !changes.empty();
}

ViewState ViewMonitor::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

const char* viewStateName(const ViewState& s) {
  if (!s.has_baseline) return "unknown";
  return s.raised.empty() ? "ok" : "tampered";
}

}  // namespace villagecam::app
