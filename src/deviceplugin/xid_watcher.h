// XidWatcher: the device plugin's health check, an NVML event set registered for Xid critical
// errors on every GPU (nvmlEventSetCreate, nvmlDeviceRegisterEvents, nvmlEventSetWait_v2), as
// NVIDIA's plugin does (ecosystem.md §2.3). The _v2 wait says which MIG device an event belongs to.
//
// Thread-safety: one thread waits; the library must outlive the watcher.
#ifndef MIGKIT_DEVICEPLUGIN_XID_WATCHER_H_
#define MIGKIT_DEVICEPLUGIN_XID_WATCHER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "nvml_client/nvml_library.h"

namespace migkit {

struct XidEvent {
  int gpu = 0;
  int gi_id = -1;  // the MIG device's GI and CI, -1 when the event is the whole GPU's
  int ci_id = -1;
  std::uint64_t xid = 0;
};

class XidWatcher {
 public:
  XidWatcher(const XidWatcher&) = delete;
  XidWatcher& operator=(const XidWatcher&) = delete;
  ~XidWatcher();

  /// Registers for Xid events on every GPU of `nvml`. kNotSupported when the library has no
  /// event functions; NVML's error otherwise.
  static StatusOr<std::unique_ptr<XidWatcher>> Open(const nvml_client::NvmlLibrary* nvml);

  /// Waits up to `timeout_ms` for the first event, then takes every event already queued.
  /// Empty when none came.
  StatusOr<std::vector<XidEvent>> Wait(unsigned int timeout_ms);

 private:
  explicit XidWatcher(const nvml_client::NvmlLibrary* nvml) : nvml_(nvml) {}

  const nvml_client::NvmlLibrary* nvml_;
  nvmlEventSet_t set_ = nullptr;
  std::vector<nvmlDevice_t> devices_;  // by GPU index, to map an event's device back
};

}  // namespace migkit

#endif  // MIGKIT_DEVICEPLUGIN_XID_WATCHER_H_
