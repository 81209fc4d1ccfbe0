// Dark: the view lost most of its light at once. Night darkens a view too,
// and further, but slowly (over many minutes, the camera's gain following);
// a lens dimmed or painted over, or the view's lights cut, does it between
// two checks. Each check's light (lightRatio against the baseline) is
// compared with the check or checks of the last 2.5 s: a fall below `fall`
// of the brightest of them, to a view with at most `dark_light` of its
// baseline's light, is dark, and stays dark until the light is back to
// `recovered` of what it was before the fall (a dimmed lens stays dimmed;
// nothing about it gets better with time). Pure: the light is passed in.
#pragma once

#include <deque>
#include <optional>
#include <utility>

#include "util/clock.hpp"

namespace villagecam::analysis {

struct DarkThresholds {
  double fall = 0.5;        // the light fell below this share of what it was...
  // ...within this long (at least: see DarkJudge): from one check to the
  // next. Night, even compressed a hundredfold into 20 s as the tests do,
  // takes the light down by a third between checks 2 s apart at the most.
  Duration within = std::chrono::milliseconds(2500);
  double dark_light = 0.5;  // ...to at most this share of the baseline's
  double recovered = 0.75;  // dark until the light is back to this share of before the fall
  // A view already this dark has too little light to measure a fall of it
  // (some 15 grey levels above black, where the black level clips the
  // noise and the encoder wipes it, its measure halves as it loses a few).
  double measurable = 0.15;
};

class DarkJudge {
 public:
  // `check_interval`: how far apart the checks come; a fall is looked for
  // over 1.5 of them where that is longer than `within` (sampled pictures
  // a minute apart: dusk moves little in a minute).
  explicit DarkJudge(Duration check_interval = std::chrono::seconds(2), DarkThresholds t = {});
  void add(double light, SteadyTime at);
  // The picture changed its kind (infrared on or off): the light before says
  // nothing of the light after.
  void restart();
  bool dark() const { return before_.has_value(); }
  // While dark: the last check before the fall.
  std::optional<SteadyTime> since() const { return since_; }
  // While dark: the light before the fall.
  std::optional<double> before() const { return before_; }

 private:
  DarkThresholds t_;
  Duration within_;
  std::deque<std::pair<SteadyTime, double>> recent_;
  std::optional<double> before_;
  std::optional<SteadyTime> since_;
};

}  // namespace villagecam::analysis
