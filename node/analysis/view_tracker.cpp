#include "analysis/view_tracker.hpp"

#include <algorithm>

namespace villagecam::analysis {

std::vector<ViewChange> ViewTracker::update(const std::vector<ViewIssue>& seen, SteadyTime now) {
  std::vector<ViewChange> changes;
  for (auto issue : {ViewIssue::Blank, ViewIssue::Frozen, ViewIssue::Defocus, ViewIssue::Occluded, ViewIssue::Shifted}) {
    State& s = states_[issue];
    const bool present = std::find(seen.begin(), seen.end(), issue) != seen.end();
    if (present) {
      s.absent_since.reset();
      if (!s.seen_since) s.seen_since = now;
      if (!s.raised && now - *s.seen_since >= h_.raise_after) {
        s.raised = true;
        changes.push_back({issue, true, *s.seen_since});
      }
    } else {
      if (!s.raised) {
        s.seen_since.reset();  // a run shorter than raise_after is forgotten
        continue;
      }
      if (!s.absent_since) s.absent_since = now;
      if (now - *s.absent_since >= h_.clear_after) {
        changes.push_back({issue, false, *s.absent_since});
        s = State{};
      }
    }
  }
  return changes;
}

void ViewTracker::restore(const std::vector<ViewIssue>& raised, SteadyTime now) {
  for (auto issue : raised) states_[issue] = State{true, now, std::nullopt};
}

std::vector<ViewIssue> ViewTracker::raised() const {
  std::vector<ViewIssue> out;
  for (const auto& [issue, s] : states_) {
    if (s.raised) out.push_back(issue);
  }
  return out;
}

}  // namespace villagecam::analysis
