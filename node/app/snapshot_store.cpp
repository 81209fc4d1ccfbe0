#include "app/snapshot_store.hpp"

#include "analysis/image_codec.hpp"

#include <algorithm>
#include <regex>
#include <vector>

#include "util/atomic_file.hpp"

namespace villagecam::app {
namespace {

namespace fs = std::filesystem;

const std::regex kName("([0-9]{13,})_([a-z_]+)_([0-9a-f-]{36})\\.jpg");

struct Entry {
  fs::path path;
  std::int64_t taken_ms;
  std::uintmax_t size;
};

std::vector<Entry> list(const fs::path& dir) {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::smatch m;
    const std::string name = it->path().filename().string();
    std::error_code file_ec;  // a file removed meanwhile (the bound, on another thread) is skipped
    if (!it->is_regular_file(file_ec) || !std::regex_match(name, m, kName)) continue;
    const auto size = it->file_size(file_ec);
    if (file_ec) continue;
    out.push_back({it->path(), std::stoll(m[1]), size});
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.taken_ms < b.taken_ms; });
  return out;
}

}  // namespace

void SnapshotStore::save(const contract::Snapshot& s) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(s.taken_at.time_since_epoch()).count();
  const fs::path dir = dir_ / s.camera_id;
  fs::create_directories(dir);
  writeFileAtomically(dir / (std::to_string(ms) + "_" + s.reason + "_" + s.id + ".jpg"), s.jpeg);
  prune();
}

void SnapshotStore::prune() {
  auto entries = list(dir_);
  std::uintmax_t total = 0;
  for (const auto& e : entries) total += e.size;
  for (const auto& e : entries) {
    if (total <= max_bytes_) break;
    std::error_code ec;
    if (fs::remove(e.path, ec)) total -= e.size;
  }
}

std::size_t SnapshotStore::bytes() const {
  std::size_t total = 0;
  for (const auto& e : list(dir_)) total += e.size;
  return total;
}

namespace {

std::optional<contract::Snapshot> readEntry(const fs::path& path, const std::string& camera) {
  std::smatch m;
  const std::string name = path.filename().string();
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  contract::Snapshot s;
  s.id = m[3];
  s.reason = m[2];
  s.camera_id = camera;
  s.taken_at = WallTime(std::chrono::milliseconds(std::stoll(m[1])));
  s.jpeg = readFileIfExists(path).value_or("");
  const std::vector<std::uint8_t> bytes(s.jpeg.begin(), s.jpeg.end());
  const auto size = analysis::jpegSize(bytes);  // from the JPEG itself
  if (!size) return std::nullopt;
  s.width = size->width;
  s.height = size->height;
  return s;
}

}  // namespace

std::optional<contract::Snapshot> SnapshotStore::latest(const std::string& camera) const {
  auto entries = list(dir_ / camera);
  if (entries.empty()) return std::nullopt;
  return readEntry(entries.back().path, camera);
}

std::optional<contract::Snapshot> SnapshotStore::find(const std::string& camera, const std::string& id) const {
  const std::string suffix = "_" + id + ".jpg";
  for (const auto& e : list(dir_ / camera)) {
    const std::string name = e.path.filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return readEntry(e.path, camera);
    }
  }
  return std::nullopt;
}

}  // namespace villagecam::app
