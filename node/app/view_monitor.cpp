#include "app/view_monitor.hpp"

#include "analysis/image_codec.hpp"

#include <algorithm>
#include <map>

#include "events/alert.hpp"
#include "util/duration.hpp"

namespace villagecam::app {
namespace {

analysis::ViewThresholds thresholdsFrom(const config::ViewQualityConfig& c) {
  analysis::ViewThresholds t;
  t.blank_contrast = c.blank_contrast;
  t.frozen_difference = c.frozen_difference;
  t.defocus_ratio = c.defocus_ratio;
  t.occluded_share = c.occluded_share;
  t.shift_fraction = c.shift_fraction;
  return t;
}

}  // namespace

std::string refreshedBaselineName(const std::string& camera) { return camera + ".refreshed"; }
std::string nightBaselineName(const std::string& camera) { return camera + ".night"; }

ViewBaselines loadViewBaselines(const std::filesystem::path& dir, const std::string& camera) {
  ViewBaselines b;
  b.commissioning = analysis::loadBaseline(dir, camera);
  if (b.commissioning) {
    b.refreshed = analysis::loadBaseline(dir, refreshedBaselineName(camera));
    if (b.refreshed && b.refreshed->taken_at < b.commissioning->taken_at) b.refreshed.reset();
    b.night = analysis::loadBaseline(dir, nightBaselineName(camera));
    if (b.night && b.night->taken_at < b.commissioning->taken_at) b.night.reset();
  }
  return b;
}

ViewMonitor::ViewMonitor(ViewBaselines baselines, Options options, SaveRefreshed save)
    : commissioning_(std::move(baselines.commissioning)),
      current_(baselines.refreshed ? std::move(baselines.refreshed) : commissioning_),
      night_(std::move(baselines.night)),
      options_(std::move(options)),
      thresholds_(thresholdsFrom(options_.config)),
      save_(std::move(save)),
      interval_(toDuration(options_.sampled ? options_.config.health_check_interval : options_.config.check_interval)),
      stream_interval_(toDuration(options_.config.check_interval)),
      tracker_({toDuration(options_.config.raise_after), toDuration(options_.config.clear_after)}),
      dark_(interval_) {
  if (current_ && current_->baseline.temporal_noise >= 0) picture_.learnedAtBaseline(current_->baseline.temporal_noise);
  state_.has_baseline = current_.has_value();
  state_.check_every = interval_;
  if (current_) state_.baseline_taken_at = current_->taken_at;
  if (commissioning_) state_.commissioned_at = commissioning_->taken_at;
}

void ViewMonitor::restore(const std::vector<analysis::ViewIssue>& raised, SteadyTime now) {
  if (raised.empty()) return;  // without a baseline only a frozen stream can have been raised
  tracker_.restore(raised, now);
  std::lock_guard lock(mutex_);
  state_.raised = tracker_.raised();
  for (auto i : state_.raised) {
    if (uncovers(i)) state_.uncovering.push_back(i);
  }
}

bool ViewMonitor::onFrame(const analysis::AnalysisFrame& frame, SteadyTime now, WallTime wall) {
  const cv::Mat& grey = frame.grey();
  // Every frame, not only checked ones: a frozen picture shows as consecutive
  // frames that do not differ (key frames of it differ by their noise).
  // Sampled pictures are a while apart: only the stream tells there.
  if (!options_.sampled) {
    picture_.add(analysis::frameDifference(grey, previous_grey_), now);
    grey.copyTo(previous_grey_);
  }
  // A shaking or snowed view's key frames differ by the shaking or the
  // snow: they teach nothing of how a live picture differs (and would make
  // the clean one after look still).
  if (options_.key_frames_only) keys_.add(grey, now, /*learn=*/!shake_.shaking() && !snowing_);
  // A quarter interval of slack: frames arriving at the check rate itself,
  // a little early, must not slip to every other frame.
  // Sampled pictures come when the camera's sampler lets them (on schedule,
  // or asked for because the stream turned still): each one is checked.
  if (!current_ || (!options_.sampled && now + interval_ / 4 < next_check_)) return false;
  next_check_ = now + interval_;
  const auto chroma = frame.chroma();
  // The infrared view is another picture than the day's: judged against
  // the night baseline once learned; its light says nothing of the day's.
  const bool infrared_now = infrared(chroma);
  if (infrared_now != was_infrared_) {
    dark_.restart();
    cover_shares_.clear();
    was_infrared_ = infrared_now;
  }
  const analysis::ViewBaseline& baseline = baselineFor(infrared_now).baseline;
  auto verdict = analysis::assess(grey, {}, baseline, thresholds_, chroma);
  const bool blank = verdict.has(analysis::ViewIssue::Blank);
  if (!blank) {
    judgeShaking(verdict, now);
    // Dark at once, where night darkens slowly: the light's fall decides.
    dark_.add(verdict.light, now);
    if (dark_.dark()) verdict.issues.push_back(analysis::ViewIssue::Dark);
    if (options_.patrol_time > Duration::zero()) judgeOffPreset(verdict, now);
  }
  const bool shaking = verdict.has(analysis::ViewIssue::Shaking);
  snowing_ = verdict.has(analysis::ViewIssue::Snow);
  figures_ = analysis::figuresOf(verdict, baseline);
  if (!blank && !shaking && !snowing_ && picture_.still(now) == true) {
    verdict.issues.insert(verdict.issues.begin(), analysis::ViewIssue::Frozen);
  }
  addStreamIssues(verdict.issues, blank || shaking || snowing_);
  const double covered_share = steadyCoverShare(verdict);
  if (infrared_now) {
    considerNight(grey, chroma, verdict, now, wall);
  } else {
    considerRefresh(grey, chroma, verdict, now, wall);
  }
  if (options_.sampled) {
    picture_issues_.clear();
    for (auto i : verdict.issues) {
      if (i != analysis::ViewIssue::Frozen && i != analysis::ViewIssue::Stutter) picture_issues_.push_back(i);  // the stream says those, every time
    }
    picture_share_ = covered_share;
    frame.colour().copyTo(last_picture_);  // once a sampling interval: the snapshot if the stream raises
    last_picture_at_ = wall;
  }
  return judge(verdict.issues, now, [&frame] { return &frame.colour(); }, wall, covered_share,
               /*picture_checked=*/true);
}

// A view that moves from check to check shakes: that explains what the
// check saw of it (a shifted or blurred picture, texture smeared by the
// encoder), and a moving picture is not a frozen one.
void ViewMonitor::judgeShaking(analysis::ViewAssessment& verdict, SteadyTime now) {
  using analysis::ViewIssue;
  shake_.add(verdict.shift, now);
  if (!shake_.shaking()) return;
  std::erase_if(verdict.issues, [](ViewIssue i) {
    return i == ViewIssue::Shifted || i == ViewIssue::Occluded || i == ViewIssue::Defocus;
  });
  verdict.issues.push_back(ViewIssue::Shaking);
}

// A PTZ camera away from its preset is patrolling, or was turned by an
// operator: normal, until it stays away longer than it patrols. While away
// its view is another than the baseline's, and what a check of it says
// against the baseline (a cover, a blur, a tint, the shaking of its turns)
// is nothing; a blank, snowed or frozen picture still is.
void ViewMonitor::judgeOffPreset(analysis::ViewAssessment& verdict, SteadyTime now) {
  using analysis::ViewIssue;
  const auto at_preset = std::exchange(last_at_preset_, verdict.moved ? last_at_preset_ : now);
  if (!verdict.moved) {
    away_since_.reset();
    return;
  }
  // It left after the last check that saw it at its preset.
  if (!away_since_) away_since_ = at_preset.value_or(now);
  std::erase_if(verdict.issues, [](ViewIssue i) { return i != ViewIssue::Blank && i != ViewIssue::Snow; });
  // Seen from just after raise_after before the patrol time is up (the
  // hysteresis counts a hold from the check before the first that sees
  // it), and dated from then: raised when the patrol time is up.
  if (now > *offPresetFrom()) verdict.issues.push_back(ViewIssue::OffPreset);
}

std::optional<SteadyTime> ViewMonitor::offPresetFrom() const {
  if (!away_since_) return std::nullopt;
  const auto hold = toDuration(options_.config.raise_after);
  return *away_since_ + std::max(Duration::zero(), options_.patrol_time - hold);
}

bool ViewMonitor::uncovers(analysis::ViewIssue issue) const {
  const auto& kinds = options_.config.coverage_issues;
  return std::find(kinds.begin(), kinds.end(), analysis::toString(issue)) != kinds.end();
}

// A cover near the threshold reads a little above or below it from check to
// check (people pass the part it spares): one low reading must not restart
// the hysteresis. The median of the last five checks decides, where nothing
// else (blank, defocus, another view) explains the view.
double ViewMonitor::steadyCoverShare(analysis::ViewAssessment& verdict) {
  using analysis::ViewIssue;
  cover_shares_.push_back(verdict.cover.share);
  while (cover_shares_.size() > 5) cover_shares_.pop_front();
  std::vector<double> recent(cover_shares_.begin(), cover_shares_.end());
  std::nth_element(recent.begin(), recent.begin() + static_cast<long>(recent.size() / 2), recent.end());
  const double steady = recent[recent.size() / 2];
  // Another view (a PTZ camera on patrol too), or any issue of the picture
  // itself, explains the reading; a stopped picture or a tint does not.
  const bool explained = verdict.moved || std::any_of(verdict.issues.begin(), verdict.issues.end(), [](ViewIssue i) {
                           return i != ViewIssue::Frozen && i != ViewIssue::ColourCast;
                         });
  // ...but a reading far below it (the cover came off) is not outvoted by
  // the readings from before: the hysteresis's clear_after starts now.
  const bool far_below = verdict.cover.share < thresholds_.occluded_share * 0.6;
  if (!explained && !far_below && steady >= thresholds_.occluded_share) verdict.issues.push_back(ViewIssue::Occluded);
  return verdict.has(ViewIssue::Occluded) ? steady : verdict.cover.share;
}

void ViewMonitor::addStreamIssues(std::vector<analysis::ViewIssue>& issues, bool blank) const {
  using analysis::ViewIssue;
  const bool frozen = std::find(issues.begin(), issues.end(), ViewIssue::Frozen) != issues.end();
  if (!blank && !frozen && (stream_.still() == true || keys_.still() == true)) {
    issues.insert(issues.begin(), ViewIssue::Frozen);
  }
  if (cadence_.stutters()) issues.push_back(ViewIssue::Stutter);
}

bool ViewMonitor::onStream(const analysis::StreamSample& sample, SteadyTime now) {
  stream_.add(sample);
  if (sample.connection != connection_) {
    cadence_.restart();
    connection_ = sample.connection;
  }
  for (const auto& t : sample.timings) cadence_.add(t);
  {
    std::lock_guard lock(mutex_);
    state_.cadence = cadence_.figures();
  }
  if (options_.sampled) {
    // The stream turned still: a picture now tells a still scene from a
    // capped or blank one, rather than a minute later.
    const bool still = stream_.still() == true;
    if (still && !stream_was_still_ && current_) picture_wanted_ = true;
    stream_was_still_ = still;
  }
  if (current_ && !options_.sampled) return false;  // every picture is checked: those checks judge
  if (now + stream_interval_ / 4 < next_stream_check_) return false;
  next_stream_check_ = now + stream_interval_;
  std::vector<analysis::ViewIssue> issues = picture_issues_;
  const bool blank = std::find(issues.begin(), issues.end(), analysis::ViewIssue::Blank) != issues.end();
  addStreamIssues(issues, blank);
  // The snapshot of an issue the stream raises is the last picture sampled.
  const auto last = [this]() -> const cv::Mat* { return last_picture_.empty() ? nullptr : &last_picture_; };
  return judge(issues, now, last, last_picture_at_, picture_share_,
               /*picture_checked=*/false);
}

bool ViewMonitor::judge(std::vector<analysis::ViewIssue> issues, SteadyTime now, const ColourPicture& colour, WallTime wall,
                        std::optional<double> covered_share, bool picture_checked) {
  const bool was_ok = tracker_.ok();
  // A stopped picture dated by its key frames holds from when it stopped.
  std::map<analysis::ViewIssue, SteadyTime> began;
  if (const auto since = keys_.stillSince()) began.emplace(analysis::ViewIssue::Frozen, *since);
  if (const auto since = shake_.since()) began.emplace(analysis::ViewIssue::Shaking, *since);
  if (const auto since = dark_.since()) began.emplace(analysis::ViewIssue::Dark, *since);
  if (const auto from = offPresetFrom()) began.emplace(analysis::ViewIssue::OffPreset, *from);
  const auto changes = tracker_.update(issues, now, began);
  std::shared_ptr<const ViewSnapshot> shot;
  if (was_ok && !tracker_.ok()) {
    if (const cv::Mat* picture = colour()) shot = snapshot(*picture, wall);  // encoded outside the lock
  }
  std::lock_guard lock(mutex_);
  state_.raised = tracker_.raised();
  state_.uncovering.clear();
  for (auto i : state_.raised) {
    if (uncovers(i)) state_.uncovering.push_back(i);
  }
  const bool occluded = std::find(state_.raised.begin(), state_.raised.end(), analysis::ViewIssue::Occluded) !=
                        state_.raised.end();
  if (!occluded) {
    state_.covered_share.reset();
  } else if (covered_share) {  // a check of the picture; a check of the stream alone keeps the last
    state_.covered_share = covered_share;
  }
  // A picture was checked, not only the stream, and nothing that leaves the view unwatched is raised.
  if (picture_checked && state_.uncovering.empty()) state_.last_passed = now;
  state_.figures = figures_;
  if (tracker_.ok()) {
    state_.snapshot.reset();
  } else if (shot) {
    state_.snapshot = std::move(shot);
  }
  if (current_) state_.baseline_taken_at = baselineFor(was_infrared_).taken_at;
  return !changes.empty();
}

// A clean view (no issue against the baseline in use, nor against the
// commissioning one, nothing raised) is a sample; enough samples spaced out
// become the new baseline. Any issue throws the samples away, so a view that
// is being tampered with, even slowly, is never learned as normal.
void ViewMonitor::considerRefresh(const cv::Mat& grey, const std::optional<analysis::Chroma>& chroma,
                                  const analysis::ViewAssessment& verdict, SteadyTime now, WallTime wall) {
  const auto interval = toDuration(options_.config.baseline_refresh);
  if (interval <= Duration::zero() || !commissioning_) return;
  if (!verdict.issues.empty() || !tracker_.ok()) {
    refresh_samples_.clear();
    refresh_colours_.clear();
    last_sample_.reset();
    return;
  }
  if (wall < current_->taken_at + std::chrono::duration_cast<WallTime::duration>(interval)) return;
  if (last_sample_ && now - *last_sample_ < options_.refresh_spacing) return;
  if (!analysis::assess(grey, {}, commissioning_->baseline, thresholds_, chroma).issues.empty()) {
    refresh_samples_.clear();
    refresh_colours_.clear();
    last_sample_.reset();
    return;
  }
  refresh_samples_.push_back(analysis::rawSmallGrey(grey).clone());
  if (chroma) refresh_colours_.push_back(*chroma);  // the baseline keeps the view's colours
  last_sample_ = now;
  if (static_cast<int>(refresh_samples_.size()) < options_.refresh_frames) return;
  analysis::StoredBaseline fresh{analysis::makeBaseline(refresh_samples_, refresh_colours_), wall,
                                 static_cast<int>(refresh_samples_.size())};
  refresh_samples_.clear();
  refresh_colours_.clear();
  last_sample_.reset();
  if (save_) save_(fresh, /*night=*/false);
  current_ = std::move(fresh);
}

bool ViewMonitor::infrared(const std::optional<analysis::Chroma>& chroma) const {
  const auto& day = commissioning_ ? commissioning_->baseline.measures.chroma : std::nullopt;
  return chroma && day && day->saturation >= 3 * thresholds_.grey_saturation &&
         chroma->saturation < thresholds_.grey_saturation;
}

const analysis::StoredBaseline& ViewMonitor::baselineFor(bool infrared) const {
  return infrared && night_ ? *night_ : *current_;
}

// The night baseline is learned as the day's is refreshed: from clean
// infrared views spaced out, each clean against the baseline it is judged
// on and against the commissioning one (which judges the grey view, as far
// as it can, until then), so that a view tampered with at night is never
// learned. Learned once as soon as it can be, then refreshed every
// baseline_refresh (if set).
void ViewMonitor::considerNight(const cv::Mat& grey, const std::optional<analysis::Chroma>& chroma,
                                const analysis::ViewAssessment& verdict, SteadyTime now, WallTime wall) {
  auto forget = [this] {
    night_samples_.clear();
    night_colours_.clear();
    last_night_sample_.reset();
  };
  if (!commissioning_ || !verdict.issues.empty() || !tracker_.ok()) return forget();
  if (night_) {
    const auto interval = toDuration(options_.config.baseline_refresh);
    if (interval <= Duration::zero() || wall < night_->taken_at + std::chrono::duration_cast<WallTime::duration>(interval)) {
      return;
    }
  }
  if (last_night_sample_ && now - *last_night_sample_ < options_.refresh_spacing) return;
  if (!analysis::assess(grey, {}, commissioning_->baseline, thresholds_, chroma).issues.empty()) return forget();
  night_samples_.push_back(analysis::rawSmallGrey(grey).clone());
  if (chroma) night_colours_.push_back(*chroma);
  last_night_sample_ = now;
  if (static_cast<int>(night_samples_.size()) < options_.refresh_frames) return;
  analysis::StoredBaseline learned{analysis::makeBaseline(night_samples_, night_colours_), wall,
                                   static_cast<int>(night_samples_.size())};
  forget();
  if (save_) save_(learned, /*night=*/true);
  night_ = std::move(learned);
}

std::shared_ptr<const ViewSnapshot> encodeSnapshot(const cv::Mat& frame, WallTime taken_at, int jpeg_quality) {
  const std::vector<std::uint8_t> jpeg = analysis::encodeJpeg(frame, jpeg_quality);
  if (jpeg.empty()) return nullptr;
  auto shot = std::make_shared<ViewSnapshot>();
  shot->id = events::newAlertId();
  shot->taken_at = taken_at;
  shot->width = frame.cols;
  shot->height = frame.rows;
  shot->jpeg.assign(jpeg.begin(), jpeg.end());
  return shot;
}

std::shared_ptr<const ViewSnapshot> ViewMonitor::snapshot(const cv::Mat& frame, WallTime wall) const {
  return encodeSnapshot(frame, wall, options_.jpeg_quality);
}

ViewState ViewMonitor::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

const char* viewStateName(const ViewState& s) {
  if (!s.raised.empty()) return "tampered";  // without a baseline too: a frozen stream needs none
  return s.has_baseline ? "ok" : "unknown";
}

}  // namespace villagecam::app
