#include "app/detection_monitor.hpp"

#include <opencv2/imgproc.hpp>

#include "util/duration.hpp"

namespace villagecam::app {
namespace {

// A gap this long is the stream going away (a reconnect takes a stall
// timeout or a back-off), not frames late on a loaded box.
constexpr Duration kStreamGap = std::chrono::seconds(10);

analysis::Polygon polygonFrom(const config::Polygon& p) {
  analysis::Polygon out;
  for (const auto& pt : p) out.emplace_back(pt.x, pt.y);
  return out;
}

}  // namespace

analysis::ZoneSpec zoneSpecFrom(const config::ZoneConfig& z) {
  analysis::ZoneSpec s;
  s.id = z.id;
  s.name = z.name;
  s.kind = z.kind == config::ZoneKind::Motion ? analysis::ZoneKind::Motion : analysis::ZoneKind::Intrusion;
  s.polygon = polygonFrom(z.polygon);
  s.schedule = z.schedule;
  s.min_size = z.min_size;
  s.dwell = toDuration(z.dwell);
  s.clear_after = toDuration(z.clear_after);
  s.cooldown = toDuration(z.cooldown);
  s.people_only = z.people_only;
  return s;
}

analysis::MotionConfig motionConfigFrom(const config::DetectionConfig& c) {
  analysis::MotionConfig m;
  m.min_area = c.min_area;
  for (const auto& p : c.masks) m.masks.push_back(polygonFrom(p));
  return m;
}

DetectionMonitor::DetectionMonitor(const config::DetectionConfig& config, int jpeg_quality, const cv::Mat& prior)
    : config_(config), jpeg_quality_(jpeg_quality), detector_(motionConfigFrom(config)) {
  reconfigure(config);
  detector_.restart(prior);
}

void DetectionMonitor::reconfigure(const config::DetectionConfig& config) {
  std::lock_guard run(run_mutex_);
  config_ = config;
  detector_.reconfigure(motionConfigFrom(config));
  interval_ = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(1.0 / config.fps));
  std::vector<analysis::ZoneTracker> zones;
  bool people = false;
  for (const auto& z : config.zones) {
    people = people || z.people_only;
    auto spec = zoneSpecFrom(z);
    auto same = std::find_if(zones_.begin(), zones_.end(), [&](const auto& t) { return t.spec().id == z.id; });
    if (same != zones_.end()) {
      same->respec(std::move(spec));  // keeps whether an event is open
      zones.push_back(std::move(*same));
    } else {
      zones.emplace_back(std::move(spec));
    }
  }
  zones_ = std::move(zones);
  if (people && !people_) people_ = std::make_unique<analysis::PeopleCheck>();
}

void DetectionMonitor::restoreOpen(const std::string& zone_id, SteadyTime now) {
  std::lock_guard run(run_mutex_);
  for (auto& z : zones_) {
    if (z.spec().id == zone_id) z.restoreOpen(now);
  }
}

bool DetectionMonitor::admit(SteadyTime now) {
  const auto period = toDuration(config_.rate_period);
  while (!recent_starts_.empty() && now - recent_starts_.front() >= period) recent_starts_.pop_front();
  if (static_cast<int>(recent_starts_.size()) >= config_.max_alerts) return false;
  recent_starts_.push_back(now);
  return true;
}

std::vector<DetectionEvent> DetectionMonitor::onFrame(const analysis::AnalysisFrame& frame, SteadyTime now,
                                                      WallTime wall) {
  std::vector<DetectionEvent> events;
  std::lock_guard run(run_mutex_);
  if (zones_.empty() || now < next_) return events;
  next_ = now + interval_;
  // Frames stopped for longer than any camera's frame interval: the stream
  // was away. What is in the view now is judged against the background the
  // model held before (gone, or still standing there), not learned as it.
  if (last_frame_ && now - *last_frame_ > kStreamGap) detector_.restart(detector_.background());
  last_frame_ = now;
  const auto motion = detector_.process(frame.grey(), objects_.heldRegions());
  objects_.update(motion.blobs, detector_.picture(), [this] { return detector_.background(); }, now);
  const auto objects = objects_.present();
  std::uint64_t suppressed_now = 0;
  for (auto& zone : zones_) {
    const auto& spec = zone.spec();
    const bool active = spec.schedule.activeAt(wall);
    std::optional<bool> person;
    auto check = [&](const std::vector<analysis::Blob>& objects) {
      person = people_ && people_->anyPerson(frame.grey(), objects);
      return *person;
    };
    const auto before = zone.suppressedByCooldown();
    auto e = zone.update(objects, active, now, check);
    suppressed_now += zone.suppressedByCooldown() - before;
    suppressed_since_report_ += zone.suppressedByCooldown() - before;
    if (!e) continue;
    if (e->phase == analysis::ZonePhase::Start && !admit(now)) {
      silenced_.insert(spec.id);
      ++suppressed_now;
      ++suppressed_since_report_;
      continue;
    }
    if (silenced_.count(spec.id)) {
      if (e->phase == analysis::ZonePhase::End) silenced_.erase(spec.id);
      continue;
    }
    DetectionEvent out{spec.id, spec.name,
                       spec.kind == analysis::ZoneKind::Motion ? config::ZoneKind::Motion : config::ZoneKind::Intrusion,
                       e->phase, std::move(e->objects), spec.people_only ? person : std::nullopt, nullptr, 0};
    if (out.phase == analysis::ZonePhase::Start) {
      out.snapshot = drawSnapshot(frame.colour(), spec, out.objects, wall);
      out.suppressed = suppressed_since_report_;
      suppressed_since_report_ = 0;
    }
    events.push_back(std::move(out));
  }
  std::lock_guard lock(mutex_);
  ++stats_.frames;
  stats_.global_changes += motion.global_change ? 1 : 0;
  for (const auto& e : events) stats_.events += e.phase == analysis::ZonePhase::Start ? 1 : 0;
  stats_.suppressed += suppressed_now;
  return events;
}

std::shared_ptr<const ViewSnapshot> DetectionMonitor::drawSnapshot(const cv::Mat& frame, const analysis::ZoneSpec& zone,
                                                                   const std::vector<analysis::Blob>& objects,
                                                                   WallTime wall) const {
  cv::Mat canvas;
  if (frame.channels() == 1) {
    cv::cvtColor(frame, canvas, cv::COLOR_GRAY2BGR);
  } else {
    canvas = frame.clone();
  }
  std::vector<cv::Point> outline;
  for (const auto& p : zone.polygon) {
    outline.emplace_back(static_cast<int>(p.x * canvas.cols), static_cast<int>(p.y * canvas.rows));
  }
  cv::polylines(canvas, outline, /*isClosed=*/true, cv::Scalar(0, 255, 255), 2);
  for (const auto& o : objects) {
    cv::rectangle(canvas,
                  cv::Rect(static_cast<int>(o.box.x * canvas.cols), static_cast<int>(o.box.y * canvas.rows),
                           static_cast<int>(o.box.width * canvas.cols), static_cast<int>(o.box.height * canvas.rows)),
                  cv::Scalar(0, 0, 255), 2);
  }
  return encodeSnapshot(canvas, wall, jpeg_quality_);
}

DetectionStats DetectionMonitor::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace villagecam::app
