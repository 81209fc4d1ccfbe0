#include "analysis/analysis_frame.hpp"

#include <opencv2/imgproc.hpp>

namespace villagecam::analysis {
namespace {

void toGrey(const cv::Mat& picture, cv::Mat& grey) {
  if (picture.channels() == 3) {
    cv::cvtColor(picture, grey, cv::COLOR_BGR2GRAY);
  } else {
    grey = picture;
  }
}

}  // namespace

AnalysisFrame::AnalysisFrame(const cv::Mat& picture) : picture_(picture) {
  toGrey(picture_, own_grey_);
  grey_ = own_grey_;
}

AnalysisFrame::AnalysisFrame(const ScaledFrame& frame, cv::Mat& grey_buffer, cv::Mat& colour_buffer)
    : colour_buffer_(&colour_buffer) {
  if (frame.i420) {
    i420_ = &frame;
    // The packed I420 layout starts with the full-size luma plane.
    grey_ = frame.data.rowRange(0, frame.data.rows * 2 / 3);
  } else {
    picture_ = frame.data;
    toGrey(picture_, grey_buffer);
    grey_ = grey_buffer;
  }
}

std::optional<Chroma> AnalysisFrame::chroma() const {
  if (i420_) return chromaOfI420(i420_->data);
  if (picture_.channels() == 3) return chromaOf(picture_);
  return std::nullopt;
}

const cv::Mat& AnalysisFrame::colour() const {
  if (!i420_) return picture_;
  if (!colour_ready_) {
    cv::cvtColor(i420_->data, *colour_buffer_, cv::COLOR_YUV2BGR_I420);
    colour_ready_ = true;
  }
  return *colour_buffer_;
}

}  // namespace villagecam::analysis
