#include "events/code_words.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace villagecam::events {
namespace {

struct Words {
  std::string_view code, zh, en;
};

constexpr Words kFailures[] = {
    {"unauthorized", "用户名或密码错误", "wrong user name or password"},
    {"not_found", "码流路径不存在", "no such stream path"},
    {"refused", "连接被拒绝", "connection refused"},
    {"unreachable", "网络不可达", "network unreachable"},
    {"timeout", "无响应", "no answer"},
    {"stream_ended", "码流中断", "the stream ended"},
    {"unsupported_codec", "不支持的编码", "unsupported codec"},
    {"stalled", "画面停止", "no frames"},
    {"other", "其他故障", "another fault"},
};

constexpr Words kViewIssues[] = {
    {"blank", "画面无内容（黑屏或镜头被盖）", "blank (no picture: lens covered or black)"},
    {"frozen", "画面冻结", "frozen (the picture does not change)"},
    {"defocus", "画面模糊", "out of focus"},
    {"occluded", "画面被遮挡", "occluded (part of the view is covered)"},
    {"shifted", "摄像头被移动或转向", "shifted (moved or turned away)"},
    {"shaking", "画面抖动", "shaking (the picture shakes)"},
    {"glare", "画面过亮（强光照射镜头）", "glare (a light shone into the lens)"},
    {"dark", "画面过暗（镜头被调暗或灯光被切断）",
     "dark (the view lost its light at once: a dimmed lens, its lights cut)"},
    {"low_contrast", "画面对比度低（雾或镜罩起雾、脏污）", "low contrast (a veiled view: fog, a misted or dirty dome)"},
    {"colour_cast", "画面偏色", "colour cast (the colours are off)"},
    {"snow", "画面雪花噪声", "snow (noise over the whole picture)"},
    {"stripes", "画面条纹干扰（条纹或滚屏）", "stripes (interference laid over the picture, still or rolling)"},
    {"stutter", "视频卡顿（帧率过低、时间戳跳变或突发）",
     "stutter (the stream falls far below its frame rate, jumps in time or comes in bursts)"},
    {"off_preset", "云台未回到预置位", "off preset (a PTZ camera did not return to its preset)"},
};

constexpr Words kCameraStates[] = {
    {"online", "在线", "online"},
    {"offline", "离线", "offline"},
    {"stalled", "画面停止", "stalled"},
    {"connecting", "正在连接", "connecting"},
    {"unauthorized", "拒绝登录", "unauthorized"},
    {"unknown", "未知（节点失联）", "unknown (node silent)"},
};

constexpr Words kAreaStates[] = {
    {"covered", "已覆盖", "covered"},
    {"uncovered", "未覆盖", "uncovered"},
    {"unverified", "未核验", "unverified"},
    {"unknown", "未知", "unknown"},
};

constexpr Words kCauses[] = {
    {"offline", "离线", "offline"},
    {"stalled", "画面停止", "stalled"},
    {"unauthorized", "拒绝登录", "unauthorized"},
    {"connecting", "正在连接", "connecting"},
    {"disabled", "已停用", "disabled"},
    {"view_tampered", "画面异常", "view tampered"},
    {"unverified", "画面未核验", "view not verified"},
    {"ok", "正常", "ok"},
};

constexpr Words kSilences[] = {
    {"offline", "节点已离线（连接断开）", "the node went offline (its connection dropped)"},
    {"no_status", "节点超时未上报状态", "no status from the node for three intervals"},
};

constexpr Words kAlertTypes[] = {
    {"camera_offline", "摄像头离线", "camera offline"},
    {"camera_stalled", "摄像头画面停止", "camera stalled"},
    {"camera_unauthorized", "摄像头拒绝登录", "camera refuses the credentials"},
    {"view_tampered", "画面异常", "view tampered"},
    {"coverage_lost", "区域失去覆盖", "area not watched"},
    {"motion", "移动侦测", "motion"},
    {"intrusion", "区域入侵", "intrusion"},
};

constexpr Words kReplyCodes[] = {
    {"accepted", "已接受", "accepted"},  // the words of a reply with no code, by its status
    {"done", "已完成", "done"},
    {"expired", "指令已过期（发出后过久才送达）", "the command expired before it arrived"},
    {"not_for_this_node", "指令不是发给本节点的", "the command is for another node"},
    {"unknown_camera", "本节点没有这个摄像头", "no such camera on this node"},
    {"camera_offline", "摄像头离线，无视频可推送", "the camera is offline: no video to push"},
    {"unsupported_codec", "该摄像头为H.265编码，浏览器无法播放；请配置H.264子码流", "the camera sends H.265, which browsers cannot play: configure an H.264 sub stream"},
    {"over_bitrate", "超出本村上行带宽上限，请先关闭其他实时视频", "over the village uplink's bit-rate cap: close another live view first"},
    {"no_county_link", "本节点未配置向县级平台推流", "this node is not configured to push to the county"},
    {"unknown_alert", "本节点没有这条告警", "no such alert on this node"},
    {"clip_gone", "该告警的录像已不在节点上", "the alert's clip is no longer on the node"},
    {"clip_recording", "录像尚在录制，稍后自动重试", "the clip is still being recorded: asked again shortly"},
    {"busy", "节点正在上传其他录像，稍后自动重试", "the node is uploading other clips: asked again shortly"},
    {"stopped", "已按要求停止", "stopped as asked"},
    {"lease_over", "无人观看，已停止推流", "nobody is watching: the push stopped"},
    {"camera_lost", "摄像头视频中断，推流停止", "the camera's video was lost: the push stopped"},
    {"link_lost", "与县级平台的连接中断", "the link to the county was lost"},
    {"push_failed", "推流失败", "the push failed"},
};

// The county console's live views (county/live/live_demand.hpp): each phase
// in words, for the player on the page.
constexpr Words kLivePhases[] = {
    {"asking", "正在请求节点推流", "asking the node for the stream"},
    {"starting", "节点已接受，等待视频", "the node accepted: waiting for video"},
    {"playing", "实时视频", "live"},
    {"interrupted", "视频中断，正在重新请求", "the video stopped: asking again"},
    {"refused", "节点拒绝推流", "the node refused"},
    {"ended", "实时视频已结束", "the live view ended"},
    {"no_answer", "节点未应答（可能已失联）", "the node did not answer (it may be unreachable)"},
    {"no_video", "节点已接受，但没有视频到达", "the node accepted but no video arrived"},
    {"busy", "县级平台实时视频路数已满，请稍后再试", "the console carries as many live streams as it may: try again later"},
    {"unavailable", "本平台未配置实时视频", "this console has no live video configured"},
};

// The county console's fetch of an alert's evidence clip (county/console/clip_fetcher.hpp).
constexpr Words kClipPhases[] = {
    {"asking", "正在向节点请求录像", "asking the node for the clip"},
    {"uploading", "节点正在上传录像", "the node is uploading the clip"},
    {"waiting", "录像尚未就绪，稍后自动重试", "the clip is not ready yet: asked again shortly"},
    {"stored", "录像", "clip"},
    {"gone", "该告警的录像已不在节点上", "the alert's clip is no longer on the node"},
    {"failed", "录像获取失败", "the clip could not be fetched"},
    {"no_answer", "节点未应答（可能已失联）", "the node did not answer (it may be unreachable)"},
    {"unavailable", "本平台未配置录像调取", "this console has no clips configured"},
};

std::span<const Words> tableOf(CodeKind kind) {
  switch (kind) {
    case CodeKind::Failure: return kFailures;
    case CodeKind::ViewIssue: return kViewIssues;
    case CodeKind::CameraState: return kCameraStates;
    case CodeKind::AreaState: return kAreaStates;
    case CodeKind::Cause: return kCauses;
    case CodeKind::Silence: return kSilences;
    case CodeKind::AlertType: return kAlertTypes;
    case CodeKind::ReplyCode: return kReplyCodes;
    case CodeKind::LivePhase: return kLivePhases;
    case CodeKind::ClipPhase: return kClipPhases;
  }
  return {};
}

}  // namespace

const std::vector<CodeKind>& codeKinds() {
  static const std::vector<CodeKind> kinds = {CodeKind::Failure,   CodeKind::ViewIssue, CodeKind::CameraState,
                                              CodeKind::AreaState, CodeKind::Cause,     CodeKind::Silence,   CodeKind::AlertType,
                                              CodeKind::ReplyCode, CodeKind::LivePhase, CodeKind::ClipPhase};
  return kinds;
}

const char* toString(CodeKind kind) {
  switch (kind) {
    case CodeKind::Failure: return "failure";
    case CodeKind::ViewIssue: return "issue";
    case CodeKind::CameraState: return "camera_state";
    case CodeKind::AreaState: return "area_state";
    case CodeKind::Cause: return "cause";
    case CodeKind::Silence: return "silence";
    case CodeKind::AlertType: return "alert_type";
    case CodeKind::ReplyCode: return "reply_code";
    case CodeKind::LivePhase: return "live_phase";
    case CodeKind::ClipPhase: return "clip_phase";
  }
  return "?";
}

std::vector<std::string_view> knownCodes(CodeKind kind) {
  std::vector<std::string_view> out;
  for (const auto& w : tableOf(kind)) out.push_back(w.code);
  return out;
}

std::optional<std::string> codeWords(CodeKind kind, std::string_view code, config::Language lang) {
  const auto table = tableOf(kind);
  const auto it = std::find_if(table.begin(), table.end(), [code](const Words& w) { return w.code == code; });
  if (it == table.end()) return std::nullopt;
  return std::string(lang == config::Language::ZhCN ? it->zh : it->en);
}

std::string codeWordsOr(CodeKind kind, std::string_view code, config::Language lang) {
  return codeWords(kind, code, lang).value_or(std::string(code));
}

}  // namespace villagecam::events
