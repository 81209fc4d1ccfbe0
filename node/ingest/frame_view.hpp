// A decoded GStreamer frame seen as a cv::Mat without copying. The Mat is
// valid only while the FrameView lives.
#pragma once

#include <gst/gst.h>

#include <opencv2/core.hpp>

#include "ingest/gst_ptr.hpp"

namespace villagecam::ingest {

class FrameView {
 public:
  // Supports BGR and GRAY8 samples; ok() is false for anything else.
  explicit FrameView(const GstSample& sample);
  FrameView(const FrameView&) = delete;
  FrameView& operator=(const FrameView&) = delete;

  bool ok() const { return !mat_.empty(); }
  const cv::Mat& mat() const { return mat_; }

 private:
  gst::MappedBuffer mapped_;
  cv::Mat mat_;
};

}  // namespace villagecam::ingest
