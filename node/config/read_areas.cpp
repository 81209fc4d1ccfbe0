#include "config/sections.hpp"

#include <algorithm>

#include "i18n/messages.hpp"
#include "yaml/did_you_mean.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

void readAreas(Sections& ctx, const YAML::Node& list, const std::vector<CameraConfig>& cameras, std::vector<AreaConfig>& out) {
  std::vector<std::string> camera_ids;
  for (const auto& c : cameras) camera_ids.push_back(c.id);
  std::map<std::string, YAML::Mark> first_seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    const std::string path = indexPath("areas", i);
    if (!ctx.reader.expectMap(n, path)) continue;
    ctx.reader.rejectUnknownKeys(n, path, kAreaKeys);
    AreaConfig area;
    area.id = readUniqueId(ctx, n, path, Msg::ConfigDuplicateAreaId, first_seen).value_or("");
    area.name = area.id;
    if (auto v = n["name"]; v.IsDefined()) area.name = ctx.reader.string(v, childPath(path, "name")).value_or(area.id);
    if (auto v = ctx.reader.required(n, path, "kind")) {
      if (auto k = ctx.reader.choice(*v, childPath(path, "kind"), kAreaKinds)) area.kind = static_cast<AreaKind>(*k);
    }
    if (auto v = n["weight"]; v.IsDefined()) {
      area.weight = ctx.reader.number(v, childPath(path, "weight"), 0.01, 1000).value_or(area.weight);
    }
    if (auto v = n["grid"]; v.IsDefined()) area.grid = ctx.reader.string(v, childPath(path, "grid")).value_or("");
    const std::string cpath = childPath(path, "cameras");
    if (auto v = ctx.reader.required(n, path, "cameras"); v && ctx.reader.expectSequence(*v, cpath)) {
      if (v->size() == 0) {
        ctx.reader.report(v->Mark(), cpath, tr(Msg::ConfigAreaNeedsCamera));
      }
      for (size_t j = 0; j < v->size(); ++j) {
        const YAML::Node c = (*v)[j];
        auto id = ctx.reader.string(c, indexPath(cpath, j));
        if (!id) continue;
        if (std::find(camera_ids.begin(), camera_ids.end(), *id) == camera_ids.end()) {
          const auto near = yaml::didYouMean(*id, camera_ids);
          ctx.reader.report(c.Mark(), indexPath(cpath, j),
                            tr(Msg::ConfigNoSuchCamera, *id, "cameras") + (near ? tr(Msg::DidYouMean, *near) : ""));
          continue;
        }
        if (std::find(area.cameras.begin(), area.cameras.end(), *id) != area.cameras.end()) {
          ctx.reader.report(c.Mark(), indexPath(cpath, j), tr(Msg::ConfigCameraListedTwice, *id));
          continue;
        }
        area.cameras.push_back(*id);
      }
    }
    out.push_back(std::move(area));
  }
}

}  // namespace villagecam::config
