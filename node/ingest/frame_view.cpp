#include "ingest/frame_view.hpp"

#include <gst/video/video.h>

namespace villagecam::ingest {

FrameView::FrameView(const GstSample& sample)
    : mapped_(gst_sample_get_buffer(const_cast<GstSample*>(&sample))) {
  GstCaps* caps = gst_sample_get_caps(const_cast<GstSample*>(&sample));
  GstVideoInfo info;
  if (!mapped_.ok() || !caps || !gst_video_info_from_caps(&info, caps)) return;
  int type = 0;
  switch (GST_VIDEO_INFO_FORMAT(&info)) {
    case GST_VIDEO_FORMAT_BGR: type = CV_8UC3; break;
    case GST_VIDEO_FORMAT_GRAY8: type = CV_8UC1; break;
    default: return;
  }
  const auto stride = static_cast<size_t>(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0));
  const auto height = GST_VIDEO_INFO_HEIGHT(&info);
  if (mapped_.size() < stride * static_cast<size_t>(height)) return;
  mat_ = cv::Mat(height, GST_VIDEO_INFO_WIDTH(&info), type, const_cast<guint8*>(mapped_.data()), stride);
}

}  // namespace villagecam::ingest
