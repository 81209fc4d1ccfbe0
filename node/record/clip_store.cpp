#include "record/clip_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "util/atomic_file.hpp"
#include "util/time_format.hpp"

namespace villagecam::record {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json toJson(const ClipInfo& c) {
  return {{"id", c.id},
          {"camera", c.camera},
          {"alert_type", c.alert_type},
          {"start", toRfc3339(c.start)},
          {"end", toRfc3339(c.end)},
          {"bytes", c.bytes},
          {"frames", c.frames}};
}

std::optional<ClipInfo> fromJson(const std::string& text) {
  try {
    const auto j = json::parse(text);
    ClipInfo c;
    c.id = j.at("id").get<std::string>();
    c.camera = j.at("camera").get<std::string>();
    c.alert_type = j.at("alert_type").get<std::string>();
    const auto start = fromRfc3339(j.at("start").get<std::string>());
    const auto end = fromRfc3339(j.at("end").get<std::string>());
    if (!start || !end || !isClipId(c.id)) return std::nullopt;
    c.start = *start;
    c.end = *end;
    c.bytes = j.at("bytes").get<std::uintmax_t>();
    c.frames = j.at("frames").get<std::uint64_t>();
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

bool isClipId(const std::string& id) {
  static const std::regex pattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_match(id, pattern);
}

ClipStore::ClipStore(fs::path dir, std::uintmax_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {
  prepareWritableDir(dir_, "clips folder");
  load();
}

// What is listed: records whose MP4 is there and of the size recorded.
// Everything else in the folder was left by a crash or is not ours to keep.
void ClipStore::load() {
  std::set<fs::path> kept;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().extension() != ".json") continue;
    const auto text = readFileIfExists(entry.path());
    const auto clip = text ? fromJson(*text) : std::nullopt;
    std::error_code ec;
    if (!clip || entry.path().stem().string() != clip->id || fs::file_size(mp4For(clip->id), ec) != clip->bytes || ec) {
      continue;
    }
    clips_.push_back(*clip);
    kept.insert(entry.path());
    kept.insert(mp4For(clip->id));
  }
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (kept.count(entry.path())) continue;
    std::error_code ec;
    fs::remove(entry.path(), ec);
    ++recovered_;
  }
  std::sort(clips_.begin(), clips_.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
}

void ClipStore::remove(const ClipInfo& clip) {
  std::error_code ec;
  fs::remove(dir_ / (clip.id + ".json"), ec);  // unlisted first, then its file
  fs::remove(mp4For(clip.id), ec);
}

std::vector<std::string> ClipStore::add(const ClipInfo& clip) {
  writeFileAtomically(dir_ / (clip.id + ".json"), toJson(clip).dump());
  std::lock_guard lock(mutex_);
  clips_.push_back(clip);
  std::sort(clips_.begin(), clips_.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  std::vector<std::string> removed;
  std::uintmax_t total = 0;
  for (const auto& c : clips_) total += c.bytes;
  while (total > max_bytes_ && clips_.size() > 1) {
    auto oldest = std::find_if(clips_.begin(), clips_.end(), [&](const auto& c) { return c.id != clip.id; });
    if (oldest == clips_.end()) break;
    total -= oldest->bytes;
    removed.push_back(oldest->id);
    remove(*oldest);
    clips_.erase(oldest);
  }
  return removed;
}

std::vector<ClipInfo> ClipStore::list() const {
  std::lock_guard lock(mutex_);
  return {clips_.rbegin(), clips_.rend()};
}

std::optional<ClipInfo> ClipStore::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& c : clips_) {
    if (c.id == id) return c;
  }
  return std::nullopt;
}

std::uintmax_t ClipStore::bytes() const {
  std::lock_guard lock(mutex_);
  std::uintmax_t total = 0;
  for (const auto& c : clips_) total += c.bytes;
  return total;
}

}  // namespace villagecam::record
