#include "console/clip_fetcher.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <vector>

#include "console/command_ids.hpp"
#include "contract/topics.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::county {
namespace fs = std::filesystem;

namespace {

bool validId(const std::string& id) {
  static const std::regex pattern("[a-z0-9][a-z0-9_-]{0,63}");
  return std::regex_match(id, pattern);
}

// An MP4 the receiver closed: its first box is ftyp.
bool looksLikeMp4(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  return in.gcount() == 8 && std::string(head + 4, 4) == "ftyp";
}

}  // namespace

const char* ClipFetcher::toString(Phase phase) {
  switch (phase) {
    case Phase::Asking: return "asking";
    case Phase::Uploading: return "uploading";
    case Phase::Waiting: return "waiting";
    case Phase::Stored: return "stored";
    case Phase::Gone: return "gone";
    case Phase::Failed: return "failed";
    case Phase::NoAnswer: return "no_answer";
  }
  return "?";
}

ClipFetcher::ClipFetcher(const CountyConfig& config, const Clock& clock, PushReceiver* receiver, Publish publish)
    : config_(config),
      clock_(clock),
      receiver_(receiver),
      publish_(std::move(publish)),
      dir_(config.state_dir / "clips"),
      id_prefix_(commandIdPrefix("clip")) {}

fs::path ClipFetcher::mp4Of(const Key& key) const { return dir_ / key.first / (key.second + ".mp4"); }

void ClipFetcher::start() {
  if (!receiver_) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::lock_guard lock(mutex_);
  // What a stop or a kill left half written never counts as a clip.
  std::vector<fs::path> partial;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file() && it->path().extension() != ".mp4") partial.push_back(it->path());
  }
  for (const auto& p : partial) fs::remove(p, ec);
  prune();
}

// The oldest first: past max_days, then while over max_bytes.
void ClipFetcher::prune() {
  struct Kept {
    fs::path path;
    fs::file_time_type written;
    std::uintmax_t bytes;
  };
  std::vector<Kept> kept;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file() || it->path().extension() != ".mp4") continue;
    kept.push_back({it->path(), it->last_write_time(ec), it->file_size(ec)});
  }
  std::sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) { return a.written < b.written; });
  std::uintmax_t total = 0;
  for (const auto& k : kept) total += k.bytes;
  const auto oldest_allowed = fs::file_time_type::clock::now() - std::chrono::hours(24) * config_.clips.max_days;
  for (const auto& k : kept) {
    if (k.written >= oldest_allowed && total <= config_.clips.max_bytes) break;
    fs::remove(k.path, ec);
    total -= k.bytes;
    ++removed_;
    logger("county.clips")->info("clip {} removed: {}", k.path.filename().string(),
                                 k.written < oldest_allowed ? "older than clips.max_days" : "over clips.max_bytes");
  }
}

void ClipFetcher::ask(const Key& key, Fetch& f, SteadyTime now) {
  contract::Command c;
  c.id = id_prefix_ + "-" + std::to_string(next_id_++);
  c.node_id = key.first;
  c.kind = contract::CommandKind::ClipUpload;
  c.alert_id = key.second;
  c.issued_at = clock_.wall();
  c.expires_at = c.issued_at + std::chrono::seconds(10);
  f.command = c.id;
  f.phase = Phase::Asking;
  f.asked_at = now;
  f.node_done = false;
  auto part = mp4Of(key);
  part += ".part";
  std::error_code ec;
  fs::remove(part, ec);
  try {
    receiver_->closeClip(key.first, key.second);  // a fresh path: no earlier push's file
    receiver_->expectClip(key.first, key.second, part);
  } catch (const std::exception& e) {
    end(key, f, Phase::Failed, "");
    logger("county.clips")->error("clip {} of node {}: {}", key.second, key.first, forLog(e.what(), 200));
    return;
  }
  if (!publish_(contract::topics::commands(config_.topic_root + "/" + key.first), contract::commandJson(c).dump())) {
    logger("county.clips")->warn("cannot ask node {} for clip {} now (the county broker is away)", key.first, key.second);
  }
}

void ClipFetcher::end(const Key& key, Fetch& f, Phase phase, std::string code) {
  f.phase = phase;
  f.code = std::move(code);
  f.command.clear();
  receiver_->closeClip(key.first, key.second);
  auto part = mp4Of(key);
  part += ".part";
  std::error_code ec;
  fs::remove(part, ec);
}

void ClipFetcher::keep(const Key& key, Fetch& f) {
  auto part = mp4Of(key);
  part += ".part";
  receiver_->closeClip(key.first, key.second);
  std::error_code ec;
  if (!looksLikeMp4(part) || fs::file_size(part, ec) < 1024) {
    end(key, f, Phase::Failed, "push_failed");
    logger("county.clips")->warn("clip {} of node {} arrived incomplete", key.second, key.first);
    return;
  }
  fs::rename(part, mp4Of(key), ec);
  if (ec) {
    end(key, f, Phase::Failed, "");
    logger("county.clips")->error("cannot keep clip {} of node {}: {}", key.second, key.first, ec.message());
    return;
  }
  f.phase = Phase::Stored;
  f.command.clear();
  ++stored_;
  logger("county.clips")->info("clip {} of node {} kept ({} bytes)", key.second, key.first, fs::file_size(mp4Of(key), ec));
  prune();
}

nlohmann::json ClipFetcher::fetch(const std::string& node, const std::string& alert, bool again) {
  if (!receiver_) return {{"phase", "unavailable"}, {"code", ""}, {"url", nullptr}};
  if (!validId(node) || !validId(alert)) return {{"phase", "gone"}, {"code", "unknown_alert"}, {"url", nullptr}};
  const Key key{node, alert};
  const auto now = clock_.steady();
  std::lock_guard lock(mutex_);
  std::error_code ec;
  const bool on_disk = fs::is_regular_file(mp4Of(key), ec);
  auto [it, fresh] = fetches_.try_emplace(key);
  auto& f = it->second;
  f.touched = now;
  if (on_disk) {
    f.phase = Phase::Stored;
  } else if (fresh || (again && (f.phase == Phase::Failed || f.phase == Phase::NoAnswer || f.phase == Phase::Gone ||
                                 f.phase == Phase::Stored))) {
    f = Fetch{};
    f.began = f.touched = now;
    ask(key, f, now);
  }
  if (fetches_.size() > kKeptFetches) {  // the least recently asked about, if finished, are forgotten
    auto oldest = std::min_element(fetches_.begin(), fetches_.end(), [](const auto& a, const auto& b) {
      return a.second.touched < b.second.touched;
    });
    if (oldest->first != key && oldest->second.command.empty()) fetches_.erase(oldest);
  }
  const auto& shown = fetches_.at(key);
  return {{"phase", toString(shown.phase)},
          {"code", shown.code},
          {"url", shown.phase == Phase::Stored ? nlohmann::json("/clips/" + node + "/" + alert + ".mp4") : nlohmann::json()}};
}

void ClipFetcher::alertEnded(const std::string& node, const std::string& alert) {
  if (!receiver_ || !config_.clips.upload_on_end) return;
  fetch(node, alert, false);
}

bool ClipFetcher::replied(const std::string& node, const contract::CommandReply& reply) {
  if (!receiver_ || reply.node_id != node) return false;
  const auto now = clock_.steady();
  std::lock_guard lock(mutex_);
  const Key key{node, reply.alert_id};
  const auto it = fetches_.find(key);
  if (it == fetches_.end() || it->second.command.empty() || it->second.command != reply.command_id) return false;
  auto& f = it->second;
  switch (reply.status) {
    case contract::ReplyStatus::Accepted:
      if (f.phase == Phase::Asking) f.phase = Phase::Uploading;
      break;
    case contract::ReplyStatus::Refused:
      if (reply.code == "clip_recording" || reply.code == "busy") {
        f.phase = Phase::Waiting;
        f.code = reply.code;
        f.retry_at = now + kRetryAfter;
      } else if (reply.code == "clip_gone" || reply.code == "unknown_alert") {
        end(key, f, Phase::Gone, reply.code);
      } else {
        end(key, f, Phase::Failed, reply.code);
      }
      break;
    case contract::ReplyStatus::Done:
      f.node_done = true;
      f.done_at = now;
      break;
    case contract::ReplyStatus::Failed:
    case contract::ReplyStatus::Ended:
      if (++f.attempts < kAttempts) {  // the link failed under it: tried again shortly
        f.phase = Phase::Waiting;
        f.code = reply.code;
        f.retry_at = now + kRetryAfter;
        break;
      }
      end(key, f, Phase::Failed, reply.code);
      break;
  }
  logger("county.clips")->info("node {} answered {} for clip {}: {}{}", node, forLog(reply.command_id, 80), key.second,
                               contract::toString(reply.status), reply.code.empty() ? "" : " (" + forLog(reply.code, 40) + ")");
  return true;
}

void ClipFetcher::tick() {
  if (!receiver_) return;
  const auto now = clock_.steady();
  std::lock_guard lock(mutex_);
  for (auto& [key, f] : fetches_) {
    switch (f.phase) {
      case Phase::Asking:
        if (now - f.asked_at >= kAnswerWithin) end(key, f, Phase::NoAnswer, "");
        break;
      case Phase::Waiting:
        if (now - f.began >= kGiveUpAfter) {
          end(key, f, Phase::Failed, f.code);
        } else if (now >= f.retry_at) {
          ask(key, f, now);
        }
        break;
      case Phase::Uploading: {
        const auto state = receiver_->clipState(key.first, key.second);
        if (f.node_done && state && state->finished) {
          keep(key, f);
        } else if (f.node_done && now - f.done_at >= kAnswerWithin && ++f.attempts < kAttempts) {
          f.phase = Phase::Waiting;  // sent, but the file never closed here: once more
          f.retry_at = now + kRetryAfter;
        } else if ((f.node_done && now - f.done_at >= kAnswerWithin) || now - f.began >= kGiveUpAfter) {
          end(key, f, Phase::Failed, "push_failed");
        }
        break;
      }
      default:
        break;
    }
  }
  // Finished fetches are forgotten after a while (what is on disk is found again).
  std::erase_if(fetches_, [&](const auto& e) {
    return e.second.command.empty() && e.second.phase != Phase::Waiting && now - e.second.touched > std::chrono::minutes(10);
  });
}

std::optional<fs::path> ClipFetcher::file(const std::string& node, const std::string& alert) const {
  if (!receiver_ || !validId(node) || !validId(alert)) return std::nullopt;
  const auto path = mp4Of({node, alert});
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  return path;
}

nlohmann::json ClipFetcher::health() const {
  if (!receiver_) return {{"enabled", false}};
  std::lock_guard lock(mutex_);
  const auto fetching = std::count_if(fetches_.begin(), fetches_.end(), [](const auto& e) { return !e.second.command.empty(); });
  return {{"enabled", true}, {"fetching", fetching}, {"stored", stored_}, {"removed", removed_}};
}

}  // namespace villagecam::county
