// What the county asks of a node, and the node's answers (docs/mqtt.md,
// Commands). The county cannot reach into a village: it publishes a command
// on the node's `<prefix>/commands` (only the county's account may, by the
// broker's ACL) and the node answers on `<prefix>/replies`, once when it
// takes or refuses the command and again when what it started ends. Every
// command carries an expiry: one heard after it (held by an outage) is
// refused, never carried out late.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "config/config.hpp"
#include "util/clock.hpp"

namespace villagecam::contract {

inline constexpr const char* kCommandSchema = "villagecam.command/1.0";
inline constexpr const char* kCommandReplySchema = "villagecam.command-reply/1.1";

enum class CommandKind {
  LiveStart,   // push the camera's stream to the county until lease_until (again: renews)
  LiveStop,    // stop that push now
  ClipUpload,  // upload the clip an alert names
};
const char* toString(CommandKind kind);

struct Command {
  std::string id;         // the county's; every reply names it
  std::string node_id;    // a node obeys only commands naming itself
  CommandKind kind = CommandKind::LiveStart;
  std::string camera_id;  // live_start, live_stop
  std::string alert_id;   // clip_upload
  WallTime issued_at{};
  WallTime expires_at{};  // heard later than this: refused as expired
  std::optional<WallTime> lease_until;  // live_start: the push ends then unless a later live_start renews it
};

nlohmann::json commandJson(const Command& command);

enum class ReplyStatus {
  Accepted,  // taken: a push starts (or its lease is renewed), an upload begins
  Refused,   // not taken; `code` says why
  Ended,     // what it started has ended (stopped, lease over, camera or link lost)
  Done,      // an upload finished
  Failed,    // what it started could not go on
};
const char* toString(ReplyStatus status);

struct CommandReply {
  std::string command_id;
  std::string node_id;
  CommandKind kind = CommandKind::LiveStart;
  std::string camera_id;  // empty: none
  std::string alert_id;   // empty: none
  ReplyStatus status = ReplyStatus::Accepted;
  // Why, for programs (docs/mqtt.md lists them; events/code_words has their
  // words): expired, not_for_this_node, unknown_camera, camera_offline,
  // unsupported_codec, over_bitrate, no_county_link, unknown_alert,
  // clip_gone, clip_recording, busy (1.1), stopped, lease_over, camera_lost,
  // link_lost, push_failed.
  // Empty for a plain acceptance.
  std::string code;
  std::string message;  // in words, in the node's alert language
  WallTime at{};
};

nlohmann::json commandReplyJson(const CommandReply& reply, config::Language language);

}  // namespace villagecam::contract
