// Shaking: a view that moves back and forth from one check to the next (a
// loose mount, a pole in the wind, a bracket hit), where `shifted` is a
// view that moved once and stays. Each check's shift against the baseline
// (phase correlation, estimateShift) is compared with the last check's: the
// view shakes while the median jump over the last few checks is a clear
// share of the frame. A tree moving in the wind does not move the view (its
// correlation peak stays at the origin); a 2 px wobble is no defect. The
// view is at rest again at the first check that neither jumped nor is away
// from the origin. Pure: the shifts are passed in.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

#include "analysis/view_quality.hpp"
#include "util/clock.hpp"

namespace villagecam::analysis {

struct ShakeThresholds {
  double jump_fraction = 0.01;     // the median jump between checks above this share of the frame...
  std::size_t window = 3;          // ...over this many checks...
  std::size_t min_jumps = 2;       // ...of which at least this many were measured (a clear correlation peak)
  double min_response = 0.03;      // a peak weaker than this measures nothing
};

class ShakeJudge {
 public:
  explicit ShakeJudge(ShakeThresholds t = {}) : t_(t) {}
  // One check's shift, in pixels at analysis size, at `at`.
  void add(const ShiftEstimate& shift, SteadyTime at);
  bool shaking() const;
  // While shaking: the check before the first jump of the current run (the
  // view began to shake after it).
  std::optional<SteadyTime> since() const { return shaking() ? since_ : std::nullopt; }
  // The median jump over the window, as a share of the frame (nullopt: too
  // few measured).
  std::optional<double> medianJump() const;
  void reset() {
    jumps_.clear();
    last_.reset();
    since_.reset();
  }

 private:
  ShakeThresholds t_;
  std::deque<std::optional<double>> jumps_;  // per check; nullopt: not measured
  std::optional<ShiftEstimate> last_;
  std::optional<SteadyTime> last_at_, since_;
};

}  // namespace villagecam::analysis
