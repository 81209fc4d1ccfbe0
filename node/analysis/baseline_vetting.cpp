#include "analysis/baseline_vetting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "i18n/messages.hpp"

namespace villagecam::analysis {

using i18n::Msg;
using i18n::tr;

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double meanDifference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total());
}

// How far a frame may differ from most others: well beyond what the
// frames typically do (a scene with people walking differs more than an
// empty square), and never less than a few grey levels (compression noise of
// a still scene is a fraction of one).
constexpr double kOutlierRatio = 4.0;
constexpr double kOutlierMargin = 4.0;    // grey levels
constexpr double kSharpnessDrop = 0.5;    // a frame this much less sharp than the others is smeared
constexpr double kAgreeingShare = 0.6;    // of the frames must agree
constexpr double kBrightnessSwing = 12;   // grey levels of mean brightness between kept frames

}  // namespace

BaselineVetting vetBaselineFrames(const std::vector<cv::Mat>& frames, const ViewThresholds& thresholds) {
  BaselineVetting v;
  const int n = static_cast<int>(frames.size());
  if (n < kMinBaselineFrames) {
    v.refusal = tr(Msg::BaselineTooFew, n, kMinBaselineFrames);
    return v;
  }
  std::vector<cv::Mat> greys;
  std::vector<double> sharpness, contrast, brightness;
  for (const auto& f : frames) {
    greys.push_back(rawSmallGrey(f).clone());
    cv::Scalar mean, stddev;
    cv::meanStdDev(greys.back(), mean, stddev);
    brightness.push_back(mean[0]);
    contrast.push_back(stddev[0]);
    sharpness.push_back(measure(prepare(f)).sharpness);
  }
  // Every frame against every other: a frame agrees with the view when it
  // is as close to most of the others as they typically are to their
  // nearest one. A majority of damaged or moving frames leaves no frame
  // close to most others, and the view is refused.
  std::vector<std::vector<double>> pair(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n)));
  for (std::size_t i = 0; i < greys.size(); ++i) {
    for (std::size_t j = i + 1; j < greys.size(); ++j) pair[i][j] = pair[j][i] = meanDifference(greys[i], greys[j]);
  }
  std::vector<double> nearest, difference;  // per frame: to its nearest other; to the others, median
  for (std::size_t i = 0; i < greys.size(); ++i) {
    std::vector<double> others;
    for (std::size_t j = 0; j < greys.size(); ++j) {
      if (j != i) others.push_back(pair[i][j]);
    }
    nearest.push_back(*std::min_element(others.begin(), others.end()));
    difference.push_back(median(others));
  }
  const double typical = median(nearest);
  const double typical_sharpness = median(sharpness);
  const double limit = std::max(typical * kOutlierRatio, typical + kOutlierMargin);
  for (int i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    if (difference[at] > limit) {
      v.dropped.push_back({i, tr(Msg::BaselineFrameDiffers, fmt::format("{:.1f}", difference[at]),
                                 fmt::format("{:.1f}", typical))});
    } else if (sharpness[at] < kSharpnessDrop * typical_sharpness) {
      v.dropped.push_back({i, tr(Msg::BaselineFrameSmeared, fmt::format("{:.0f}", sharpness[at]),
                                 fmt::format("{:.0f}", typical_sharpness))});
    } else {
      v.kept.push_back(i);
    }
  }
  const int needed = std::max(kMinBaselineFrames, static_cast<int>(std::ceil(kAgreeingShare * n)));
  if (static_cast<int>(v.kept.size()) < needed) {
    v.refusal = tr(Msg::BaselineNotSteady, v.kept.size(), n);
  }
  std::vector<double> kept_sharpness, kept_contrast, kept_brightness, kept_spread, consecutive;
  for (std::size_t k = 0; k < v.kept.size(); ++k) {
    const auto i = static_cast<std::size_t>(v.kept[k]);
    kept_sharpness.push_back(sharpness[i]);
    kept_contrast.push_back(contrast[i]);
    kept_brightness.push_back(brightness[i]);
    kept_spread.push_back(difference[i]);
    if (k > 0) consecutive.push_back(meanDifference(greys[static_cast<std::size_t>(v.kept[k - 1])], greys[i]));
  }
  v.figures = {median(kept_sharpness), median(kept_contrast), median(kept_brightness), median(consecutive),
               median(kept_spread)};
  if (v.refusal || v.kept.empty()) return v;
  if (v.figures.contrast < thresholds.blank_contrast) {
    v.refusal = tr(Msg::BaselineBlank, fmt::format("{:.1f}", v.figures.contrast));
    return v;
  }
  const auto [low, high] = std::minmax_element(kept_brightness.begin(), kept_brightness.end());
  if (*high - *low > kBrightnessSwing) {
    v.refusal = tr(Msg::BaselineBrightnessChanging, fmt::format("{:.0f}", *low), fmt::format("{:.0f}", *high));
  }
  return v;
}

}  // namespace villagecam::analysis
