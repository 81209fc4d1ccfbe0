#include "ingest/gst_ptr.hpp"

#include <mutex>

namespace villagecam::gst {

void ensureInitialised() {
  static std::once_flag once;
  std::call_once(once, [] { gst_init(nullptr, nullptr); });
}

}  // namespace villagecam::gst
