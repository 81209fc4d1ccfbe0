// The console's live video (docs/county.md, live video): the receiver the
// nodes push into, the demand of the pages (LiveDemand), and the commands
// that go to the nodes for it. The pages' requests (watch, leave) and the
// console's event thread (replies, the second's tick) meet here; the orders
// of the demand are carried out in the order they were decided, one at a
// time, outside the demand's lock.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "live/live_demand.hpp"
#include "push/push_receiver.hpp"
#include "settings/county_config.hpp"

namespace villagecam::county {

class LiveVideo {
 public:
  // Publishes one command (QoS 1, not retained); false when it cannot now.
  using Publish = std::function<bool(const std::string& topic, const std::string& payload)>;

  LiveVideo(const CountyConfig& config, const Clock& clock, Publish publish);
  ~LiveVideo();
  LiveVideo(const LiveVideo&) = delete;
  LiveVideo& operator=(const LiveVideo&) = delete;

  bool enabled() const { return receiver_ != nullptr; }
  // The receiver, for the clips that come the same way (null: not configured).
  PushReceiver* receiver() { return receiver_.get(); }
  // Starts the receiver (throws naming live.listen when it cannot); returns its port.
  int start();
  // Ends every view: live_stop for every push it asked for; pages asking
  // after this are told live video is unavailable.
  void endAll();
  // endAll(), then the receiver stops.
  void stop();

  // A page shows node/camera (first call or renewal; `again` after an end).
  // The answer is the page's: {phase, code, viewers, playlist (URL or null)}.
  nlohmann::json watch(const std::string& node, const std::string& camera, const std::string& viewer, bool again);
  void leave(const std::string& node, const std::string& camera, const std::string& viewer);
  // A reply on <root>/<node>/replies (already read); false: it answers
  // nothing this console asked of that node.
  bool replied(const std::string& node, const contract::CommandReply& reply);
  // Each second: what the receiver sees, the demand's timers.
  void tick();

  // The file of a push's HLS to serve: only a playlist or a segment of a
  // camera watched now, under the receiver's folder; nullopt otherwise.
  std::optional<std::filesystem::path> file(const std::string& node, const std::string& camera,
                                            const std::string& generation, const std::string& name) const;
  // For /api/health: pushes asked or running, pages watching.
  nlohmann::json health() const;

  // A playlist whose newest segment is older than this is not arriving.
  static constexpr auto kStale = std::chrono::seconds(10);

 private:
  void carryOut(std::vector<LiveOrder> orders);
  void observe(const std::string& node, const std::string& camera, SteadyTime now);  // under mutex_
  std::optional<std::string> playlistUrl(const std::string& node, const std::string& camera) const;

  CountyConfig config_;
  const Clock& clock_;
  Publish publish_;
  std::filesystem::path hls_dir_;
  std::unique_ptr<PushReceiver> receiver_;
  mutable std::mutex mutex_;        // demand_
  LiveDemand demand_;
  bool ending_ = false;             // under mutex_: endAll() was called
  std::mutex orders_mutex_;         // orders are carried out one batch at a time, in order
};

}  // namespace villagecam::county
