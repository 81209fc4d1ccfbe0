// The cases bench/detection_eval serves to the real node: each a clip made
// from real footage (Debian's opencv-doc: vtest.avi, people walking;
// tree.avi, leaves in the wind; building.jpg and leuvenA.jpg, still streets
// with sensor noise) with a tamper, a lighting or weather change or a visitor
// at known times, encoded as a camera would send it.
//
// A clip is an idle part (kIdleSeconds of the normal view, played forwards
// then backwards so that it loops without a jump: the baseline is taken and
// the node settles on it) and then the case, straight on from it. The test
// camera server loops the idle part until told to play (idle= cameras).
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace villagecam::eval {

constexpr int kWidth = 640;
constexpr int kHeight = 360;
constexpr int kFps = 10;
constexpr int kGop = 20;              // a key frame every 2 s, as most IP cameras
constexpr double kIdleSeconds = 12;   // a multiple of the GOP

using Polygon = std::vector<cv::Point2d>;  // normalised, as the node's zones

struct DetectionCase {
  std::string id;       // the camera's id too
  std::string story;    // what happens, in plain words
  std::string scene;    // path, tree, street, square
  std::string tamper;   // the view issue it must raise ("" for none)
  double event_start = 10, event_end = 50;  // seconds into the case: the tamper or condition
  double seconds = 75;  // the case's length (after the idle part)
  // Intrusion cases: the zone watched, and when the visitor's feet are in it
  // (nullopt: nothing there may be reported).
  std::optional<Polygon> zone;
  std::optional<std::pair<double, double>> in_zone;
  std::string codec = "h264";
  // How the encoder spends bits: "quant", a constant quantiser (most cameras'
  // VBR mode: a still picture's delta frames shrink to nothing), or "abr", a
  // bit rate it keeps to (a still picture is refined for seconds).
  std::string rate = "abr";
  int kbits = 1500;  // abr and cbr: the bit rate kept to (300 is a camera's 1080p25 main stream at 4 Mbit/s, per pixel)
  bool mid_gop = false;     // every session (the baseline's too) starts halfway into a GOP
  // The node first sees the camera at this case time (seconds, on a key
  // frame): the camera is unplugged from before the node starts until the
  // case is played, then plugged in showing the case from here. nullopt:
  // the node watches it from the idle part on.
  std::optional<double> connect_at;
  // A PTZ camera: how long it may be away from its preset (the config's
  // patrol_time, seconds); nullopt: a fixed camera.
  std::optional<double> patrol_time;
  bool held_out = true;     // false: a case the detectors were tuned on
  // The case's frame at `t` seconds into the case (t < 0: the idle part).
  std::function<cv::Mat(int frame_in_clip, double t)> render;

  bool isIntrusionCase() const { return zone.has_value(); }
};

// Every case, in a fixed order.
std::vector<DetectionCase> detectionCases();

// Writes the case's clip (idle part and case) as an H.264 or H.265
// elementary stream; an existing file made by the same recipe is kept.
void writeClip(const DetectionCase& c, const std::filesystem::path& file);

}  // namespace villagecam::eval
