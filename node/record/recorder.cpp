#include "record/recorder.hpp"

#include <algorithm>

#include "record/clip_ring.hpp"
#include "record/clip_writer.hpp"
#include "util/duration.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

namespace villagecam::record {
namespace {

constexpr std::size_t kRingBytes = 32u << 20;  // per camera, whatever its bit rate: ~25 s of 10 Mbit/s
constexpr Duration kGopSlack = std::chrono::seconds(4);  // the ring keeps pre_roll plus a GOP or two
constexpr Duration kFinishTimeout = std::chrono::seconds(10);
// A clip whose camera stopped sending is finished this long after its planned end.
constexpr auto kQuietAfterEnd = std::chrono::seconds(3);
// While its alert is open a clip takes units this far ahead of the last
// tick (ticks come every second).
constexpr auto kOpenMargin = std::chrono::seconds(2);

WallTime wallPlus(WallTime t, config::Seconds s) {
  return t + std::chrono::duration_cast<WallTime::duration>(s);
}

}  // namespace

struct Recorder::Watched {
  std::shared_ptr<ingest::EncodedFanout> fanout;
  std::shared_ptr<ClipRing> ring;
  ingest::EncodedFanout::Subscription subscription;
};

struct Recorder::Active {
  std::string camera;
  std::string alert_type;
  ClipPlan plan;
  std::shared_ptr<ClipWriter> writer;
  ingest::EncodedFanout::Subscription subscription;
  SteadyTime started_steady{};  // a wall clock step cannot keep it open
  bool alert_open = true;       // while it is, the clip runs on (max_duration at most)
};

Recorder::Recorder(config::ClipsConfig config, std::filesystem::path dir)
    : config_(std::move(config)), store_(std::move(dir), config_.max_bytes), log_(logger("clips")) {
  if (store_.recovered() > 0) {
    log_->warn("{} unfinished or unrecorded clip file(s) from before the last stop removed", store_.recovered());
  }
  finisher_ = std::thread([this] { finishLoop(); });
}

Recorder::~Recorder() { stop(); }

void Recorder::watch(const std::string& camera, const std::shared_ptr<ingest::EncodedFanout>& fanout) {
  std::lock_guard lock(mutex_);
  auto& w = watched_[camera];
  if (w && w->fanout == fanout) return;
  w = std::make_unique<Watched>();
  w->fanout = fanout;
  w->ring = std::make_shared<ClipRing>(toDuration(config_.pre_roll) + kGopSlack, kRingBytes);
  w->subscription = ingest::EncodedFanout::subscribe(fanout, w->ring);
}

void Recorder::unwatch(const std::string& camera) {
  std::unique_ptr<Watched> gone;
  {
    std::lock_guard lock(mutex_);
    const auto it = watched_.find(camera);
    if (it == watched_.end()) return;
    gone = std::move(it->second);
    watched_.erase(it);
  }
}

bool Recorder::wants(const std::string& alert_type) const {
  return config_.enabled &&
         std::find(config_.alert_types.begin(), config_.alert_types.end(), alert_type) != config_.alert_types.end();
}

std::optional<ClipPlan> Recorder::alertStarted(const std::string& alert_id, const std::string& alert_type,
                                               const std::string& camera, WallTime at) {
  if (!wants(alert_type) || !isClipId(alert_id)) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (stopped_ || active_.count(alert_id)) return std::nullopt;
  const auto w = watched_.find(camera);
  if (w == watched_.end()) return std::nullopt;
  auto active = std::make_unique<Active>();
  active->camera = camera;
  active->alert_type = alert_type;
  active->started_steady = std::chrono::steady_clock::now();
  std::optional<RingTake> take;
  std::string failure;
  // Under the fan-out's lock: the ring's units and the writer's first live
  // one follow each other, with nothing lost or taken twice.
  active->subscription = ingest::EncodedFanout::subscribeMade(w->second->fanout, [&]() -> std::shared_ptr<ingest::EncodedSink> {
    take = w->second->ring->takeFrom(at - std::chrono::duration_cast<WallTime::duration>(config_.pre_roll));
    if (!take) return nullptr;
    const WallTime start = take->units.front().arrived();
    active->plan = {alert_id, start, wallPlus(start, config_.pre_roll + config_.post_roll)};
    try {
      active->writer = std::make_shared<ClipWriter>(take->format, store_.mp4For(alert_id), active->plan.end);
      for (const auto& u : take->units) active->writer->unit(u);
      // The camera's connection ended after these: the clip is what it held
      // (the seconds before it went), nothing of a later connection.
      if (take->stale) active->writer->interrupted();
    } catch (const std::exception& e) {
      failure = e.what();
      active->writer.reset();
    }
    return active->writer;
  });
  if (!take) {
    log_->info("no clip for alert {} of {}: no video of the camera is held now", alert_id, camera);
    return std::nullopt;
  }
  if (!active->writer) {
    log_->error("no clip for alert {} of {}: {}", alert_id, camera, failure);
    return std::nullopt;
  }
  const ClipPlan plan = active->plan;
  active_[alert_id] = std::move(active);
  log_->info("clip {} of {} ({}) started: {} to {} planned", alert_id, camera, alert_type,
             toRfc3339(plan.start), toRfc3339(plan.end));
  return plan;
}

std::optional<ClipPlan> Recorder::alertEnded(const std::string& alert_id, WallTime at) {
  std::lock_guard lock(mutex_);
  const auto it = active_.find(alert_id);
  if (it == active_.end()) return std::nullopt;
  Active& a = *it->second;
  a.alert_open = false;
  // Its rolls from the start, or to the alert's end if that is later.
  const WallTime planned = wallPlus(a.plan.start, config_.pre_roll + config_.post_roll);
  const WallTime latest = wallPlus(a.plan.start, config_.max_duration);
  a.writer->setUntil(std::min(std::max(planned, at), latest));
  a.plan.end = a.writer->until();
  return a.plan;
}

std::optional<ClipPlan> Recorder::planOf(const std::string& alert_id) const {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = active_.find(alert_id); it != active_.end()) return it->second->plan;
  }
  if (const auto clip = store_.find(alert_id)) return ClipPlan{clip->id, clip->start, clip->end};
  return std::nullopt;
}

void Recorder::tick(WallTime now, SteadyTime steady_now) {
  std::vector<std::unique_ptr<Active>> due;
  {
    std::lock_guard lock(mutex_);
    for (auto it = active_.begin(); it != active_.end();) {
      Active& a = *it->second;
      if (a.alert_open) {  // an alert longer than the rolls: its clip goes on while it lasts
        const WallTime wanted = std::min(now + kOpenMargin, wallPlus(a.plan.start, config_.max_duration));
        if (wanted > a.writer->until()) a.writer->setUntil(wanted);
      }
      const bool quiet = now > a.plan.end + kQuietAfterEnd;
      const bool too_long = steady_now - a.started_steady > toDuration(config_.max_duration) + kQuietAfterEnd;
      if (a.writer->complete() || quiet || too_long) {
        due.push_back(std::move(it->second));
        it = active_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& a : due) {
    a->subscription.reset();  // no unit after this; the file is ended on the finisher thread
    to_finish_.post(std::move(a));
  }
}

void Recorder::finishLoop() {
  while (true) {
    auto batch = to_finish_.waitUntil(std::chrono::steady_clock::now() + std::chrono::hours(1));
    for (auto& a : batch.messages) finishOne(*a);
    if (batch.stopping) return;
  }
}

void Recorder::finishOne(Active& a) {
  const auto written = a.writer->finish(kFinishTimeout);
  if (!written) {
    log_->error("clip {} of {} could not be written whole; it is discarded", a.plan.id, a.camera);
    return;
  }
  const ClipInfo clip{a.plan.id, a.camera, a.alert_type, written->first, written->last, written->bytes, written->units};
  try {
    for (const auto& gone : store_.add(clip)) log_->info("clip {} removed: clips.max_bytes reached", gone);
  } catch (const std::exception& e) {
    log_->error("clip {} of {}: {}; it is discarded", clip.id, clip.camera, e.what());
    std::error_code ec;
    std::filesystem::remove(store_.mp4For(clip.id), ec);
    return;
  }
  log_->info("clip {} of {} written: {:.1f} s, {} frames, {} bytes", clip.id, clip.camera,
             toSeconds(clip.end - clip.start), clip.frames, clip.bytes);
  if (finished_) finished_(clip);
}

std::size_t Recorder::ringBytes() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [id, w] : watched_) total += w->ring->bytes();
  return total;
}

std::size_t Recorder::writing() const {
  std::lock_guard lock(mutex_);
  return active_.size();
}

void Recorder::stop() {
  std::vector<std::unique_ptr<Active>> rest;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [id, a] : active_) rest.push_back(std::move(a));
    active_.clear();
  }
  for (auto& a : rest) {
    a->subscription.reset();
    to_finish_.post(std::move(a));
  }
  to_finish_.stop();
  if (finisher_.joinable()) finisher_.join();
  std::lock_guard lock(mutex_);
  watched_.clear();
}

}  // namespace villagecam::record
