// Builds Paho clients and connection options from the config, the same way
// for the publisher and for `mqtt-test`; turns connection failures into
// plain words.
#pragma once

#include <mqtt/async_client.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace villagecam::mqtt {

// The last TLS error OpenSSL reported for a connection (Paho's error handler
// runs on its own thread).
class TlsErrorLog {
 public:
  void record(const std::string& message) {
    std::lock_guard lock(mutex_);
    last_ = message;
  }
  std::string last() const {
    std::lock_guard lock(mutex_);
    return last_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    last_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::string last_;
};

std::unique_ptr<::mqtt::async_client> makeClient(const config::MqttConfig& cfg, const std::string& client_id);

// will: the retained "offline" on <prefix>/state, sent by the broker if the
// node vanishes.
::mqtt::connect_options makeConnectOptions(const config::MqttConfig& cfg, TlsErrorLog* tls_errors,
                                           bool with_will);

// Plain words for a failed connect: the broker's refusal (bad credentials,
// not authorised), a TLS verification failure, or what the TCP attempt found.
std::string describeConnectFailure(const config::MqttConfig& cfg, int return_code, int reason_code,
                                   const std::string& tls_error);

// Host and port of a broker URI such as ssl://host:8883.
std::pair<std::string, int> brokerHostPort(const std::string& uri);

}  // namespace villagecam::mqtt
