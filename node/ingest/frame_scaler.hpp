// Brings a decoded frame to the analysis size on the streaming thread that
// decoded it, so that the decoder's picture goes back to its pool at once and
// only the small frame travels on. The software pipeline hands over the
// decoder's own I420 picture untouched (no GStreamer scaling or conversion);
// the scaler resizes its three planes with OpenCV's area filter straight into
// the small frame, which stays I420: half the bytes of BGR, and its luma plane
// is the grey picture the analysers read (AnalysisFrame). At 720p to 640x360
// this costs 0.1 ms where videoscale + videoconvert take 3.9 ms on the same
// machine (docs/performance.md). Buffers are reused: no heap allocation per frame once
// the sizes are known.
#pragma once

#include <opencv2/core.hpp>

#include "analysis/analysis_frame.hpp"
#include "ingest/frame_view.hpp"

namespace villagecam::ingest {

class FrameScaler {
 public:
  // target: the analysis size (even width and height); {0, 0} keeps the
  // frame's own size.
  explicit FrameScaler(cv::Size target = {}) : target_(target) {}

  // Writes the frame at the target size into `out`: I420 stays I420, BGR
  // and grey stay as they are. `out` keeps its buffer when it already has
  // the right size and type.
  void scale(const FrameView& frame, analysis::ScaledFrame& out) const;

 private:
  cv::Size target_;
};

}  // namespace villagecam::ingest
