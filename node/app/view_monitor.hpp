// Per camera: judges the view about once every check_interval against the
// camera's baseline, through the hysteresis of a ViewTracker; keeps a JPEG of
// the view from when a tamper was raised; refreshes the baseline slowly from
// clean views. Runs on the camera's worker thread (never on a GStreamer
// thread); the node reads its state from other threads.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/baseline_store.hpp"
#include "analysis/cadence.hpp"
#include "analysis/darkening.hpp"
#include "analysis/shake.hpp"
#include "analysis/stillness.hpp"
#include "analysis/view_quality.hpp"
#include "analysis/view_tracker.hpp"
#include "config/config.hpp"
#include "analysis/analysis_frame.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

// The view as it was when a tamper was raised.
struct ViewSnapshot {
  std::string id;  // referenced from the alert
  WallTime taken_at{};
  int width = 0;
  int height = 0;
  std::string jpeg;
};

// A JPEG of a frame (BGR or grey) with a new id; nullptr if it cannot be encoded.
std::shared_ptr<const ViewSnapshot> encodeSnapshot(const cv::Mat& frame, WallTime taken_at, int jpeg_quality);

struct ViewState {
  bool has_baseline = false;
  std::optional<WallTime> baseline_taken_at;      // of the baseline in use
  std::optional<WallTime> commissioned_at;        // of the one `villagecam-node baseline` took
  std::vector<analysis::ViewIssue> raised;        // after hysteresis
  // Of those, the ones that leave the view unwatched (view_quality.coverage_issues).
  std::vector<analysis::ViewIssue> uncovering;
  std::optional<double> covered_share;            // while occluded is raised: of the last check
  std::optional<analysis::ViewFigures> figures;   // what the last check of a picture measured
  std::optional<analysis::CadenceFigures> cadence;  // the stream's cadence over its last window
  // When a check of the picture last found nothing uncovering raised: the
  // view is verified while that is within three check intervals (coverage).
  std::optional<SteadyTime> last_passed;
  Duration check_every{};                         // the cadence of picture checks
  std::shared_ptr<const ViewSnapshot> snapshot;   // while raised: the view when it was raised
};

struct ViewBaselines {
  std::optional<analysis::StoredBaseline> commissioning;  // taken by the installer
  std::optional<analysis::StoredBaseline> refreshed;      // learned since; nullopt: none yet
  // Learned from the camera's verified infrared (grey) views, where the
  // commissioning one is in colour: what its grey view is judged against.
  std::optional<analysis::StoredBaseline> night;
};

// Loads <dir>/<camera>, <dir>/<camera>.refreshed and <dir>/<camera>.night
// (learned ones older than the commissioning one are ignored). Throws like
// loadBaseline.
ViewBaselines loadViewBaselines(const std::filesystem::path& dir, const std::string& camera);
std::string refreshedBaselineName(const std::string& camera);
std::string nightBaselineName(const std::string& camera);

class ViewMonitor {
 public:
  struct Options {
    config::ViewQualityConfig config;
    int jpeg_quality = 80;
    int refresh_frames = 10;                    // a refreshed baseline averages this many clean views...
    Duration refresh_spacing = std::chrono::minutes(1);  // ...taken at least this far apart
    // Analysis mode health: a picture arrives every health_check_interval
    // (one key frame), and the stream is judged every check_interval in
    // between, with what the last picture showed.
    bool sampled = false;
    // Modes keyframes and health: every picture is a key frame, compared
    // with the one before (KeyFrameStillness).
    bool key_frames_only = false;
    // A PTZ camera: how long its view may be away from its preset (the
    // baseline's view) before it is `off_preset`; zero: a fixed camera.
    Duration patrol_time{};
  };
  // Called (on the worker thread) with a learned baseline to store: a
  // refreshed one, or (`night`) one of the infrared view.
  using SaveRefreshed = std::function<void(const analysis::StoredBaseline&, bool night)>;

  ViewMonitor(ViewBaselines baselines, Options options, SaveRefreshed save = {});

  // Issues that were raised before a restart: raised again at once, cleared
  // only after clear_after without them.
  void restore(const std::vector<analysis::ViewIssue>& raised, SteadyTime now);
  // A decoded frame (BGR or grey). Returns true when the raised issues changed.
  bool onFrame(const analysis::AnalysisFrame& frame, SteadyTime now, WallTime wall);
  // The encoded stream's counters (every analysis mode, health included):
  // evidence of a frozen picture. Without a baseline (nothing else can be
  // judged) the view is judged on it alone, and when sampled on it and the
  // last picture's issues, once every check interval. Returns true when the
  // raised issues changed.
  bool onStream(const analysis::StreamSample& sample, SteadyTime now);
  ViewState state() const;
  // Sampled: true once when the stream turned still, so that the camera
  // decodes its next key frame now (the worker's thread).
  bool takePictureRequest() { return std::exchange(picture_wanted_, false); }

 private:
  // `colour`: the picture to snapshot if an issue is raised now (asked for
  // only then: a colour picture costs a conversion; null: none);
  // `picture_checked`: this judgement checked a picture, not only the stream.
  using ColourPicture = std::function<const cv::Mat*()>;
  bool judge(std::vector<analysis::ViewIssue> issues, SteadyTime now, const ColourPicture& colour, WallTime wall,
             std::optional<double> covered_share, bool picture_checked);
  double steadyCoverShare(analysis::ViewAssessment& verdict);
  void judgeShaking(analysis::ViewAssessment& verdict, SteadyTime now);
  void judgeOffPreset(analysis::ViewAssessment& verdict, SteadyTime now);
  // A PTZ camera away from its preset: when off_preset counts from (raise_after before its patrol time is up).
  std::optional<SteadyTime> offPresetFrom() const;
  bool uncovers(analysis::ViewIssue issue) const;
  // Issues of the stream itself: a stopped picture (unless `blank`), a stutter.
  void addStreamIssues(std::vector<analysis::ViewIssue>& issues, bool blank) const;
  void considerRefresh(const cv::Mat& grey, const std::optional<analysis::Chroma>& chroma,
                       const analysis::ViewAssessment& verdict, SteadyTime now, WallTime wall);
  void considerNight(const cv::Mat& grey, const std::optional<analysis::Chroma>& chroma,
                     const analysis::ViewAssessment& verdict, SteadyTime now, WallTime wall);
  // The camera's commissioning view is in colour and this picture is grey:
  // its infrared night view.
  bool infrared(const std::optional<analysis::Chroma>& chroma) const;
  const analysis::StoredBaseline& baselineFor(bool infrared) const;
  std::shared_ptr<const ViewSnapshot> snapshot(const cv::Mat& frame, WallTime wall) const;

  std::optional<analysis::StoredBaseline> commissioning_;
  std::optional<analysis::StoredBaseline> current_;  // the one views are judged against
  std::optional<analysis::StoredBaseline> night_;    // ...and infrared ones, once learned
  Options options_;
  analysis::ViewThresholds thresholds_;
  SaveRefreshed save_;
  Duration interval_;          // of the picture checks
  Duration stream_interval_;   // of the stream's, where they judge (no baseline, or sampled)
  analysis::ViewTracker tracker_;
  cv::Mat previous_grey_;  // the frame before, for the picture's stillness
  analysis::PictureStillness picture_;
  analysis::StreamStillness stream_;
  analysis::KeyFrameStillness keys_;
  analysis::ShakeJudge shake_;
  analysis::DarkJudge dark_;
  analysis::CadenceJudge cadence_;
  std::uint64_t connection_ = 0;  // of the stream samples the cadence was fed
  bool snowing_ = false;  // the last check found snow
  bool was_infrared_ = false;  // the last check's picture was the infrared view
  std::optional<SteadyTime> away_since_;     // a PTZ camera: when its view left the preset
  std::optional<SteadyTime> last_at_preset_;  // the last check that saw it there
  SteadyTime next_check_{};
  SteadyTime next_stream_check_{};
  std::vector<analysis::ViewIssue> picture_issues_;  // sampled: of the last picture, till the next one
  std::optional<double> picture_share_;              // sampled: its covered share
  cv::Mat last_picture_;                             // sampled: the last picture (colour), for a snapshot
  WallTime last_picture_at_{};
  bool stream_was_still_ = false;
  bool picture_wanted_ = false;
  std::optional<analysis::ViewFigures> figures_;  // of the last picture checked
  std::deque<double> cover_shares_;  // of the last checks, for a steady verdict near the threshold
  std::vector<cv::Mat> refresh_samples_;          // grey, at analysis size
  std::vector<analysis::Chroma> refresh_colours_;  // of each, where the camera sends colour
  std::optional<SteadyTime> last_sample_;
  std::vector<cv::Mat> night_samples_;  // infrared views, grey, at analysis size
  std::vector<analysis::Chroma> night_colours_;
  std::optional<SteadyTime> last_night_sample_;

  mutable std::mutex mutex_;
  ViewState state_;
};

const char* viewStateName(const ViewState& s);  // "unknown" (no baseline), "ok", "tampered"

}  // namespace villagecam::app
