#include "analysis/baseline_store.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "analysis/image_codec.hpp"
#include "util/atomic_file.hpp"
#include "util/time_format.hpp"

namespace villagecam::analysis {

void saveBaseline(const std::filesystem::path& dir, const std::string& camera, const StoredBaseline& s) {
  std::filesystem::create_directories(dir);
  cv::Mat eight_bit;
  s.baseline.reference.convertTo(eight_bit, CV_8U);
  const std::vector<std::uint8_t> png = encodePngGrey(eight_bit);
  if (png.empty()) throw std::runtime_error("cannot encode the baseline of " + camera);
  writeFileAtomically(dir / (camera + ".png"), std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
  nlohmann::json j{{"version", 1},
                         {"camera", camera},
                         {"taken_at", toRfc3339(s.taken_at)},
                         {"frames", s.frames},
                         {"sharpness", s.baseline.measures.sharpness},
                         {"grid", {s.baseline.measures.grid_columns, s.baseline.measures.grid_rows}},
                         {"cell_texture", s.baseline.measures.cell_texture},
                         {"cell_clipped", s.baseline.measures.cell_clipped},
                         {"cell_level", s.baseline.measures.cell_level},
                         {"raw_contrast", s.baseline.measures.raw_contrast},
                         {"temporal_noise", s.baseline.temporal_noise},
                         {"raw_mean", s.baseline.measures.raw_mean},
                         {"noise", s.baseline.measures.noise}};
  if (const auto& c = s.baseline.measures.chroma) j["chroma"] = {{"u", c->u}, {"v", c->v}, {"saturation", c->saturation}};
  writeFileAtomically(dir / (camera + ".json"), j.dump(2));
}

std::optional<StoredBaseline> loadBaseline(const std::filesystem::path& dir, const std::string& camera) {
  const auto json_file = dir / (camera + ".json");
  const auto text = readFileIfExists(json_file);
  if (!text) return std::nullopt;
  StoredBaseline s;
  try {
    const auto j = nlohmann::json::parse(*text);
    if (j.at("version").get<int>() != 1) throw std::runtime_error("unsupported version");
    s.taken_at = fromRfc3339(j.at("taken_at").get<std::string>()).value_or(WallTime{});
    s.frames = j.at("frames").get<int>();
    s.baseline.measures.sharpness = j.at("sharpness").get<double>();
    s.baseline.measures.cell_texture = j.at("cell_texture").get<std::vector<double>>();
    s.baseline.temporal_noise = j.value("temporal_noise", -1.0);  // older baselines lack it
    // Baselines stored before cells were finer lack "grid": 4 x 4 cells.
    const auto grid = j.value("grid", std::vector<int>{kLegacyGrid, kLegacyGrid});
    if (grid.size() != 2 || grid[0] < 1 || grid[1] < 1 || grid[0] > kAnalysisWidth || grid[1] > kAnalysisHeight) {
      throw std::runtime_error("grid is not [columns, rows]");
    }
    s.baseline.measures.grid_columns = grid[0];
    s.baseline.measures.grid_rows = grid[1];
    if (s.baseline.measures.cell_texture.size() != static_cast<size_t>(grid[0] * grid[1])) {
      throw std::runtime_error("cell_texture has the wrong size for its grid");
    }
    // Older baselines lack it: no cell is then left out as newly clipped.
    s.baseline.measures.cell_clipped = j.value("cell_clipped", std::vector<double>{});
    if (!s.baseline.measures.cell_clipped.empty() &&
        s.baseline.measures.cell_clipped.size() != s.baseline.measures.cell_texture.size()) {
      throw std::runtime_error("cell_clipped has the wrong size for its grid");
    }
    // Older baselines lack these: no cell is then left out as lost in the dark.
    s.baseline.measures.cell_level = j.value("cell_level", std::vector<double>{});
    if (!s.baseline.measures.cell_level.empty() &&
        s.baseline.measures.cell_level.size() != s.baseline.measures.cell_texture.size()) {
      throw std::runtime_error("cell_level has the wrong size for its grid");
    }
    s.baseline.measures.raw_contrast = j.value("raw_contrast", -1.0);
    // Older baselines lack these: contrast, noise and colour are then not judged.
    s.baseline.measures.raw_mean = j.value("raw_mean", -1.0);
    const auto& levels = s.baseline.measures.cell_level;
    if (s.baseline.measures.raw_mean < 0 && !levels.empty()) {  // the cells' mean is the picture's
      double sum = 0;
      for (double l : levels) sum += l;
      s.baseline.measures.raw_mean = sum / static_cast<double>(levels.size());
    }
    s.baseline.measures.noise = j.value("noise", -1.0);
    if (j.contains("chroma")) {
      const auto& c = j.at("chroma");
      s.baseline.measures.chroma = Chroma{c.at("u").get<double>(), c.at("v").get<double>(), c.at("saturation").get<double>()};
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(json_file.string() + ": malformed baseline: " + e.what());
  }
  const auto png_file = dir / (camera + ".png");
  cv::Mat reference = readPngGrey(png_file);
  if (reference.empty() || reference.cols != kAnalysisWidth || reference.rows != kAnalysisHeight) {
    throw std::runtime_error(png_file.string() + ": missing or not a " + std::to_string(kAnalysisWidth) + "x" +
                             std::to_string(kAnalysisHeight) + " grey picture");
  }
  reference.convertTo(s.baseline.reference, CV_32F);
  s.baseline.shift_reference = makeShiftReference(s.baseline.reference);
  s.baseline.stripe_reference = stripeReferenceOf(s.baseline.reference, s.baseline.measures.raw_contrast);
  return s;
}

}  // namespace villagecam::analysis
