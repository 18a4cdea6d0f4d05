// What migctl's commands share for reading user input: files or stdin, durations, and where the
// busy marks are kept.
#ifndef MIGKIT_CLI_INPUT_H_
#define MIGKIT_CLI_INPUT_H_

#include <cstdint>
#include <string>

#include "core/status.h"

namespace migkit::cli {

inline constexpr std::int64_t kMicros = 1000000;  // microseconds per second

/// The whole of file `path`, or of stdin when `path` is "-". kNotFound / kIoError name the file.
StatusOr<std::string> ReadInput(const std::string& path);

/// Parses a wait or expiry: "30s", "15m", "2h", "1h30m" (schedule/schedule.h ParseDuration) or a
/// plain number of seconds, into `*micros`; "" is 0. False (and `*micros` unchanged) otherwise.
bool ParseWait(const std::string& text, std::int64_t* micros);

/// Where busy marks live: beside the emulator's state (MIGKIT_STATE_DIR and friends).
std::string BusyDir();

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_INPUT_H_
