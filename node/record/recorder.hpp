// Evidence clips around alerts (docs/clips.md). Each watched camera keeps a
// ClipRing of its last seconds; when an alert of a configured type starts,
// the clip takes the ring's pre-roll from the key frame nearest to
// start - pre_roll and goes on with the live stream until pre_roll +
// post_roll after that key frame, or, for an alert that lasts longer, to its
// end; max_duration at most. A finisher thread ends each file,
// puts it in place and records it in the ClipStore.
//
// Threads: alertStarted/alertEnded/tick on the node's event thread; the
// rings and writers are fed on the cameras' streaming threads; list/find
// from the HTTP thread. The finisher thread only finishes files.
#pragma once

#include <spdlog/logger.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "ingest/encoded_fanout.hpp"
#include "record/clip_store.hpp"
#include "util/clock.hpp"
#include "util/message_queue.hpp"

namespace villagecam::record {

class ClipRing;
class ClipWriter;

// A clip as an alert names it before it is written.
struct ClipPlan {
  std::string id;  // the alert's id
  WallTime start{};
  WallTime end{};  // planned: the camera may stop first
};

class Recorder {
 public:
  using Finished = std::function<void(const ClipInfo&)>;  // on the finisher thread

  // Throws std::runtime_error if the clips folder cannot be used.
  Recorder(config::ClipsConfig config, std::filesystem::path dir);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void onFinished(Finished f) { finished_ = std::move(f); }  // before the first clip

  // A camera's stream to keep the last seconds of (again after a reload:
  // the same fan-out keeps its ring).
  void watch(const std::string& camera, const std::shared_ptr<ingest::EncodedFanout>& fanout);
  void unwatch(const std::string& camera);

  bool wants(const std::string& alert_type) const;
  // A clip for this alert, if its type is one and the camera's ring holds
  // video; nullopt (and a reason in the log) if not.
  std::optional<ClipPlan> alertStarted(const std::string& alert_id, const std::string& alert_type,
                                       const std::string& camera, WallTime at);
  // The alert ended at `at`: its clip ends at its planned end or at `at`,
  // whichever is later (max_duration at most). Returns the clip's plan, if
  // one is being written.
  std::optional<ClipPlan> alertEnded(const std::string& alert_id, WallTime at);
  // A clip of this alert, written or being written.
  std::optional<ClipPlan> planOf(const std::string& alert_id) const;

  // Clips that took their last unit (or whose camera went quiet) go to be
  // finished.
  void tick(WallTime now, SteadyTime steady_now);

  std::vector<ClipInfo> list() const { return store_.list(); }
  std::optional<ClipInfo> find(const std::string& id) const { return store_.find(id); }
  std::filesystem::path mp4For(const std::string& id) const { return store_.mp4For(id); }
  std::size_t ringBytes() const;  // all cameras' rings
  std::size_t writing() const;

  // Finishes what is being written (each within a bounded time) and ends
  // the finisher thread. Idempotent.
  void stop();

 private:
  struct Watched;
  struct Active;
  void finishLoop();
  void finishOne(Active& active);

  const config::ClipsConfig config_;
  ClipStore store_;
  std::shared_ptr<spdlog::logger> log_;
  Finished finished_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Watched>> watched_;  // by camera
  std::map<std::string, std::unique_ptr<Active>> active_;    // by alert id
  std::map<std::string, ClipPlan> plans_;                    // by alert id, kept while written or being written
  MessageQueue<std::unique_ptr<Active>> to_finish_;
  std::thread finisher_;
  bool stopped_ = false;
};

}  // namespace villagecam::record
