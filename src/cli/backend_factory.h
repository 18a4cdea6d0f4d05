// The one place where migctl decides which Backend drives the GPUs.
//
// migctl loads a libnvidia-ml.so.1 at run time and drives it through one code path, NvmlBackend
// (src/nvml_client): NVIDIA's library when a driver is present, migkit's emulator library
// (src/nvml, over the emulated node of src/emu) otherwise. The environment variable
// MIGKIT_BACKEND chooses explicitly:
//
//   auto (or unset)  NVIDIA's NVML when /proc/driver/nvidia/version exists and
//                    dlopen("libnvidia-ml.so.1") and nvmlInit succeed; else migkit's emulator.
//                    Real GPUs are then only read: changes need an explicit choice (below).
//   nvml             NVIDIA's libnvidia-ml.so.1 from the loader's search path; changes allowed.
//   emulator         migkit's emulator library, found next to the migctl executable.
//   /path/to/lib     that library (a value containing '/'); changes allowed.
//   direct           (for comparison tests) the emulated node without NVML, as before issue 3.
//
// Whatever the choice, a library that turns out to be migkit's emulator (e.g. through
// LD_LIBRARY_PATH) is treated as the emulator. `migctl emulator` keeps using the emulated node
// directly (OpenedBackend::emulator). docs/nvml.md, "migctl over NVML", is the user's view.
#ifndef MIGKIT_CLI_BACKEND_FACTORY_H_
#define MIGKIT_CLI_BACKEND_FACTORY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "catalog/catalog.h"
#include "core/status.h"
#include "emu/emulated_node.h"

namespace migkit::cli {

/// The environment variable that chooses the backend.
inline constexpr char kBackendVariable[] = "MIGKIT_BACKEND";

struct OpenedBackend {
  std::unique_ptr<Backend> backend;
  /// The emulated node behind `backend` when it drives migkit's emulator, directly or through
  /// migkit's NVML library; nullptr for real GPUs. `migctl emulator` works on it directly.
  EmulatedNode* emulator = nullptr;
  /// How the emulator was configured (meaningful only when `emulator` is set).
  EmulatorOptions emulator_options;
  /// Owns `emulator` when it is not `backend` itself (the NVML path).
  std::shared_ptr<EmulatedNode> emulator_owner;
};

/// What MIGKIT_BACKEND asks for.
struct BackendChoice {
  enum class Kind { kAuto, kNvml, kEmulator, kPath, kDirect };
  Kind kind = Kind::kAuto;
  std::string path;  // kPath only
};

/// Parses a MIGKIT_BACKEND value; empty means auto. kInvalidArgument naming the valid values.
StatusOr<BackendChoice> ParseBackendChoice(std::string_view value);

/// Where migkit's emulated libnvidia-ml.so.1 may lie relative to the executable `exe`, in the
/// order they are tried: an installed tree (<prefix>/bin/migctl, <prefix>/lib/migkit/), then the
/// build tree (<build>/src/cli/migctl, <build>/nvml/), then <dir>/../nvml/.
std::vector<std::string> EmulatorLibraryCandidates(const std::string& exe);

/// True when `path` names (after resolving symlinks) one of the candidates for this executable.
bool IsEmulatorLibrary(const std::string& path);

/// True when this process drives the emulated node rather than real GPUs (it may probe NVIDIA's
/// library under MIGKIT_BACKEND=auto). `migctl emulator` refuses to run otherwise.
bool UsesEmulator();

/// Opens the backend for this process. `catalog` must outlive the result. Errors name the
/// environment variable, library or state file at fault (bad MIGKIT_BACKEND or MIGKIT_EMULATE, a
/// library that cannot be loaded, corrupt node.json, ...); migctl exits 3 on them.
StatusOr<OpenedBackend> OpenBackend(const Catalog& catalog);

/// The lock file apply, restore and `schedule run` hold from plan to verification, so that two of
/// them never interleave on one node: $MIGKIT_RUN_DIR/reconfig.lock if set; else, on the
/// emulator, reconfig.lock in its state directory; on real GPUs /run/migkit/reconfig.lock (one
/// per machine, whoever the caller). The directory is created. Errors name it.
StatusOr<std::string> ReconfigLockPath(const OpenedBackend& opened);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_BACKEND_FACTORY_H_
