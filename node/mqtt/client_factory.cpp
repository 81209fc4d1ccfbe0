#include "mqtt/client_factory.hpp"

#include <netdb.h>

#include <regex>

#include "i18n/messages.hpp"
#include "net/tcp_check.hpp"
#include "contract/payloads.hpp"
#include "contract/topics.hpp"

namespace villagecam::mqtt {

using i18n::Msg;
using i18n::tr;


std::pair<std::string, int> brokerHostPort(const std::string& uri) {
  static const std::regex re("(\\w+)://([^/:]+)(:(\\d+))?/?");
  std::smatch m;
  if (!std::regex_match(uri, m, re)) return {uri, 0};
  const std::string scheme = m[1];
  const bool tls = scheme == "ssl" || scheme == "mqtts" || scheme == "wss";
  const int port = m[4].matched ? std::stoi(m[4]) : (tls ? 8883 : 1883);
  return {m[2], port};
}

std::unique_ptr<::mqtt::async_client> makeClient(const config::MqttConfig& cfg, const std::string& client_id) {
  const int version = cfg.version == config::MqttVersion::V5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
  // No Paho persistence and no offline buffering: the Outbox is the durable
  // queue, and nothing is handed to Paho while disconnected.
  return std::make_unique<::mqtt::async_client>(cfg.brokers.front(), client_id, ::mqtt::create_options(version),
                                                nullptr);
}

::mqtt::connect_options makeConnectOptions(const config::MqttConfig& cfg, TlsErrorLog* tls_errors, bool with_will) {
  ::mqtt::connect_options opts;
  const bool v5 = cfg.version == config::MqttVersion::V5;
  opts.set_mqtt_version(v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
  // Persistent session: the broker keeps the node's session across drops.
  if (v5) {
    opts.set_clean_start(false);
    ::mqtt::properties props;
    props.add({::mqtt::property::SESSION_EXPIRY_INTERVAL, 24 * 3600});
    opts.set_properties(props);
  } else {
    opts.set_clean_session(false);
  }
  opts.set_keep_alive_interval(std::chrono::duration_cast<std::chrono::seconds>(cfg.keepalive));
  opts.set_connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(cfg.connect_timeout));
  opts.set_automatic_reconnect(false);  // the publisher reconnects itself, with its own backoff
  opts.set_max_inflight(64);
  auto servers = std::make_shared<::mqtt::string_collection>();
  for (const auto& b : cfg.brokers) servers->push_back(b);
  opts.set_servers(servers);
  if (!cfg.username.empty()) opts.set_user_name(cfg.username);
  if (cfg.password) opts.set_password(*cfg.password);
  if (with_will) {
    opts.set_will(::mqtt::will_options(contract::topics::state(cfg.topic_prefix), std::string(contract::kStateOffline), 1, true));
  }
  bool any_tls = cfg.tls.has_value();
  for (const auto& b : cfg.brokers) any_tls |= b.rfind("ssl://", 0) == 0 || b.rfind("mqtts://", 0) == 0 || b.rfind("wss://", 0) == 0;
  if (any_tls) {
    ::mqtt::ssl_options ssl;
    const config::TlsConfig tls = cfg.tls.value_or(config::TlsConfig{});
    // Without a CA file, Paho/OpenSSL use the system's default CA store.
    if (!tls.ca_file.empty()) ssl.set_trust_store(tls.ca_file.string());
    if (tls.cert_file) ssl.set_key_store(tls.cert_file->string());
    if (tls.key_file) ssl.set_private_key(tls.key_file->string());
    ssl.set_enable_server_cert_auth(true);  // TLS verifies by default
    ssl.set_verify(tls.verify_hostname);
    if (tls_errors) ssl.set_error_handler([tls_errors](const std::string& m) { tls_errors->record(m); });
    opts.set_ssl(std::move(ssl));
  }
  return opts;
}

std::string describeConnectFailure(const config::MqttConfig& cfg, int return_code, int reason_code,
                                   const std::string& tls_error) {
  // The broker answered and refused (MQTT 3.1.1 CONNACK codes, MQTT 5 reason codes).
  if (return_code == 4 || reason_code == 0x86) return tr(Msg::MqttBadCredentials);
  // mosquitto answers a wrong password with "not authorised" (CONNACK 5).
  if (return_code == 5 || reason_code == 0x87) {
    return tr(Msg::MqttBadCredentialsNotAuthorised);
  }
  if (reason_code == 0x85 || return_code == 2) return tr(Msg::MqttClientIdRefused, cfg.client_id);
  if (!tls_error.empty()) {
    if (tls_error.find("certificate verify failed") != std::string::npos ||  // not for operators: OpenSSL's words, matched
        tls_error.find("verify") != std::string::npos) {
      return tr(Msg::MqttTlsVerifyFailed, tls_error);
    }
    return tr(Msg::MqttTlsHandshakeFailed, tls_error);
  }
  // Otherwise look at the network ourselves: resolution, refusal, silence.
  std::string words;
  for (const auto& broker : cfg.brokers) {
    const auto [host, port] = brokerHostPort(broker);
    const auto why = net::checkTcp(host, port, std::chrono::seconds(2), tr(Msg::NounBroker));
    std::string what;
    if (!why) {
      what = tr(Msg::MqttTcpButNotMqtt);
    } else if (why->kind == net::TcpFailureKind::Unresolved) {
      what = tr(Msg::MqttNameNotResolved, why->reason);
    } else if (why->kind == net::TcpFailureKind::Refused) {
      what = tr(Msg::MqttConnectionRefused, why->reason);
    } else {
      what = why->reason;
    }
    words += (words.empty() ? "" : tr(Msg::MqttProblemSeparator)) + tr(Msg::MqttBrokerProblem, broker, what);
  }
  return words;
}

}  // namespace villagecam::mqtt
