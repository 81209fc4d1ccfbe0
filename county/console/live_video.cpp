#include "console/live_video.hpp"

#include <regex>

#include "console/command_ids.hpp"
#include "contract/topics.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::county {
namespace {

LiveDemandOptions demandOptions(const CountyConfig& config) {
  LiveDemandOptions o;
  o.id_prefix = commandIdPrefix("live");
  o.max_pushes = config.live.max_streams;
  return o;
}

}  // namespace

LiveVideo::LiveVideo(const CountyConfig& config, const Clock& clock, Publish publish)
    : config_(config),
      clock_(clock),
      publish_(std::move(publish)),
      hls_dir_(config.state_dir / "live"),
      demand_(demandOptions(config)) {
  if (!config.live.enabled) return;
  PushReceiverOptions options;
  options.host = config.live.host;
  options.port = config.live.port;
  options.hls_dir = hls_dir_;
  receiver_ = std::make_unique<PushReceiver>(options, config.live.push_passwords);
}

LiveVideo::~LiveVideo() { stop(); }

int LiveVideo::start() {
  if (!receiver_) return 0;
  std::error_code ec;
  std::filesystem::remove_all(hls_dir_, ec);  // the segments of a previous run: nobody watches them now
  std::filesystem::create_directories(hls_dir_);
  try {
    return receiver_->start();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("live.listen: ") + e.what());
  }
}

void LiveVideo::endAll() {
  if (!receiver_) return;
  std::lock_guard exec(orders_mutex_);
  std::vector<LiveOrder> orders;
  {
    std::lock_guard lock(mutex_);
    ending_ = true;
    orders = demand_.endAll(clock_.wall());
  }
  carryOut(std::move(orders));
}

void LiveVideo::stop() {
  if (!receiver_) return;
  endAll();
  receiver_->stop();  // no page asks any more (the HTTP server stopped first)
  receiver_.reset();
}

void LiveVideo::carryOut(std::vector<LiveOrder> orders) {
  auto log = logger("county.live");
  for (const auto& order : orders) {
    const auto topic = contract::topics::commands(config_.topic_root + "/" + order.node);
    try {
      switch (order.kind) {
        case LiveOrder::Kind::Ask:
          if (!order.renewal) {
            // A new push gets a folder of its own: a player never mixes its
            // segments with an earlier push's.
            if (const auto state = receiver_->state(order.node, order.camera); state && state->pushes > 0) {
              receiver_->close(order.node, order.camera);
            }
            log->info("live video: asking node {} for camera {} ({})", order.node, order.camera, order.command.id);
          }
          receiver_->expect(order.node, order.camera);
          if (!publish_(topic, contract::commandJson(order.command).dump())) {
            log->warn("live video: cannot send {} to node {} now (the county broker is away)", order.command.id, order.node);
          }
          break;
        case LiveOrder::Kind::Stop:
          publish_(topic, contract::commandJson(order.command).dump());
          receiver_->close(order.node, order.camera);
          log->info("live video: camera {} of node {} stopped ({})", order.camera, order.node, order.command.id);
          break;
        case LiveOrder::Kind::Close:
          receiver_->close(order.node, order.camera);
          break;
      }
    } catch (const std::exception& e) {
      log->error("live video: {} of node {}: {}", order.camera, order.node, forLog(e.what(), 200));
    }
  }
}

void LiveVideo::observe(const std::string& node, const std::string& camera, SteadyTime now) {
  const auto state = receiver_->state(node, camera);
  bool arriving = false;
  if (state && state->receiving) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(state->playlist, ec);
    arriving = !ec && std::filesystem::file_time_type::clock::now() - written < kStale;
  }
  demand_.receiving(node, camera, arriving, now);
}

std::optional<std::string> LiveVideo::playlistUrl(const std::string& node, const std::string& camera) const {
  const auto state = receiver_->state(node, camera);
  std::error_code ec;
  if (!state || !std::filesystem::exists(state->playlist, ec)) return std::nullopt;
  return "/live/" + node + "/" + camera + "/" + state->playlist.parent_path().filename().string() + "/index.m3u8";
}

nlohmann::json LiveVideo::watch(const std::string& node, const std::string& camera, const std::string& viewer, bool again) {
  if (!receiver_) return {{"phase", "unavailable"}, {"code", ""}, {"viewers", 0}, {"playlist", nullptr}};
  LiveStatus status;
  {
    std::lock_guard exec(orders_mutex_);
    std::vector<LiveOrder> orders;
    {
      std::lock_guard lock(mutex_);
      if (ending_) return {{"phase", "unavailable"}, {"code", ""}, {"viewers", 0}, {"playlist", nullptr}};
      const auto now = clock_.steady();
      status = demand_.watch(node, camera, viewer, again, now, clock_.wall());
      observe(node, camera, now);
      status = demand_.status(node, camera).value_or(status);
      orders = demand_.take(now, clock_.wall());
    }
    carryOut(std::move(orders));
  }
  const auto url = finished(status.phase) ? std::nullopt : playlistUrl(node, camera);
  return {{"phase", toString(status.phase)},
          {"code", status.code},
          {"viewers", status.viewers},
          {"playlist", url ? nlohmann::json(*url) : nlohmann::json()}};
}

void LiveVideo::leave(const std::string& node, const std::string& camera, const std::string& viewer) {
  if (!receiver_) return;
  std::lock_guard exec(orders_mutex_);
  std::vector<LiveOrder> orders;
  {
    std::lock_guard lock(mutex_);
    demand_.leave(node, camera, viewer);
    orders = demand_.take(clock_.steady(), clock_.wall());
  }
  carryOut(std::move(orders));
}

bool LiveVideo::replied(const std::string& node, const contract::CommandReply& reply) {
  if (!receiver_) return false;
  std::lock_guard exec(orders_mutex_);
  std::vector<LiveOrder> orders;
  bool ours = false;
  {
    std::lock_guard lock(mutex_);
    ours = demand_.replied(node, reply, clock_.steady());
    orders = demand_.take(clock_.steady(), clock_.wall());
  }
  if (ours) {
    // Acceptances come with every renewal (each 10 s a view): routine, debug only.
    logger("county.live")
        ->log(reply.status == contract::ReplyStatus::Accepted ? spdlog::level::debug : spdlog::level::info,
              "live video: node {} answered {}: {}{}", node, forLog(reply.command_id, 80), contract::toString(reply.status),
              reply.code.empty() ? "" : " (" + forLog(reply.code, 40) + ")");
  }
  carryOut(std::move(orders));
  return ours;
}

void LiveVideo::tick() {
  if (!receiver_) return;
  std::lock_guard exec(orders_mutex_);
  std::vector<LiveOrder> orders;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.steady();
    for (const auto& [node, camera] : demand_.watched()) observe(node, camera, now);
    orders = demand_.take(now, clock_.wall());
  }
  carryOut(std::move(orders));
}

std::optional<std::filesystem::path> LiveVideo::file(const std::string& node, const std::string& camera,
                                                     const std::string& generation, const std::string& name) const {
  static const std::regex kName("index\\.m3u8|segment[0-9]{5}\\.ts");
  static const std::regex kGeneration("[0-9]{1,18}");
  if (!receiver_ || !std::regex_match(name, kName) || !std::regex_match(generation, kGeneration)) return std::nullopt;
  std::optional<PushState> state;
  try {
    state = receiver_->state(node, camera);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!state || state->playlist.parent_path().filename().string() != generation) return std::nullopt;
  auto path = state->playlist.parent_path() / name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  return path;
}

nlohmann::json LiveVideo::health() const {
  if (!receiver_) return {{"enabled", false}};
  std::lock_guard lock(mutex_);
  return {{"enabled", true}, {"pushes", demand_.pushes()}, {"watched", demand_.watched().size()}};
}

}  // namespace villagecam::county
