#include "live/rates.hpp"

#include <algorithm>
#include <map>

#include "config/admin_code.hpp"

namespace villagecam::county {
namespace {

std::optional<double> ratio(double part, double whole) {
  if (whole <= 0) return std::nullopt;
  return part / whole;
}

bool isUnchecked(const contract::ViewReport& view) { return view.state == "unknown"; }

}  // namespace

Counts& Counts::operator+=(const Counts& o) {
  nodes += o.nodes;
  nodes_silent += o.nodes_silent;
  cameras += o.cameras;
  online += o.online;
  intact += o.intact;
  unverified += o.unverified;
  areas += o.areas;
  areas_covered += o.areas_covered;
  areas_unverified += o.areas_unverified;
  areas_uncovered += o.areas_uncovered;
  areas_unknown += o.areas_unknown;
  areas_silent += o.areas_silent;
  weight += o.weight;
  weight_covered += o.weight_covered;
  weight_unverified += o.weight_unverified;
  return *this;
}

std::optional<double> Counts::onlineRate() const { return ratio(online, cameras); }
std::optional<double> Counts::intactRate() const { return ratio(intact, cameras); }
std::optional<double> Counts::coverageRate() const { return ratio(weight_covered, weight); }
std::optional<double> Counts::unverifiedViewShare() const { return ratio(unverified, cameras); }
std::optional<double> Counts::unverifiedAreaShare() const { return ratio(weight_unverified, weight); }

Counts countNode(const LivePicture& picture, const NodeLive& node) {
  Counts c;
  c.nodes = 1;
  const bool silent = picture.silent(node);
  c.nodes_silent = silent ? 1 : 0;
  if (node.status) {
    for (const auto& [state, n] : node.status->cameras_by_state) c.cameras += n;
    c.cameras += node.status->cameras_disabled;
  }
  // Statuses of cameras the node status did not count yet (it comes at its interval).
  c.cameras = std::max(c.cameras, static_cast<int>(node.cameras.size()));
  if (!silent) {
    for (const auto& [id, cam] : node.cameras) {
      if (cam.state != health::CameraState::Online) continue;
      ++c.online;
      if (cam.view.state == "ok") ++c.intact;
      if (isUnchecked(cam.view)) ++c.unverified;
    }
  }
  if (node.coverage) {
    for (const auto& area : node.coverage->report.areas) {
      ++c.areas;
      if (silent) {
        ++c.areas_silent;
        c.weight += area.weight;
        continue;
      }
      switch (area.state) {
        case health::AreaState::Covered:
          ++c.areas_covered;
          c.weight += area.weight;
          c.weight_covered += area.weight;
          break;
        case health::AreaState::Unverified:
          ++c.areas_unverified;
          c.weight += area.weight;
          c.weight_unverified += area.weight;
          break;
        case health::AreaState::Uncovered:
          ++c.areas_uncovered;
          c.weight += area.weight;
          break;
        case health::AreaState::Unknown:
          ++c.areas_unknown;
          break;
      }
    }
  }
  return c;
}

bool worseThan(const GroupRow& a, const GroupRow& b) {
  auto key = [](const Counts& c) {
    // Unknown rates sort after every known one.
    return std::make_tuple(c.onlineRate().value_or(2.0), c.intactRate().value_or(2.0), c.coverageRate().value_or(2.0));
  };
  const auto ka = key(a.counts), kb = key(b.counts);
  if (ka != kb) return ka < kb;
  return a.name < b.name;
}

Overview overview(const LivePicture& picture) {
  Overview out;
  std::map<std::string, GroupRow> townships;
  for (const auto& [key, node] : picture.nodes()) {
    GroupRow village{key, node.label(), node.place.township, node.place.admin_code, countNode(picture, node)};
    out.county += village.counts;
    const bool coded = !node.place.admin_code.empty();
    const std::string tkey = coded ? config::townshipCodeOf(node.place.admin_code) : "name:" + node.place.township;
    auto& t = townships[tkey];
    if (t.key.empty()) {
      t.key = tkey;
      t.name = node.place.township;
      t.code = coded ? tkey : "";
    }
    if (t.name.empty()) t.name = node.place.township;
    t.counts += village.counts;
    out.villages.push_back(std::move(village));
  }
  for (auto& [key, row] : townships) out.townships.push_back(std::move(row));
  std::sort(out.townships.begin(), out.townships.end(), worseThan);
  std::sort(out.villages.begin(), out.villages.end(), worseThan);
  return out;
}

}  // namespace villagecam::county
