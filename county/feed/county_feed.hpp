// The county's MQTT side: one Paho client on the county broker, subscribed
// to everything the nodes publish under the root (docs/mqtt.md). Retained
// topics rebuild the live picture at every (re)subscribe; alerts come with
// QoS 1 on a persistent session, so the broker keeps them while the console
// is away. With a shared group, alerts and their snapshots go through
// $share/<group>/..., and each reaches one of the consoles of the group.
//
// Paho calls back on its own threads; the callbacks only hand the message to
// the sink (which must only post) and never wait.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "settings/county_config.hpp"
#include "live/picture.hpp"
#include "mqtt/client_factory.hpp"

namespace villagecam::county {

// The topic filters the console subscribes to, in order.
std::vector<std::string> subscriptions(const std::string& root, const std::string& shared_group);

class CountyFeed {
 public:
  using Sink = std::function<void(FeedMessage)>;

  CountyFeed(CountyConfig config, Sink sink);
  ~CountyFeed();
  CountyFeed(const CountyFeed&) = delete;
  CountyFeed& operator=(const CountyFeed&) = delete;

  void start();  // connects on its own thread and keeps reconnecting
  void stop();   // disconnects; idempotent

  // Publishes a command to a node (QoS 1, not retained); false while not
  // connected or when Paho refuses it (its queue is full).
  bool publish(const std::string& topic, const std::string& payload);

  bool connected() const { return connected_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t received() const { return received_; }
  std::string lastError() const;

 private:
  class ConnectListener : public ::mqtt::iaction_listener {
   public:
    explicit ConnectListener(CountyFeed& feed) : feed_(feed) {}
    void on_failure(const ::mqtt::token& tok) override;
    void on_success(const ::mqtt::token&) override {}

   private:
    CountyFeed& feed_;
  };

  void run();
  void subscribe();
  void lost(std::string why);

  CountyConfig config_;
  Sink sink_;
  std::unique_ptr<::mqtt::async_client> client_;
  ConnectListener connect_listener_{*this};
  std::thread thread_;
  std::condition_variable wake_;
  bool stopping_ = false;    // under mutex_
  bool connecting_ = false;  // under mutex_
  Duration backoff_{};       // under mutex_
  SteadyTime retry_at_{};    // under mutex_
  mqtt::TlsErrorLog tls_errors_;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> received_{0};
  mutable std::mutex mutex_;
  std::string last_error_;
};

}  // namespace villagecam::county
