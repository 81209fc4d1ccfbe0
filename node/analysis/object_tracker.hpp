// Objects followed from frame to frame, so that an intruder who stops is
// still there. The background model learns whatever stands still: a person
// who walks into a zone and waits fades into it within seconds, and the zone
// would end while they stand there. The tracker keeps each object the motion
// detector finds (its box, its look), and when its blob fades it asks the
// picture itself: is this place now closer to how the object looked, or to
// the background the model holds? Closer to the object: it is held, and the
// detector is told to keep the model from learning that region (it paints
// the model's own background there), so the model never takes the object in
// and no ghost stays behind when it leaves. Closer to the background: it has
// gone. Whatever the model did learn of it before it stopped (and what the
// light changed meanwhile) shows as a ghost where it stood, until the model
// learns the place again: blobs that lie in a place just vacated and look
// like the background there are not taken for a new object for a while. Pure apart from the pictures it is
// given.
#pragma once

#include <opencv2/core.hpp>

#include <deque>
#include <functional>
#include <vector>

#include "analysis/motion.hpp"
#include "util/clock.hpp"

namespace villagecam::analysis {

struct TrackerConfig {
  int confirm_frames = 2;                                // matched this many frames: an object, not noise
  Duration settle = std::chrono::seconds(1);             // its centre kept still this long: it has stopped
  double still_motion = 0.2;                             // of its box diagonal, over `settle`
  // Held: its place looks like it (normalised cross-correlation) at least
  // this much, and by this margin more than like the background...
  double held_likeness = 0.4;
  double held_margin = 0.1;
  // ...where its look is distinct from the background at all: less alike
  // than this, with a spread of at least half min_contrast grey levels.
  double distinct_below = 0.7;
  double min_contrast = 6.0;
  Duration forget_after = std::chrono::seconds(2);       // neither matched nor held this long: forgotten
  // A place a stopped object left is no new object's for this long and this
  // many frames (the model learns a ghost in some 35 frames).
  Duration vacated_for = std::chrono::seconds(8);
  int vacated_frames = 40;
  int max_objects = 32;
};

struct TrackedObject {
  int id = 0;
  Blob blob;                 // where it is (normalised), or was last seen
  SteadyTime first_seen{};
  SteadyTime last_seen{};    // matched or held
  bool confirmed = false;
  bool still = false;        // stopped: held by its look, its region kept from the model
  bool present = false;      // this frame: matched by a blob or held by its look
};

class ObjectTracker {
 public:
  explicit ObjectTracker(TrackerConfig config = {}) : config_(config) {}

  // Regions (normalised) the detector must keep from its model this frame:
  // the objects that stopped.
  std::vector<cv::Rect2d> heldRegions() const;
  // One frame: the detector's blobs, its picture (grey, at its size, before
  // any region was kept from the model) and its background image (asked
  // only when an object must be judged by its look).
  void update(const std::vector<Blob>& blobs, const cv::Mat& picture, const std::function<cv::Mat()>& background,
              SteadyTime now);
  // Confirmed objects present in this frame, largest first.
  std::vector<Blob> present() const;

 private:
  struct Track {
    TrackedObject object;
    int hits = 0;
    cv::Mat look;                                 // the picture in its box when last matched whole
    double whole_area = 0;                        // its blob's area then
    std::deque<std::pair<SteadyTime, cv::Point2d>> centres;  // over the last `settle`
  };
  bool held(const Track& t, const cv::Mat& picture, const cv::Mat& background) const;
  void settle(Track& t, SteadyTime now) const;

  struct Vacated {
    cv::Rect2d box;
    SteadyTime until;
    int frames_left = 0;
  };
  bool ghost(const Blob& b, const cv::Mat& picture, const cv::Mat& background) const;

  TrackerConfig config_;
  std::vector<Track> tracks_;
  std::vector<Vacated> vacated_;
  int next_id_ = 1;
};

}  // namespace villagecam::analysis
