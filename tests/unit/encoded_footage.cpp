#include "encoded_footage.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <stdexcept>

namespace villagecam::testing {

std::vector<cv::Mat> footage(const std::string& name, int count) {
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/" + name);
  std::vector<cv::Mat> out;
  for (cv::Mat f; static_cast<int>(out.size()) < count && cap.read(f);) {
    cv::Mat wide;
    cv::resize(f, wide, {640, 480}, 0, 0, cv::INTER_AREA);
    out.push_back(wide(cv::Rect(0, 60, 640, 360)).clone());
  }
  if (out.empty()) throw std::runtime_error("cannot read " + name + " (apt-get install opencv-doc)");
  const size_t length = out.size();
  for (size_t i = 0; static_cast<int>(out.size()) < count; ++i) out.push_back(out[i % length].clone());
  return out;
}

std::vector<cv::Mat> throughEncoder(const std::vector<cv::Mat>& frames, int kbps, int gop) {
  static std::atomic<int> serial{0};
  const auto file = std::filesystem::temp_directory_path() /
                    ("vc-encoded-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".mp4");
  {
    cv::VideoWriter writer("appsrc ! videoconvert ! video/x-raw,format=I420 ! x264enc threads=1 speed-preset=veryfast "
                           "tune=zerolatency key-int-max=" + std::to_string(gop) + " bitrate=" + std::to_string(kbps) +
                               " option-string=\"min-keyint=" + std::to_string(gop) +
                               ":scenecut=0\" ! h264parse ! mp4mux ! filesink location=" + file.string(),
                           cv::CAP_GSTREAMER, 0, kFootageFps, frames.front().size(), true);
    if (!writer.isOpened()) throw std::runtime_error("cannot encode with x264enc");
    for (const auto& f : frames) writer.write(f);
  }
  std::vector<cv::Mat> out;
  cv::VideoCapture cap(file.string());
  for (cv::Mat f; cap.read(f);) out.push_back(f.clone());
  std::filesystem::remove(file);
  return out;
}

void sensorNoise(cv::Mat& frame, double sigma, std::uint64_t seed) {
  cv::Mat noise(frame.size(), CV_MAKETYPE(CV_16S, frame.channels())), wide;
  cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, sigma);
  frame.convertTo(wide, CV_MAKETYPE(CV_16S, frame.channels()));
  wide += noise;
  wide.convertTo(frame, frame.type());
}

}  // namespace villagecam::testing
