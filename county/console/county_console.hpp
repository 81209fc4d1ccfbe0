// The running console: the feed posts every message to one queue; the event
// thread applies them to the live picture (under a short lock, one per
// batch) and checks for silent nodes once a second; the HTTP server reads
// the picture through the ConsoleSource views.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>

#include "config/county_config.hpp"
#include "feed/county_feed.hpp"
#include "live/picture.hpp"
#include "util/clock.hpp"
#include "util/message_queue.hpp"
#include "web/console_server.hpp"

namespace villagecam::county {

class CountyConsole final : public ConsoleSource {
 public:
  CountyConsole(config::CountyConfig config, const Clock& clock);
  ~CountyConsole() override;

  // Starts the feed, the event thread and the server; returns the HTTP port.
  int start();
  void stop();

  nlohmann::json summary() override;
  nlohmann::json villages() override;
  nlohmann::json problems() override;
  nlohmann::json openAlerts() override;
  nlohmann::json health() override;

 private:
  void loop();
  void apply(const FeedMessage& m, SteadyTime now, WallTime wall);

  config::CountyConfig config_;
  const Clock& clock_;
  MessageQueue<FeedMessage> queue_;
  std::mutex mutex_;  // guards picture_
  LivePicture picture_;
  CountyFeed feed_;
  ConsoleServer server_;
  std::thread thread_;
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> bad_{0};
};

// `villagecam-county run`: until SIGINT or SIGTERM; returns the exit code.
int runConsole(const config::CountyConfig& config);

}  // namespace villagecam::county
