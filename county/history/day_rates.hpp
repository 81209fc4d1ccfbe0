// The time-weighted rates of a day (docs/county.md), from the seconds the
// history keeps: the same three ratios as now, over the known time of each
// camera and area; the time no one can vouch for is left out and shown.
// Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "history/records.hpp"

namespace villagecam::county {

enum class Grouping { County, Township, Village };

struct DayRates {
  std::string day;
  std::string key;   // township name or node id; empty for the county
  std::string name;  // township or village name
  std::string township;  // villages: their township
  int cameras = 0;   // camera-days counted
  double online_s = 0, intact_s = 0, unverified_s = 0, known_s = 0;
  double unknown_s = 0;  // camera time not known: the day's length less known_s, over its cameras
  double area_weight_covered_s = 0, area_weight_unverified_s = 0, area_weight_known_s = 0;

  std::optional<double> online() const;
  std::optional<double> intact() const;
  std::optional<double> coverage() const;
  std::optional<double> unverifiedViews() const;
};

// `day_length_s(day)`: how long the day is (or has been so far, for today).
std::vector<DayRates> dayRates(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas,
                               Grouping grouping, const std::function<double(const std::string&)>& day_length_s);

// One row per group over all the days given (a monthly report): the same
// ratios over the sum of the days; `label` names the range ("from/to").
std::vector<DayRates> rangeRates(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas,
                                 Grouping grouping, const std::string& label,
                                 const std::function<double(const std::string&)>& day_length_s);

nlohmann::json dayRatesJson(const std::vector<DayRates>& days);

}  // namespace villagecam::county
