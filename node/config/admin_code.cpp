#include "config/admin_code.hpp"

#include <algorithm>
#include <array>

#include "i18n/messages.hpp"

namespace villagecam::config {
namespace {

using i18n::Msg;
using i18n::tr;

// GB/T 2260 province-level codes (31 provinces, Taiwan, Hong Kong, Macao).
constexpr std::array<std::string_view, 34> kProvinces{
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};

bool allZero(std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; }); }

}  // namespace

std::string adminCodeProblem(std::string_view code) {
  const std::string shape = tr(Msg::ConfigAdminCodeShape, "GB/T 2260");
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return tr(Msg::ConfigAdminCodeNotDigit, code, i + 1, std::string_view(&code[i], 1), shape);
    }
  }
  if (code.size() != 12) return tr(Msg::ConfigAdminCodeLength, code, code.size(), shape);
  const auto province = code.substr(0, 2);
  if (std::find(kProvinces.begin(), kProvinces.end(), province) == kProvinces.end()) {
    return tr(Msg::ConfigAdminCodeProvince, code, province, "GB/T 2260");
  }
  struct Part {
    std::size_t at, size;
    Msg zero;  // what an all-zero part makes the code
  };
  for (const Part& p : {Part{2, 2, Msg::ConfigAdminCodePrefectureZero}, Part{4, 2, Msg::ConfigAdminCodeCountyZero},
                        Part{6, 3, Msg::ConfigAdminCodeTownshipZero}, Part{9, 3, Msg::ConfigAdminCodeVillageZero}}) {
    const auto part = code.substr(p.at, p.size);
    if (allZero(part)) return tr(p.zero, code, part);
  }
  return {};
}

}  // namespace villagecam::config
