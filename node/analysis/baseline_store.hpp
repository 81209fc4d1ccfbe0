// A camera's view-quality baseline on disk: <dir>/<camera>.png (the reference
// picture, normalised grey) and <dir>/<camera>.json (its measures), both
// written atomically.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "analysis/view_quality.hpp"
#include "util/clock.hpp"

namespace villagecam::analysis {

struct StoredBaseline {
  ViewBaseline baseline;
  WallTime taken_at{};
  int frames = 0;
};

// Throws std::runtime_error naming the file if it cannot be written.
void saveBaseline(const std::filesystem::path& dir, const std::string& camera, const StoredBaseline& stored);
// nullopt if there is none; throws std::runtime_error naming the file if it is unreadable or malformed.
std::optional<StoredBaseline> loadBaseline(const std::filesystem::path& dir, const std::string& camera);

}  // namespace villagecam::analysis
