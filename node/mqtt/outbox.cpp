#include "mqtt/outbox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "util/atomic_file.hpp"
#include "util/logging.hpp"

namespace villagecam::mqtt {
namespace {

constexpr const char* kSuffix = ".alert.json";
constexpr const char* kDroppedFile = "dropped";

std::optional<std::uint64_t> seqOf(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  if (name.size() <= std::char_traits<char>::length(kSuffix) || !name.ends_with(kSuffix)) return std::nullopt;
  std::uint64_t seq = 0;
  const char* end = name.data() + name.size() - std::char_traits<char>::length(kSuffix);
  auto [ptr, ec] = std::from_chars(name.data(), end, seq);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return seq;
}

}  // namespace

Outbox::Outbox(std::filesystem::path dir, Limits limits)
    : dir_(std::move(dir)), limits_(limits), log_(logger("outbox")) {
  std::filesystem::create_directories(dir_);
  load();
}

std::filesystem::path Outbox::fileFor(std::uint64_t seq) const {
  return dir_ / fmt::format("{:020}{}", seq, kSuffix);
}

void Outbox::load() {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> found;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    const auto name = e.path().filename().string();
    if (name.find(".tmp.") != std::string::npos) {  // a write cut short by a crash
      std::error_code ec;
      std::filesystem::remove(e.path(), ec);
      continue;
    }
    if (auto seq = seqOf(e.path())) found.emplace_back(*seq, e.path());
  }
  std::sort(found.begin(), found.end());
  for (const auto& [seq, path] : found) {
    try {
      if (auto text = readFileIfExists(path)) {
        bytes_ += text->size();
        entries_.push_back({seq, std::move(*text)});
      }
    } catch (const std::exception& e) {
      log_->error("cannot read queued alert {}: {}", path.string(), e.what());
    }
    next_seq_ = std::max(next_seq_, seq + 1);
  }
  try {
    if (auto text = readFileIfExists(dir_ / kDroppedFile)) dropped_ = std::stoull(*text);
  } catch (const std::exception&) {
    dropped_ = 0;
  }
  if (!entries_.empty()) log_->info("{} alert(s) from before the restart are waiting to be sent", entries_.size());
  enforceLimitsLocked();
}

std::uint64_t Outbox::push(std::string payload) {
  std::lock_guard lock(mutex_);
  const std::uint64_t seq = next_seq_++;
  try {
    writeFileAtomically(fileFor(seq), payload);
    if (disk_failing_) log_->info("queued alerts are being saved to disk again");
    disk_failing_ = false;
  } catch (const std::exception& e) {
    ++unsaved_;
    if (!disk_failing_) log_->error("cannot save a queued alert ({}); keeping it in memory", e.what());
    disk_failing_ = true;
  }
  bytes_ += payload.size();
  entries_.push_back({seq, std::move(payload)});
  enforceLimitsLocked();
  return seq;
}

void Outbox::enforceLimitsLocked() {
  std::uint64_t dropped_now = 0;
  while (!entries_.empty() && (entries_.size() > limits_.max_entries || bytes_ > limits_.max_bytes)) {
    const Entry& oldest = entries_.front();
    std::error_code ec;
    std::filesystem::remove(fileFor(oldest.seq), ec);
    bytes_ -= oldest.payload.size();
    entries_.pop_front();
    ++dropped_now;
  }
  if (dropped_now == 0) return;
  dropped_ += dropped_now;
  saveDroppedLocked();
  log_->warn("outbox full ({} alerts / {} bytes at most): dropped the {} oldest; {} dropped in all",
             limits_.max_entries, limits_.max_bytes, dropped_now, dropped_);
}

void Outbox::saveDroppedLocked() {
  try {
    writeFileAtomically(dir_ / kDroppedFile, std::to_string(dropped_));
  } catch (const std::exception& e) {
    log_->error("cannot save the dropped-alert count: {}", e.what());
  }
}

std::vector<Outbox::Entry> Outbox::peek(std::uint64_t after, std::size_t max) const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), after,
                             [](std::uint64_t s, const Entry& e) { return s < e.seq; });
  for (; it != entries_.end() && out.size() < max; ++it) out.push_back(*it);
  return out;
}

void Outbox::ack(std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  auto it = std::lower_bound(entries_.begin(), entries_.end(), seq,
                             [](const Entry& e, std::uint64_t s) { return e.seq < s; });
  if (it == entries_.end() || it->seq != seq) return;
  std::error_code ec;
  std::filesystem::remove(fileFor(seq), ec);
  bytes_ -= it->payload.size();
  entries_.erase(it);
}

std::size_t Outbox::depth() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t Outbox::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::uint64_t Outbox::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t Outbox::unsaved() const {
  std::lock_guard lock(mutex_);
  return unsaved_;
}

std::uint64_t Outbox::oldestSeq() const {
  std::lock_guard lock(mutex_);
  return entries_.empty() ? 0 : entries_.front().seq;
}

}  // namespace villagecam::mqtt
