#include "live/live_demand.hpp"

#include <algorithm>

namespace villagecam::county {

const char* toString(LivePhase phase) {
  switch (phase) {
    case LivePhase::Asking: return "asking";
    case LivePhase::Starting: return "starting";
    case LivePhase::Playing: return "playing";
    case LivePhase::Interrupted: return "interrupted";
    case LivePhase::Refused: return "refused";
    case LivePhase::Ended: return "ended";
    case LivePhase::NoAnswer: return "no_answer";
    case LivePhase::NoVideo: return "no_video";
    case LivePhase::Busy: return "busy";
  }
  return "?";
}

bool finished(LivePhase phase) {
  return phase == LivePhase::Refused || phase == LivePhase::Ended || phase == LivePhase::NoAnswer ||
         phase == LivePhase::NoVideo || phase == LivePhase::Busy;
}

bool LiveDemand::active(LivePhase phase) { return !finished(phase); }

LiveDemand::LiveDemand(LiveDemandOptions options) : options_(std::move(options)) {}

contract::Command LiveDemand::command(const Key& key, contract::CommandKind kind, WallTime wall) {
  contract::Command c;
  c.id = options_.id_prefix + "-" + std::to_string(next_id_++);
  c.node_id = key.first;
  c.kind = kind;
  c.camera_id = key.second;
  c.issued_at = wall;
  c.expires_at = wall + options_.command_expiry;
  return c;
}

void LiveDemand::ask(const Key& key, Entry& entry, SteadyTime now, WallTime wall, bool renewal) {
  auto c = command(key, contract::CommandKind::LiveStart, wall);
  c.lease_until = wall + options_.node_lease;
  if (!renewal) {
    // A new push: replies to the commands of an earlier one (a late
    // "ended: link_lost") no longer concern this view.
    entry.commands.clear();
    entry.phase = LivePhase::Asking;
    entry.code.clear();
    entry.asked_at = now;
    entry.video_seen = false;
    ++entry.asks;
  }
  entry.commands.push_back(c.id);
  if (entry.commands.size() > 16) entry.commands.erase(entry.commands.begin());
  entry.renew_at = now + options_.renew_every;
  orders_.push_back({LiveOrder::Kind::Ask, key.first, key.second, std::move(c), renewal});
}

void LiveDemand::end(const Key& key, Entry& entry, LivePhase phase, std::string code, bool tell_node, WallTime wall) {
  entry.phase = phase;
  entry.code = std::move(code);
  entry.commands.clear();
  if (tell_node) {
    orders_.push_back({LiveOrder::Kind::Stop, key.first, key.second, command(key, contract::CommandKind::LiveStop, wall)});
  } else {
    orders_.push_back({LiveOrder::Kind::Close, key.first, key.second, {}});
  }
}

LiveStatus LiveDemand::statusOf(const Entry& entry) const {
  return {entry.phase, entry.code, static_cast<int>(entry.viewers.size()), entry.asks};
}

int LiveDemand::pushes() const {
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(), [](const auto& e) {
    return active(e.second.phase);
  }));
}

LiveStatus LiveDemand::watch(const std::string& node, const std::string& camera, const std::string& viewer, bool again,
                             SteadyTime now, WallTime wall) {
  const Key key{node, camera};
  const int running = pushes();
  auto [it, fresh] = entries_.try_emplace(key);
  auto& entry = it->second;
  entry.viewers[viewer] = now + options_.viewer_lease;
  if (fresh || (again && finished(entry.phase))) {
    // A fresh entry's phase (Asking) is not counted in `running`.
    if (running >= options_.max_pushes) {
      entry.phase = LivePhase::Busy;
      entry.code.clear();
    } else {
      ask(key, entry, now, wall, /*renewal=*/false);
    }
  }
  return statusOf(entry);
}

void LiveDemand::leave(const std::string& node, const std::string& camera, const std::string& viewer) {
  const auto it = entries_.find({node, camera});
  if (it != entries_.end()) it->second.viewers.erase(viewer);
}

bool LiveDemand::replied(const std::string& node, const contract::CommandReply& reply, SteadyTime now) {
  if (reply.node_id != node) return false;
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) {
    const auto& ids = e.second.commands;
    return e.first.first == node && std::find(ids.begin(), ids.end(), reply.command_id) != ids.end();
  });
  if (it == entries_.end()) return false;
  auto& entry = it->second;
  if (!active(entry.phase)) return true;
  switch (reply.status) {
    case contract::ReplyStatus::Accepted:
      if (entry.phase == LivePhase::Asking) {
        entry.phase = entry.video_seen ? LivePhase::Playing : LivePhase::Starting;
        entry.accepted_at = now;
      }
      break;
    case contract::ReplyStatus::Refused:
      // A renewal held up by an outage is refused as expired while the push
      // goes on; the next renewal is fresh.
      if (reply.code == "expired" && entry.phase != LivePhase::Asking) break;
      end(it->first, entry, LivePhase::Refused, reply.code, /*tell_node=*/entry.phase != LivePhase::Asking, {});
      break;
    case contract::ReplyStatus::Ended:
    case contract::ReplyStatus::Failed:
      // The link dropped under a push that was playing (an uplink cut):
      // asked for again shortly, as when the video stops arriving. Anything
      // else, or a push that never played, ends the view.
      if (reply.code == "link_lost" && entry.video_seen) {
        if (entry.phase != LivePhase::Interrupted) {
          entry.phase = LivePhase::Interrupted;
          entry.retry_at = now + options_.retry_after;
        }
        break;
      }
      end(it->first, entry, LivePhase::Ended, reply.code, /*tell_node=*/false, {});
      break;
    case contract::ReplyStatus::Done:
      break;
  }
  return true;
}

void LiveDemand::receiving(const std::string& node, const std::string& camera, bool arriving, SteadyTime now) {
  const auto it = entries_.find({node, camera});
  if (it == entries_.end()) return;
  auto& entry = it->second;
  if (arriving) {
    entry.video_seen = true;
    if (entry.phase == LivePhase::Asking || entry.phase == LivePhase::Starting || entry.phase == LivePhase::Interrupted) {
      entry.phase = LivePhase::Playing;
    }
  } else if (entry.phase == LivePhase::Playing) {
    entry.phase = LivePhase::Interrupted;
    entry.retry_at = now + options_.retry_after;
  }
}

std::vector<LiveOrder> LiveDemand::take(SteadyTime now, WallTime wall) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto& [key, entry] = *it;
    std::erase_if(entry.viewers, [now](const auto& v) { return v.second <= now; });
    if (entry.viewers.empty()) {  // nobody watches: the push stops now, not when its lease runs out
      if (active(entry.phase)) end(key, entry, entry.phase, "", /*tell_node=*/true, wall);
      it = entries_.erase(it);
      continue;
    }
    switch (entry.phase) {
      case LivePhase::Asking:
        if (now - entry.asked_at >= options_.answer_within) {
          end(key, entry, LivePhase::NoAnswer, "", /*tell_node=*/true, wall);  // in case it arrives late
        }
        break;
      case LivePhase::Starting:
        if (now - entry.accepted_at >= options_.video_within) {
          end(key, entry, LivePhase::NoVideo, "", /*tell_node=*/true, wall);
        } else if (now >= entry.renew_at) {
          ask(key, entry, now, wall, /*renewal=*/true);
        }
        break;
      case LivePhase::Playing:
        if (now >= entry.renew_at) ask(key, entry, now, wall, /*renewal=*/true);
        break;
      case LivePhase::Interrupted:
        if (now >= entry.retry_at) ask(key, entry, now, wall, /*renewal=*/false);
        break;
      default:
        break;
    }
    ++it;
  }
  return std::exchange(orders_, {});
}

std::vector<LiveOrder> LiveDemand::endAll(WallTime wall) {
  for (auto& [key, entry] : entries_) {
    if (active(entry.phase)) end(key, entry, entry.phase, "", /*tell_node=*/true, wall);
  }
  entries_.clear();
  return std::exchange(orders_, {});
}

std::optional<LiveStatus> LiveDemand::status(const std::string& node, const std::string& camera) const {
  const auto it = entries_.find({node, camera});
  if (it == entries_.end()) return std::nullopt;
  return statusOf(it->second);
}

std::vector<std::pair<std::string, std::string>> LiveDemand::watched() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, entry] : entries_) {
    if (active(entry.phase)) out.push_back(key);
  }
  return out;
}

}  // namespace villagecam::county
