#include "config/admin_code.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace villagecam::config {
namespace {

// GB/T 2260 province-level codes (31 provinces, Taiwan, Hong Kong, Macao).
constexpr std::array<std::string_view, 34> kProvinces{
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};

bool allZero(std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; }); }

}  // namespace

std::string adminCodeProblem(std::string_view code) {
  constexpr std::string_view kShape = "12 digits: county (6, GB/T 2260) + township (3) + village (3)";
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return fmt::format("'{}': character {} '{}' is not a digit (a village's code is {})", code, i + 1, code[i], kShape);
    }
  }
  if (code.size() != 12) {
    return fmt::format("'{}' has {} digits; a village's code has {}", code, code.size(), kShape);
  }
  const auto province = code.substr(0, 2);
  if (std::find(kProvinces.begin(), kProvinces.end(), province) == kProvinces.end()) {
    return fmt::format("'{}': province part '{}' (digits 1-2) is no GB/T 2260 province", code, province);
  }
  struct Part {
    std::size_t at, size;
    const char* name;
    const char* zero_means;
  };
  for (const Part& p : {Part{2, 2, "prefecture", "a province's"}, Part{4, 2, "county", "a prefecture's"},
                        Part{6, 3, "township", "a county's"}, Part{9, 3, "village", "a township's"}}) {
    const auto part = code.substr(p.at, p.size);
    if (allZero(part)) {
      return fmt::format("'{}': {} part '{}' (digits {}-{}) is zero, which makes it {} code, not a village's", code,
                         p.name, part, p.at + 1, p.at + p.size, p.zero_means);
    }
  }
  return {};
}

}  // namespace villagecam::config
