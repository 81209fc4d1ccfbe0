#include "analysis/motion.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace villagecam::analysis {
namespace {
// Steadying a shaking picture (MotionDetector::steady): tried where more
// than this share of the frame before was in motion (a shake moves every
// edge of the view; a person or two walking are less, and cost nothing)...
constexpr double kSteadyFrom = 0.03;
// ...or for this many frames after one was lined up; on a correlation peak
// at least this clear, of a shift of at least half a pixel (an edge moved
// by less leaves no blob) and at most this share of the width (a shake, not
// a turn)...
constexpr int kSteadyFor = 50;
constexpr double kSteadyResponse = 0.1;
constexpr double kSteadyLeast = 0.5;
constexpr double kSteadyMost = 0.05;
// ...and kept where it leaves at most this share of what was in motion.
constexpr double kSteadyGain = 0.6;
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

void MotionDetector::restart(const cv::Mat& prior) {
  frames_ = 0;
  mean_level_ = last_mean_ = -1;
  prior_ = prior.clone();
  started_from_prior_ = false;
  steadying_ = 0;
  last_share_ = 0;
}

namespace {

// The prior as the model sees a frame: grey, at the analysis size, smoothed
// alike, and brought to the frame's brightness and contrast (a baseline is
// contrast-normalised; the light may have changed a little since).
cv::Mat fittedPrior(const cv::Mat& prior, const cv::Mat& frame, const cv::Mat& mask) {
  cv::Mat grey, small, wide;
  if (prior.channels() == 3) {
    cv::cvtColor(prior, grey, cv::COLOR_BGR2GRAY);
  } else {
    grey = prior;
  }
  cv::resize(grey, small, frame.size(), 0, 0, cv::INTER_AREA);
  small.convertTo(wide, CV_32F);
  cv::GaussianBlur(wide, wide, {5, 5}, 0);
  cv::Scalar prior_mean, prior_sd, frame_mean, frame_sd;
  cv::meanStdDev(wide, prior_mean, prior_sd, mask);
  cv::meanStdDev(frame, frame_mean, frame_sd, mask);
  const double scale = prior_sd[0] > 1.0 ? frame_sd[0] / prior_sd[0] : 1.0;
  cv::Mat out;
  wide.convertTo(out, CV_8U, scale, frame_mean[0] - prior_mean[0] * scale);
  return out;
}

}  // namespace

namespace {

// How sharp an outline a picture draws along a band: its mean gradient
// there. Where a frame and a prior differ, the outline of the difference is
// the edge of an object in whichever of the two shows it; the other shows
// the background going on across it.
double outlineIn(const cv::Mat& grey, const cv::Mat& band) {
  cv::Mat gx, gy, magnitude;
  cv::Sobel(grey, gx, CV_32F, 1, 0, 3);
  cv::Sobel(grey, gy, CV_32F, 0, 1, 3);
  cv::magnitude(gx, gy, magnitude);
  return cv::mean(magnitude, band)[0];
}

}  // namespace

bool MotionDetector::keepOnlyNewInPrior(cv::Mat& seed, const cv::Mat& frame) {
  cv::Mat labels;
  const int n = cv::connectedComponents(cleaned_, labels, 8, CV_32S);
  bool changed = false;
  for (int label = 1; label < n; ++label) {
    const cv::Mat part = labels == label;
    cv::Mat band;
    cv::morphologyEx(part, band, cv::MORPH_GRADIENT, close_kernel_);
    if (outlineIn(frame, band) >= outlineIn(seed, band)) continue;  // drawn in the frame: an object there now
    cv::Mat around;
    cv::dilate(part, around, close_kernel_);
    frame.copyTo(seed, around);
    changed = true;
  }
  return changed;
}

double MotionDetector::cleanForeground() {
  cv::morphologyEx(foreground_, cleaned_, cv::MORPH_OPEN, open_kernel_);
  cv::morphologyEx(cleaned_, cleaned_, cv::MORPH_CLOSE, close_kernel_);
  cleaned_.setTo(0, masked_out_);
  return cv::countNonZero(cleaned_) / (static_cast<double>(config_.width) * config_.height);
}

void MotionDetector::start(const cv::Mat& small) {
  started_from_prior_ = false;
  if (!prior_.empty()) {
    cv::Mat seed = fittedPrior(prior_, small, mask_);
    model_->apply(seed, foreground_, 1.0);                  // the model holds the prior...
    model_->apply(small, foreground_, 1.0 / config_.history);  // ...and judges the first frame
    started_from_prior_ = cleanForeground() <= config_.prior_max_share;
    prior_.release();
    // Where they differ, either the frame shows something new (someone
    // standing there now) or the prior shows something gone (someone who
    // stood there then): whichever of the two has more structure there
    // shows the object. Where the prior does, the frame is the background.
    if (started_from_prior_ && keepOnlyNewInPrior(seed, small)) {
      model_->apply(seed, foreground_, 1.0);
      model_->apply(small, foreground_, 1.0 / config_.history);
    }
  }
  if (!started_from_prior_) model_->apply(small, foreground_, 1.0);
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

bool MotionDetector::steady() {
  // At the model's size and against its background as it is now: at half
  // the size, or against a background a few frames old, the shift is off
  // by enough to leave a shaking view's edges in motion.
  cv::Mat ground;
  model_->getBackgroundImage(ground);
  if (ground.size() != small_.size() || ground.type() != small_.type()) return false;
  ground.convertTo(ground_, CV_32F);
  if (window_.size() != small_.size()) cv::createHanningWindow(window_, small_.size(), CV_32F);
  cv::Mat now;
  small_.convertTo(now, CV_32F);
  double response = 0;
  const cv::Point2d shift = cv::phaseCorrelate(ground_, now, window_, &response);
  const double moved = std::hypot(shift.x, shift.y);
  if (response < kSteadyResponse || moved < kSteadyLeast || moved > kSteadyMost * small_.cols) return false;
  const cv::Matx23d back(1, 0, -shift.x, 0, 1, -shift.y);
  cv::warpAffine(small_, aligned_, back, small_.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  // Judged, not learned (rate 0): which of the two leaves less in motion.
  model_->apply(small_, trial_, 0);
  const int as_sent = cv::countNonZero(trial_);
  model_->apply(aligned_, trial_, 0);
  if (cv::countNonZero(trial_) >= kSteadyGain * as_sent) return false;
  aligned_.copyTo(small_);
  return true;
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
  // Tried while the frame before showed motion, and for a while after a
  // frame that was lined up (a steadied frame shows none).
  if (!jump && frames_ > config_.learning_frames && (last_share_ > kSteadyFrom || steadying_ > 0)) {
    steadying_ = steady() ? kSteadyFor : std::max(0, steadying_ - 1);
  }
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
  if (frames_ == 1) {
    // A start: the model begins with the prior (the first frame judged
    // against it) or with the first frame.
    start(small_);
    r.learning = !started_from_prior_;
    if (r.learning) return r;
  } else {
    r.learning = !started_from_prior_ && frames_ <= config_.learning_frames;
    // A global change is learned at once (learning rate 1: the model
    // restarts from this picture) rather than reported.
    // Started from a prior, the model holds the background already: it
    // learns at its steady rate from the start.
    const double history = config_.history;
    const double rate = jump                 ? 1.0
                        : started_from_prior_ ? 1.0 / history
                                              : std::min(config_.start_rate, 1.0 / std::min(2.0 * frames_, history));
    model_->apply(small_, foreground_, rate);
  }
  r.foreground_share = cleanForeground();
  last_share_ = r.foreground_share;
  if (jump || r.foreground_share > config_.global_change) {
    r.global_change = true;
    if (!jump) model_->apply(small_, foreground_, 1.0);
    return r;
  }
  if (r.learning || r.foreground_share == 0) return r;  // most frames of a quiet scene end here

  cv::findContours(cleaned_, contours_, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  for (const auto& c : contours_) {
    const double area = cv::contourArea(c) / (static_cast<double>(config_.width) * config_.height);
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
