#include "feed/county_feed.hpp"

#include <spdlog/spdlog.h>

#include "util/logging.hpp"

namespace villagecam::county {

std::vector<std::string> subscriptions(const std::string& root, const std::string& shared_group) {
  const std::string shared = shared_group.empty() ? "" : "$share/" + shared_group + "/";
  return {root + "/+/state",
          root + "/+/status",
          root + "/+/coverage",
          root + "/+/cameras/+/status",
          root + "/+/cameras/+/snapshot",
          root + "/+/replies",  // every console of a group hears them; each takes those to its own commands
          shared + root + "/+/alerts",
          shared + root + "/+/snapshots/+"};
}

CountyFeed::CountyFeed(CountyConfig config, Sink sink) : config_(std::move(config)), sink_(std::move(sink)) {}

CountyFeed::~CountyFeed() { stop(); }

std::string CountyFeed::lastError() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void CountyFeed::start() {
  client_ = mqtt::makeClient(config_.mqtt, config_.mqtt.client_id);
  client_->set_message_callback([this](::mqtt::const_message_ptr m) {
    ++received_;
    sink_(FeedMessage{m->get_topic(), m->get_payload_str(), m->is_retained()});
  });
  client_->set_connected_handler([this](const std::string&) {
    connected_ = true;
    ++connections_;
    {
      std::lock_guard lock(mutex_);
      connecting_ = false;
      backoff_ = std::chrono::duration_cast<Duration>(config_.mqtt.reconnect_min);
    }
    logger("county.mqtt")->info("connected to the county broker; subscribing under {}/", config_.topic_root);
    subscribe();
  });
  client_->set_connection_lost_handler([this](const std::string& cause) {
    lost(cause.empty() ? "connection lost" : "connection lost: " + cause);
  });
  backoff_ = std::chrono::duration_cast<Duration>(config_.mqtt.reconnect_min);
  thread_ = std::thread([this] { run(); });
}

void CountyFeed::ConnectListener::on_failure(const ::mqtt::token& tok) {
  feed_.lost(mqtt::describeConnectFailure(feed_.config_.mqtt, tok.get_return_code(), tok.get_reason_code(),
                                          feed_.tls_errors_.last()));
}

void CountyFeed::lost(std::string why) {
  connected_ = false;
  {
    std::lock_guard lock(mutex_);
    if (why != last_error_) logger("county.mqtt")->warn("county broker: {}; retrying", why);
    last_error_ = std::move(why);
    connecting_ = false;
    retry_at_ = std::chrono::steady_clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, std::chrono::duration_cast<Duration>(config_.mqtt.reconnect_max));
  }
  wake_.notify_one();
}

// Connects whenever not connected and the backoff has passed; Paho's own
// threads report back through the handlers and the listener.
void CountyFeed::run() {
  const auto opts = mqtt::makeConnectOptions(config_.mqtt, &tls_errors_, /*with_will=*/false);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!connected_ && !connecting_ && std::chrono::steady_clock::now() >= retry_at_) {
      connecting_ = true;
      tls_errors_.clear();
      lock.unlock();
      try {
        client_->connect(opts, nullptr, connect_listener_);
      } catch (const ::mqtt::exception& e) {
        lost(std::string("cannot start a connect: ") + e.what());
      }
      lock.lock();
      continue;
    }
    if (connected_ || connecting_) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, retry_at_);
    }
  }
}

void CountyFeed::subscribe() {
  const auto filters = subscriptions(config_.topic_root, config_.shared_group);
  try {
    client_->subscribe(::mqtt::string_collection::create(filters),
                       ::mqtt::iasync_client::qos_collection(filters.size(), 1));
  } catch (const ::mqtt::exception& e) {
    logger("county.mqtt")->error("cannot subscribe: {}", e.what());
  }
}

bool CountyFeed::publish(const std::string& topic, const std::string& payload) {
  if (!client_ || !connected_) return false;
  try {
    client_->publish(topic, payload.data(), payload.size(), 1, false);
    return true;
  } catch (const ::mqtt::exception& e) {
    logger("county.mqtt")->warn("cannot publish to {}: {}", topic, e.what());
    return false;
  }
}

void CountyFeed::stop() {
  if (!client_) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  try {
    // Up to a second for what is in flight (the live_stops of a console going away).
    if (client_->is_connected()) client_->disconnect(1000)->wait_for(std::chrono::seconds(3));
  } catch (const ::mqtt::exception&) {
    // going away anyway
  }
  client_.reset();
}

}  // namespace villagecam::county
