// The running console: the feed posts every message to one queue; the event
// thread applies them to the live picture (under a short lock, one per
// batch), stores each alert message in the history (kept and retried while
// the store fails), checks for silent nodes and books the time of every
// camera and area once a second (written each minute); the HTTP server reads
// the picture and the history through the ConsoleSource views.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <set>
#include <thread>

#include "settings/county_config.hpp"
#include "feed/county_feed.hpp"
#include "history/history_store.hpp"
#include "history/time_booker.hpp"
#include "live/picture.hpp"
#include "util/clock.hpp"
#include "util/message_queue.hpp"
#include "console/clip_fetcher.hpp"
#include "console/live_video.hpp"
#include "console/login_throttle.hpp"
#include "web/console_server.hpp"
#include "web/live_stream.hpp"

namespace villagecam::county {

class CountyConsole final : public ConsoleSource {
 public:
  CountyConsole(CountyConfig config, const Clock& clock, std::unique_ptr<HistoryStore> store);
  ~CountyConsole() override;

  // Starts the feed, the event thread and the server; returns the HTTP port.
  int start();
  void stop();

  nlohmann::json summary() override;
  nlohmann::json villages() override;
  nlohmann::json problems() override;
  nlohmann::json search(const std::string& query) override;
  nlohmann::json words() override;
  nlohmann::json openAlerts() override;
  nlohmann::json health() override;
  nlohmann::json village(const std::string& node) override;
  std::optional<std::string> snapshot(const std::string& id) override;
  std::optional<std::string> latestSnapshot(const std::string& node, const std::string& camera) override;
  LoginResult login(const std::string& name, const std::string& password, const std::string& client) override;
  std::optional<Operator> operatorOf(const std::string& token) override;
  void logout(const std::string& token) override;
  nlohmann::json users() override;
  nlohmann::json addUser(const nlohmann::json& body) override;
  LiveStream& live() override { return live_; }
  nlohmann::json watchLive(const Operator& op, const std::string& node, const std::string& camera,
                           const std::string& viewer, bool again) override;
  void leaveLive(const std::string& node, const std::string& camera, const std::string& viewer) override;
  std::optional<std::filesystem::path> liveFile(const std::string& node, const std::string& camera,
                                                const std::string& generation, const std::string& name) override;
  nlohmann::json fetchClip(const std::string& node, const std::string& alert, bool again) override;
  std::optional<std::filesystem::path> clipFile(const std::string& node, const std::string& alert) override;
  // Where nodes push (0: live video not configured); known once started.
  int livePort() const { return live_port_; }
  nlohmann::json alerts(const Params& params) override;
  std::string alertsCsv(const Params& params) override;
  nlohmann::json days(const Params& params) override;
  nlohmann::json silences(const Params& params) override;
  nlohmann::json admittedNodes() override;
  nlohmann::json pendingNodes() override;
  nlohmann::json admitNode(const std::string& node, const nlohmann::json& body, const std::string& by) override;

  // Password hashing (scrypt, 128 MiB each) at once: more logins wait, then
  // are told to try again, so no number of them exhausts memory.
  static constexpr int kConcurrentHashes = 2;

 private:
  void loop();
  void apply(const FeedMessage& m, SteadyTime now, WallTime wall);
  // A node's reply to a command (<root>/<node>/replies), not the picture's.
  bool isReply(const FeedMessage& m, std::string& node) const;
  void takeReply(const std::string& node, const FeedMessage& m, SteadyTime now);
  struct SilenceChange {
    std::string node;
    std::string label;
    SilenceRecord record;  // began: the spell; ended: began_at is when it ended
    bool began = false;
  };
  void storePending();
  void reloadAdmitted();
  void noteRefused(const std::string& source, const std::string& error, SteadyTime now);
  void publishLive(bool with_summary);
  void takeOthersAlerts();
  void flushSeconds(SteadyTime now, bool force);
  std::vector<SilenceChange> silenceChanges(WallTime wall);

  CountyConfig config_;
  const Clock& clock_;
  MessageQueue<FeedMessage> queue_;
  std::mutex mutex_;  // guards picture_
  LivePicture picture_;
  LiveStream live_;
  std::mutex login_mutex_;
  LoginThrottle throttle_;
  std::counting_semaphore<kConcurrentHashes> hashing_{kConcurrentHashes};
  std::unique_ptr<HistoryStore> store_;
  // Event thread only: alerts not yet in the store (it failed), and the time booked.
  std::deque<std::pair<contract::AlertMessage, WallTime>> pending_alerts_;
  std::deque<SnapshotRecord> pending_snapshots_;
  std::deque<NodeRecord> pending_admissions_;  // admitted by prefix, not yet in the store
  struct RefusalLog {
    SteadyTime logged{};
    std::uint64_t unlogged = 0;
  };
  std::map<std::string, RefusalLog> refusal_log_;  // per node key: refusals logged once a minute
  static constexpr int kRefusalLinesPerMinute = 50;
  SteadyTime refusal_minute_{};
  int refusal_lines_ = 0;
  std::uint64_t refusals_unlogged_ = 0;
  SteadyTime next_reload_{};
  std::vector<contract::AlertMessage> live_alerts_;  // applied since the last live publish
  std::string last_summary_;
  TimeBooker booker_;
  std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> pending_seconds_;
  SteadyTime next_flush_{};
  std::string last_store_error_;
  std::set<std::string> told_silent_;  // nodes the history was told are silent
  CountyFeed feed_;
  LiveVideo live_video_;
  ClipFetcher clips_;
  int live_port_ = 0;
  std::vector<std::pair<std::string, std::string>> ended_clips_;  // event thread: (node, alert) of alerts that ended with a clip
  ConsoleServer server_;
  std::thread thread_;
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> bad_{0};
  std::atomic<std::uint64_t> alerts_stored_{0};
  std::atomic<std::size_t> alerts_pending_{0};
  std::atomic<bool> books_{false};  // this console books time (the leader of a shared store)
};

// What is wrong with a user to add, or empty.
std::string userProblem(const std::string& name, const std::string& role, const std::string& password);

// What is wrong with a node to admit (its id, its place), or empty.
std::string nodeProblem(const std::string& node, const contract::Place& place);

// The store the config names (SQLite in the state directory by default).
std::unique_ptr<HistoryStore> openStore(const CountyConfig& config);

// `villagecam-county run`: until SIGINT or SIGTERM; returns the exit code.
int runConsole(const CountyConfig& config);

}  // namespace villagecam::county
