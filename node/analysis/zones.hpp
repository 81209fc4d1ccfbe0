// Zones: polygons of a camera's view where motion or an intruder matters,
// each with an optional weekly schedule, a minimum object size and a dwell
// time. A ZoneTracker turns per-frame objects (tracked: ObjectTracker) into
// events: start when an object has stayed in the active zone for the dwell
// time, updates while it goes on, end when the zone has been clear for
// clear_after; then a cooldown. Pure: times are passed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/motion.hpp"
#include "util/clock.hpp"
#include "util/weekly_schedule.hpp"

namespace villagecam::analysis {

enum class ZoneKind { Motion, Intrusion };
const char* toString(ZoneKind k);

struct ZoneSpec {
  std::string id;
  std::string name;
  ZoneKind kind = ZoneKind::Intrusion;
  Polygon polygon;
  WeeklySchedule schedule;
  double min_size = 0.002;           // share of the frame an object must cover
  Duration dwell = std::chrono::seconds(2);
  Duration clear_after = std::chrono::seconds(5);
  Duration cooldown = std::chrono::seconds(30);   // after an end, no new start this soon
  Duration update_every = std::chrono::seconds(30);  // an update while it goes on
  // Before a start, a visit goes on through a gap this short (an object out
  // of sight for a frame or two): the dwell does not start again.
  Duration gap = std::chrono::seconds(1);
  bool people_only = false;
};

enum class ZonePhase { Start, Update, End };

struct ZoneEvent {
  ZonePhase phase;
  std::vector<Blob> objects;  // in the zone now (start, update) or last seen (end)
};

class ZoneTracker {
 public:
  explicit ZoneTracker(ZoneSpec spec) : spec_(std::move(spec)) {}

  // The blobs in the zone (foot inside the polygon, at least min_size).
  std::vector<Blob> inside(const std::vector<Blob>& blobs) const;

  // One analysed frame. `active`: the schedule says the zone is on now.
  // `person_confirmed` is asked only when a start is due and the zone wants
  // people only; returning false postpones the start to a later frame.
  template <typename PersonCheck>
  std::optional<ZoneEvent> update(const std::vector<Blob>& blobs, bool active, SteadyTime now,
                                  PersonCheck&& person_confirmed);
  std::optional<ZoneEvent> update(const std::vector<Blob>& blobs, bool active, SteadyTime now) {
    return update(blobs, active, now, [](const std::vector<Blob>&) { return true; });
  }

  // An event that was open before a restart: open now, and ends after
  // clear_after unless an object is seen in the zone.
  void restoreOpen(SteadyTime now) {
    open_ = true;
    occupied_since_ = now;
    last_update_ = now;
  }
  bool open() const { return open_; }
  std::uint64_t suppressedByCooldown() const { return suppressed_; }
  const ZoneSpec& spec() const { return spec_; }
  void respec(ZoneSpec spec) { spec_ = std::move(spec); }

 private:
  ZoneSpec spec_;
  bool open_ = false;
  std::optional<SteadyTime> occupied_since_;
  std::optional<SteadyTime> clear_since_;
  std::optional<SteadyTime> last_update_;
  std::optional<SteadyTime> cooldown_until_;
  bool counted_this_run_ = false;
  std::vector<Blob> last_seen_;
  std::uint64_t suppressed_ = 0;
};

template <typename PersonCheck>
std::optional<ZoneEvent> ZoneTracker::update(const std::vector<Blob>& blobs, bool active, SteadyTime now,
                                             PersonCheck&& person_confirmed) {
  auto objects = active ? inside(blobs) : std::vector<Blob>{};
  if (!objects.empty()) {
    clear_since_.reset();
    last_seen_ = objects;
    if (!occupied_since_) occupied_since_ = now;
    if (open_) {
      if (!last_update_ || now - *last_update_ >= spec_.update_every) {
        last_update_ = now;
        return ZoneEvent{ZonePhase::Update, std::move(objects)};
      }
      return std::nullopt;
    }
    if (now - *occupied_since_ < spec_.dwell) return std::nullopt;
    if (cooldown_until_ && now < *cooldown_until_) {
      if (!counted_this_run_) ++suppressed_;
      counted_this_run_ = true;
      return std::nullopt;
    }
    if (spec_.people_only && !person_confirmed(objects)) return std::nullopt;
    open_ = true;
    last_update_ = now;
    return ZoneEvent{ZonePhase::Start, std::move(objects)};
  }
  // Nothing in the zone (or the zone is off).
  if (!open_) {
    if (occupied_since_ && active) {
      if (!clear_since_) clear_since_ = now;
      if (now - *clear_since_ < spec_.gap) return std::nullopt;  // out of sight a moment: the visit goes on
    }
    occupied_since_.reset();
    clear_since_.reset();
    counted_this_run_ = false;
    return std::nullopt;
  }
  if (!clear_since_) clear_since_ = now;
  if (active && now - *clear_since_ < spec_.clear_after) return std::nullopt;
  // Clear long enough, or the schedule ended: the event ends.
  open_ = false;
  occupied_since_.reset();
  clear_since_.reset();
  cooldown_until_ = now + spec_.cooldown;
  counted_this_run_ = false;
  return ZoneEvent{ZonePhase::End, last_seen_};
}

}  // namespace villagecam::analysis
