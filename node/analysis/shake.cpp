#include "analysis/shake.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace villagecam::analysis {

void ShakeJudge::add(const ShiftEstimate& shift, SteadyTime at) {
  std::optional<double> jump;
  const bool measured = shift.response >= t_.min_response;
  if (measured && last_) {
    jump = std::hypot((shift.dx - last_->dx) / kAnalysisWidth, (shift.dy - last_->dy) / kAnalysisHeight);
  }
  const bool big = jump && *jump > t_.jump_fraction;
  // A run of shaking begins after the check before its first jump.
  if (big && !since_) since_ = last_at_.value_or(at);
  last_at_ = at;
  if (measured) {
    last_ = shift;
  } else {
    last_.reset();
  }
  jumps_.push_back(jump);
  while (jumps_.size() > t_.window) jumps_.pop_front();
  if (!big && !shaking()) since_.reset();
}

std::optional<double> ShakeJudge::medianJump() const {
  std::vector<double> v;
  for (const auto& j : jumps_) {
    if (j) v.push_back(*j);
  }
  if (v.size() < t_.min_jumps) return std::nullopt;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

bool ShakeJudge::shaking() const {
  const auto m = medianJump();
  if (!m || *m <= t_.jump_fraction) return false;
  // At rest again: the last check neither jumped nor is away from where
  // the view belongs.
  const bool jumped = !jumps_.empty() && jumps_.back() && *jumps_.back() > t_.jump_fraction;
  const bool away = last_ && std::hypot(last_->dx / kAnalysisWidth, last_->dy / kAnalysisHeight) > t_.jump_fraction;
  return jumped || away;
}

}  // namespace villagecam::analysis
