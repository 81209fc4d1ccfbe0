#include "health/uptime_ledger.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace villagecam::health {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::int64_t epochMs(WallTime t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }

constexpr std::int64_t kBucketMs = UptimeLedger::kBucketSeconds * 1000;

}  // namespace

std::optional<double> UptimeWindow::ratio() const {
  const double known = up_s + down_s;
  if (known <= 0) return std::nullopt;
  return up_s / known;
}

UptimeLedger::Bucket& UptimeLedger::History::at(std::int64_t minute) {
  if (buckets.empty()) {
    first_minute = minute;
    buckets.emplace_back();
    return buckets.front();
  }
  if (minute < first_minute) {
    buckets.insert(buckets.begin(), static_cast<size_t>(first_minute - minute), Bucket{});
    first_minute = minute;
  }
  const auto index = static_cast<size_t>(minute - first_minute);
  if (index >= buckets.size()) buckets.resize(index + 1);
  return buckets[index];
}

void UptimeLedger::record(const std::string& camera, WallTime from, WallTime to, bool up) {
  std::int64_t begin = epochMs(from);
  const std::int64_t end = epochMs(to);
  if (end <= begin) return;
  History& history = histories_[camera];
  while (begin < end) {
    const std::int64_t minute = begin / kBucketMs;
    const std::int64_t bucket_end = (minute + 1) * kBucketMs;
    const std::int64_t span = std::min(end, bucket_end) - begin;
    Bucket& b = history.at(minute);
    auto& slot = up ? b.up_ms : b.down_ms;
    const std::int64_t room = kBucketMs - b.up_ms - b.down_ms;  // never more than a minute in a minute
    slot += static_cast<std::uint32_t>(std::clamp<std::int64_t>(span, 0, room));
    begin += span;
  }
}

UptimeWindow UptimeLedger::window(const std::string& camera, WallTime now, std::chrono::seconds length) const {
  UptimeWindow w;
  const std::int64_t end_ms = epochMs(now);
  const std::int64_t begin_ms = end_ms - length.count() * 1000;
  double known_ms = 0, up_ms = 0, down_ms = 0;
  if (const auto it = histories_.find(camera); it != histories_.end()) {
    const History& h = it->second;
    for (size_t i = 0; i < h.buckets.size(); ++i) {
      const std::int64_t minute = h.first_minute + static_cast<std::int64_t>(i);
      const std::int64_t b0 = minute * kBucketMs, b1 = b0 + kBucketMs;
      if (b0 >= end_ms || b1 <= begin_ms) continue;
      // A bucket cut by the window's start counts in proportion; the bucket of
      // `now` counts whole, since all it holds happened before now.
      const double share = b0 < begin_ms ? static_cast<double>(b1 - begin_ms) / kBucketMs : 1.0;
      up_ms += h.buckets[i].up_ms * share;
      down_ms += h.buckets[i].down_ms * share;
    }
  }
  known_ms = up_ms + down_ms;
  w.up_s = up_ms / 1000.0;
  w.down_s = down_ms / 1000.0;
  w.unknown_s = std::max(0.0, static_cast<double>(length.count()) - known_ms / 1000.0);
  return w;
}

UptimeStats UptimeLedger::stats(const std::string& camera, WallTime now) const {
  using std::chrono::hours;
  return {window(camera, now, hours(1)), window(camera, now, hours(24)), window(camera, now, hours(24 * 7))};
}

void UptimeLedger::prune(WallTime now) {
  const std::int64_t oldest = epochMs(now) / kBucketMs - kKeepMinutes;
  for (auto it = histories_.begin(); it != histories_.end();) {
    History& h = it->second;
    while (!h.buckets.empty() && h.first_minute < oldest) {
      h.buckets.pop_front();
      ++h.first_minute;
    }
    it = h.buckets.empty() ? histories_.erase(it) : std::next(it);
  }
}

std::vector<std::string> UptimeLedger::cameras() const {
  std::vector<std::string> out;
  for (const auto& [id, h] : histories_) out.push_back(id);
  return out;
}

std::string UptimeLedger::toJson() const {
  nlohmann::json cams = nlohmann::json::object();
  for (const auto& [id, h] : histories_) {
    nlohmann::json runs = nlohmann::json::array();
    for (size_t i = 0; i < h.buckets.size();) {
      size_t j = i + 1;
      while (j < h.buckets.size() && h.buckets[j] == h.buckets[i]) ++j;
      runs.push_back({j - i, h.buckets[i].up_ms, h.buckets[i].down_ms});
      i = j;
    }
    cams[id] = {{"first_minute", h.first_minute}, {"runs", std::move(runs)}};
  }
  return nlohmann::json{{"version", 1}, {"bucket_seconds", kBucketSeconds}, {"cameras", std::move(cams)}}.dump();
}

UptimeLedger UptimeLedger::fromJson(const std::string& text) {
  UptimeLedger ledger;
  try {
    const auto doc = nlohmann::json::parse(text);
    if (doc.at("version").get<int>() != 1 || doc.at("bucket_seconds").get<std::int64_t>() != kBucketSeconds) {
      throw std::runtime_error("unsupported version or bucket size");
    }
    for (const auto& [id, cam] : doc.at("cameras").items()) {
      History h;
      h.first_minute = cam.at("first_minute").get<std::int64_t>();
      for (const auto& run : cam.at("runs")) {
        const auto count = run.at(0).get<std::size_t>();
        const Bucket b{run.at(1).get<std::uint32_t>(), run.at(2).get<std::uint32_t>()};
        if (count > static_cast<std::size_t>(kKeepMinutes) * 2 || b.up_ms + static_cast<std::uint64_t>(b.down_ms) > kBucketMs) {
          throw std::runtime_error("bucket out of range for camera '" + id + "'");
        }
        h.buckets.insert(h.buckets.end(), count, b);
      }
      ledger.histories_[id] = std::move(h);
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("malformed uptime ledger: ") + e.what());
  }
  return ledger;
}

}  // namespace villagecam::health
