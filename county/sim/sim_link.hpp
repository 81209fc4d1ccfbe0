// One simulated node's MQTT connection (Paho, MQTT 5): a will saying
// "offline" on its state topic, like a real node's, and a way to vanish so
// that the broker sends it (a disconnect with the will, reason 0x04).
#pragma once

#include <mqtt/async_client.h>

#include <memory>
#include <string>

namespace villagecam::county::sim {

class SimLink {
 public:
  SimLink(const std::string& broker, const std::string& client_id, const std::string& state_topic);
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
  // Waits until everything published so far is acknowledged.
  void flush();
  void vanish();  // the broker publishes the will
  void stop();    // "offline" on the state topic, then a clean disconnect

 private:
  std::unique_ptr<::mqtt::async_client> client_;
  std::string state_topic_;
  ::mqtt::token_ptr connecting_;
};

}  // namespace villagecam::county::sim
