// Brings a decoded frame to the analysis size as BGR, on the camera's worker
// thread. The software pipeline hands over the decoder's own I420 picture
// untouched (no GStreamer scaling or conversion); the scaler resizes its three
// planes with OpenCV's area filter and converts the small result once. At
// 720p to 640x360 this costs 0.2 ms where videoscale + videoconvert take
// 3.9 ms on the same machine (docs/performance.md). Its buffers are reused: no heap
// allocation per frame once the sizes are known.
#pragma once

#include <opencv2/core.hpp>

#include "ingest/frame_view.hpp"

namespace villagecam::ingest {

class FrameScaler {
 public:
  // target: the analysis size (even width and height); {0, 0} keeps the
  // frame's own size.
  explicit FrameScaler(cv::Size target = {}) : target_(target) {}

  // The frame at the target size, BGR (GRAY8 input stays grey). Valid until
  // the next call and, when no work was needed, while `frame` lives.
  const cv::Mat& analysisFrame(const FrameView& frame);

 private:
  cv::Size target_;
  cv::Mat yuv_;  // I420 at the target size, planes packed as cvtColor wants them
  cv::Mat out_;
};

}  // namespace villagecam::ingest
