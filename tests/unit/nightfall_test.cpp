// Night falling on a camera without infrared, through a real encoder: the
// view darkens everywhere, the camera's gain lifts it and its noise, and the
// encoder's quantiser wipes the detail of what is left in the dark. Issue 25:
// that is never a cover; a cover in the evening or over most of the view
// still is. Real footage (Debian's opencv-doc clips), encoded with x264 and
// decoded again.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "analysis/darkening.hpp"
#include "analysis/view_quality.hpp"
#include "encoded_footage.hpp"

namespace villagecam::analysis {
namespace {

using testing::footage;
using testing::throughEncoder;
constexpr int kFps = testing::kFootageFps;

// The scene's light falls geometrically to `floor` of the day's over
// `ramp` seconds; the camera's gain makes up for it up to `max_gain` and
// amplifies its sensor noise as much.
void nightfall(cv::Mat& f, double t, double ramp, double floor, double max_gain, std::uint64_t seed) {
  const double light = std::exp(std::log(floor) * std::clamp(t / ramp, 0.0, 1.0));
  const double agc = std::min(max_gain, 1.0 / light);
  f.convertTo(f, -1, light * agc);
  if (agc > 1.01) {
    cv::Mat noise(f.size(), CV_16SC3), wide;
    cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, 1.2 * (agc - 1));
    f.convertTo(wide, CV_16SC3);
    wide += noise;
    wide.convertTo(f, CV_8UC3);
  }
}

struct Night {
  std::string clip;
  double floor, max_gain;
  int kbps;
};

TEST(Nightfall, AViewDarkeningAsTheDayEndsIsNeverCovered) {
  for (const Night& n : {Night{"tree.avi", 0.03, 3, 1500}, Night{"vtest.avi", 0.03, 4, 800},
                         Night{"vtest.avi", 0.05, 4, 1500}}) {
    SCOPED_TRACE(n.clip + " to " + std::to_string(n.floor) + " of the light at " + std::to_string(n.kbps) + " kbit/s");
    auto frames = footage(n.clip, 300);
    ASSERT_EQ(frames.size(), 300u);
    for (size_t k = 0; k < frames.size(); ++k) {
      nightfall(frames[k], (static_cast<double>(k) - 50) / kFps, 20, n.floor, n.max_gain, k * 31 + 7);
    }
    const auto decoded = throughEncoder(frames, n.kbps);
    ASSERT_GE(decoded.size(), 290u);
    const ViewBaseline baseline = makeBaseline({decoded[0], decoded[10], decoded[20]});
    cv::Mat previous;
    double darkest = 255;
    DarkJudge dark(std::chrono::seconds(1));
    for (size_t k = 30; k < decoded.size(); k += 10) {
      const auto a = assess(decoded[k], previous, baseline);
      previous = rawSmallGrey(decoded[k]);
      darkest = std::min(darkest, cv::mean(previous)[0]);
      EXPECT_FALSE(a.has(ViewIssue::Occluded)) << "at " << k / kFps << " s: " << a.cover.share << " covered";
      // Nor anything else: not veiled, not snow, no cast (night's colours are not judged).
      EXPECT_TRUE(a.issues.empty()) << "at " << k / kFps << " s: " << toString(a.issues.front());
      dark.add(a.light, SteadyTime{} + std::chrono::seconds(k / kFps));
      EXPECT_FALSE(dark.dark()) << "at " << k / kFps << " s: the light " << a.light;
    }
    EXPECT_LT(darkest, 25) << "the night did not fall";
  }
}

TEST(Nightfall, ACoverInTheEveningOrOverMostOfTheViewIsStillOne) {
  auto frames = footage("vtest.avi", 120);
  ASSERT_EQ(frames.size(), 120u);
  for (size_t k = 60; k < frames.size(); ++k) {
    if (k < 90) {  // evening: half the light, a dark cloth over the left 45 %
      nightfall(frames[k], 1e9, 1, 0.5, 1, k);
      cv::rectangle(frames[k], cv::Rect(0, 0, 288, 360), cv::Scalar(28, 30, 30), cv::FILLED);
    } else {  // daylight, a black bag over the lower 70 %
      cv::rectangle(frames[k], cv::Rect(0, 108, 640, 252), cv::Scalar(8, 8, 10), cv::FILLED);
    }
  }
  const auto decoded = throughEncoder(frames, 1500);
  ASSERT_GE(decoded.size(), 115u);
  const ViewBaseline baseline = makeBaseline({decoded[0], decoded[10], decoded[20]});
  for (size_t k : {70u, 80u}) {
    const auto a = assess(decoded[k], {}, baseline);
    EXPECT_TRUE(a.has(ViewIssue::Occluded)) << "evening cloth at frame " << k << ": " << a.cover.share;
  }
  for (size_t k : {100u, 110u}) {
    const auto a = assess(decoded[k], {}, baseline);
    EXPECT_TRUE(a.has(ViewIssue::Occluded)) << "black bag at frame " << k << ": " << a.cover.share;
  }
  EXPECT_TRUE(assess(decoded[40], {}, baseline).issues.empty());
}

// The same camera, its lens dimmed at once (a dark film, paint sprayed thin):
// dark from the check after, through the encoder's noise.
TEST(Nightfall, ALensDimmedAtOnceIsDark) {
  for (const double left : {0.15, 0.4}) {
    SCOPED_TRACE("dimmed to " + std::to_string(left) + " of its light");
    auto frames = footage("vtest.avi", 120);
    for (size_t k = 60; k < frames.size(); ++k) frames[k].convertTo(frames[k], -1, left);
    const auto decoded = throughEncoder(frames, 1500);
    ASSERT_GE(decoded.size(), 110u);
    const ViewBaseline baseline = makeBaseline({decoded[0], decoded[10], decoded[20]});
    DarkJudge dark(std::chrono::seconds(1));
    for (size_t k = 30; k < decoded.size(); k += 10) {
      const auto a = assess(decoded[k], {}, baseline);
      dark.add(a.light, SteadyTime{} + std::chrono::seconds(k / kFps));
      EXPECT_EQ(dark.dark(), k >= 60) << "at " << k / kFps << " s: the light " << a.light;
    }
  }
}

}  // namespace
}  // namespace villagecam::analysis
