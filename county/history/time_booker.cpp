#include "history/time_booker.hpp"

#include "util/time_format.hpp"

namespace villagecam::county {

void TimeBooker::tick(const LivePicture& picture, SteadyTime now, WallTime wall, bool known) {
  const auto last = last_;
  last_ = now;
  if (!known || !last || now <= *last || now - *last > max_gap_) return;
  const double s = toSeconds(now - *last);
  const std::string day = localDate(wall);
  for (const auto& [key, node] : picture.nodes()) {
    const bool silent = picture.silent(node);
    for (const auto& [id, cam] : node.cameras) {
      auto& row = cameras_[{day, node.node_id, id}];
      if (row.day.empty()) row = CameraSeconds{day, node.node_id, id, node.place.township, node.label()};
      if (silent || cam.state != health::CameraState::Online) {
        row.down += s;
        continue;
      }
      row.online += s;
      if (cam.view.state == "ok") row.intact += s;
      if (cam.view.state == "unknown") row.unverified += s;
    }
    if (!node.coverage) continue;
    for (const auto& area : node.coverage->report.areas) {
      if (!silent && area.state == health::AreaState::Unknown) continue;  // the node does not know yet
      auto& row = areas_[{day, node.node_id, area.id}];
      if (row.day.empty()) row = AreaSeconds{day, node.node_id, area.id, node.place.township, node.label(), area.weight};
      row.weight = area.weight;
      if (silent || area.state == health::AreaState::Uncovered) {
        row.uncovered += s;
      } else if (area.state == health::AreaState::Covered) {
        row.covered += s;
      } else {
        row.unverified += s;
      }
    }
  }
}

std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> TimeBooker::peek() const {
  std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> out;
  for (const auto& [k, row] : cameras_) out.first.push_back(row);
  for (const auto& [k, row] : areas_) out.second.push_back(row);
  return out;
}

std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> TimeBooker::take() {
  std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> out;
  for (auto& [k, row] : cameras_) out.first.push_back(std::move(row));
  for (auto& [k, row] : areas_) out.second.push_back(std::move(row));
  cameras_.clear();
  areas_.clear();
  return out;
}

}  // namespace villagecam::county
