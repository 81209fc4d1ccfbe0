#include "ingest/pipeline_template.hpp"

#include <cctype>

#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <utility>

#ifndef VILLAGECAM_PIPELINES_INSTALL_DIR
#define VILLAGECAM_PIPELINES_INSTALL_DIR ""
#endif
#ifndef VILLAGECAM_PIPELINES_SOURCE_DIR
#define VILLAGECAM_PIPELINES_SOURCE_DIR ""
#endif

namespace villagecam::ingest {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string fill(const std::string& text, const TemplateVars& vars, const std::string& where) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      return out;
    }
    const size_t close = text.find("}}", open);
    if (close == std::string::npos) throw TemplateError(where + ": '{{' without '}}'");
    out += text.substr(pos, open - pos);
    const std::string key = trim(text.substr(open + 2, close - open - 2));
    const auto it = vars.find(key);
    if (it == vars.end()) throw TemplateError(where + ": unknown placeholder {{" + key + "}}");
    out += it->second;
    pos = close + 2;
  }
}

}  // namespace

std::optional<std::string> RenderedPipeline::chainFor(const std::string& codec) const {
  const auto it = decoders.find(codec);
  if (it == decoders.end()) return std::nullopt;
  return it->second + " ! " + output;
}

std::optional<std::string> RenderedPipeline::decodeChainFor(const std::string& codec) const {
  auto chain = chainFor(codec);
  if (!chain) return std::nullopt;
  const auto named = chain->find("name=parse");
  if (named == std::string::npos) return chain;
  const auto bang = chain->rfind('!', named);
  if (bang == std::string::npos) return chain;
  return trim(chain->substr(bang + 1));
}

bool RenderedPipeline::decodes() const { return output.find("name=sink") != std::string::npos; }

bool RenderedPipeline::decodesWithLibavcodec(const std::string& codec) const {
  const auto it = decoders.find(codec);
  if (it == decoders.end()) return false;
  std::istringstream elements(it->second);
  for (std::string element; std::getline(elements, element, '!');) {
    std::istringstream words(element);
    std::string factory;
    words >> factory;
    if (factory == "avdec_" + codec) return true;
  }
  return false;
}

PipelineTemplate parseTemplate(const std::string& text, const std::string& name) {
  PipelineTemplate tmpl;
  tmpl.name = name;
  std::map<std::string, std::string> sections;
  std::string current;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.front() == '[' && t.back() == ']') {
      current = t.substr(1, t.size() - 2);
      if (sections.count(current)) {
        throw TemplateError(name + ":" + std::to_string(number) + ": section [" + current + "] given twice");
      }
      sections[current];
      continue;
    }
    if (current.empty()) {
      throw TemplateError(name + ":" + std::to_string(number) + ": text before the first [section]");
    }
    auto& body = sections[current];
    body += (body.empty() ? "" : " ") + t;
  }
  for (auto& [section, body] : sections) {
    if (section == "source") {
      tmpl.source = body;
    } else if (section == "output") {
      tmpl.output = body;
    } else {
      tmpl.decoders[section] = body;
    }
  }
  if (tmpl.source.empty()) throw TemplateError(name + ": missing [source] section");
  if (tmpl.output.empty()) throw TemplateError(name + ": missing [output] section");
  if (tmpl.decoders.empty()) throw TemplateError(name + ": no codec section such as [h264]");
  if (tmpl.output.find("name=sink") == std::string::npos) {
    throw TemplateError(name + ": [output] must end in a sink named \"sink\"");
  }
  for (const auto& [codec, body] : tmpl.decoders) {
    if (body.find("name=parse") == std::string::npos) {
      throw TemplateError(name + ": [" + codec + "] must name its parser \"parse\"");
    }
  }
  return tmpl;
}

RenderedPipeline render(const PipelineTemplate& tmpl, const TemplateVars& vars) {
  RenderedPipeline out;
  out.source = fill(tmpl.source, vars, tmpl.name + " [source]");
  out.output = fill(tmpl.output, vars, tmpl.name + " [output]");
  for (const auto& [codec, body] : tmpl.decoders) {
    out.decoders[codec] = fill(body, vars, tmpl.name + " [" + codec + "]");
  }
  return out;
}

namespace {

// A codec chain up to and with its parser ("... ! h264parse name=parse"),
// and where the rest begins (after the " ! " that follows the parser).
std::pair<std::string, std::size_t> parserHead(const std::string& chain, const std::string& codec,
                                               const std::string& needed_for) {
  const auto named = chain.find("name=parse");
  const auto bang = named == std::string::npos ? std::string::npos : chain.find('!', named);
  if (bang == std::string::npos) {
    throw TemplateError("[" + codec + "]: no element named parse followed by the decoder; " + needed_for +
                        " needs one");
  }
  std::string head = chain.substr(0, bang);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.back()))) head.pop_back();
  return {head, bang + 1};
}

}  // namespace

RenderedPipeline forMode(RenderedPipeline r, config::AnalysisMode mode) {
  if (mode == config::AnalysisMode::Full) return r;
  for (auto& [codec, chain] : r.decoders) {
    const auto [head, rest] = parserHead(chain, codec, std::string("analysis mode ") + config::toString(mode));
    // Health keeps the chain: the pipeline lets one key frame through to
    // the decoder now and then (KeyFrameSampler), at the parser's pad.
    if (mode == config::AnalysisMode::Keyframes) {
      chain = head + " ! identity drop-buffer-flags=delta-unit ! " + chain.substr(rest);
    }
  }
  return r;
}

RenderedPipeline forRelay(RenderedPipeline r) {
  for (auto& [codec, chain] : r.decoders) chain = parserHead(chain, codec, "re-serving a main stream").first;
  r.output = "fakesink sync=false async=false enable-last-sample=false";
  return r;
}

RenderedPipeline withRtspClient(RenderedPipeline r, config::RtspClient client, std::optional<config::AnalysisMode> mode,
                                const config::CameraConfig& camera, const config::IngestConfig& ingest) {
  r.demuxer.reset();
  if (camera.url.scheme != "rtsp") return r;  // rtsps: rtspsrc, which verifies the camera's certificate
  const bool decodes_every_frame = mode && *mode == config::AnalysisMode::Full;
  const bool demux = client == config::RtspClient::Ffmpeg ||
                     (client == config::RtspClient::Auto && !decodes_every_frame);
  if (!demux) return r;
  r.demuxer = DemuxerSettings{camera.transport, static_cast<std::int64_t>(ingest.connect_timeout.count() * 1e6),
                              static_cast<std::int64_t>(ingest.latency_ms) * 1000};
  return r;
}

std::string protocolsFor(config::Transport transport) {
  switch (transport) {
    case config::Transport::Tcp: return "tcp";
    case config::Transport::Udp: return "udp";
    default: return "tcp+udp";
  }
}

TemplateVars templateVars(const config::CameraConfig& camera, const config::IngestConfig& ingest) {
  // The analysis rate as a fraction: 2 -> 2/1, 0.5 -> 1/2, 2.5 -> 5/2.
  const long denominator = 1000;
  const long numerator = std::lround(config::streamedFps(camera) * denominator);
  const long g = std::gcd(numerator, denominator);
  const auto tcp_timeout_us = static_cast<long long>(ingest.connect_timeout.count() * 1e6);
  return {
      {"protocols", protocolsFor(camera.transport)},
      {"latency_ms", std::to_string(ingest.latency_ms)},
      {"tcp_timeout_us", std::to_string(tcp_timeout_us)},
      {"decoder_threads", std::to_string(ingest.decoder_threads)},
      {"width", std::to_string(camera.analysis.width)},
      {"height", std::to_string(camera.analysis.height)},
      {"fps_n", std::to_string(numerator / g)},
      {"fps_d", std::to_string(denominator / g)},
  };
}

std::filesystem::path pipelinesDir(const std::filesystem::path& configured) {
  namespace fs = std::filesystem;
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("VILLAGECAM_PIPELINES_DIR"); env && *env) return env;
  for (const fs::path& candidate : {fs::path(VILLAGECAM_PIPELINES_INSTALL_DIR), fs::path(VILLAGECAM_PIPELINES_SOURCE_DIR)}) {
    std::error_code ec;
    if (!candidate.empty() && fs::exists(candidate / "software.pipeline", ec)) return candidate;
  }
  return VILLAGECAM_PIPELINES_INSTALL_DIR;
}

PipelineTemplate loadTemplate(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path path =
      name.find('/') != std::string::npos ? std::filesystem::path(name) : dir / (name + ".pipeline");
  std::ifstream in(path);
  if (!in) throw TemplateError("cannot read pipeline template '" + path.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  return parseTemplate(text.str(), path.filename().string());
}

}  // namespace villagecam::ingest
