#include "config/sections.hpp"

#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

void readIngest(Sections& ctx, const YAML::Node& n, IngestConfig& in) {
  ctx.reader.rejectUnknownKeys(n, "ingest", kIngestKeys);
  auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
    readDuration(ctx, n, "ingest", key, out, min_s, max_s);
  };
  if (auto v = n["pipeline"]; v.IsDefined()) {
    if (auto s = ctx.reader.string(v, "ingest.pipeline")) in.pipeline = *s;
  }
  if (auto v = n["pipelines_dir"]; v.IsDefined()) {
    if (auto s = ctx.reader.string(v, "ingest.pipelines_dir")) in.pipelines_dir = resolve(ctx.base_dir, *s);
  }
  dur("connect_timeout", in.connect_timeout, 1, 120);
  dur("stall_timeout", in.stall_timeout, 1, 300);
  dur("backoff_initial", in.backoff_initial, 0.1, 60);
  dur("backoff_max", in.backoff_max, 1, 3600);
  dur("unauthorized_retry", in.unauthorized_retry, 5, 86400);
  if (in.backoff_max < in.backoff_initial) {
    ctx.reader.report(n["backoff_max"].Mark(), "ingest.backoff_max", tr(Msg::ConfigNotShorterThan, "ingest.backoff_initial"));
  }
  if (auto v = n["latency_ms"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "ingest.latency_ms", 0, 5000)) in.latency_ms = static_cast<int>(*i);
  }
  if (auto v = n["decoder_threads"]; v.IsDefined()) {
    if (auto i = ctx.reader.integer(v, "ingest.decoder_threads", 0, 16)) in.decoder_threads = static_cast<int>(*i);
  }
  if (auto v = n["rtsp_client"]; v.IsDefined()) {
    if (auto c = ctx.reader.choice(v, "ingest.rtsp_client", kRtspClients)) in.rtsp_client = static_cast<RtspClient>(*c);
  }
}

}  // namespace villagecam::config
