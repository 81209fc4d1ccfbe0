// What the node does with the county's live-video commands (docs/mqtt.md,
// Commands), decided from the command, the camera's facts and the pushes
// running, and nothing else: accept (start a push, or renew its lease),
// refuse (with the contract's code), stop; and which pushes' leases ran out.
// Pure: the node carries the decisions out (its pusher) and publishes the
// replies.
//
// Leases are kept on the steady clock: a lease's length is what the county
// gave (lease_until - issued_at, both its own clock's, capped), counted
// from when the command was heard; a node whose wall clock is stepped
// neither ends a push early nor keeps one going. Only the expiry, which
// must hold across an outage, is judged on the wall clock.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contract/commands.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

// A camera as the decision needs it.
struct LiveCameraFacts {
  bool known = false;
  bool online = false;  // delivering video now
  std::string codec;    // as the camera's health names it: h264, h265 ("" while not known)
  double bitrate_kbps = 0;  // measured; 0 while not known
};

struct LiveLimits {
  bool county_link = false;   // the node has somewhere to push to
  double max_kbps = 0;        // the outgoing video's cap, all pushes together (0: none)
  Duration longest_lease = std::chrono::minutes(2);  // a longer lease is cut to this
  // A camera whose bit rate is not measured yet counts as this much.
  double unknown_kbps = 4000;
};

struct LiveDecision {
  contract::ReplyStatus status = contract::ReplyStatus::Refused;
  std::string code;          // the contract's; empty for a plain acceptance
  bool start = false;        // start a push of `camera`
  bool stop = false;         // stop the push of `camera`
  std::string camera;
  std::string push_command;  // the command that started the push (renewals and stops answer for it too)
};

struct LeaseEnded {
  std::string camera;
  std::string push_command;  // the command that started it
};

class LiveRequests {
 public:
  // One live_start or live_stop (clip_upload is not this class's).
  LiveDecision decide(const contract::Command& command, const std::string& node_id, const LiveCameraFacts& camera,
                      const LiveLimits& limits, SteadyTime now, WallTime wall);
  // Pushes whose lease has run out by `now`: forgotten here, to be stopped.
  std::vector<LeaseEnded> expire(SteadyTime now);
  // A push ended on its own (camera or link lost, failed): forgotten.
  std::optional<LeaseEnded> ended(const std::string& camera);

  bool pushing(const std::string& camera) const { return pushes_.count(camera) > 0; }
  double pushedKbps() const;
  // The soonest lease end, to wake for (nullopt: no push).
  std::optional<SteadyTime> nextExpiry() const;

 private:
  struct Push {
    std::string command;
    SteadyTime lease_end{};
    double kbps = 0;
  };
  std::map<std::string, Push> pushes_;  // by camera
};

}  // namespace villagecam::app
