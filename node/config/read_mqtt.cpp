#include "config/sections.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

void readMqttConnection(Sections& ctx, const YAML::Node& n, MqttConfig& mqtt) {
  mqtt.enabled = true;
  if (auto list = ctx.reader.required(n, "mqtt", "brokers"); list && ctx.reader.expectSequence(*list, "mqtt.brokers")) {
    for (size_t i = 0; i < list->size(); ++i) {
      const YAML::Node b = (*list)[i];
      const std::string path = indexPath("mqtt.brokers", i);
      auto uri = ctx.reader.string(b, path);
      if (!uri) continue;
      static const std::regex broker("(tcp|ssl|mqtt|mqtts|ws|wss)://[^/:@\\s]+(:[0-9]{1,5})?/?");
      if (!std::regex_match(*uri, broker)) {
        ctx.reader.report(b.Mark(), path, tr(Msg::ConfigNotBrokerAddress, redactUrlsIn(*uri), "tcp", "ssl"));
        continue;
      }
      mqtt.brokers.push_back(*uri);
    }
    if (list->size() == 0) ctx.reader.report(list->Mark(), "mqtt.brokers", tr(Msg::ConfigNeedsBroker));
  }
  if (auto v = n["client_id"]; v.IsDefined()) mqtt.client_id = ctx.reader.string(v, "mqtt.client_id").value_or(mqtt.client_id);
  if (auto v = n["protocol"]; v.IsDefined()) {
    if (auto i = ctx.reader.choice(v, "mqtt.protocol", kProtocols)) mqtt.version = static_cast<MqttVersion>(*i);
  }
  auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
    readDuration(ctx, n, "mqtt", key, out, min_s, max_s);
  };
  dur("keepalive", mqtt.keepalive, 5, 3600);
  dur("connect_timeout", mqtt.connect_timeout, 1, 120);
  dur("reconnect_min", mqtt.reconnect_min, 1, 600);
  dur("reconnect_max", mqtt.reconnect_max, 1, 3600);
  if (auto v = n["username"]; v.IsDefined()) mqtt.username = ctx.reader.string(v, "mqtt.username").value_or("");
  if (auto v = n["password_file"]; v.IsDefined()) {
    if (auto p = filePath(ctx, v, "mqtt.password_file")) {
      mqtt.password_file = *p;
      if (auto password = readPasswordFile(ctx, v, "mqtt.password_file", *p)) mqtt.password = *password;
    }
  }
  if (auto v = n["tls"]; v.IsDefined() && ctx.reader.expectMap(v, "mqtt.tls")) {
    TlsConfig tls;
    ctx.reader.rejectUnknownKeys(v, "mqtt.tls", kTlsKeys);
    auto file = [&](const char* key) -> std::optional<fs::path> {
      const YAML::Node f = v[key];
      if (!f.IsDefined()) return std::nullopt;
      const auto p = filePath(ctx, f, childPath("mqtt.tls", key));
      if (!p) return std::nullopt;
      const fs::path path = *p;
      if (std::ifstream probe(path); !probe) {
        ctx.reader.report(f.Mark(), childPath("mqtt.tls", key),
                          tr(Msg::ConfigCannotReadNamed, path.string(), std::strerror(errno)));
      }
      return path;
    };
    tls.ca_file = file("ca_file").value_or(fs::path());
    tls.cert_file = file("cert_file");
    tls.key_file = file("key_file");
    if (tls.cert_file.has_value() != tls.key_file.has_value()) {
      ctx.reader.report(v.Mark(), "mqtt.tls", tr(Msg::ConfigCertAndKeyTogether, "cert_file", "key_file"));
    }
    if (auto h = v["verify_hostname"]; h.IsDefined()) {
      tls.verify_hostname = ctx.reader.boolean(h, "mqtt.tls.verify_hostname").value_or(true);
    }
    mqtt.tls = tls;
  }
}

void readMqtt(Sections& ctx, const YAML::Node& n, const std::string& node_id, MqttConfig& mqtt) {
  ctx.reader.rejectUnknownKeys(n, "mqtt", kMqttKeys);
  mqtt.client_id = "villagecam-" + node_id;
  mqtt.topic_prefix = "villagecam/" + node_id;
  readMqttConnection(ctx, n, mqtt);
  if (auto v = n["topic_prefix"]; v.IsDefined()) {
    if (auto p = ctx.reader.string(v, "mqtt.topic_prefix")) {
      if (std::regex_match(*p, kTopicPrefixPattern)) {
        mqtt.topic_prefix = *p;
      } else {
        ctx.reader.report(v.Mark(), "mqtt.topic_prefix", tr(Msg::ConfigNotTopicPrefix, *p));
      }
    }
  }
  readDuration(ctx, n, "mqtt", "status_interval", mqtt.status_interval, 5, 3600);
  if (auto v = n["outbox"]; v.IsDefined() && ctx.reader.expectMap(v, "mqtt.outbox")) {
    ctx.reader.rejectUnknownKeys(v, "mqtt.outbox", kOutboxKeys);
    if (auto m = v["max_alerts"]; m.IsDefined()) {
      mqtt.outbox_max_alerts = static_cast<size_t>(ctx.reader.integer(m, "mqtt.outbox.max_alerts", 10, 10000000).value_or(10000));
    }
    if (auto m = v["max_bytes"]; m.IsDefined()) {
      mqtt.outbox_max_bytes = ctx.reader.size(m, "mqtt.outbox.max_bytes", 64u << 10, 64ull << 30).value_or(16u << 20);
    }
  }
}

}  // namespace villagecam::config
