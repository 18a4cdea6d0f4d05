// The device plugin: one gRPC endpoint per resource (resources.h) in kubelet's device-plugin
// directory, registered with kubelet's Registration service (api.proto).
//
// The loop polls the backend (a snapshot is cheap: the emulator revalidates with one stat(), NVML
// answers from the driver) and waits for NVML Xid events in between:
//   * a layout change re-sends ListAndWatch with the new devices (no plugin restart) and rewrites
//     the CDI spec when a CDI directory is given;
//   * an Xid on a MIG device marks exactly that device Unhealthy (on a whole GPU, its devices);
//     it stays so until the device is gone;
//   * a new resource gets an endpoint and is registered;
//   * when kubelet.sock is recreated (kubelet restarted and removed every plugin socket) every
//     endpoint is started again and registered again.
#ifndef MIGKIT_DEVICEPLUGIN_PLUGIN_SERVER_H_
#define MIGKIT_DEVICEPLUGIN_PLUGIN_SERVER_H_

#include <atomic>
#include <functional>
#include <string>

#include "backend/backend.h"
#include "core/status.h"
#include "deviceplugin/resources.h"
#include "deviceplugin/xid_watcher.h"

namespace migkit {

struct DevicePluginConfig {
  MigStrategy strategy = MigStrategy::kMixed;
  std::string kubelet_dir = "/var/lib/kubelet/device-plugins";  // holds kubelet.sock
  std::string cdi_dir;  // where to keep the CDI spec current; "" for none
  int poll_ms = 1000;   // how often to look at the layout
};

/// Runs the plugin until `*stop` is true (checked every poll). `xid` may be null (no health
/// check). `log` receives one line per event worth telling an operator. Returns an error only
/// for what cannot be retried (an unwritable kubelet directory).
Status RunDevicePlugin(Backend* backend, XidWatcher* xid, const DevicePluginConfig& config,
                       const std::atomic<bool>* stop,
                       const std::function<void(const std::string&)>& log);

/// The endpoint socket's file name of `resource`: "migkit-nvidia.com-mig-1g.10gb.sock".
std::string EndpointFileName(const std::string& resource);

}  // namespace migkit

#endif  // MIGKIT_DEVICEPLUGIN_PLUGIN_SERVER_H_
