// The village's statistical area code (统计用区划代码, National Bureau of
// Statistics): 12 digits, read as
//   PP CC DD TTT VVV
//   │  │  │  │   └ village (村/居委会), 001-999
//   │  │  │  └ township (乡镇/街道), 001-999
//   └──┴──┴ county, the GB/T 2260 code: province, prefecture, county
// A village's code names all five parts; a code ending in zeros is a
// county's or a township's, not a village's.
#pragma once

#include <string>
#include <string_view>

namespace villagecam::config {

// Empty if `code` is a village's code; otherwise what is wrong, naming the part.
std::string adminCodeProblem(std::string_view code);

// Its leading parts; `code` must be a valid village code.
inline std::string countyCodeOf(std::string_view code) { return std::string(code.substr(0, 6)); }
inline std::string townshipCodeOf(std::string_view code) { return std::string(code.substr(0, 9)); }

}  // namespace villagecam::config
