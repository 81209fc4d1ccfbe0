#include "ingest/frame_scaler.hpp"

#include <opencv2/imgproc.hpp>

namespace villagecam::ingest {
namespace {

// Into a header of the right size and type: copy or resize in place.
void fit(const cv::Mat& from, cv::Mat& to) {
  if (from.size() == to.size()) {
    from.copyTo(to);
  } else {
    cv::resize(from, to, to.size(), 0, 0, cv::INTER_AREA);
  }
}

}  // namespace

void FrameScaler::scale(const FrameView& frame, analysis::ScaledFrame& out) const {
  const cv::Size size = target_.area() > 0 ? target_ : cv::Size(frame.size().width & ~1, frame.size().height & ~1);
  out.i420 = frame.layout() == FrameView::Layout::I420;
  if (!out.i420) {
    out.data.create(size, frame.mat().type());
    fit(frame.mat(), out.data);
    return;
  }
  // The packed I420 layout cvtColor wants: luma, then the U plane, then V.
  const int w = size.width, h = size.height;
  out.data.create(h * 3 / 2, w, CV_8UC1);
  uchar* base = out.data.data;
  cv::Mat y(h, w, CV_8UC1, base);
  cv::Mat u(h / 2, w / 2, CV_8UC1, base + static_cast<size_t>(w) * h);
  cv::Mat v(h / 2, w / 2, CV_8UC1, base + static_cast<size_t>(w) * h * 5 / 4);
  fit(frame.plane(0), y);
  fit(frame.plane(1), u);
  fit(frame.plane(2), v);
}

}  // namespace villagecam::ingest
