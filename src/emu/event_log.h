// EventLog: the emulated node's hardware events (Xid errors, ECC errors), shared by every process.
//
// NVML delivers an event to every event set, in any process, that registered for its type on its
// GPU before it happened (nvmlEventSetWait). The emulator keeps the events in an append-only file
// beside node.json, `events.log`, one line per event:
//   "<type mask> <gpu> <gi id> <ci id> <event data>\n"   (gi/ci are -1 for the whole GPU)
// Appending is one O_APPEND write of a short line, so concurrent writers never interleave and
// readers never see a torn record they cannot skip. A reader remembers the byte offset it has
// consumed: "what happened since I registered" is the bytes after that offset, and checking for
// news is one fstat. The file is never rewritten or truncated, which would move readers'
// offsets: a reader that starts reading starts at its end, so old events are never delivered.
#ifndef MIGKIT_EMU_EVENT_LOG_H_
#define MIGKIT_EMU_EVENT_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace migkit {

/// NVML's event type bits (nvml.h nvmlEventType*).
inline constexpr std::uint64_t kEventSingleBitEccError = 0x1;
inline constexpr std::uint64_t kEventDoubleBitEccError = 0x2;
inline constexpr std::uint64_t kEventXidCriticalError = 0x8;

struct HardwareEvent {
  std::uint64_t type = 0;  // one kEvent* bit
  int gpu = 0;
  int gi_id = -1;  // the MIG device's GI and CI, or -1 for an event of the whole GPU
  int ci_id = -1;
  std::uint64_t data = 0;  // the Xid for kEventXidCriticalError
  friend bool operator==(const HardwareEvent&, const HardwareEvent&) = default;
};

/// The log file of the node in `state_dir`.
std::string EventLogPath(const std::string& state_dir);

/// Appends `event` to the log of the node in `state_dir` (creating the file).
Status AppendEvent(const std::string& state_dir, const HardwareEvent& event);

/// The size of the log now (0 if it does not exist): the offset from which a reader that starts
/// now sees events.
StatusOr<std::uint64_t> EventLogSize(const std::string& state_dir);

/// Reads the complete records after byte `*offset` and advances `*offset` past them. A partly
/// written last line is left for the next call; a line that does not parse is skipped.
Status ReadEvents(const std::string& state_dir, std::uint64_t* offset,
                  std::vector<HardwareEvent>* out);

}  // namespace migkit

#endif  // MIGKIT_EMU_EVENT_LOG_H_
