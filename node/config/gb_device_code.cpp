#include "config/gb_device_code.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "i18n/messages.hpp"

namespace villagecam::config {
namespace {

using i18n::Msg;
using i18n::tr;

// GB/T 2260's provinces (the first two digits of every division code).
constexpr std::array kProvinces{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};

constexpr std::array<std::pair<int, std::string_view>, 44> kTypeNames{{
    {111, "DVR"}, {112, "视频服务器"}, {113, "编码器"}, {114, "解码器"}, {115, "视频切换矩阵"},
    {116, "音频切换矩阵"}, {117, "报警控制器"}, {118, "网络视频录像机(NVR)"}, {120, "在线视频图像信息采集系统"},
    {121, "视频卡口"}, {122, "多目设备"}, {123, "停车场出入口控制设备"}, {124, "人员出入口控制设备"},
    {125, "安检设备"}, {130, "混合硬盘录像机(HVR)"}, {131, "摄像机"}, {132, "网络摄像机(IPC)"}, {133, "显示器"},
    {134, "报警输入设备"}, {135, "报警输出设备"}, {136, "语音输入设备"}, {137, "语音输出设备"},
    {138, "移动传输设备"}, {139, "其他外围设备"}, {140, "报警输出设备(继电器或触发器控制)"}, {141, "道闸"},
    {142, "智能门"}, {143, "凭证识别单元"}, {200, "中心信令控制服务器"}, {201, "Web应用服务器"},
    {202, "媒体分发服务器"}, {203, "代理服务器"}, {204, "安全服务器"}, {205, "报警服务器"}, {206, "数据库服务器"},
    {207, "GIS服务器"}, {208, "管理服务器"}, {209, "接入网关"}, {210, "媒体存储服务器"}, {211, "信令安全路由网关"},
    {215, "业务分组"}, {216, "虚拟组织"}, {300, "中心用户"}, {400, "终端用户"},
}};

int number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

std::string typeWords(int type) {
  const auto name = gbTypeName(type);
  if (!name.empty()) return tr(Msg::ConfigGbTypeNamed, type, name);
  if (type >= 111 && type <= 130) return tr(Msg::ConfigGbTypeFrontEndMain, type);
  if (type >= 131 && type <= 199) return tr(Msg::ConfigGbTypeFrontEndPeripheral, type);
  if (type >= 200 && type <= 299) return tr(Msg::ConfigGbTypePlatform, type);
  if (type >= 300 && type <= 499) return tr(Msg::ConfigGbTypeUser, type);
  return std::to_string(type);
}

}  // namespace

std::string_view gbTypeName(int type_code) {
  for (const auto& [code, name] : kTypeNames) {
    if (code == type_code) return name;
  }
  return {};
}

std::string gbDeviceCodeProblem(std::string_view code, GbDeviceRole role) {
  constexpr std::string_view kStandard = "GB/T 28181";
  if (code.size() != 20) return tr(Msg::ConfigGbCodeLength, kStandard, code.size());
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') return tr(Msg::ConfigGbCodeDigitsOnly, kStandard, i + 1);
  }
  if (const int province = number(code.substr(0, 2));
      std::find(kProvinces.begin(), kProvinces.end(), province) == kProvinces.end()) {
    return tr(Msg::ConfigGbCodeCentre, code.substr(0, 8), fmt::format("{:02}", province), "GB/T 2260");
  }
  if (const int industry = number(code.substr(8, 2)); (industry >= 15 && industry <= 39) || (industry >= 60 && industry <= 89)) {
    return tr(Msg::ConfigGbCodeIndustryReserved, fmt::format("{:02}", industry), "GB/T 28181-2022", "E.2");
  }
  const int type = number(code.substr(10, 3));
  if (role == GbDeviceRole::Camera && type != 131 && type != 132) {
    return tr(Msg::ConfigGbCodeNotCameraType, typeWords(type), typeWords(131), typeWords(132));
  }
  if (role == GbDeviceRole::Node && !(type >= 111 && type <= 130) && !(type >= 200 && type <= 299)) {
    return tr(Msg::ConfigGbCodeNotNodeType, typeWords(type));
  }
  if (code[13] == '9') return tr(Msg::ConfigGbCodeNetworkReserved);
  return {};
}

}  // namespace villagecam::config
