#include "analysis/object_tracker.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace villagecam::analysis {
namespace {

cv::Point2d centre(const cv::Rect2d& b) { return {b.x + b.width / 2, b.y + b.height / 2}; }
double diagonal(const cv::Rect2d& b) { return std::hypot(b.width, b.height); }

cv::Rect2d grown(const cv::Rect2d& b, double by) {
  return {b.x - b.width * by / 2, b.y - b.height * by / 2, b.width * (1 + by), b.height * (1 + by)};
}

// A normalised box in a picture's pixels, inside it and at least 2 x 2.
cv::Rect pixels(const cv::Rect2d& b, cv::Size size) {
  const int x0 = std::clamp(static_cast<int>(std::floor(b.x * size.width)), 0, size.width - 2);
  const int y0 = std::clamp(static_cast<int>(std::floor(b.y * size.height)), 0, size.height - 2);
  const int x1 = std::clamp(static_cast<int>(std::ceil((b.x + b.width) * size.width)), x0 + 2, size.width);
  const int y1 = std::clamp(static_cast<int>(std::ceil((b.y + b.height) * size.height)), y0 + 2, size.height);
  return {x0, y0, x1 - x0, y1 - y0};
}

// How alike two patches of one size are in what they show, whatever the
// light: normalised cross-correlation, -1..1, blind to brightness and
// contrast (dusk, clouds, the camera's exposure). Nothing to compare (a
// patch of one grey) is 0.
double likeness(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat r;
  cv::matchTemplate(a, b, r, cv::TM_CCOEFF_NORMED);
  const double v = r.at<float>(0, 0);
  return std::isfinite(v) ? v : 0.0;
}

double spread(const cv::Mat& a) {
  cv::Scalar mean, sd;
  cv::meanStdDev(a, mean, sd);
  return sd[0];
}

}  // namespace

std::vector<cv::Rect2d> ObjectTracker::heldRegions() const {
  std::vector<cv::Rect2d> out;
  for (const auto& t : tracks_) {
    if (t.object.still && t.object.present) out.push_back(grown(t.object.blob.box, 0.15));
  }
  return out;
}

// More like how it looked than like the background, and distinct from the
// background at all (a grey object on a grey wall tells nothing), whatever
// the light does meanwhile.
bool ObjectTracker::held(const Track& t, const cv::Mat& picture, const cv::Mat& background) const {
  if (t.look.empty() || background.empty() || background.size() != picture.size()) return false;
  const cv::Rect r = pixels(t.object.blob.box, picture.size());
  cv::Mat look = t.look;
  if (look.size() != r.size()) cv::resize(t.look, look, r.size(), 0, 0, cv::INTER_AREA);
  const cv::Mat now = picture(r), ground = background(r);
  if (spread(look) < config_.min_contrast / 2 || likeness(look, ground) > config_.distinct_below) return false;
  const double as_object = likeness(now, look);
  return as_object >= config_.held_likeness && as_object >= likeness(now, ground) + config_.held_margin;
}

// An object present for `settle` whose centre stayed within a small part of
// its size has stopped: from now on its region is kept from the model.
void ObjectTracker::settle(Track& t, SteadyTime now) const {
  auto& o = t.object;
  if (!o.present) {
    t.centres.clear();
    o.still = false;  // gone, or not seen: its region is the model's again
    return;
  }
  t.centres.emplace_back(now, centre(o.blob.box));
  while (t.centres.size() > 2 && now - t.centres[1].first >= config_.settle) t.centres.pop_front();
  if (!o.confirmed || o.still || now - t.centres.front().first < config_.settle) return;
  double moved = 0;
  for (const auto& [when, at] : t.centres) moved = std::max(moved, cv::norm(at - t.centres.front().second));
  o.still = moved <= config_.still_motion * diagonal(o.blob.box);
}

// A ghost: in a place a stopped object just left, and looking like the
// background the model holds there (the light changed while the place was
// kept from the model), or like nothing at all. Something that looks like
// neither is a new object: another person, or the same one turned round.
bool ObjectTracker::ghost(const Blob& b, const cv::Mat& picture, const cv::Mat& background) const {
  bool vacated = false;
  for (const auto& v : vacated_) vacated = vacated || (v.box & b.box).area() >= 0.7 * b.box.area();
  if (!vacated) return false;
  if (background.empty() || background.size() != picture.size()) return true;
  const cv::Rect r = pixels(b.box, picture.size());
  const cv::Mat now = picture(r);
  return spread(now) < config_.min_contrast / 2 || likeness(now, background(r)) >= config_.held_likeness;
}

void ObjectTracker::update(const std::vector<Blob>& all_blobs, const cv::Mat& picture,
                           const std::function<cv::Mat()>& background, SteadyTime now) {
  for (auto& v : vacated_) --v.frames_left;
  std::erase_if(vacated_, [&](const Vacated& v) { return now >= v.until && v.frames_left <= 0; });
  cv::Mat ground;
  bool ground_taken = false;
  auto groundNow = [&]() -> const cv::Mat& {
    if (!ground_taken) ground = background();
    ground_taken = true;
    return ground;
  };
  std::vector<Blob> blobs;
  for (const auto& b : all_blobs) {
    if (vacated_.empty() || !ghost(b, picture, groundNow())) blobs.push_back(b);  // not the ghost of one that left
  }
  // Each blob to the nearest object it overlaps or lies close to; one
  // object may take several (a person's blob often breaks in two).
  std::vector<std::vector<const Blob*>> assigned(tracks_.size());
  std::vector<const Blob*> unassigned;
  for (const auto& b : blobs) {
    int best = -1;
    double best_distance = 0;
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
      const auto& box = tracks_[i].object.blob.box;
      const double distance = cv::norm(centre(b.box) - centre(box));
      const bool overlaps = (grown(box, 0.25) & b.box).area() > 0;
      const bool near = distance < 0.75 * std::max(diagonal(box), diagonal(b.box));
      if ((overlaps || near) && (best < 0 || distance < best_distance)) {
        best = static_cast<int>(i);
        best_distance = distance;
      }
    }
    if (best >= 0) {
      assigned[static_cast<std::size_t>(best)].push_back(&b);
    } else {
      unassigned.push_back(&b);
    }
  }
  auto lookAt = [&](const cv::Rect2d& box) { return picture(pixels(box, picture.size())).clone(); };

  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    auto& t = tracks_[i];
    auto& o = t.object;
    const bool was_still = o.still;
    const cv::Rect2d stood = o.blob.box;
    o.present = false;
    if (!assigned[i].empty()) {
      cv::Rect2d box = assigned[i].front()->box;
      double area = 0;
      for (const auto* b : assigned[i]) {
        box |= b->box;
        area += b->area;
      }
      // A stopped object whose limbs move, or one fading into the model:
      // while its look still holds, it stays where it stood.
      const bool fading = o.confirmed && area < 0.5 * t.whole_area && o.blob.box.contains(centre(box));
      if ((o.still || fading) && held(t, picture, groundNow())) {
        o.present = true;
      } else {
        o.still = false;
        o.blob = {box, area};
        t.look = lookAt(box);
        t.whole_area = area;
        o.present = true;
      }
      ++t.hits;
      o.confirmed = o.confirmed || t.hits >= config_.confirm_frames;
    } else if (o.confirmed && held(t, picture, groundNow())) {
      o.present = true;
    }
    if (o.present) o.last_seen = now;
    settle(t, now);
    if (was_still && !o.still) {
      vacated_.push_back({grown(stood, 0.15), now + config_.vacated_for, config_.vacated_frames});
    }
  }
  for (const auto* b : unassigned) {
    if (static_cast<int>(tracks_.size()) >= config_.max_objects) break;
    Track t;
    t.object = {next_id_++, *b, now, now, config_.confirm_frames <= 1, false, config_.confirm_frames <= 1};
    t.hits = 1;
    t.look = lookAt(b->box);
    t.whole_area = b->area;
    t.centres.emplace_back(now, centre(b->box));
    tracks_.push_back(std::move(t));
  }
  std::erase_if(tracks_, [&](const Track& t) { return now - t.object.last_seen > config_.forget_after; });
}

std::vector<Blob> ObjectTracker::present() const {
  std::vector<Blob> out;
  for (const auto& t : tracks_) {
    if (t.object.confirmed && t.object.present) out.push_back(t.object.blob);
  }
  std::sort(out.begin(), out.end(), [](const Blob& a, const Blob& b) { return a.area > b.area; });
  return out;
}


}  // namespace villagecam::analysis
