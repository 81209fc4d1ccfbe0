// Hysteresis over view-quality judgements: an issue is raised only after it
// has held for `raise_after`, and cleared only after the view has been free
// of it for `clear_after`, so a bus passing in front of the lens or one bad
// frame raises nothing and a flickering tamper does not flap. A hold counts
// from the judgement before the change was first seen (it happened since),
// so a check cadence of seconds adds no delay of its own. Pure: times are
// passed in.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "analysis/view_quality.hpp"
#include "util/clock.hpp"

namespace villagecam::analysis {

struct ViewHysteresis {
  Duration raise_after = std::chrono::seconds(20);
  Duration clear_after = std::chrono::seconds(10);
};

struct ViewChange {
  ViewIssue issue;
  bool raised;  // true: now raised; false: now cleared
  SteadyTime since;  // when the condition began (raise) or ended (clear)
};

class ViewTracker {
 public:
  explicit ViewTracker(ViewHysteresis h = {}) : h_(h) {}

  // Feeds one judgement; returns the issues that were raised or cleared now.
  // `began`: issues whose analyser dates their start from its own evidence
  // (a stopped picture, from the key frame after which every pair differed
  // less than live ones): their hold counts from then, but an issue is
  // raised no sooner than a quarter of raise_after after it was first seen.
  std::vector<ViewChange> update(const std::vector<ViewIssue>& seen, SteadyTime now,
                                 const std::map<ViewIssue, SteadyTime>& began = {});
  // Starts with these issues raised (they were raised before a restart):
  // they clear only after clear_after without them, as if never interrupted.
  void restore(const std::vector<ViewIssue>& raised, SteadyTime now);
  // The issues currently raised.
  std::vector<ViewIssue> raised() const;
  bool ok() const { return raised().empty(); }

 private:
  struct State {
    bool raised = false;
    std::optional<SteadyTime> seen_since;    // first sighting in the current run
    std::optional<SteadyTime> absent_since;  // first frame without it, while raised
    SteadyTime hold_from{};  // the current hold (to raise, or to clear) counts from here
    SteadyTime first_seen{};  // the judgement that first saw the current run
  };
  ViewHysteresis h_;
  std::optional<SteadyTime> last_update_;
  std::map<ViewIssue, State> states_;
};

}  // namespace villagecam::analysis
