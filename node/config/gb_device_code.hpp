// A device's code in the county's video network: GB/T 28181's 20-digit
// unified code (统一编码; GB/T 28181-2022 Annex E, Table E.1; GB/T
// 28181-2016 Annex D, Table D.1), read as
//   PPCCDDUU II TTT N SSSSSS
//   │ │ │ │  │  │   │ └ serial (序号), positions 15-20
//   │ │ │ │  │  │   └ network (网络标识), 14: 0-8 (9 reserved)
//   │ │ │ │  │  └ type (类型编码), 11-13: 131 摄像机, 132 网络摄像机 (IPC), ...
//   │ │ │ │  └ industry (行业编码), 9-10: Table E.2
//   └─┴─┴─┴ centre (中心编码), 1-8: province, city, county (GB/T 2260), grassroots unit
// A camera's type is 131 or 132; the village's node is a front-end main
// device (111-130: DVR, NVR, encoder...) or a platform device (200-299).
#pragma once

#include <string>
#include <string_view>

namespace villagecam::config {

enum class GbDeviceRole { Camera, Node };

// Empty if `code` is a valid code for a device of this role; otherwise what
// is wrong, naming the part and its positions.
std::string gbDeviceCodeProblem(std::string_view code, GbDeviceRole role);

// The standard's name of a type code (e.g. "网络摄像机(IPC)"), empty if none.
std::string_view gbTypeName(int type_code);

}  // namespace villagecam::config
