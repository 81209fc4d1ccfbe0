// A decoded picture (a GStreamer buffer, or planes of libavcodec's) seen as
// cv::Mat headers without copying. The headers are valid only while the
// FrameView lives and the picture it looks at is not released.
#pragma once

#include <gst/gst.h>

#include <array>
#include <optional>
#include <opencv2/core.hpp>

#include "ingest/gst_ptr.hpp"

namespace villagecam::ingest {

class FrameView {
 public:
  enum class Layout { None, Bgr, Grey, I420 };

  // Supports BGR, GRAY8 and I420 samples; ok() is false for anything else.
  explicit FrameView(const GstSample& sample);
  // The same for a buffer and the caps it travels with.
  FrameView(GstBuffer* buffer, const GstCaps* caps);
  // Planes of an I420 picture held elsewhere: luma, then U and V at half
  // size. ok() is false if they are not.
  explicit FrameView(const std::array<cv::Mat, 3>& i420);
  FrameView(const FrameView&) = delete;
  FrameView& operator=(const FrameView&) = delete;

  bool ok() const { return layout_ != Layout::None; }
  Layout layout() const { return layout_; }
  cv::Size size() const { return size_; }
  // BGR and GRAY8: the picture. I420: the luma plane (a grey picture).
  const cv::Mat& mat() const { return planes_[0]; }
  // I420 only: 0 luma, 1 and 2 the half-size chroma planes (U, V).
  const cv::Mat& plane(int i) const { return planes_[static_cast<size_t>(i)]; }

 private:
  std::optional<gst::MappedBuffer> mapped_;
  Layout layout_ = Layout::None;
  cv::Size size_;
  std::array<cv::Mat, 3> planes_;
};

}  // namespace villagecam::ingest
