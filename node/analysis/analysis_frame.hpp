// A frame as the analysers take it. Every analyser reads grey (motion, view
// quality, people), so grey is what a frame is: for the software pipeline's
// I420 frames it is the luma plane itself, a header over the mailbox slot,
// no conversion and no copy. Colour is made only when something asks for it
// (a snapshot for an alert or a tamper), into a buffer the caller keeps.
// Valid while the frame or picture it was made from lives.
#pragma once

#include <opencv2/core.hpp>

#include <optional>

#include "analysis/picture_condition.hpp"

namespace villagecam::analysis {

// A frame at the analysis size on its way from the decoder (the streaming
// thread that scaled it) to the analysers on the camera's worker.
struct ScaledFrame {
  cv::Mat data;       // I420, planes packed (height * 3 / 2 rows), or BGR, or grey
  bool i420 = false;
  bool empty() const { return data.empty(); }
};


class AnalysisFrame {
 public:
  // A BGR or grey picture (tests, a hardware template's BGR).
  explicit AnalysisFrame(const cv::Mat& picture);
  // A frame from the mailbox. A BGR frame is turned grey into `grey_buffer`;
  // an I420 one is made BGR into `colour_buffer` the first time colour() is
  // asked. Both buffers are reused from frame to frame.
  AnalysisFrame(const ScaledFrame& frame, cv::Mat& grey_buffer, cv::Mat& colour_buffer);

  const cv::Mat& grey() const { return grey_; }
  // BGR (a grey source stays grey). Converts on the first call.
  const cv::Mat& colour() const;
  cv::Size size() const { return grey_.size(); }
  // Its colour, read off an I420 frame's chroma planes (no conversion) or
  // measured on a BGR one; nullopt for a grey source.
  std::optional<Chroma> chroma() const;

 private:
  const ScaledFrame* i420_ = nullptr;  // set when colour must be converted from I420
  cv::Mat picture_;                    // the BGR or grey source otherwise
  cv::Mat grey_;
  cv::Mat own_grey_;                   // for a BGR picture given directly
  cv::Mat* colour_buffer_ = nullptr;
  mutable bool colour_ready_ = false;
};

}  // namespace villagecam::analysis
