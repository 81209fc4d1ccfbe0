#include "analysis/motion.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace villagecam::analysis {
namespace {

constexpr int kLearningFrames = 10;  // frames before anything is reported

}  // namespace

bool contains(const Polygon& polygon, cv::Point2d p) {
  // Even-odd rule over the edges.
  bool inside = false;
  for (size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const auto& a = polygon[i];
    const auto& b = polygon[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

// Three Gaussians a pixel rather than OpenCV's five: an outdoor grey scene
// (road, wall, foliage, a lamp going on and off) needs no more, and each one
// less saves 440 KB of model and a fifth of the per-pixel work at 256x144.
// Two are too few: a bush swaying over a textured wall then ends and starts
// an event again (MotionCases).
namespace {
cv::Ptr<cv::BackgroundSubtractorMOG2> newModel(const MotionConfig& config) {
  auto model = cv::createBackgroundSubtractorMOG2(config.history, config.var_threshold, /*detectShadows=*/false);
  model->setNMixtures(3);
  return model;
}
}  // namespace

MotionDetector::MotionDetector(MotionConfig config) : config_(std::move(config)) {
  model_ = newModel(config_);
  open_kernel_ = cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3});
  close_kernel_ = cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7});
  buildMask();
}

void MotionDetector::reconfigure(const MotionConfig& config) {
  const bool resized = config.width != config_.width || config.height != config_.height;
  config_ = config;
  model_->setHistory(config_.history);
  model_->setVarThreshold(config_.var_threshold);
  if (resized) {
    model_ = newModel(config_);
    frames_ = 0;
    mean_level_ = last_mean_ = -1;
  }
  buildMask();
}

void MotionDetector::buildMask() {
  mask_ = cv::Mat(config_.height, config_.width, CV_8U, cv::Scalar(255));
  for (const auto& polygon : config_.masks) {
    std::vector<cv::Point> pts;
    for (const auto& p : polygon) {
      pts.emplace_back(static_cast<int>(std::lround(p.x * config_.width)),
                       static_cast<int>(std::lround(p.y * config_.height)));
    }
    cv::fillPoly(mask_, std::vector<std::vector<cv::Point>>{pts}, cv::Scalar(0));
  }
  masked_out_ = mask_ == 0;
}

cv::Mat MotionDetector::background() const {
  cv::Mat out;
  if (frames_ > 0) model_->getBackgroundImage(out);
  return out;
}

MotionResult MotionDetector::process(const cv::Mat& frame, const std::vector<cv::Rect2d>& held) {
  MotionResult r;
  if (frame.channels() == 3) {
    cv::cvtColor(frame, grey_, cv::COLOR_BGR2GRAY);
  } else {
    grey_ = frame;
  }
  cv::resize(grey_, small_, {config_.width, config_.height}, 0, 0, cv::INTER_AREA);
  cv::GaussianBlur(small_, small_, {5, 5}, 0);

  // Brightness: follow slow changes (dusk) by normalising every frame to a
  // running level; a sudden jump (headlights, IR switch, exposure) is global.
  const double mean = cv::mean(small_, mask_)[0];
  const bool jump = last_mean_ >= 0 && std::abs(mean - last_mean_) > config_.brightness_jump;
  last_mean_ = mean;
  mean_level_ = mean_level_ < 0 || jump ? mean : 0.9 * mean_level_ + 0.1 * mean;
  if (mean > 1.0) small_.convertTo(small_, -1, mean_level_ / mean, 0);
  small_.copyTo(picture_);
  if (!held.empty() && frames_ > 0) {
    cv::Mat ground;
    model_->getBackgroundImage(ground);
    const cv::Rect whole(0, 0, small_.cols, small_.rows);
    for (const auto& h : held) {
      const cv::Rect r = cv::Rect(static_cast<int>(h.x * small_.cols), static_cast<int>(h.y * small_.rows),
                                  static_cast<int>(std::ceil(h.width * small_.cols)),
                                  static_cast<int>(std::ceil(h.height * small_.rows))) &
                         whole;
      if (!r.empty() && ground.size() == small_.size()) ground(r).copyTo(small_(r));
    }
  }

  ++frames_;
  r.learning = frames_ <= kLearningFrames;
  // A global change is learned at once (learning rate 1: the model restarts
  // from this picture) rather than reported.
  model_->apply(small_, foreground_, jump ? 1.0 : -1.0);
  cv::morphologyEx(foreground_, cleaned_, cv::MORPH_OPEN, open_kernel_);
  cv::morphologyEx(cleaned_, cleaned_, cv::MORPH_CLOSE, close_kernel_);
  cleaned_.setTo(0, masked_out_);
  const double pixels = static_cast<double>(config_.width) * config_.height;
  r.foreground_share = cv::countNonZero(cleaned_) / pixels;
  if (jump || r.foreground_share > config_.global_change) {
    r.global_change = true;
    if (!jump) model_->apply(small_, foreground_, 1.0);
    return r;
  }
  if (r.learning || r.foreground_share == 0) return r;  // most frames of a quiet scene end here

  cv::findContours(cleaned_, contours_, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  for (const auto& c : contours_) {
    const double area = cv::contourArea(c) / pixels;
    if (area < config_.min_area) continue;
    const cv::Rect b = cv::boundingRect(c);
    r.blobs.push_back({{b.x / static_cast<double>(config_.width), b.y / static_cast<double>(config_.height),
                        b.width / static_cast<double>(config_.width), b.height / static_cast<double>(config_.height)},
                       area});
  }
  std::sort(r.blobs.begin(), r.blobs.end(), [](const Blob& a, const Blob& b) { return a.area > b.area; });
  return r;
}

}  // namespace villagecam::analysis
