// View quality: is the camera's picture usable, or is it blank, frozen, out of
// focus, covered or turned away? Pure functions over grey cv::Mat frames and
// plain structs, measured against the camera's own baseline (taken at
// commissioning), never against absolute magic numbers where the scene
// matters. No GStreamer, no MQTT: tests feed frames directly.
#pragma once

#include <opencv2/core.hpp>

#include <optional>
#include <string>
#include <vector>

namespace villagecam::analysis {

enum class ViewIssue { Blank, Frozen, Defocus, Occluded, Shifted };
const char* toString(ViewIssue issue);
std::optional<ViewIssue> viewIssueFrom(const std::string& name);

// All analysis happens on a small grey copy of this size.
inline constexpr int kAnalysisWidth = 320;
inline constexpr int kAnalysisHeight = 180;
inline constexpr int kGrid = 4;  // the view is judged in kGrid x kGrid cells

struct ViewMeasures {
  double mean = 0;                 // brightness, 0..255
  double contrast = 0;             // standard deviation of brightness
  double sharpness = 0;            // variance of the Laplacian of the normalised image
  std::vector<double> cell_texture;  // per cell: mean gradient magnitude of the normalised image
};

struct ViewBaseline {
  cv::Mat reference;               // normalised grey, kAnalysisWidth x kAnalysisHeight
  ViewMeasures measures;
  // Median mean |difference| of consecutive frames at baseline, raw grey at
  // analysis size: the camera's live temporal noise. Negative: not measured
  // (a baseline stored before it was).
  double temporal_noise = -1;
};

struct ViewThresholds {
  double blank_contrast = 4.0;        // below: no content (cap, black, one colour)
  double blank_texture = 1.5;         // and no texture anywhere
  double frozen_difference = 0.05;    // mean |frame - previous| below: not a live sensor
  double defocus_ratio = 0.35;        // sharpness below this share of the baseline's
  double occluded_cell_ratio = 0.2;   // a cell lost its texture below this share of its baseline...
  double occluded_share = 0.5;        // ...in more than this share of the textured cells
  double shift_fraction = 0.05;       // moved more than this share of the frame size
  double shift_min_response = 0.06;   // a correlation peak weaker than this is no peak at all...
  double layout_min_similarity = 0.6; // ...and with the texture layout changed too, the view is another
};

// The grey, analysis-size, contrast-normalised image every measure uses.
cv::Mat prepare(const cv::Mat& frame);

ViewMeasures measure(const cv::Mat& prepared);
ViewBaseline makeBaseline(const std::vector<cv::Mat>& frames);

struct ShiftEstimate {
  double dx = 0, dy = 0;  // pixels at analysis size
  double response = 0;    // phase correlation peak, 0..1
};
ShiftEstimate estimateShift(const cv::Mat& reference, const cv::Mat& prepared);
double textureLayoutSimilarity(const std::vector<double>& baseline, const std::vector<double>& now);

struct ViewAssessment {
  std::vector<ViewIssue> issues;  // empty: the view is fine
  ViewMeasures measures;
  ShiftEstimate shift;
  double frame_difference = 0;  // mean |frame - previous| of the raw grey frames
  double layout_similarity = 1;  // of the per-cell texture against the baseline
  bool has(ViewIssue i) const;
};

// One frame against the baseline; `previous_raw` (the previous grey frame at
// analysis size, not normalised) is for frozen detection and may be empty.
ViewAssessment assess(const cv::Mat& frame, const cv::Mat& previous_raw, const ViewBaseline& baseline,
                      const ViewThresholds& thresholds = {});

// The grey analysis-size frame without normalisation (for frozen detection).
cv::Mat rawSmallGrey(const cv::Mat& frame);

}  // namespace villagecam::analysis
