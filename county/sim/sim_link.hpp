// One simulated node's MQTT connection (Paho, MQTT 5): a will saying
// "offline" on its state topic, like a real node's. A node that is to vanish
// connects through its own uplink relay; vanish() cuts it, the connection
// drops without a goodbye, and the broker sends the will.
#pragma once

#include <mqtt/async_client.h>

#include <memory>
#include <string>

#include "sim/uplink_relay.hpp"

namespace villagecam::county::sim {

class SimLink {
 public:
  // through_relay: connect through an uplink relay of its own (the broker
  // must then be tcp://127.0.0.1:<port>), so that it can vanish.
  SimLink(const std::string& broker, const std::string& client_id, const std::string& state_topic, bool through_relay);
  ~SimLink();
  SimLink(const SimLink&) = delete;
  SimLink& operator=(const SimLink&) = delete;

  // Starts connecting; connected() waits for the broker's answer and throws
  // naming the broker. Paho takes new sockets in batches (its select loop
  // wakes once a second), so a county connects all its links first, then waits.
  void startConnect();
  void connected();
  // Queued with Paho, not waited for (QoS 1 for everything).
  void publish(const std::string& topic, const std::string& payload, bool retained);
  // Waits until everything published so far is acknowledged, or the
  // timeout passes (false).
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void vanish();      // the broker publishes the will
  void sayOffline();  // "offline" on the state topic, as a node stopping does
  void disconnect();  // at once, waiting half a second at most

 private:
  std::unique_ptr<UplinkRelay> relay_;
  std::unique_ptr<::mqtt::async_client> client_;
  std::string state_topic_;
  ::mqtt::token_ptr connecting_;
};

}  // namespace villagecam::county::sim
