// A test MQTT subscriber (Paho): collects what arrives on a topic filter and
// lets a test wait, with a deadline, for what it expects.
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace villagecam::testing {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
  std::chrono::system_clock::time_point received_at{};
};

class MqttSubscriber {
 public:
  MqttSubscriber(const std::string& uri, const std::string& filter, const std::string& user = "",
                 const std::string& password = "");
  ~MqttSubscriber();

  using Match = std::function<bool(const std::vector<ReceivedMessage>&)>;
  bool waitUntil(const Match& done, std::chrono::milliseconds timeout) const;
  std::vector<ReceivedMessage> messages() const;
  std::vector<ReceivedMessage> on(const std::string& topic) const;
  // Writes {"topic","payload"} lines for tests/support/validate_payloads.py.
  void writeJsonLines(const std::filesystem::path& file) const;
  // Runs the schema validator over everything received; returns its output
  // and whether every payload was valid.
  std::pair<bool, std::string> validateAgainstSchemas(const std::filesystem::path& work_dir) const;

 private:
  std::unique_ptr<::mqtt::async_client> client_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedMessage> messages_;
};

}  // namespace villagecam::testing
