#include "relay/restream_server.hpp"

#include <gst/app/gstappsrc.h>
#include <gst/rtsp-server/rtsp-server.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "ingest/gst_ptr.hpp"
#include "ingest/gstreamer.hpp"
#include "relay/appsrc_feed.hpp"
#include "relay/viewer_book.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::relay {
namespace {

constexpr std::size_t kFeedQueueBytes = 2u << 20;  // ~4 s of a 4 Mbit/s stream behind: the media is stuck
constexpr auto kIdleEnd = std::chrono::seconds(10);  // a media with nothing to send this long ends
constexpr guint kClientThreads = 16;                 // beyond that, clients share threads
constexpr const char* kCameraKey = "villagecam-camera";
using gst::ContextPtr;
using gst::GObjectPtr;
using gst::LoopPtr;
using gst::SourcePtr;

constexpr const char* kUserField = "villagecam.user";

std::string launchFor(const std::string& codec) {
  const std::string pay = codec == "h265" ? "rtph265pay" : "rtph264pay";
  return "( appsrc name=src is-live=true format=time do-timestamp=true min-latency=0 block=false max-bytes=" +
         std::to_string(2 * kFeedQueueBytes) + " ! " + pay + " name=pay0 pt=96 config-interval=-1 )";
}

// The camera a request is for: the first segment of its path.
std::string cameraOf(const GstRTSPContext* ctx) {
  if (!ctx || !ctx->uri || !ctx->uri->abspath) return {};
  std::string path = ctx->uri->abspath;
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  return path.substr(0, path.find('/'));
}


double seconds(SteadyTime t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

}  // namespace

class RestreamServer::Impl {
 public:
  Impl(config::RestreamConfig config, StreamSources& sources)
      : config_(std::move(config)),
        sources_(sources),
        log_(logger("restream")),
        book_({config_.max_viewers_per_camera, static_cast<std::uint64_t>(config_.max_bitrate_kbps) * 1000}) {}
  ~Impl() { stop(); }

  int start(const std::vector<std::string>& ids);
  void setCameras(const std::vector<std::string>& ids);
  void stop();
  RestreamStats stats() const;

 private:
  struct Camera {
    GstRTSPMediaFactory* factory = nullptr;  // borrowed: the mount points own it
    std::string codec = "h264";              // what its factory builds
    BitRate rate;            // of the stream its viewers get
    std::uint64_t known_rate = 0;  // its last measured rate (a main stream is measured only while pulled)
    std::uint64_t connects = 0, disconnects = 0, dropped_before = 0;
    std::map<std::string, std::uint64_t> refusals;
  };
  struct Media {
    std::string camera;
    std::shared_ptr<AppsrcFeed> feed;
    ingest::EncodedFanout::Subscription subscription;
  };
  struct Client {
    std::string address;
    std::string user;
  };

  static void onClientConnected(GstRTSPServer*, GstRTSPClient* client, gpointer self);
  static void onClientClosed(GstRTSPClient* client, gpointer self);
  static GstRTSPStatusCode onPreDescribe(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self);
  static GstRTSPStatusCode onPrePlay(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self);
  static void onTeardown(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self);
  static void onSendMessage(GstRTSPClient* client, GstRTSPContext* ctx, GstRTSPMessage* message, gpointer self);
  static void onPlay(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self);
  static void onMediaConfigure(GstRTSPMediaFactory* factory, GstRTSPMedia* media, gpointer self);
  static void onMediaUnprepared(GstRTSPMedia* media, gpointer self);
  static void onElementAdded(GstBin* pipeline, GstBin* bin, GstElement* element, gpointer);
  static gboolean onTick(gpointer self);

  void mount(const std::string& id);
  void unmount(const std::string& id);
  // Authenticates the request if accounts are configured; false: let
  // gst-rtsp-server answer it (401).
  bool authenticated(GstRTSPContext* ctx);
  std::string userOf(GstRTSPContext* ctx) const;
  GstRTSPStatusCode admit(GstRTSPClient* client, GstRTSPContext* ctx, bool play);
  ViewerBook::Rates rates() const;
  void tick();
  void closeClients(const std::vector<ViewerBook::ViewerId>& ids);
  std::string who(GstRTSPClient* client) const;

  const config::RestreamConfig config_;
  StreamSources& sources_;
  std::shared_ptr<spdlog::logger> log_;

  // Declared in the order they may go: sources, then the server, then the
  // loop and its context (stop() releases them in reverse, explicitly).
  ContextPtr context_;
  LoopPtr loop_;
  GObjectPtr<GstRTSPServer> server_;
  GObjectPtr<GstRTSPMountPoints> mounts_;  // the server's
  SourcePtr tick_source_;
  SourcePtr session_source_;
  SourcePtr server_source_;  // the listening socket's
  std::atomic<bool> listening_{false};
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;  // everything below; never held while calling into a fan-out's sinks' owners
  ViewerBook book_;
  std::map<std::string, Camera> cameras_;
  std::map<GstRTSPMedia*, Media> media_;
  std::map<GstRTSPClient*, Client> clients_;  // each holds a reference until it closes
};

RestreamServer::RestreamServer(config::RestreamConfig config, StreamSources& sources)
    : impl_(std::make_unique<Impl>(std::move(config), sources)) {}
RestreamServer::~RestreamServer() = default;
int RestreamServer::start(const std::vector<std::string>& ids) { return impl_->start(ids); }
void RestreamServer::setCameras(const std::vector<std::string>& ids) { impl_->setCameras(ids); }
void RestreamServer::stop() { impl_->stop(); }
RestreamStats RestreamServer::stats() const { return impl_->stats(); }

int RestreamServer::Impl::start(const std::vector<std::string>& ids) {
  gst::ensureInitialised();
  context_.reset(g_main_context_new());
  loop_.reset(g_main_loop_new(context_.get(), FALSE));
  server_.reset(gst_rtsp_server_new());
  gst_rtsp_server_set_address(server_.get(), config_.host == "[::1]" ? "::1" : config_.host.c_str());
  gst_rtsp_server_set_service(server_.get(), std::to_string(config_.port).c_str());
  {
    GObjectPtr<GstRTSPThreadPool> pool(gst_rtsp_server_get_thread_pool(server_.get()));
    gst_rtsp_thread_pool_set_max_threads(pool.get(), kClientThreads);
  }
  if (!config_.viewers.empty()) {
    GObjectPtr<GstRTSPAuth> auth(gst_rtsp_auth_new());
    gst_rtsp_auth_set_supported_methods(auth.get(), GST_RTSP_AUTH_DIGEST);
    gst_rtsp_auth_set_realm(auth.get(), "villagecam");
    for (const auto& [name, password] : config_.viewers) {
      GstRTSPToken* token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING, "viewer",
                                               kUserField, G_TYPE_STRING, name.c_str(), nullptr);
      gst_rtsp_auth_add_digest(auth.get(), name.c_str(), password.c_str(), token);
      gst_rtsp_token_unref(token);
    }
    gst_rtsp_server_set_auth(server_.get(), auth.get());
  }
  mounts_.reset(gst_rtsp_server_get_mount_points(server_.get()));
  g_signal_connect(server_.get(), "client-connected", G_CALLBACK(&Impl::onClientConnected), this);
  for (const auto& id : ids) mount(id);

  // GStreamer 1.22 dereferences the error argument when the bind fails:
  // never pass it null.
  GError* raw_error = nullptr;
  server_source_.reset(gst_rtsp_server_create_source(server_.get(), nullptr, &raw_error));
  const gst::ErrorPtr error(raw_error);
  if (!server_source_) {
    const std::string address = fmt::format("{}:{}", config_.host, config_.port);
    const std::string why = error && error->message ? error->message : "in use, or not an address of this box";
    stop();
    throw std::runtime_error("restream: cannot listen on " + address + " (" + why + ")");
  }
  g_source_attach(server_source_.get(), context_.get());
  listening_ = true;
  port_ = gst_rtsp_server_get_bound_port(server_.get());
  {
    GObjectPtr<GstRTSPSessionPool> pool(gst_rtsp_server_get_session_pool(server_.get()));
    session_source_.reset(gst_rtsp_session_pool_create_watch(pool.get()));
    // A session pool watch calls a GstRTSPSessionPoolFunc (GLib's own cast).
    GstRTSPSessionPoolFunc cleanup = +[](GstRTSPSessionPool* p, gpointer) -> gboolean {
      gst_rtsp_session_pool_cleanup(p);
      return G_SOURCE_CONTINUE;
    };
    g_source_set_callback(session_source_.get(),
                          reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(cleanup)), nullptr, nullptr);
    g_source_attach(session_source_.get(), context_.get());
  }
  tick_source_.reset(g_timeout_source_new(1000));
  g_source_set_callback(tick_source_.get(), &Impl::onTick, this, nullptr);
  g_source_attach(tick_source_.get(), context_.get());
  thread_ = std::thread([this] {
    g_main_context_push_thread_default(context_.get());
    g_main_loop_run(loop_.get());
    g_main_context_pop_thread_default(context_.get());
  });
  return port_;
}

void RestreamServer::Impl::stop() {
  if (!server_) return;
  // Every viewer goes first: their threads end, no callback comes after.
  gst_rtsp_server_client_filter(
      server_.get(), +[](GstRTSPServer*, GstRTSPClient*, gpointer) { return GST_RTSP_FILTER_REMOVE; }, nullptr);
  if (thread_.joinable()) {
    gst::quitLoop(context_.get(), loop_.get());
    thread_.join();
  }
  listening_ = false;
  tick_source_.reset();
  session_source_.reset();
  server_source_.reset();
  std::map<GstRTSPMedia*, Media> media;
  std::map<GstRTSPClient*, Client> clients;
  {
    std::lock_guard lock(mutex_);
    media.swap(media_);
    clients.swap(clients_);
    for (auto& [id, camera] : cameras_) {
      g_object_set_data(G_OBJECT(camera.factory), kCameraKey, nullptr);
      g_signal_handlers_disconnect_by_data(camera.factory, this);
    }
  }
  for (auto& [m, entry] : media) {
    g_signal_handlers_disconnect_by_data(m, this);
    entry.subscription.reset();
    entry.feed->end();
    sources_.release(entry.camera);
  }
  for (auto& [c, entry] : clients) {
    g_signal_handlers_disconnect_by_data(c, this);
    g_object_unref(c);
  }
  for (const auto& [id, camera] : cameras_) unmount(id);
  cameras_.clear();
  g_signal_handlers_disconnect_by_data(server_.get(), this);
  mounts_.reset();
  server_.reset();
  loop_.reset();
  context_.reset();
}

void RestreamServer::Impl::mount(const std::string& id) {
  GstRTSPMediaFactory* factory = gst_rtsp_media_factory_new();
  gst_rtsp_media_factory_set_shared(factory, TRUE);
  gst_rtsp_media_factory_set_protocols(factory,
                                       static_cast<GstRTSPLowerTrans>(GST_RTSP_LOWER_TRANS_UDP | GST_RTSP_LOWER_TRANS_TCP));
  gst_rtsp_media_factory_set_launch(factory, launchFor("h264").c_str());
  if (!config_.viewers.empty()) {
    gst_rtsp_media_factory_add_role(factory, "viewer", GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
                                    GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, nullptr);
  }
  g_object_set_data_full(G_OBJECT(factory), kCameraKey, g_strdup(id.c_str()), g_free);
  g_signal_connect(factory, "media-configure", G_CALLBACK(&Impl::onMediaConfigure), this);
  {
    std::lock_guard lock(mutex_);
    cameras_[id].factory = factory;
  }
  gst_rtsp_mount_points_add_factory(mounts_.get(), ("/" + id).c_str(), factory);  // takes it
}

void RestreamServer::Impl::unmount(const std::string& id) {
  gst_rtsp_mount_points_remove_factory(mounts_.get(), ("/" + id).c_str());
}

void RestreamServer::Impl::setCameras(const std::vector<std::string>& ids) {
  if (!server_) return;
  std::vector<std::string> gone;
  std::vector<ViewerBook::ViewerId> to_close;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, camera] : cameras_) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) gone.push_back(id);
    }
    for (const auto& id : gone) {
      for (auto w : book_.watchersOf(id)) to_close.push_back(w);
      g_signal_handlers_disconnect_by_data(cameras_[id].factory, this);
      cameras_.erase(id);
    }
  }
  for (const auto& id : gone) unmount(id);
  closeClients(to_close);
  for (const auto& id : ids) {
    bool known;
    {
      std::lock_guard lock(mutex_);
      known = cameras_.count(id) > 0;
    }
    if (!known) mount(id);
  }
}

void RestreamServer::Impl::onClientConnected(GstRTSPServer*, GstRTSPClient* client, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  std::string address = "?";
  if (GstRTSPConnection* conn = gst_rtsp_client_get_connection(client)) {
    if (const char* ip = gst_rtsp_connection_get_ip(conn)) address = ip;
  }
  {
    std::lock_guard lock(impl->mutex_);
    impl->clients_[client] = {address, ""};
    g_object_ref(client);
  }
  g_signal_connect(client, "closed", G_CALLBACK(&Impl::onClientClosed), self);
  g_signal_connect(client, "pre-describe-request", G_CALLBACK(&Impl::onPreDescribe), self);
  g_signal_connect(client, "pre-play-request", G_CALLBACK(&Impl::onPrePlay), self);
  g_signal_connect(client, "teardown-request", G_CALLBACK(&Impl::onTeardown), self);
  g_signal_connect(client, "send-message", G_CALLBACK(&Impl::onSendMessage), self);
  g_signal_connect(client, "play-request", G_CALLBACK(&Impl::onPlay), self);
}

// The feed is live, stamped as it arrives: gst-rtsp-server's rate control
// (its sinks pacing packets against the clock, meant for files) only adds
// a sleep and a wake-up per frame to each medium. It is off from the
// medium's start (the UDP sinks, made at SETUP, take it then) and again
// after each PLAY, which turns it back on (the TCP sinks follow it).
void RestreamServer::Impl::onPlay(GstRTSPClient*, GstRTSPContext* ctx, gpointer) {
  if (ctx && ctx->media) gst_rtsp_media_set_rate_control(ctx->media, FALSE);
}

// The UDP sink for RTP paces against the clock whatever the rate control
// says; it is told not to as it joins the medium.
void RestreamServer::Impl::onElementAdded(GstBin*, GstBin*, GstElement* element, gpointer) {
  GstElementFactory* factory = gst_element_get_factory(element);
  if (factory && std::string_view(GST_OBJECT_NAME(factory)) == "multiudpsink") {
    g_object_set(element, "sync", FALSE, nullptr);
  }
}

// A 401 of ours (a path that is no camera, asked without credentials) gets
// the digest challenge gst-rtsp-server puts on its own.
void RestreamServer::Impl::onSendMessage(GstRTSPClient*, GstRTSPContext* ctx, GstRTSPMessage* message, gpointer) {
  if (!ctx || !ctx->auth || message != ctx->response) return;
  GstRTSPStatusCode code;
  if (gst_rtsp_message_parse_response(message, &code, nullptr, nullptr) != GST_RTSP_OK ||
      code != GST_RTSP_STS_UNAUTHORIZED) {
    return;
  }
  gchar* existing = nullptr;
  if (gst_rtsp_message_get_header(message, GST_RTSP_HDR_WWW_AUTHENTICATE, &existing, 0) == GST_RTSP_OK) return;
  GstRTSPAuthClass* klass = GST_RTSP_AUTH_GET_CLASS(ctx->auth);
  if (klass->generate_authenticate_header) klass->generate_authenticate_header(ctx->auth, ctx);
}

void RestreamServer::Impl::onClientClosed(GstRTSPClient* client, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  std::vector<std::string> left;
  std::string who;
  {
    std::lock_guard lock(impl->mutex_);
    const auto it = impl->clients_.find(client);
    if (it == impl->clients_.end()) return;
    who = impl->who(client);
    left = impl->book_.leaveAll(reinterpret_cast<ViewerBook::ViewerId>(client));
    for (const auto& camera : left) {
      if (auto c = impl->cameras_.find(camera); c != impl->cameras_.end()) ++c->second.disconnects;
    }
    impl->clients_.erase(it);
  }
  for (const auto& camera : left) {
    impl->log_->info("viewer {} left {} (connection closed)", who, camera);
  }
  g_signal_handlers_disconnect_by_data(client, self);
  g_object_unref(client);
}

void RestreamServer::Impl::onTeardown(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  const std::string camera = cameraOf(ctx);
  bool left = false;
  std::string who;
  {
    std::lock_guard lock(impl->mutex_);
    left = impl->book_.leave(reinterpret_cast<ViewerBook::ViewerId>(client), camera);
    if (left) {
      if (auto c = impl->cameras_.find(camera); c != impl->cameras_.end()) ++c->second.disconnects;
    }
    who = impl->who(client);
  }
  if (left) impl->log_->info("viewer {} left {}", who, forLog(camera, 80));
}

GstRTSPStatusCode RestreamServer::Impl::onPreDescribe(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self) {
  return static_cast<Impl*>(self)->admit(client, ctx, /*play=*/false);
}

GstRTSPStatusCode RestreamServer::Impl::onPrePlay(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self) {
  return static_cast<Impl*>(self)->admit(client, ctx, /*play=*/true);
}

bool RestreamServer::Impl::authenticated(GstRTSPContext* ctx) {
  if (config_.viewers.empty()) return true;
  if (!ctx->token && ctx->auth) {
    GstRTSPAuthClass* klass = GST_RTSP_AUTH_GET_CLASS(ctx->auth);
    if (klass->authenticate) klass->authenticate(ctx->auth, ctx);  // sets ctx->token when the credentials hold
  }
  return ctx->token != nullptr;
}

std::string RestreamServer::Impl::userOf(GstRTSPContext* ctx) const {
  if (!ctx->token) return {};
  const char* user = gst_rtsp_token_get_string(ctx->token, kUserField);
  return user ? user : "";
}

std::string RestreamServer::Impl::who(GstRTSPClient* client) const {
  const auto it = clients_.find(client);
  if (it == clients_.end()) return "?";
  return it->second.user.empty() ? it->second.address : it->second.address + " (" + it->second.user + ")";
}

// DESCRIBE and PLAY: a camera the node has, that streams now, with room for
// one more viewer. At DESCRIBE it is only checked (the answer comes at once,
// rather than a media that waits for a camera that is not there); at PLAY
// the viewer is booked, in the same step.
GstRTSPStatusCode RestreamServer::Impl::admit(GstRTSPClient* client, GstRTSPContext* ctx, bool play) {
  // Nothing about cameras is told before the credentials hold: without
  // them, gst-rtsp-server answers 401 when it finds the media, and we do
  // for a path that is no camera.
  const std::string camera = cameraOf(ctx);
  if (!authenticated(ctx)) {
    std::lock_guard lock(mutex_);
    return cameras_.count(camera) ? GST_RTSP_STS_OK : GST_RTSP_STS_UNAUTHORIZED;
  }
  const auto fanout = sources_.analysed(camera);
  const auto viewed = sources_.viewed(camera);
  const auto viewer = reinterpret_cast<ViewerBook::ViewerId>(client);
  Refusal refusal = Refusal::None;
  std::string who;
  int viewers = 0;
  std::uint64_t outgoing = 0, cost = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto c = clients_.find(client); c != clients_.end() && c->second.user.empty()) c->second.user = userOf(ctx);
    who = this->who(client);
    const auto entry = cameras_.find(camera);
    if (!fanout || entry == cameras_.end()) {
      refusal = Refusal::UnknownCamera;
    } else if (!fanout->streaming()) {
      refusal = Refusal::CameraOffline;
    } else {
      const auto r = rates();
      refusal = book_.check(viewer, camera, r);
      outgoing = book_.outgoing(r);
      cost = r.count(camera) ? r.at(camera) : 0;
      if (refusal == Refusal::None && play && book_.join(viewer, camera)) {
        ++entry->second.connects;
        viewers = book_.viewers(camera);
      }
      // The media is built for the codec its viewers get (the main
      // stream's is known once it has been pulled; before, the analysed one
      // is the best guess).
      auto format = viewed ? viewed->format() : std::nullopt;
      if (!format) format = fanout->format();
      if (format && format->codec != entry->second.codec && (format->codec == "h264" || format->codec == "h265")) {
        entry->second.codec = format->codec;
        gst_rtsp_media_factory_set_launch(entry->second.factory, launchFor(format->codec).c_str());
      }
    }
    if (refusal != Refusal::None && refusal != Refusal::UnknownCamera) ++cameras_[camera].refusals[toString(refusal)];
  }
  if (refusal == Refusal::None) {
    if (viewers > 0) log_->info("viewer {} watches {} ({} viewer(s) now)", who, camera, viewers);
    return GST_RTSP_STS_OK;
  }
  const std::string shown = forLog(camera, 80);
  switch (refusal) {
    case Refusal::TooManyViewers:
      log_->warn("viewer {} refused for {}: {} viewers already (restream.max_viewers_per_camera)", who, shown,
                 config_.max_viewers_per_camera);
      break;
    case Refusal::NotEnoughBandwidth:
      log_->warn("viewer {} refused for {}: {:.0f} kbit/s more would exceed the outgoing budget ({:.0f} of {} kbit/s "
                 "in use; restream.max_bitrate_kbps)",
                 who, shown, cost / 1000.0, outgoing / 1000.0, config_.max_bitrate_kbps);
      break;
    case Refusal::CameraOffline:
      log_->info("viewer {} refused for {}: the camera delivers no video now", who, shown);
      break;
    default:
      log_->info("viewer {} asked for {}: no such camera", who, shown);
      break;
  }
  return static_cast<GstRTSPStatusCode>(rtspStatus(refusal));
}

ViewerBook::Rates RestreamServer::Impl::rates() const {
  ViewerBook::Rates out;
  for (const auto& [id, camera] : cameras_) out[id] = std::max(camera.rate.bitsPerSecond(), camera.known_rate);
  return out;
}

void RestreamServer::Impl::onMediaConfigure(GstRTSPMediaFactory* factory, GstRTSPMedia* media, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  const char* id = static_cast<const char*>(g_object_get_data(G_OBJECT(factory), kCameraKey));
  if (!id) return;
  gst::ElementPtr bin(gst_rtsp_media_get_element(media));
  gst::ElementPtr appsrc(bin ? gst_bin_get_by_name(GST_BIN(bin.get()), "src") : nullptr);
  if (!appsrc) return;
  const auto fanout = impl->sources_.acquire(id);
  if (!fanout) return;
  auto feed = std::make_shared<AppsrcFeed>(appsrc.get(), kFeedQueueBytes, std::chrono::steady_clock::now());
  g_signal_connect(media, "unprepared", G_CALLBACK(&Impl::onMediaUnprepared), self);
  gst_rtsp_media_set_rate_control(media, FALSE);  // see onPlay
  if (gst::ElementPtr pipeline(GST_ELEMENT(gst_object_get_parent(GST_OBJECT(bin.get())))); pipeline) {
    g_signal_connect(pipeline.get(), "deep-element-added", G_CALLBACK(&Impl::onElementAdded), nullptr);
  }
  auto subscription = ingest::EncodedFanout::subscribe(fanout, feed);
  std::lock_guard lock(impl->mutex_);
  impl->media_[media] = Media{id, std::move(feed), std::move(subscription)};
}

void RestreamServer::Impl::onMediaUnprepared(GstRTSPMedia* media, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  Media entry;
  {
    std::lock_guard lock(impl->mutex_);
    const auto it = impl->media_.find(media);
    if (it == impl->media_.end()) return;
    entry = std::move(it->second);
    impl->media_.erase(it);
    if (auto c = impl->cameras_.find(entry.camera); c != impl->cameras_.end()) {
      c->second.dropped_before += entry.feed->dropped();
    }
  }
  g_signal_handlers_disconnect_by_data(media, self);
  entry.subscription.reset();  // outside our lock: it waits for the fan-out's
  impl->sources_.release(entry.camera);
}

gboolean RestreamServer::Impl::onTick(gpointer self) {
  static_cast<Impl*>(self)->tick();
  return G_SOURCE_CONTINUE;
}

// Once a second: the cameras' bit rates, and media whose camera has sent
// nothing for a while end, with their viewers.
void RestreamServer::Impl::tick() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, camera] : cameras_) ids.push_back(id);
  }
  std::map<std::string, std::uint64_t> bytes;
  for (const auto& id : ids) {
    if (auto fanout = sources_.viewed(id)) bytes[id] = fanout->bytes();
  }
  std::vector<ViewerBook::ViewerId> to_close;
  std::vector<std::shared_ptr<AppsrcFeed>> to_end;
  std::vector<std::string> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, camera] : cameras_) {
      if (auto b = bytes.find(id); b != bytes.end()) camera.rate.sample(seconds(now), b->second);
      if (const auto r = camera.rate.bitsPerSecond(); r > 0) camera.known_rate = r;
    }
    for (auto& [m, entry] : media_) {
      if (entry.feed->ended() || now - entry.feed->lastUnit() < kIdleEnd) continue;
      to_end.push_back(entry.feed);
      ended.push_back(entry.camera);
      for (auto w : book_.watchersOf(entry.camera)) to_close.push_back(w);
    }
  }
  for (const auto& feed : to_end) feed->end();
  for (const auto& camera : ended) {
    log_->info("{}: nothing to send for {} s; its viewers are disconnected", camera, kIdleEnd.count());
  }
  closeClients(to_close);
}

void RestreamServer::Impl::closeClients(const std::vector<ViewerBook::ViewerId>& ids) {
  std::vector<GstRTSPClient*> clients;
  {
    std::lock_guard lock(mutex_);
    for (auto id : ids) {
      auto* client = reinterpret_cast<GstRTSPClient*>(id);
      if (clients_.count(client)) clients.push_back(GST_RTSP_CLIENT(g_object_ref(client)));
    }
  }
  for (auto* client : clients) {
    gst_rtsp_client_close(client);
    g_object_unref(client);
  }
}

RestreamStats RestreamServer::Impl::stats() const {
  RestreamStats out;
  std::lock_guard lock(mutex_);
  out.listening = listening_;
  out.address = fmt::format("{}:{}", config_.host, port_);
  const auto r = rates();
  out.outgoing_bits_per_second = book_.outgoing(r);
  for (const auto& [id, camera] : cameras_) {
    RestreamCameraStats s;
    s.camera = id;
    s.viewers = book_.viewers(id);
    s.connects = camera.connects;
    s.disconnects = camera.disconnects;
    s.refusals = camera.refusals;
    s.units_dropped = camera.dropped_before;
    for (const auto& [m, entry] : media_) {
      if (entry.camera == id) s.units_dropped += entry.feed->dropped();
    }
    s.bits_per_second = r.at(id);
    out.cameras.push_back(std::move(s));
  }
  return out;
}

}  // namespace villagecam::relay
