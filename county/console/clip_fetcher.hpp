// Evidence clips in the console (docs/county.md, clips): an alert names its
// clip; the console asks the node for it (clip_upload over MQTT), the node
// pushes it through the same outbound path as live video (RTSP RECORD into
// the receiver, which writes it as it comes), and the console keeps it in
// <state_dir>/clips/<node>/<alert>.mp4, bounded by bytes and days (the
// oldest go first), across restarts. A page asks (POST) and is answered
// where the fetch stands until the clip plays; a clip still being recorded
// on the node, or a node busy with other uploads, is asked for again by
// itself; a clip the node no longer has is said to be gone.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "contract/commands.hpp"
#include "push/push_receiver.hpp"
#include "settings/county_config.hpp"
#include "util/clock.hpp"

namespace villagecam::county {

class ClipFetcher {
 public:
  using Publish = std::function<bool(const std::string& topic, const std::string& payload)>;

  // `receiver`: the live video's (null: clips unavailable).
  ClipFetcher(const CountyConfig& config, const Clock& clock, PushReceiver* receiver, Publish publish);

  // The store as a restart left it: unfinished files removed, bounds applied.
  void start();

  // A page asks for an alert's clip (again: after a failure). Answers
  // {phase, code, url}: phase stored (url set), asking, uploading, waiting
  // (the node is still recording it, or busy: asked again shortly), gone,
  // failed, no_answer, unavailable.
  nlohmann::json fetch(const std::string& node, const std::string& alert, bool again);
  // An alert ended naming a clip (clips.upload_on_end).
  void alertEnded(const std::string& node, const std::string& alert);
  // A reply to a clip_upload of this console's; false: not one of ours.
  bool replied(const std::string& node, const contract::CommandReply& reply);
  // Each second: answers and uploads overdue, retries, finished uploads kept.
  void tick();

  std::optional<std::filesystem::path> file(const std::string& node, const std::string& alert) const;
  nlohmann::json health() const;

  static constexpr auto kAnswerWithin = std::chrono::seconds(10);
  static constexpr auto kRetryAfter = std::chrono::seconds(3);
  static constexpr auto kGiveUpAfter = std::chrono::minutes(3);  // waiting or uploading in all
  static constexpr std::size_t kKeptFetches = 1000;             // fetch states remembered
  static constexpr int kAttempts = 3;                            // uploads tried before it has failed

 private:
  enum class Phase { Asking, Uploading, Waiting, Stored, Gone, Failed, NoAnswer };
  static const char* toString(Phase phase);
  struct Fetch {
    Phase phase = Phase::Asking;
    std::string code;
    std::string command;  // the latest clip_upload's id
    SteadyTime began{}, asked_at{}, retry_at{}, done_at{};
    bool node_done = false;  // the node said done: the file closes when the push has ended
    int attempts = 0;        // uploads that failed on the way (asked again up to kAttempts)
    SteadyTime touched{};
  };
  using Key = std::pair<std::string, std::string>;
  std::filesystem::path mp4Of(const Key& key) const;
  void ask(const Key& key, Fetch& f, SteadyTime now);       // under mutex_
  void end(const Key& key, Fetch& f, Phase phase, std::string code);  // under mutex_
  void keep(const Key& key, Fetch& f);                      // under mutex_: the upload is whole
  void prune();                                             // under mutex_

  CountyConfig config_;
  const Clock& clock_;
  PushReceiver* receiver_;
  Publish publish_;
  std::filesystem::path dir_;
  std::string id_prefix_;
  std::uint64_t next_id_ = 1;
  mutable std::mutex mutex_;
  std::map<Key, Fetch> fetches_;
  std::uint64_t stored_ = 0, removed_ = 0;
};

}  // namespace villagecam::county
