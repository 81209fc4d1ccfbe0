// JPEG and PNG for the node's own pictures (snapshots, the probe's picture,
// view baselines), with libjpeg-turbo and libpng directly: OpenCV's
// imgcodecs would bring GDAL, GDCM, Poppler and some 130 more libraries
// into the node, about 50 MiB resident before a single camera
// (docs/performance.md).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace villagecam::analysis {

// A BGR (CV_8UC3) or grey (CV_8UC1) picture as JPEG; empty if it cannot be.
std::vector<std::uint8_t> encodeJpeg(const cv::Mat& picture, int quality);

// A JPEG's picture size, from its header; nullopt if `bytes` is not one.
std::optional<cv::Size> jpegSize(const std::vector<std::uint8_t>& bytes);

// A JPEG as BGR; empty if it is not one (tests and tools).
cv::Mat decodeJpeg(const std::vector<std::uint8_t>& bytes);

// An 8-bit grey picture (CV_8UC1) as PNG; empty if it cannot be.
std::vector<std::uint8_t> encodePngGrey(const cv::Mat& grey);

// A PNG file as an 8-bit grey picture (converted if it is not grey); empty
// if it cannot be read.
cv::Mat readPngGrey(const std::filesystem::path& file);

}  // namespace villagecam::analysis
