#include "contract/commands.hpp"

#include "util/time_format.hpp"

namespace villagecam::contract {
namespace {

using nlohmann::json;

json optionalText(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

const char* toString(CommandKind kind) {
  switch (kind) {
    case CommandKind::LiveStart: return "live_start";
    case CommandKind::LiveStop: return "live_stop";
    case CommandKind::ClipUpload: return "clip_upload";
  }
  return "?";
}

const char* toString(ReplyStatus status) {
  switch (status) {
    case ReplyStatus::Accepted: return "accepted";
    case ReplyStatus::Refused: return "refused";
    case ReplyStatus::Ended: return "ended";
    case ReplyStatus::Done: return "done";
    case ReplyStatus::Failed: return "failed";
  }
  return "?";
}

json commandJson(const Command& c) {
  return {{"schema", kCommandSchema},
          {"id", c.id},
          {"node", c.node_id},
          {"command", toString(c.kind)},
          {"camera", optionalText(c.camera_id)},
          {"alert", optionalText(c.alert_id)},
          {"issued_at", toRfc3339(c.issued_at)},
          {"expires_at", toRfc3339(c.expires_at)},
          {"lease_until", c.lease_until ? json(toRfc3339(*c.lease_until)) : json(nullptr)}};
}

json commandReplyJson(const CommandReply& r, config::Language language) {
  return {{"schema", kCommandReplySchema},
          {"command_id", r.command_id},
          {"node", r.node_id},
          {"command", toString(r.kind)},
          {"camera", optionalText(r.camera_id)},
          {"alert", optionalText(r.alert_id)},
          {"status", toString(r.status)},
          {"code", optionalText(r.code)},
          {"message", r.message},
          {"language", config::toString(language)},
          {"at", toRfc3339(r.at)}};
}

}  // namespace villagecam::contract
