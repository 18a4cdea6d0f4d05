#include "deviceplugin/xid_watcher.h"

namespace migkit {
namespace {

constexpr unsigned int kNoInstance = 0xFFFFFFFFu;

}  // namespace

XidWatcher::~XidWatcher() {
  if (set_ != nullptr) nvml_->fn().event_set_free(set_);
}

StatusOr<std::unique_ptr<XidWatcher>> XidWatcher::Open(const nvml_client::NvmlLibrary* nvml) {
  const nvml_client::NvmlFunctions& fn = nvml->fn();
  if (fn.event_set_create == nullptr || fn.device_register_events == nullptr ||
      fn.event_set_wait == nullptr || fn.event_set_free == nullptr) {
    return Status::NotSupported(nvml->path() +
                                " has no NVML event functions (nvmlEventSetWait_v2)");
  }
  std::unique_ptr<XidWatcher> watcher(new XidWatcher(nvml));
  MIGKIT_RETURN_IF_ERROR(nvml->Check(fn.event_set_create(&watcher->set_), "nvmlEventSetCreate"));
  unsigned int count = 0;
  MIGKIT_RETURN_IF_ERROR(nvml->Check(fn.device_get_count(&count), "nvmlDeviceGetCount"));
  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t device = nullptr;
    MIGKIT_RETURN_IF_ERROR(
        nvml->Check(fn.device_get_handle_by_index(i, &device), "nvmlDeviceGetHandleByIndex"));
    MIGKIT_RETURN_IF_ERROR(
        nvml->Check(fn.device_register_events(device, nvmlEventTypeXidCriticalError, watcher->set_),
                    "nvmlDeviceRegisterEvents"));
    watcher->devices_.push_back(device);
  }
  return watcher;
}

StatusOr<std::vector<XidEvent>> XidWatcher::Wait(unsigned int timeout_ms) {
  std::vector<XidEvent> events;
  for (;;) {
    nvmlEventData_t data{};
    const nvmlReturn_t r = nvml_->fn().event_set_wait(set_, &data, events.empty() ? timeout_ms : 0);
    if (r == NVML_ERROR_TIMEOUT) return events;
    MIGKIT_RETURN_IF_ERROR(nvml_->Check(r, "nvmlEventSetWait_v2"));
    if (data.eventType != nvmlEventTypeXidCriticalError) continue;
    XidEvent e;
    e.gpu = -1;
    for (size_t i = 0; i < devices_.size(); ++i) {
      if (devices_[i] == data.device) e.gpu = static_cast<int>(i);
    }
    if (e.gpu < 0) continue;
    if (data.gpuInstanceId != kNoInstance) {
      e.gi_id = static_cast<int>(data.gpuInstanceId);
      e.ci_id = static_cast<int>(data.computeInstanceId);
    }
    e.xid = data.eventData;
    events.push_back(e);
  }
}

}  // namespace migkit
