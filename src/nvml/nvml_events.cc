// NVML entry points: event sets (the device plugin's health check, mig-facts.md §6.1).
//
// Events come from the node's shared event log (emu/event_log.h), which `migctl emulator fault
// xid` appends to, so an event reaches every process waiting on a set registered for it. A set
// sees the events after its registration: registering drains what the set's earlier
// registrations already wanted, then moves the set's position to the end of the log.
// nvmlEventSetWait polls the log's size every millisecond or two without holding the library
// lock between polls (other threads keep calling), until an event or the timeout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "nvml/library.h"

namespace migkit::nvml {

nvmlEventSet_t Library::NewEventSet() {
  auto set = std::make_unique<nvmlEventSet_st>();
  nvmlEventSet_t handle = set.get();
  event_sets_[handle] = std::move(set);
  return handle;
}

namespace {

// The types an emulated GPU reports: Xid errors and both ECC kinds, the ones the device plugin
// asks for. UNCONFIRMED: a real H100/A100 also reports PState and Clock events (never raised here).
constexpr unsigned long long kSupportedEvents =
    nvmlEventTypeSingleBitEccError | nvmlEventTypeDoubleBitEccError | nvmlEventTypeXidCriticalError;

// The event log stores NVML's type bits as they are.
static_assert(kEventSingleBitEccError == nvmlEventTypeSingleBitEccError);
static_assert(kEventDoubleBitEccError == nvmlEventTypeDoubleBitEccError);
static_assert(kEventXidCriticalError == nvmlEventTypeXidCriticalError);

constexpr unsigned int kNoInstance = 0xFFFFFFFFu;

std::string Hex(unsigned long long v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llX", v);
  return buf;
}

// Moves the log's new events that `set` registered for into its queue.
Status Poll(Call& call, nvmlEventSet_st& set) {
  if (!set.reading) return Status::Ok();
  std::vector<HardwareEvent> events;
  const Status s = ReadEvents(call.lib().node().state_dir(), &set.offset, &events);
  if (!s.ok()) return s;
  for (const HardwareEvent& e : events) {
    for (const nvmlEventSet_st::Registration& r : set.registrations) {
      if (r.gpu == e.gpu && (r.types & e.type) != 0) {
        set.pending.push_back(e);
        break;
      }
    }
  }
  return Status::Ok();
}

StatusOr<nvmlEventSet_st*> EventSet(Call& call, nvmlEventSet_t set) {
  if (!call.lib().Owns(set)) {
    return Status::InvalidArgument("set is not an event set from nvmlEventSetCreate");
  }
  return set;
}

nvmlReturn_t Wait(const char* function, nvmlEventSet_t set, nvmlEventData_t* data,
                  unsigned int timeoutms, bool v2) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeoutms);
  for (;;) {
    bool delivered = false;
    const nvmlReturn_t r = RunCall(function, [&](Call& call) -> Status {
      StatusOr<nvmlEventSet_st*> s = EventSet(call, set);
      if (!s.ok()) return s.status();
      if (data == nullptr) return Status::InvalidArgument("data is NULL");
      if ((*s)->pending.empty()) {
        const Status polled = Poll(call, **s);
        if (!polled.ok()) return polled;
      }
      if ((*s)->pending.empty()) return Status::Ok();
      const HardwareEvent e = (*s)->pending.front();
      (*s)->pending.pop_front();
      nvmlEventData_t out;
      std::memset(&out, 0, sizeof out);
      out.device = call.lib().GpuHandle(e.gpu);  // the physical GPU, also for a MIG device
      out.eventType = e.type;
      out.eventData = e.data;
      out.gpuInstanceId = e.gi_id < 0 ? kNoInstance : static_cast<unsigned int>(e.gi_id);
      out.computeInstanceId = e.ci_id < 0 ? kNoInstance : static_cast<unsigned int>(e.ci_id);
      // The v1 struct ended before the MIG fields.
      std::memcpy(data, &out, v2 ? sizeof out : offsetof(nvmlEventData_t, gpuInstanceId));
      delivered = true;
      return Status::Ok();
    });
    if (r != NVML_SUCCESS || delivered) return r;
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return NVML_ERROR_TIMEOUT;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(2)));
  }
}

}  // namespace
}  // namespace migkit::nvml

using migkit::Status;
using migkit::StatusOr;
using migkit::nvml::Call;
using migkit::nvml::RunCall;

extern "C" {

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (set == nullptr) return Status::InvalidArgument("set is NULL");
    *set = call.lib().NewEventSet();
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long* eventTypes) {
  return RunCall(__func__, [&](Call& call) -> Status {
    if (eventTypes == nullptr) return Status::InvalidArgument("eventTypes is NULL");
    bool mig = false;
    StatusOr<migkit::nvml::InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    // Clients register on the parent GPU and tell MIG devices apart by the event's GI/CI IDs.
    if (mig)
      return Status::NotSupported("events are registered on the parent GPU, not a MIG device");
    *eventTypes = migkit::nvml::kSupportedEvents;
    return Status::Ok();
  });
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes,
                                      nvmlEventSet_t set) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<nvmlEventSet_st*> s = migkit::nvml::EventSet(call, set);
    if (!s.ok()) return s.status();
    bool mig = false;
    StatusOr<migkit::nvml::InstanceRef> d = call.AnyDevice(device, &mig);
    if (!d.ok()) return d.status();
    if (mig)
      return Status::NotSupported("events are registered on the parent GPU, not a MIG device");
    if ((eventTypes & ~migkit::nvml::kSupportedEvents) != 0) {
      return Status::NotSupported("event types " + migkit::nvml::Hex(eventTypes) +
                                  " include some this GPU does not report (supported: " +
                                  migkit::nvml::Hex(migkit::nvml::kSupportedEvents) + ")");
    }
    // Events up to now belong to the earlier registrations only.
    const Status polled = migkit::nvml::Poll(call, **s);
    if (!polled.ok()) return polled;
    if (!(*s)->reading) {
      StatusOr<std::uint64_t> size = migkit::EventLogSize(call.lib().node().state_dir());
      if (!size.ok()) return size.status();
      (*s)->offset = *size;
      (*s)->reading = true;
    }
    (*s)->registrations.push_back({d->index, eventTypes});
    return Status::Ok();
  });
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t* data,
                                 unsigned int timeoutms) {
  return migkit::nvml::Wait(__func__, set, data, timeoutms, /*v2=*/true);
}

nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_t* data, unsigned int timeoutms) {
  return migkit::nvml::Wait(__func__, set, data, timeoutms, /*v2=*/false);
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  return RunCall(__func__, [&](Call& call) -> Status {
    StatusOr<nvmlEventSet_st*> s = migkit::nvml::EventSet(call, set);
    if (!s.ok()) return s.status();
    call.lib().FreeEventSet(set);
    return Status::Ok();
  });
}

}  // extern "C"
