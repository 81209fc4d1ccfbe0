#include "sim/sim_link.hpp"

#include <regex>
#include <stdexcept>

namespace villagecam::county::sim {

namespace {

// The relay's address for a broker on this machine.
std::string throughRelay(const std::string& broker, std::unique_ptr<UplinkRelay>& relay) {
  static const std::regex local("tcp://(127\\.0\\.0\\.1|localhost):([0-9]{1,5})");
  std::smatch m;
  if (!std::regex_match(broker, m, local)) {
    throw std::runtime_error("a node that vanishes needs a broker on tcp://127.0.0.1:<port>, not " + broker);
  }
  relay = std::make_unique<UplinkRelay>(std::stoi(m[2]));
  return "tcp://127.0.0.1:" + std::to_string(relay->port());
}

}  // namespace

SimLink::SimLink(const std::string& broker, const std::string& client_id, const std::string& state_topic,
                 bool through_relay)
    : client_(std::make_unique<::mqtt::async_client>(through_relay ? throughRelay(broker, relay_) : broker, client_id,
                                                      ::mqtt::create_options(MQTTVERSION_5), nullptr)),
      state_topic_(state_topic) {}

SimLink::~SimLink() { disconnect(); }

void SimLink::startConnect() {
  auto opts = ::mqtt::connect_options_builder()
                  .mqtt_version(MQTTVERSION_5)
                  .clean_start(true)
                  .keep_alive_interval(std::chrono::seconds(30))
                  .connect_timeout(std::chrono::seconds(10))
                  .will(::mqtt::message(state_topic_, "offline", 1, true))
                  .max_inflight(1000)
                  .finalize();
  connecting_ = client_->connect(opts);
}

void SimLink::connected() {
  try {
    if (connecting_) connecting_->wait();
  } catch (const ::mqtt::exception& e) {
    throw std::runtime_error("cannot connect to " + client_->get_server_uri() + ": " + e.what());
  }
}

void SimLink::publish(const std::string& topic, const std::string& payload, bool retained) {
  client_->publish(topic, payload.data(), payload.size(), 1, retained);
}

bool SimLink::flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& tok : client_->get_pending_delivery_tokens()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !tok->wait_for(left)) return false;
  }
  return true;
}

void SimLink::vanish() {
  flush();
  if (relay_) relay_->cut();  // the uplink goes: no DISCONNECT reaches the broker
}

void SimLink::sayOffline() {
  try {
    if (client_->is_connected()) publish(state_topic_, "offline", true);
  } catch (const ::mqtt::exception&) {
  }
}

void SimLink::disconnect() {
  try {
    // In flight or not: the caller has flushed what it could.
    if (client_->is_connected()) client_->disconnect(0)->wait_for(std::chrono::milliseconds(500));
  } catch (const ::mqtt::exception&) {
  }
}

}  // namespace villagecam::county::sim
