#include "analysis/people.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace villagecam::analysis {

PeopleCheck::PeopleCheck() { hog_.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector()); }

bool PeopleCheck::anyPerson(const cv::Mat& frame, const std::vector<Blob>& candidates) {
  if (frame.channels() == 3) {
    cv::cvtColor(frame, grey_, cv::COLOR_BGR2GRAY);
  } else {
    grey_ = frame;
  }
  const cv::Rect whole(0, 0, grey_.cols, grey_.rows);
  for (const auto& b : candidates) {
    // The blob with a margin (a moving person's blob misses still limbs).
    cv::Rect r(static_cast<int>((b.box.x - b.box.width * 0.25) * grey_.cols),
               static_cast<int>((b.box.y - b.box.height * 0.15) * grey_.rows),
               static_cast<int>(b.box.width * 1.5 * grey_.cols), static_cast<int>(b.box.height * 1.3 * grey_.rows));
    r &= whole;
    if (r.width < 8 || r.height < 16) continue;
    // Scale so the region's height is about 1.3 windows (people are ~100 of
    // the window's 128 pixels), and at least a window wide.
    const double scale = std::max(160.0 / r.height, 80.0 / r.width);
    cv::resize(grey_(r), roi_, {}, scale, scale, scale > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    if (roi_.cols < 64 || roi_.rows < 128) continue;
    std::vector<cv::Rect> found;
    std::vector<double> weights;
    hog_.detectMultiScale(roi_, found, weights, 0.0, {8, 8}, {8, 8}, 1.1, 2.0);
    if (!found.empty()) return true;
  }
  return false;
}

}  // namespace villagecam::analysis
