#include "analysis/view_tracker.hpp"

#include <algorithm>

namespace villagecam::analysis {

namespace {

// Checks come at a cadence (every check interval, or every key frame) that
// jitters with the frames' arrival: a hold counts as complete once the checks
// cover it to within this much.
constexpr Duration kCadenceTolerance = std::chrono::milliseconds(250);

}  // namespace

std::vector<ViewChange> ViewTracker::update(const std::vector<ViewIssue>& seen, SteadyTime now,
                                            const std::map<ViewIssue, SteadyTime>& began) {
  std::vector<ViewChange> changes;
  // A change happened after the previous judgement and by this one: its hold
  // counts from the previous judgement, so that an issue is raised (and
  // cleared) within raise_after (clear_after) of when it began (ended), not
  // up to one cadence later. A judgement long ago (a stream that was away)
  // is no such bound.
  const auto previous = last_update_;
  last_update_ = now;
  auto from = [&](Duration hold) {
    return previous && now - *previous <= hold ? *previous : now;
  };
  for (auto issue : kViewIssues) {
    State& s = states_[issue];
    const bool present = std::find(seen.begin(), seen.end(), issue) != seen.end();
    if (present) {
      s.absent_since.reset();
      if (!s.seen_since) s.seen_since = now, s.first_seen = now, s.hold_from = from(h_.raise_after);
      if (const auto b = began.find(issue); b != began.end() && !s.raised) {
        const SteadyTime earliest = s.first_seen - (h_.raise_after - h_.raise_after / 4);
        s.hold_from = std::min(s.hold_from, std::max(b->second, earliest));
        s.seen_since = std::min(*s.seen_since, b->second);
      }
      if (!s.raised && now - s.hold_from + kCadenceTolerance >= h_.raise_after) {
        s.raised = true;
        changes.push_back({issue, true, *s.seen_since});
      }
    } else {
      if (!s.raised) {
        s.seen_since.reset();  // a run shorter than raise_after is forgotten
        continue;
      }
      if (!s.absent_since) s.absent_since = now, s.hold_from = from(h_.clear_after);
      if (now - s.hold_from + kCadenceTolerance >= h_.clear_after) {
        changes.push_back({issue, false, *s.absent_since});
        s = State{};
      }
    }
  }
  return changes;
}

void ViewTracker::restore(const std::vector<ViewIssue>& raised, SteadyTime now) {
  for (auto issue : raised) states_[issue] = State{true, now, std::nullopt, now, now};
}

std::vector<ViewIssue> ViewTracker::raised() const {
  std::vector<ViewIssue> out;
  for (const auto& [issue, s] : states_) {
    if (s.raised) out.push_back(issue);
  }
  return out;
}

}  // namespace villagecam::analysis
