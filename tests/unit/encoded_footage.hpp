// Real footage (Debian's opencv-doc clips) as a camera would send it: at the
// size of a camera's sub stream, through a real encoder (x264), decoded again
// as the node decodes it. For analysis tests that must see what compression
// does to a picture: a quantiser wiping detail in the dark, a stopped picture
// re-encoded at a quantiser that wanders.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace villagecam::testing {

inline constexpr int kFootageFps = 10;

// The clip at 640x360, `count` frames at its own rate (a clip shorter than
// asked loops; a still picture repeats).
std::vector<cv::Mat> footage(const std::string& name, int count);

// The frames as a camera at `kbps` (x264, a key frame every `gop` frames,
// ABR as cameras run it) sends them, decoded again. One encoder thread: the
// same frames give the same stream every run.
std::vector<cv::Mat> throughEncoder(const std::vector<cv::Mat>& frames, int kbps, int gop = 20);

// Adds Gaussian sensor noise of `sigma` grey levels, the same for any seed.
void sensorNoise(cv::Mat& frame, double sigma, std::uint64_t seed);

}  // namespace villagecam::testing
