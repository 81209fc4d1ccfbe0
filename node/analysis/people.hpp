// Is there a person among the candidate objects? OpenCV's built-in HOG people
// detector (Dalal-Triggs, shipped inside OpenCV: no model to download), run
// only on the candidates' regions, each scaled so a standing person fills the
// detector's 64x128 window. Used for zones that want people only.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>

#include <vector>

#include "analysis/motion.hpp"

namespace villagecam::analysis {

class PeopleCheck {
 public:
  PeopleCheck();
  // `frame`: the picture the blobs were found in (any size; boxes are normalised).
  bool anyPerson(const cv::Mat& frame, const std::vector<Blob>& candidates);

 private:
  cv::HOGDescriptor hog_;
  cv::Mat grey_, roi_;
};

}  // namespace villagecam::analysis
