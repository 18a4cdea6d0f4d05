#include "deviceplugin/plugin_server.h"

#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "api.grpc.pb.h"
#include "deviceplugin/cdi_spec.h"
#include "deviceplugin/preferred_allocation.h"
#include "env/env.h"

namespace migkit {
namespace {

constexpr char kApiVersion[] = "v1beta1";
constexpr char kHealthy[] = "Healthy";
constexpr char kUnhealthy[] = "Unhealthy";
// How often a ListAndWatch stream notices that kubelet went away or the plugin is stopping.
constexpr auto kStreamCheck = std::chrono::milliseconds(200);

// What every endpoint serves: the devices of each resource and the unhealthy ones. Written by the
// plugin loop, read by the gRPC threads.
class DeviceTable {
 public:
  void Set(std::map<std::string, std::vector<PluginDevice>> devices) {
    std::lock_guard<std::mutex> lock(mu_);
    if (devices == devices_) return;
    devices_ = std::move(devices);
    // An unhealthy device that is gone is forgotten: a new instance gets a new UUID.
    std::set<std::string> present;
    for (const auto& [resource, list] : devices_) {
      for (const PluginDevice& d : list) present.insert(d.id);
    }
    std::erase_if(unhealthy_, [&](const std::string& id) { return present.count(id) == 0; });
    changed_.notify_all();
  }

  /// Marks the devices an Xid hit; the IDs marked, for the log.
  std::vector<std::string> MarkUnhealthy(const XidEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> marked;
    for (const auto& [resource, list] : devices_) {
      for (const PluginDevice& d : list) {
        const bool hit =
            d.gpu == e.gpu && (e.gi_id < 0 || (d.gi_id == e.gi_id && d.ci_id == e.ci_id));
        if (hit && unhealthy_.insert(d.id).second) marked.push_back(d.id);
      }
    }
    if (!marked.empty()) changed_.notify_all();
    return marked;
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }

  std::vector<PluginDevice> Devices(const std::string& resource) const {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = devices_.find(resource);
    return it == devices_.end() ? std::vector<PluginDevice>() : it->second;
  }

  /// The ListAndWatch message of `resource`.
  v1beta1::ListAndWatchResponse Response(const std::string& resource) const {
    std::lock_guard<std::mutex> lock(mu_);
    return ResponseLocked(resource);
  }

  /// Waits until the message of `resource` differs from `*last` (then replaces it and returns
  /// true), or until `keep_waiting` says no or the plugin stops (false).
  bool WaitForChange(const std::string& resource, std::string* last,
                     const std::function<bool()>& keep_waiting,
                     v1beta1::ListAndWatchResponse* out) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (stopping_ || !keep_waiting()) return false;
      *out = ResponseLocked(resource);
      std::string bytes;
      out->SerializeToString(&bytes);
      if (bytes != *last) {
        *last = std::move(bytes);
        return true;
      }
      changed_.wait_for(lock, kStreamCheck);
    }
  }

 private:
  v1beta1::ListAndWatchResponse ResponseLocked(const std::string& resource) const {
    v1beta1::ListAndWatchResponse response;
    const auto it = devices_.find(resource);
    if (it == devices_.end()) return response;
    for (const PluginDevice& d : it->second) {
      v1beta1::Device* device = response.add_devices();
      device->set_id(d.id);
      device->set_health(unhealthy_.count(d.id) != 0 ? kUnhealthy : kHealthy);
    }
    return response;
  }

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<PluginDevice>> devices_;
  std::set<std::string> unhealthy_;
  bool stopping_ = false;
};

class ResourceService final : public v1beta1::DevicePlugin::Service {
 public:
  ResourceService(std::string resource, DeviceTable* table)
      : resource_(std::move(resource)), table_(table) {}

  grpc::Status GetDevicePluginOptions(grpc::ServerContext*, const v1beta1::Empty*,
                                      v1beta1::DevicePluginOptions* options) override {
    options->set_get_preferred_allocation_available(true);
    return grpc::Status::OK;
  }

  grpc::Status ListAndWatch(grpc::ServerContext* ctx, const v1beta1::Empty*,
                            grpc::ServerWriter<v1beta1::ListAndWatchResponse>* writer) override {
    std::string last = "\x01";  // differs from every serialized message, even the empty one
    v1beta1::ListAndWatchResponse response;
    while (table_->WaitForChange(
        resource_, &last, [ctx] { return !ctx->IsCancelled(); }, &response)) {
      if (!writer->Write(response)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status GetPreferredAllocation(grpc::ServerContext*,
                                      const v1beta1::PreferredAllocationRequest* request,
                                      v1beta1::PreferredAllocationResponse* response) override {
    const std::vector<PluginDevice> devices = table_->Devices(resource_);
    for (const auto& container : request->container_requests()) {
      const std::vector<std::string> ids = PreferredAllocation(
          devices, {container.available_deviceids().begin(), container.available_deviceids().end()},
          {container.must_include_deviceids().begin(), container.must_include_deviceids().end()},
          container.allocation_size());
      auto* out = response->add_container_responses();
      for (const std::string& id : ids) out->add_deviceids(id);
    }
    return grpc::Status::OK;
  }

  grpc::Status Allocate(grpc::ServerContext*, const v1beta1::AllocateRequest* request,
                        v1beta1::AllocateResponse* response) override {
    const std::vector<PluginDevice> devices = table_->Devices(resource_);
    for (const auto& container : request->container_requests()) {
      StatusOr<std::vector<PluginDevice>> found =
          FindDevices(devices, {container.devices_ids().begin(), container.devices_ids().end()});
      if (!found.ok()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            resource_ + ": " + found.status().message());
      }
      auto* out = response->add_container_responses();
      std::string visible;
      for (const PluginDevice& d : *found) {
        visible += (visible.empty() ? "" : ",") + d.id;
        out->add_cdi_devices()->set_name(QualifiedCdiName(d.id));
      }
      (*out->mutable_envs())["NVIDIA_VISIBLE_DEVICES"] = visible;
    }
    return grpc::Status::OK;
  }

  grpc::Status PreStartContainer(grpc::ServerContext*, const v1beta1::PreStartContainerRequest*,
                                 v1beta1::PreStartContainerResponse*) override {
    return grpc::Status::OK;
  }

 private:
  const std::string resource_;
  DeviceTable* table_;
};

// One resource's socket and server.
struct Endpoint {
  std::unique_ptr<ResourceService> service;
  std::unique_ptr<grpc::Server> server;
  bool registered = false;
};

std::string SocketAddress(const std::string& path) { return "unix:" + path; }

// The identity of kubelet.sock, to notice that kubelet created it again: its inode and change
// time (a new file may reuse the inode number of the one just removed); all 0 when absent.
struct FileIdentity {
  ino_t inode = 0;
  std::int64_t ctime_ns = 0;
  bool exists() const { return inode != 0; }
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

FileIdentity IdentityOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_ino, std::int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec};
}

Status StartEndpoint(const std::string& path, Endpoint* endpoint) {
  ::unlink(path.c_str());  // a socket left by an earlier run would make the bind fail
  grpc::ServerBuilder builder;
  builder.AddListeningPort(SocketAddress(path), grpc::InsecureServerCredentials());
  builder.RegisterService(endpoint->service.get());
  endpoint->server = builder.BuildAndStart();
  if (endpoint->server == nullptr) return Status::IoError("cannot listen on " + path);
  endpoint->registered = false;
  return Status::Ok();
}

void StopEndpoint(Endpoint* endpoint) {
  if (endpoint->server == nullptr) return;
  endpoint->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  endpoint->server.reset();
}

Status Register(const std::string& kubelet_socket, const std::string& resource) {
  auto channel =
      grpc::CreateChannel(SocketAddress(kubelet_socket), grpc::InsecureChannelCredentials());
  auto stub = v1beta1::Registration::NewStub(channel);
  v1beta1::RegisterRequest request;
  request.set_version(kApiVersion);
  request.set_endpoint(EndpointFileName(resource));
  request.set_resource_name(resource);
  request.mutable_options()->set_get_preferred_allocation_available(true);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1beta1::Empty empty;
  const grpc::Status s = stub->Register(&ctx, request, &empty);
  if (!s.ok()) {
    return Status::Unknown("registering " + resource + " at " + kubelet_socket + ": " +
                           s.error_message());
  }
  return Status::Ok();
}

}  // namespace

std::string EndpointFileName(const std::string& resource) {
  std::string name = "migkit-" + resource + ".sock";
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  return name;
}

Status RunDevicePlugin(Backend* backend, XidWatcher* xid, const DevicePluginConfig& config,
                       const std::atomic<bool>* stop,
                       const std::function<void(const std::string&)>& log) {
  const std::string kubelet_socket = config.kubelet_dir + "/kubelet.sock";
  DeviceTable table;
  std::map<std::string, Endpoint> endpoints;
  FileIdentity kubelet_identity = IdentityOf(kubelet_socket);
  std::string cdi_written;
  std::string last_problem;
  const auto tell_once = [&](const std::string& problem) {
    if (problem != last_problem) log(problem);
    last_problem = problem;
  };
  Status result = Status::Ok();
  while (!stop->load()) {
    StatusOr<std::vector<GpuInfo>> gpus = backend->Gpus();
    if (gpus.ok()) {
      StatusOr<std::map<std::string, std::vector<PluginDevice>>> devices =
          DevicesByResource(*gpus, config.strategy);
      if (!devices.ok()) tell_once("not advertising devices: " + devices.status().message());
      std::map<std::string, std::vector<PluginDevice>> current;
      if (devices.ok()) current = std::move(devices).value();
      table.Set(current);
      for (const auto& [resource, list] : current) {
        if (endpoints.count(resource) != 0) continue;
        Endpoint& e = endpoints[resource];
        e.service = std::make_unique<ResourceService>(resource, &table);
        const Status s = StartEndpoint(config.kubelet_dir + "/" + EndpointFileName(resource), &e);
        if (!s.ok()) {
          result = s;
          break;
        }
      }
      if (!result.ok()) break;
      if (!config.cdi_dir.empty()) {
        const std::string spec = CdiSpecJson(*gpus);
        if (spec != cdi_written) {
          Env* env = Env::Default();
          Status s = env->CreateDirs(config.cdi_dir);
          if (s.ok()) s = env->WriteFileAtomic(config.cdi_dir + "/" + kCdiSpecFileName, spec);
          if (s.ok()) cdi_written = spec;
          if (!s.ok()) tell_once("cannot write the CDI spec: " + s.ToString());
        }
      }
    } else {
      tell_once("cannot read the GPUs: " + gpus.status().ToString());
    }
    // kubelet removes every plugin socket when it starts: serve again, then register again.
    const FileIdentity identity = IdentityOf(kubelet_socket);
    if (!(identity == kubelet_identity)) {
      kubelet_identity = identity;
      if (identity.exists()) {
        log("kubelet.sock was created again: restarting the endpoints and registering again");
        for (auto& [resource, e] : endpoints) {
          StopEndpoint(&e);
          const Status s = StartEndpoint(config.kubelet_dir + "/" + EndpointFileName(resource), &e);
          if (!s.ok()) result = s;
        }
        if (!result.ok()) break;
      }
    }
    for (auto& [resource, e] : endpoints) {
      if (e.registered || !kubelet_identity.exists()) continue;
      const Status s = Register(kubelet_socket, resource);
      e.registered = s.ok();
      if (s.ok()) log("registered " + resource + " as " + EndpointFileName(resource));
      if (!s.ok()) tell_once(s.message());
    }
    if (xid == nullptr) {
      std::this_thread::sleep_for(std::chrono::milliseconds(config.poll_ms));
      continue;
    }
    StatusOr<std::vector<XidEvent>> events = xid->Wait(static_cast<unsigned int>(config.poll_ms));
    if (!events.ok()) {
      tell_once("waiting for Xid events: " + events.status().ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(config.poll_ms));
      continue;
    }
    for (const XidEvent& e : *events) {
      for (const std::string& id : table.MarkUnhealthy(e)) {
        log("Xid " + std::to_string(e.xid) + " on GPU " + std::to_string(e.gpu) + ": " + id +
            " is Unhealthy");
      }
    }
  }
  table.Stop();
  for (auto& [resource, e] : endpoints) {
    StopEndpoint(&e);
    ::unlink((config.kubelet_dir + "/" + EndpointFileName(resource)).c_str());
  }
  return result;
}

}  // namespace migkit
