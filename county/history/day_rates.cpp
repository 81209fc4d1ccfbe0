#include "history/day_rates.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace villagecam::county {
namespace {

std::optional<double> ratio(double part, double whole) {
  if (whole <= 0) return std::nullopt;
  return part / whole;
}

nlohmann::json rate(const std::optional<double>& r) {
  return r ? nlohmann::json(std::round(*r * 10000.0) / 10000.0) : nlohmann::json(nullptr);
}

}  // namespace

// Rows of one day and subject (from the store and from what is booked but
// not written yet) add up into one.
std::vector<CameraSeconds> merged(const std::vector<CameraSeconds>& rows) {
  std::map<std::tuple<std::string, std::string, std::string>, CameraSeconds> by;
  for (const auto& r : rows) {
    auto [it, added] = by.try_emplace({r.day, r.node, r.camera}, r);
    if (added) continue;
    it->second.online += r.online;
    it->second.intact += r.intact;
    it->second.unverified += r.unverified;
    it->second.down += r.down;
  }
  std::vector<CameraSeconds> out;
  for (auto& [k, r] : by) out.push_back(std::move(r));
  return out;
}

std::vector<AreaSeconds> merged(const std::vector<AreaSeconds>& rows) {
  std::map<std::tuple<std::string, std::string, std::string>, AreaSeconds> by;
  for (const auto& r : rows) {
    auto [it, added] = by.try_emplace({r.day, r.node, r.area}, r);
    if (added) continue;
    it->second.covered += r.covered;
    it->second.unverified += r.unverified;
    it->second.uncovered += r.uncovered;
  }
  std::vector<AreaSeconds> out;
  for (auto& [k, r] : by) out.push_back(std::move(r));
  return out;
}

std::optional<double> DayRates::online() const { return ratio(online_s, known_s); }
std::optional<double> DayRates::intact() const { return ratio(intact_s, known_s); }
std::optional<double> DayRates::coverage() const { return ratio(area_weight_covered_s, area_weight_known_s); }
std::optional<double> DayRates::unverifiedViews() const { return ratio(unverified_s, known_s); }

std::vector<DayRates> dayRates(const std::vector<CameraSeconds>& camera_rows, const std::vector<AreaSeconds>& area_rows,
                               Grouping grouping, const std::function<double(const std::string&)>& day_length_s) {
  const auto cameras = merged(camera_rows);
  const auto areas = merged(area_rows);
  std::map<std::pair<std::string, std::string>, DayRates> out;
  auto rowFor = [&](const std::string& day, const std::string& node, const std::string& township,
                    const std::string& village) -> DayRates& {
    const std::string key = grouping == Grouping::County ? "" : grouping == Grouping::Township ? township : node;
    auto& r = out[{day, key}];
    if (r.day.empty()) {
      r.day = day;
      r.key = key;
      r.name = grouping == Grouping::Village ? village : key;
      r.township = grouping == Grouping::County ? "" : township;
    }
    return r;
  };
  for (const auto& c : cameras) {
    auto& r = rowFor(c.day, c.node, c.township, c.village);
    ++r.cameras;
    r.online_s += c.online;
    r.intact_s += c.intact;
    r.unverified_s += c.unverified;
    r.known_s += c.known();
    r.unknown_s += std::max(0.0, day_length_s(c.day) - c.known());
  }
  for (const auto& a : areas) {
    auto& r = rowFor(a.day, a.node, a.township, a.village);
    r.area_weight_covered_s += a.weight * a.covered;
    r.area_weight_unverified_s += a.weight * a.unverified;
    r.area_weight_known_s += a.weight * a.known();
  }
  std::vector<DayRates> rows;
  for (auto& [k, r] : out) rows.push_back(std::move(r));
  return rows;
}

std::vector<DayRates> rangeRates(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas,
                                 Grouping grouping, const std::string& label,
                                 const std::function<double(const std::string&)>& day_length_s) {
  // Every day's unknown time is its own length less its known time: taken
  // per day first, then the days are relabelled as one.
  std::map<std::string, double> unknown;  // by group key
  for (const auto& r : dayRates(cameras, {}, grouping, day_length_s)) unknown[r.key] += r.unknown_s;
  auto relabel = [&](auto rows) {
    for (auto& r : rows) r.day = label;
    return rows;
  };
  auto out = dayRates(relabel(cameras), relabel(areas), grouping, [](const std::string&) { return 0.0; });
  for (auto& r : out) r.unknown_s = unknown[r.key];
  return out;
}

nlohmann::json dayRatesJson(const std::vector<DayRates>& days) {
  auto out = nlohmann::json::array();
  for (const auto& d : days) {
    out.push_back({{"day", d.day},
                   {"key", d.key},
                   {"name", d.name},
                   {"township", d.township},
                   {"cameras", d.cameras},
                   {"rates",
                    {{"online", rate(d.online())},
                     {"intact", rate(d.intact())},
                     {"coverage", rate(d.coverage())},
                     {"unverified_views", rate(d.unverifiedViews())}}},
                   {"known_minutes", std::round(d.known_s / 60.0 * 10) / 10},
                   {"unknown_minutes", std::round(d.unknown_s / 60.0 * 10) / 10}});
  }
  return out;
}

}  // namespace villagecam::county
