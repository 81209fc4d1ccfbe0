#include "analysis/darkening.hpp"

#include <algorithm>

namespace villagecam::analysis {

DarkJudge::DarkJudge(Duration check_interval, DarkThresholds t)
    : t_(t), within_(std::max(t.within, check_interval * 3 / 2)) {}

void DarkJudge::restart() {
  recent_.clear();
  before_.reset();
  since_.reset();
}

void DarkJudge::add(double light, SteadyTime at) {
  while (!recent_.empty() && recent_.front().first < at - within_) recent_.pop_front();
  if (before_) {
    if (light >= t_.recovered * *before_) {
      before_.reset();
      since_.reset();
    }
  } else if (light <= t_.dark_light && !recent_.empty()) {
    const auto brightest = std::max_element(recent_.begin(), recent_.end(),
                                            [](const auto& a, const auto& b) { return a.second < b.second; });
    if (brightest->second >= t_.measurable && light < t_.fall * brightest->second) {
      before_ = brightest->second;
      // The last check still as bright: the light fell after it.
      for (const auto& [when, was] : recent_) {
        if (was * t_.fall > light) since_ = when;
      }
    }
  }
  recent_.emplace_back(at, light);
}

}  // namespace villagecam::analysis
