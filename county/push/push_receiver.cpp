#include "push/push_receiver.hpp"

#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

#include <algorithm>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "ingest/gst_ptr.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::county {
namespace {

using gst::ContextPtr;
using gst::GObjectPtr;
using gst::LoopPtr;
using gst::SourcePtr;

constexpr const char* kPathKey = "villagecam-push-path";
constexpr const char* kUserField = "villagecam.node";
constexpr guint kClientThreads = 8;

// The pushed RTP is only unpacked and cut into segments: never decoded.
constexpr const char* kLaunch =
    "( rtph264depay name=depay0 ! h264parse config-interval=-1 ! hlssink2 name=hls send-keyframe-requests=false )";

// A clip: unpacked and written into an MP4 as it comes (mp4mux is told the
// end by the EOS the media gets when the push ends: eos-shutdown).
constexpr const char* kClipLaunch =
    "( rtph264depay name=depay0 ! h264parse ! mp4mux name=mux faststart=true ! filesink name=file async=false )";

bool validId(const std::string& id) {
  static const std::regex pattern("[a-z0-9][a-z0-9_-]{0,63}");
  return std::regex_match(id, pattern);
}

std::string pathOfContext(const GstRTSPContext* ctx) {
  if (!ctx || !ctx->uri || !ctx->uri->abspath) return {};
  return ctx->uri->abspath;
}

}  // namespace

struct PushReceiver::Impl {
  Impl(PushReceiverOptions o, std::map<std::string, std::string> passwords)
      : options(std::move(o)), passwords(std::move(passwords)), log(logger("county.push")) {}

  struct Path {
    std::string node, camera;
    std::uint64_t generation = 0;  // each opening of a path has a folder of its own
    GstRTSPMediaFactory* factory = nullptr;  // the mount points hold it
    PushState state;
    std::optional<std::filesystem::path> clip_file;  // a clip's path: where it is written
  };

  PushReceiverOptions options;
  std::map<std::string, std::string> passwords;
  std::shared_ptr<spdlog::logger> log;

  ContextPtr context;
  LoopPtr loop;
  GObjectPtr<GstRTSPServer> server;
  GObjectPtr<GstRTSPMountPoints> mounts;
  SourcePtr server_source, session_source;
  std::thread thread;

  mutable std::mutex mutex;  // paths and clients
  std::map<std::string, Path> paths;
  std::map<GstRTSPClient*, std::string> clients;  // each client (referenced) and the path it recorded into
  // Closed paths whose push is still winding down: their folder goes when
  // its media has stopped writing (unprepared), keyed by that folder.
  std::map<std::string, std::filesystem::path> closing;
  std::uint64_t generations = 0;

  // Where a path's pushes go: a live path's folder, a clip's file (and the key of either).
  std::filesystem::path dirOf(const Path& p) const {
    if (p.clip_file) return *p.clip_file;
    return options.hls_dir / p.node / p.camera / std::to_string(p.generation);
  }
  void removeOutput(const Path& p) const {
    if (!p.clip_file) removeFolder(dirOf(p));
  }
  static void removeFolder(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::remove(dir.parent_path(), ec);  // the camera's, if no other opening has one
  }

  static void onClientConnected(GstRTSPServer*, GstRTSPClient* client, gpointer self);
  static void onClientClosed(GstRTSPClient* client, gpointer self);
  static void onAnnounce(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self);
  static void onMediaConfigure(GstRTSPMediaFactory* factory, GstRTSPMedia* media, gpointer self);
  static void onMediaUnprepared(GstRTSPMedia* media, gpointer self);
};

std::string PushReceiver::pathOf(const std::string& node, const std::string& camera) {
  return "/" + node + "/" + camera;
}

PushReceiver::PushReceiver(PushReceiverOptions options, std::map<std::string, std::string> node_passwords)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(node_passwords))) {}

PushReceiver::~PushReceiver() { stop(); }

int PushReceiver::start() {
  auto& i = *impl_;
  gst::ensureInitialised();
  i.context.reset(g_main_context_new());
  i.loop.reset(g_main_loop_new(i.context.get(), FALSE));
  i.server.reset(gst_rtsp_server_new());
  gst_rtsp_server_set_address(i.server.get(), i.options.host == "[::1]" ? "::1" : i.options.host.c_str());
  gst_rtsp_server_set_service(i.server.get(), std::to_string(i.options.port).c_str());
  {
    GObjectPtr<GstRTSPThreadPool> pool(gst_rtsp_server_get_thread_pool(i.server.get()));
    gst_rtsp_thread_pool_set_max_threads(pool.get(), kClientThreads);
  }
  // Every request needs a node's credential; its token names the node.
  GObjectPtr<GstRTSPAuth> auth(gst_rtsp_auth_new());
  gst_rtsp_auth_set_supported_methods(auth.get(), GST_RTSP_AUTH_DIGEST);
  gst_rtsp_auth_set_realm(auth.get(), "villagecam-county");
  for (const auto& [node, password] : i.passwords) {
    GstRTSPToken* token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING, node.c_str(),
                                             kUserField, G_TYPE_STRING, node.c_str(), nullptr);
    gst_rtsp_auth_add_digest(auth.get(), node.c_str(), password.c_str(), token);
    gst_rtsp_token_unref(token);
  }
  gst_rtsp_server_set_auth(i.server.get(), auth.get());
  i.mounts.reset(gst_rtsp_server_get_mount_points(i.server.get()));
  g_signal_connect(i.server.get(), "client-connected", G_CALLBACK(&Impl::onClientConnected), &i);

  GError* raw_error = nullptr;  // GStreamer 1.22 dereferences it when the bind fails
  i.server_source.reset(gst_rtsp_server_create_source(i.server.get(), nullptr, &raw_error));
  const gst::ErrorPtr error(raw_error);
  if (!i.server_source) {
    const std::string address = fmt::format("{}:{}", i.options.host, i.options.port);
    const std::string why = error && error->message ? error->message : "in use, or not an address of this box";
    stop();
    throw std::runtime_error("live video: cannot listen for nodes' pushes on " + address + " (" + why + ")");
  }
  g_source_attach(i.server_source.get(), i.context.get());
  {
    GObjectPtr<GstRTSPSessionPool> pool(gst_rtsp_server_get_session_pool(i.server.get()));
    i.session_source.reset(gst_rtsp_session_pool_create_watch(pool.get()));
    GstRTSPSessionPoolFunc cleanup = +[](GstRTSPSessionPool* p, gpointer) -> gboolean {
      gst_rtsp_session_pool_cleanup(p);
      return G_SOURCE_CONTINUE;
    };
    g_source_set_callback(i.session_source.get(), reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(cleanup)),
                          nullptr, nullptr);
    g_source_attach(i.session_source.get(), i.context.get());
  }
  i.thread = std::thread([&i] {
    g_main_context_push_thread_default(i.context.get());
    g_main_loop_run(i.loop.get());
    g_main_context_pop_thread_default(i.context.get());
  });
  return gst_rtsp_server_get_bound_port(i.server.get());
}

void PushReceiver::stop() {
  auto& i = *impl_;
  if (!i.server) return;
  gst_rtsp_server_client_filter(
      i.server.get(), +[](GstRTSPServer*, GstRTSPClient*, gpointer) { return GST_RTSP_FILTER_REMOVE; }, nullptr);
  if (i.thread.joinable()) {
    gst::quitLoop(i.context.get(), i.loop.get());
    i.thread.join();
  }
  i.session_source.reset();
  i.server_source.reset();
  std::map<GstRTSPClient*, std::string> clients;
  std::map<std::string, Impl::Path> paths;
  std::map<std::string, std::filesystem::path> closing;
  {
    std::lock_guard lock(i.mutex);
    clients.swap(i.clients);
    paths.swap(i.paths);
    closing.swap(i.closing);
  }
  for (auto& [client, path] : clients) {
    g_signal_handlers_disconnect_by_data(client, &i);
    g_object_unref(client);
  }
  for (auto& [path, p] : paths) {
    g_signal_handlers_disconnect_by_data(p.factory, &i);
    gst_rtsp_mount_points_remove_factory(i.mounts.get(), path.c_str());
    i.removeOutput(p);
  }
  for (const auto& [key, dir] : closing) Impl::removeFolder(dir);
  i.mounts.reset();
  i.server.reset();
  i.loop.reset();
  i.context.reset();
}

std::string PushReceiver::clipPathOf(const std::string& node, const std::string& clip) {
  return "/" + node + "/clips/" + clip;
}

void PushReceiver::expect(const std::string& node, const std::string& camera) {
  if (!validId(node) || !validId(camera)) throw std::invalid_argument("live video: not a node or camera id");
  open(pathOf(node, camera), node, camera, /*clip=*/false, {});
}

void PushReceiver::expectClip(const std::string& node, const std::string& clip, const std::filesystem::path& file) {
  if (!validId(node) || !validId(clip)) throw std::invalid_argument("clips: not a node or clip id");
  open(clipPathOf(node, clip), node, clip, /*clip=*/true, file);
}

void PushReceiver::open(const std::string& path, const std::string& node, const std::string& label, bool clip,
                        const std::filesystem::path& target) {
  auto& i = *impl_;
  std::lock_guard lock(i.mutex);
  if (i.paths.count(path)) return;
  if (!i.mounts) throw std::logic_error("live video: the receiver is not started");
  Impl::Path p{node, label, ++i.generations, gst_rtsp_media_factory_new(), {}, {}};
  if (clip) {
    p.clip_file = target;
    std::filesystem::create_directories(target.parent_path());
  } else {
    std::filesystem::create_directories(i.dirOf(p));
    p.state.playlist = i.dirOf(p) / "index.m3u8";
  }
  gst_rtsp_media_factory_set_transport_mode(p.factory, GST_RTSP_TRANSPORT_MODE_RECORD);
  gst_rtsp_media_factory_set_launch(p.factory, clip ? kClipLaunch : kLaunch);
  gst_rtsp_media_factory_set_protocols(p.factory, GST_RTSP_LOWER_TRANS_TCP);  // one outbound TCP connection
  gst_rtsp_media_factory_set_shared(p.factory, FALSE);
  if (clip) gst_rtsp_media_factory_set_eos_shutdown(p.factory, TRUE);  // the MP4 is closed, not cut off
  GstRTSPPermissions* permissions = gst_rtsp_permissions_new();
  gst_rtsp_permissions_add_role(permissions, node.c_str(), GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
                                GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, nullptr);
  gst_rtsp_media_factory_set_permissions(p.factory, permissions);
  gst_rtsp_permissions_unref(permissions);
  g_object_set_data_full(G_OBJECT(p.factory), kPathKey, g_strdup(i.dirOf(p).c_str()), g_free);
  g_signal_connect(p.factory, "media-configure", G_CALLBACK(&Impl::onMediaConfigure), &i);
  gst_rtsp_mount_points_add_factory(i.mounts.get(), path.c_str(), p.factory);  // takes the reference
  i.paths.emplace(path, std::move(p));
  i.log->info("{}: expecting {}'s push of {}", clip ? "clips" : "live video", node, label);
}

void PushReceiver::close(const std::string& node, const std::string& camera) { closePath(pathOf(node, camera)); }

void PushReceiver::closeClip(const std::string& node, const std::string& clip) { closePath(clipPathOf(node, clip)); }

void PushReceiver::closePath(const std::string& path) {
  auto& i = *impl_;
  std::vector<GObjectPtr<GstRTSPClient>> pushing;
  std::optional<Impl::Path> gone;
  {
    std::lock_guard lock(i.mutex);
    const auto it = i.paths.find(path);
    if (it == i.paths.end()) return;
    gone = std::move(it->second);
    i.paths.erase(it);
    for (const auto& [client, recorded] : i.clients) {
      if (recorded == path) pushing.emplace_back(GST_RTSP_CLIENT(g_object_ref(client)));
    }
    if (gone->state.receiving && !gone->clip_file) i.closing.emplace(i.dirOf(*gone).string(), i.dirOf(*gone));
  }
  g_signal_handlers_disconnect_by_data(gone->factory, &i);
  gst_rtsp_mount_points_remove_factory(i.mounts.get(), path.c_str());
  for (auto& client : pushing) gst_rtsp_client_close(client.get());
  if (!gone->state.receiving) i.removeOutput(*gone);
  i.log->info("{}: {}'s push of {} closed", gone->clip_file ? "clips" : "live video", gone->node, gone->camera);
}

std::optional<PushState> PushReceiver::clipState(const std::string& node, const std::string& clip) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->paths.find(clipPathOf(node, clip));
  if (it == impl_->paths.end()) return std::nullopt;
  return it->second.state;
}

std::optional<PushState> PushReceiver::state(const std::string& node, const std::string& camera) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->paths.find(pathOf(node, camera));
  if (it == impl_->paths.end()) return std::nullopt;
  return it->second.state;
}

void PushReceiver::Impl::onClientConnected(GstRTSPServer*, GstRTSPClient* client, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  {
    std::lock_guard lock(impl->mutex);
    impl->clients.emplace(GST_RTSP_CLIENT(g_object_ref(client)), std::string());
  }
  g_signal_connect(client, "closed", G_CALLBACK(&Impl::onClientClosed), self);
  g_signal_connect(client, "announce-request", G_CALLBACK(&Impl::onAnnounce), self);
}

void PushReceiver::Impl::onClientClosed(GstRTSPClient* client, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  {
    std::lock_guard lock(impl->mutex);
    if (impl->clients.erase(client) == 0) return;
  }
  g_signal_handlers_disconnect_by_data(client, self);
  g_object_unref(client);
}

// An ANNOUNCE that got through (credentials and the path's role hold): the
// client records into that path.
void PushReceiver::Impl::onAnnounce(GstRTSPClient* client, GstRTSPContext* ctx, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  const std::string path = pathOfContext(ctx);
  std::lock_guard lock(impl->mutex);
  if (auto it = impl->clients.find(client); it != impl->clients.end()) it->second = path;
}

// A push begins: its segments go to the path's folder.
void PushReceiver::Impl::onMediaConfigure(GstRTSPMediaFactory* factory, GstRTSPMedia* media, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  const auto* folder = static_cast<const char*>(g_object_get_data(G_OBJECT(factory), kPathKey));
  if (!folder) return;
  const std::filesystem::path dir = folder;
  std::string path;
  {
    std::lock_guard lock(impl->mutex);
    const auto it = std::find_if(impl->paths.begin(), impl->paths.end(),
                                 [&](const auto& entry) { return impl->dirOf(entry.second) == dir; });
    if (it == impl->paths.end()) return;
    path = it->first;
    it->second.state.receiving = true;
    ++it->second.state.pushes;
  }
  gst::ElementPtr bin(gst_rtsp_media_get_element(media));
  gst::ElementPtr hls(bin ? gst_bin_get_by_name(GST_BIN(bin.get()), "hls") : nullptr);
  gst::ElementPtr file(bin ? gst_bin_get_by_name(GST_BIN(bin.get()), "file") : nullptr);
  if (file) g_object_set(file.get(), "location", dir.c_str(), nullptr);
  if (hls) {
    const auto o = impl->options;
    g_object_set(hls.get(), "location", (dir / "segment%05d.ts").c_str(), "playlist-location",
                 (dir / "index.m3u8").c_str(), "target-duration", static_cast<guint>(o.segment_seconds),
                 "playlist-length", static_cast<guint>(o.playlist_segments), "max-files",
                 static_cast<guint>(o.playlist_segments + 4), nullptr);
  }
  g_object_set_data_full(G_OBJECT(media), kPathKey, g_strdup(folder), g_free);
  g_signal_connect(media, "unprepared", G_CALLBACK(&Impl::onMediaUnprepared), self);
  impl->log->info("live video: receiving {}", forLog(path, 160));
}

void PushReceiver::Impl::onMediaUnprepared(GstRTSPMedia* media, gpointer self) {
  auto* impl = static_cast<Impl*>(self);
  const auto* folder = static_cast<const char*>(g_object_get_data(G_OBJECT(media), kPathKey));
  if (!folder) return;
  const std::filesystem::path dir = folder;
  bool closed = false;
  std::string path;
  {
    std::lock_guard lock(impl->mutex);
    for (auto& [p, entry] : impl->paths) {
      if (impl->dirOf(entry) == dir) entry.state.receiving = false, entry.state.finished = true, path = p;
    }
    closed = impl->closing.erase(dir.string()) > 0;
  }
  if (closed) removeFolder(dir);  // written to the last: now it goes
  impl->log->info("live video: a push {}", path.empty() ? "of a closed path ended" : "into " + forLog(path, 160) + " ended");
}

}  // namespace villagecam::county
