#include "ingest/frame_view.hpp"

#include <gst/video/video.h>

namespace villagecam::ingest {

FrameView::FrameView(const GstSample& sample)
    : FrameView(gst_sample_get_buffer(const_cast<GstSample*>(&sample)),
                gst_sample_get_caps(const_cast<GstSample*>(&sample))) {}

FrameView::FrameView(GstBuffer* buffer, const GstCaps* caps) {
  mapped_.emplace(buffer);
  GstVideoInfo info;
  if (!mapped_->ok() || !caps || !gst_video_info_from_caps(&info, caps)) return;
  Layout layout = Layout::None;
  int planes = 1, type = CV_8UC1;
  switch (GST_VIDEO_INFO_FORMAT(&info)) {
    case GST_VIDEO_FORMAT_BGR: layout = Layout::Bgr, type = CV_8UC3; break;
    case GST_VIDEO_FORMAT_GRAY8: layout = Layout::Grey; break;
    case GST_VIDEO_FORMAT_I420: layout = Layout::I420, planes = 3; break;
    default: return;
  }
  const int width = GST_VIDEO_INFO_WIDTH(&info), height = GST_VIDEO_INFO_HEIGHT(&info);
  for (int p = 0; p < planes; ++p) {
    const int w = p == 0 ? width : (width + 1) / 2, h = p == 0 ? height : (height + 1) / 2;
    const auto stride = static_cast<size_t>(GST_VIDEO_INFO_PLANE_STRIDE(&info, p));
    const auto offset = GST_VIDEO_INFO_PLANE_OFFSET(&info, p);
    if (mapped_->size() < offset + stride * static_cast<size_t>(h - 1) + static_cast<size_t>(w * CV_ELEM_SIZE(type))) {
      return;  // a buffer shorter than its caps say: not a frame we can read
    }
    planes_[static_cast<size_t>(p)] = cv::Mat(h, w, type, const_cast<guint8*>(mapped_->data()) + offset, stride);
  }
  layout_ = layout;
  size_ = {width, height};
}

FrameView::FrameView(const std::array<cv::Mat, 3>& i420) {
  const cv::Size luma = i420[0].size(), chroma((luma.width + 1) / 2, (luma.height + 1) / 2);
  for (const auto& p : i420) {
    if (p.empty() || p.type() != CV_8UC1) return;
  }
  if (i420[1].size() != chroma || i420[2].size() != chroma) return;
  planes_ = i420;
  layout_ = Layout::I420;
  size_ = luma;
}

}  // namespace villagecam::ingest
