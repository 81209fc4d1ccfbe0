#include "analysis/image_codec.hpp"

#include <png.h>
#include <turbojpeg.h>

#include <memory>

namespace villagecam::analysis {
namespace {

struct TjDestroy {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDestroy>;

struct TjFree {
  void operator()(unsigned char* p) const { tjFree(p); }
};

}  // namespace

std::vector<std::uint8_t> encodeJpeg(const cv::Mat& picture, int quality) {
  if (picture.empty() || picture.depth() != CV_8U || (picture.channels() != 3 && picture.channels() != 1)) return {};
  const cv::Mat packed = picture.isContinuous() ? picture : picture.clone();
  TjHandle handle(tjInitCompress());
  if (!handle) return {};
  unsigned char* raw = nullptr;
  unsigned long size = 0;
  const bool grey = packed.channels() == 1;
  const int rc = tjCompress2(handle.get(), packed.data, packed.cols, 0, packed.rows, grey ? TJPF_GRAY : TJPF_BGR, &raw,
                             &size, grey ? TJSAMP_GRAY : TJSAMP_420, quality, TJFLAG_ACCURATEDCT);
  const std::unique_ptr<unsigned char, TjFree> owned(raw);
  if (rc != 0 || !raw) return {};
  return {raw, raw + size};
}

std::optional<cv::Size> jpegSize(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 4) return std::nullopt;
  TjHandle handle(tjInitDecompress());
  if (!handle) return std::nullopt;
  int width = 0, height = 0, subsampling = 0, colourspace = 0;
  if (tjDecompressHeader3(handle.get(), bytes.data(), bytes.size(), &width, &height, &subsampling, &colourspace) != 0) {
    return std::nullopt;
  }
  return cv::Size(width, height);
}

cv::Mat decodeJpeg(const std::vector<std::uint8_t>& bytes) {
  const auto size = jpegSize(bytes);
  if (!size || size->area() <= 0) return {};
  TjHandle handle(tjInitDecompress());
  cv::Mat out(*size, CV_8UC3);
  if (tjDecompress2(handle.get(), bytes.data(), bytes.size(), out.data, out.cols, 0, out.rows, TJPF_BGR, 0) != 0) {
    return {};
  }
  return out;
}

std::vector<std::uint8_t> encodePngGrey(const cv::Mat& grey) {
  if (grey.empty() || grey.type() != CV_8UC1) return {};
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(grey.cols);
  image.height = static_cast<png_uint_32>(grey.rows);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  const auto stride = static_cast<png_int_32>(grey.step[0]);
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, grey.data, stride, nullptr) || size == 0) return {};
  std::vector<std::uint8_t> out(size);
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, grey.data, stride, nullptr)) return {};
  out.resize(size);
  return out;
}

cv::Mat readPngGrey(const std::filesystem::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, file.c_str())) return {};
  image.format = PNG_FORMAT_GRAY;
  cv::Mat out(static_cast<int>(image.height), static_cast<int>(image.width), CV_8UC1);
  if (!png_image_finish_read(&image, nullptr, out.data, static_cast<png_int_32>(out.step[0]), nullptr)) {
    png_image_free(&image);
    return {};
  }
  return out;
}

}  // namespace villagecam::analysis
