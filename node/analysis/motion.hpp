// Motion: moving objects in a camera's picture, with few false alarms. A
// small grey copy of each frame goes through an OpenCV background model
// (MOG2); the foreground is cleaned up (opening, then closing), masked
// regions (trees, a busy road) are removed, and what is left becomes blobs
// above a minimum size. Changes of the whole picture (clouds, headlights, the
// infrared day/night switch, auto-exposure) raise nothing: brightness is
// normalised before the model sees a frame, and a frame where much of the
// view changes at once is taken as a global change, which is learned at once
// instead of reported. Stateful (the background model) but without I/O:
// tests feed frames directly.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/video/background_segm.hpp>

#include <vector>

namespace villagecam::analysis {

// A polygon in normalised coordinates (0..1 of the width and height).
using Polygon = std::vector<cv::Point2d>;

bool contains(const Polygon& polygon, cv::Point2d point);

struct MotionConfig {
  // The picture is analysed at this size. MOG2 costs about 20 ns a pixel
  // (0.74 ms a frame here, 1.27 ms at 320x180) and 36 bytes a pixel of model;
  // a blob of min_area is still 55 pixels, well clear of the 3x3 opening.
  int width = 256;
  int height = 144;
  double min_area = 0.0015;        // a blob smaller than this share of the frame is noise
  double global_change = 0.35;     // more than this share of the frame in motion at once: a global change
  double brightness_jump = 12.0;   // a jump of the mean brightness (0..255) this large: a global change
  int history = 300;               // frames the background model remembers
  double var_threshold = 32.0;     // MOG2's squared Mahalanobis distance for foreground
  // The first frames after a start without a prior: MOG2 alone learns at
  // 1/(2n) (half of the second frame, a sixth of the third...), so someone
  // who walks in just after the camera connects is background within a
  // second or two. Learning starts at this rate instead, then follows 1/(2n)
  // down to 1/history: a ghost of something that moved away since the first
  // frame is learned in some 5 frames, a stopped person is held by the
  // ObjectTracker before that. Started from a prior, the model holds the
  // background already and learns at 1/history from the start.
  double start_rate = 0.02;
  int learning_frames = 2;         // frames after a start that report nothing (the model's first picture)
  // A prior (restart) that differs from the first frame over more than this
  // share of the view is another light or another scene: dropped.
  double prior_max_share = 0.15;
  std::vector<Polygon> masks;      // ignored regions
};

struct Blob {
  cv::Rect2d box;      // normalised
  double area = 0;     // share of the frame covered by its pixels
  cv::Point2d foot() const { return {box.x + box.width / 2, box.y + box.height}; }  // bottom centre: where it stands
};

struct MotionResult {
  std::vector<Blob> blobs;       // largest first; empty on a global change or while learning
  bool global_change = false;
  bool learning = false;         // the first frames build the model and report nothing
  double foreground_share = 0;   // after masks and clean-up
};

class MotionDetector {
 public:
  explicit MotionDetector(MotionConfig config = {});

  // One frame (BGR or grey, any size). `held` (normalised): regions of
  // objects that stopped (ObjectTracker): the model is shown its own
  // background there, so it never learns them.
  MotionResult process(const cv::Mat& frame, const std::vector<cv::Rect2d>& held = {});
  // The last frame as the model judged it (grey, at the analysis size,
  // brightness normalised), before any held region was painted over.
  const cv::Mat& picture() const { return picture_; }
  // The model's background image, at the same size; empty before any frame.
  cv::Mat background() const;
  // New masks and thresholds without losing the learned background (a
  // config reload); a new analysis size starts the model again.
  void reconfigure(const MotionConfig& config);
  // Starts the model again at the next frame (a camera reconnected, or seen
  // for the first time). `prior`, if not empty, is what the view looked
  // like before (grey or BGR, any size and light: the view baseline's
  // reference, or this model's background before the stream went away):
  // the first frame is judged against it, so that someone already standing
  // in the view is found. A prior the first frame differs from over more
  // than prior_max_share of the view (the light or the view changed since)
  // is dropped, and the model starts from the first frame alone.
  void restart(const cv::Mat& prior = {});
  // Whether the last start was judged against its prior (it fitted).
  bool startedFromPrior() const { return started_from_prior_; }
  const MotionConfig& config() const { return config_; }

 private:
  void buildMask();

  MotionConfig config_;
  cv::Ptr<cv::BackgroundSubtractorMOG2> model_;
  cv::Mat mask_;            // 255 where motion counts, 0 in masked regions
  cv::Mat masked_out_;      // its inverse
  cv::Mat grey_, small_, picture_, foreground_, cleaned_;  // reused buffers: no per-frame allocation once warm
  std::vector<std::vector<cv::Point>> contours_;  // likewise (OpenCV refills it)
  cv::Mat open_kernel_, close_kernel_;
  double mean_level_ = -1;  // running mean brightness the frames are normalised to
  double last_mean_ = -1;
  int frames_ = 0;          // since the start
  cv::Mat prior_;           // for the next start; empty: none
  bool started_from_prior_ = false;

  void start(const cv::Mat& small);
  // A camera that shakes (a pole in the wind) moves the whole picture a
  // few pixels from frame to frame, and every edge of the view would read
  // as motion. Where the frame before showed motion, the frame is lined up
  // with the model's background if a clear correlation peak says it moved
  // by a pixel or more and lined up it leaves clearly less in motion (a
  // person walking, whom a wrong shift would follow, is not lined up).
  // True if it lined the frame up.
  bool steady();
  double last_share_ = 0;   // of the frame before in motion
  int steadying_ = 0;       // frames to go on trying after one was lined up
  cv::Mat window_, ground_, aligned_, trial_;
  double cleanForeground();  // foreground_ into cleaned_; its share of the view
  // Takes the frame into `seed` where the prior shows something the frame
  // does not (cleaned_: where they differ); true if it did anywhere.
  bool keepOnlyNewInPrior(cv::Mat& seed, const cv::Mat& frame);
};

}  // namespace villagecam::analysis
