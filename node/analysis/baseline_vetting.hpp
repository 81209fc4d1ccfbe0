// Before frames become a camera's reference view (villagecam-node baseline):
// do they agree with each other? A frame that differs from the others far
// more than they differ among themselves (someone passing close to the lens,
// a flash, a smeared picture) is dropped; a view where too few agree, that
// is blank, or whose brightness keeps changing (the camera still adjusting
// its exposure) is refused with a plain reason, since a reference taken from
// it would make a healthy view look tampered for as long as it is used. Pure:
// frames in, a verdict and the reference's measures out.
#pragma once

#include <opencv2/core.hpp>

#include <optional>
#include <string>
#include <vector>

#include "analysis/view_quality.hpp"

namespace villagecam::analysis {

struct DroppedFrame {
  int index = 0;       // in the order the frames came
  std::string reason;  // plain words
};

// What the reference's frames measure, as the installer sees it printed.
struct BaselineFigures {
  double sharpness = 0;       // median variance of the Laplacian, normalised image
  double contrast = 0;        // median brightness spread, raw grey levels
  double brightness = 0;      // median mean brightness, 0..255
  double temporal_noise = 0;  // median mean |difference| between consecutive kept frames
  double spread = 0;          // median mean |difference| of a kept frame from the others
};

struct BaselineVetting {
  std::vector<int> kept;               // indices of the frames that agree
  std::vector<DroppedFrame> dropped;   // the others, and why
  std::optional<std::string> refusal;  // set: no reference may be made of these frames
  BaselineFigures figures;             // of the kept frames
};

inline constexpr int kMinBaselineFrames = 3;

// `frames`: BGR or grey, any size (judged at the analysis size).
BaselineVetting vetBaselineFrames(const std::vector<cv::Mat>& frames, const ViewThresholds& thresholds = {});

}  // namespace villagecam::analysis
