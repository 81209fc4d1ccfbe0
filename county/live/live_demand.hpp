// Who watches which camera live on the console, and what the console must
// ask of the nodes for it (docs/county.md, live video). Pure: the console
// carries the orders out (publishes the commands, opens and closes the
// receiver's paths) and reports back what it hears (replies, video arriving).
//
// Every page that shows a camera live holds a viewer lease, renewed while the
// page is open; the first viewer of a camera asks its node for a push
// (live_start), later viewers share it, so a village's uplink carries one
// stream whatever the number of operators. While anyone watches, the push's
// lease on the node is renewed (a fresh live_start); when the last viewer
// leaves, or its lease runs out because the page was closed without a word,
// the console says live_stop and closes the path. Every step has a bound: a
// node that does not answer, an accepted push that brings no video, a push
// that stops (the uplink cut) and is asked for again once, each end in a
// phase the page shows in words. Nothing here is kept across a restart: pages
// ask again, and the nodes' leases end what nobody renews.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contract/commands.hpp"
#include "util/clock.hpp"

namespace villagecam::county {

struct LiveDemandOptions {
  std::string id_prefix = "console";  // command ids: <prefix>-<n>; unique per console run
  Duration viewer_lease = std::chrono::seconds(15);  // a page renews every few seconds
  Duration node_lease = std::chrono::seconds(30);    // each live_start's lease on the node
  Duration renew_every = std::chrono::seconds(10);   // how often a watched push's lease is renewed
  Duration answer_within = std::chrono::seconds(10);  // no answer by then: no_answer
  Duration video_within = std::chrono::seconds(15);   // accepted, no video by then: no_video
  Duration command_expiry = std::chrono::seconds(10);  // a command held longer (an outage) is refused by the node
  Duration retry_after = std::chrono::seconds(2);     // a push that stopped is asked for again after this
  int max_pushes = 8;  // pushes at once from all villages; more viewers of new cameras: busy
};

enum class LivePhase {
  Asking,       // live_start sent, no answer yet
  Starting,     // accepted, no video yet
  Playing,      // video arrives
  Interrupted,  // video stopped arriving; asked for again shortly
  Refused,      // the node said no (code)
  Ended,        // the node ended the push (code)
  NoAnswer,     // the node did not answer in time
  NoVideo,      // accepted, but no video arrived in time
  Busy,         // the console carries max_pushes already
};
const char* toString(LivePhase phase);
// A phase that lasts until the operator asks again (or leaves).
bool finished(LivePhase phase);

struct LiveStatus {
  LivePhase phase = LivePhase::Asking;
  std::string code;  // the node's code (refused, ended), else empty
  int viewers = 0;
  std::uint64_t asks = 0;  // live_starts sent for the first push and its retries (not renewals)
};

// What the console does for the demand.
struct LiveOrder {
  enum class Kind {
    Ask,    // open the receiver's path, then publish `command` (a live_start: a first ask or a renewal)
    Stop,   // publish `command` (a live_stop), then close the path
    Close,  // close the path (the node already ended the push or refused it)
  };
  Kind kind = Kind::Ask;
  std::string node;
  std::string camera;
  contract::Command command;  // Ask and Stop
  bool renewal = false;       // Ask: renews a push asked for before (its path stays as it is)
};

class LiveDemand {
 public:
  explicit LiveDemand(LiveDemandOptions options = {});

  // A page shows node/camera live (its first call) or still does (each
  // renewal). `again`: the operator asked once more after the view ended.
  LiveStatus watch(const std::string& node, const std::string& camera, const std::string& viewer, bool again,
                   SteadyTime now, WallTime wall);
  // A page stopped showing it (closed, or another camera).
  void leave(const std::string& node, const std::string& camera, const std::string& viewer);
  // A reply heard on `node`'s own topic; false when it answers nothing this
  // console asked of that node (another console's, or forged), ignored then.
  bool replied(const std::string& node, const contract::CommandReply& reply, SteadyTime now);
  // The receiver's word on node/camera: video arriving now or not.
  void receiving(const std::string& node, const std::string& camera, bool arriving, SteadyTime now);

  // The orders due by now: those of watch/leave/replied/receiving since the
  // last call, then the timers' (viewer leases, renewals, answers and video
  // overdue, retries), in order.
  std::vector<LiveOrder> take(SteadyTime now, WallTime wall);

  // Ends every view (the console stops): the orders that stop their pushes.
  std::vector<LiveOrder> endAll(WallTime wall);

  std::optional<LiveStatus> status(const std::string& node, const std::string& camera) const;
  // The cameras watched now (node, camera), for asking the receiver.
  std::vector<std::pair<std::string, std::string>> watched() const;
  // Pushes asked for or running (what max_pushes bounds).
  int pushes() const;

 private:
  using Key = std::pair<std::string, std::string>;
  struct Entry {
    std::map<std::string, SteadyTime> viewers;  // viewer -> lease end
    LivePhase phase = LivePhase::Asking;
    std::string code;
    std::vector<std::string> commands;  // ids of the live_starts sent for this view (newest last, bounded)
    SteadyTime asked_at{};     // the last first ask or retry
    SteadyTime renew_at{};     // next renewal
    SteadyTime accepted_at{};  // when the node accepted
    SteadyTime retry_at{};     // Interrupted: ask again then
    bool video_seen = false;   // video arrived since the last ask
    bool retried = false;      // asked again after an interruption, no video since
    std::uint64_t asks = 0;
  };
  static bool active(LivePhase phase);
  void ask(const Key& key, Entry& entry, SteadyTime now, WallTime wall, bool renewal);
  void end(const Key& key, Entry& entry, LivePhase phase, std::string code, bool tell_node, WallTime wall);
  contract::Command command(const Key& key, contract::CommandKind kind, WallTime wall);
  LiveStatus statusOf(const Entry& entry) const;

  LiveDemandOptions options_;
  std::map<Key, Entry> entries_;
  std::vector<LiveOrder> orders_;
  std::uint64_t next_id_ = 1;
};

}  // namespace villagecam::county
