// Exit codes of migctl.
//
// Scripts branch on these, so they are part of migctl's interface: `migctl --help` prints
// kExitCodesHelp, and a change here is a breaking change. The mapping from a migkit Status is in
// ExitCodeFor: the driver's own refusals (IN_USE, INSUFFICIENT_RESOURCES, NOT_SUPPORTED, ...) are
// "the operation failed"; migkit-only codes (a corrupt or unreadable state file) are "environment".
#ifndef MIGKIT_CLI_EXIT_CODES_H_
#define MIGKIT_CLI_EXIT_CODES_H_

#include <string_view>

#include "core/status.h"

namespace migkit::cli {

enum class ExitCode : int {
  kOk = 0,           // success
  kFailed = 1,       // the operation was refused or failed (a driver error)
  kUsage = 2,        // bad flags or arguments, unknown profile, GPU index out of range
  kEnvironment = 3,  // corrupt or unreadable state, bad MIGKIT_* variable, catalog error
  kInternal = 4,     // an unexpected internal error (a bug in migctl, or out of memory)
};

/// The exit code for a failed backend operation: kEnvironment for migkit-only codes (kCorruption,
/// kIoError, kParseError), kFailed for every driver error. REQUIRES: !status.ok().
inline ExitCode ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Code::kCorruption:
    case Code::kIoError:
    case Code::kParseError:
      return ExitCode::kEnvironment;
    default:
      return ExitCode::kFailed;
  }
}

/// The "Exit status" section of `migctl --help`.
inline constexpr std::string_view kExitCodesHelp =
    "Exit status:\n"
    "  0  success\n"
    "  1  the operation was refused or failed (the driver's error is printed, e.g. Insufficient\n"
    "     Resources, In use by another client, Not Supported)\n"
    "  2  usage error: bad flags or arguments, unknown profile, GPU index out of range\n"
    "  3  environment or state error: corrupt state file, bad MIGKIT_EMULATE, catalog error\n"
    "  4  internal error: a bug in migctl or out of memory (the message says which)";

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_EXIT_CODES_H_
