#include "ingest/frame_scaler.hpp"

#include <opencv2/imgproc.hpp>

namespace villagecam::ingest {

const cv::Mat& FrameScaler::analysisFrame(const FrameView& frame) {
  const cv::Size size = target_.area() > 0 ? target_ : cv::Size(frame.size().width & ~1, frame.size().height & ~1);
  if (frame.layout() != FrameView::Layout::I420) {
    if (frame.size() == size) return frame.mat();
    cv::resize(frame.mat(), out_, size, 0, 0, cv::INTER_AREA);
    return out_;
  }
  // The packed I420 layout: luma, then the U plane, then the V plane.
  const int w = size.width, h = size.height;
  yuv_.create(h * 3 / 2, w, CV_8UC1);
  cv::Mat y(h, w, CV_8UC1, yuv_.data);
  cv::Mat u(h / 2, w / 2, CV_8UC1, yuv_.data + static_cast<size_t>(w) * h);
  cv::Mat v(h / 2, w / 2, CV_8UC1, yuv_.data + static_cast<size_t>(w) * h * 5 / 4);
  // Headers of the right size and type: resize writes into them in place.
  const auto fit = [](const cv::Mat& from, cv::Mat& to) {
    if (from.size() == to.size()) {
      from.copyTo(to);
    } else {
      cv::resize(from, to, to.size(), 0, 0, cv::INTER_AREA);
    }
  };
  fit(frame.plane(0), y);
  fit(frame.plane(1), u);
  fit(frame.plane(2), v);
  cv::cvtColor(yuv_, out_, cv::COLOR_YUV2BGR_I420);
  return out_;
}

}  // namespace villagecam::ingest
