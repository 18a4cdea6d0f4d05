#include "cli/backend_factory.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include "core/strings.h"
#include "env/env.h"
#include "nvml_client/nvml_backend.h"
#include "nvml_client/nvml_library.h"

namespace migkit::cli {
namespace {

using nvml_client::NvmlBackend;
using nvml_client::NvmlBackendOptions;
using nvml_client::NvmlLibrary;

// The soname NVML clients load; the loader finds NVIDIA's copy in the system's library path.
constexpr char kNvmlSoname[] = "libnvidia-ml.so.1";
// Present whenever NVIDIA's kernel driver is loaded.
constexpr char kDriverVersionFile[] = "/proc/driver/nvidia/version";

std::string Getenv(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return "";
  return resolved;
}

std::string ExecutablePath() { return RealPath("/proc/self/exe"); }

bool NvidiaDriverPresent() { return access(kDriverVersionFile, R_OK) == 0; }

// migkit's emulator library next to this executable; kNotFound listing where it looked.
StatusOr<std::string> FindEmulatorLibrary() {
  const std::vector<std::string> candidates = EmulatorLibraryCandidates(ExecutablePath());
  for (const std::string& c : candidates) {
    if (access(c.c_str(), R_OK) == 0) return c;
  }
  return Status::NotFound(
      "migkit's emulated libnvidia-ml.so.1 is not installed next to migctl (looked for " +
      Join(candidates, ", ") +
      "); build the migkit_nvml target, or name the library with "
      "MIGKIT_BACKEND=/path/to/libnvidia-ml.so.1");
}

// Opens the emulated node from MIGKIT_STATE_DIR / MIGKIT_EMULATE / MIGKIT_FAULTS, for both ways to
// the emulator: direct, and through the emulated NVML, where it is done before the library is
// loaded, so that a bad variable or a corrupt state file is reported in migkit's words.
struct EmulatorNode {
  std::unique_ptr<EmulatedNode> node;
  EmulatorOptions options;
};
StatusOr<EmulatorNode> OpenEmulatorNode(const Catalog& catalog) {
  StatusOr<EmulatorOptions> options = EmulatorOptionsFromEnvironment(catalog);
  if (!options.ok()) return options.status();
  EmulatorNode out;
  out.options = *options;
  StatusOr<std::unique_ptr<EmulatedNode>> node =
      EmulatedNode::Open(Env::Default(), &catalog, std::move(*options));
  if (!node.ok()) return node.status();
  out.node = std::move(*node);
  return out;
}

// migkit's emulator library `library` (already loaded, or loaded here from `path`) as the backend,
// with `note` appended to the description.
StatusOr<OpenedBackend> OpenEmulatorThroughNvml(const Catalog& catalog, const std::string& path,
                                                std::unique_ptr<NvmlLibrary> library,
                                                const std::string& note) {
  StatusOr<EmulatorNode> node = OpenEmulatorNode(catalog);
  if (!node.ok()) return node.status();
  if (library == nullptr) {
    StatusOr<std::unique_ptr<NvmlLibrary>> loaded = NvmlLibrary::Open(path);
    if (!loaded.ok()) return loaded.status();
    library = std::move(loaded).value();
  }
  NvmlBackendOptions options;
  options.emulated = true;
  // NVML has no reset; the emulator's stands in for `nvidia-smi -r` on the same state.
  // Shared: the backend's reset function and OpenedBackend::emulator_owner both keep it.
  const std::shared_ptr<EmulatedNode> emulator = std::move(node->node);
  options.reset = [emulator](int gpu) { return emulator->ResetGpu(gpu); };
  options.description = emulator->Describe() + " through migkit's emulated NVML " +
                        library->path() + " (driver " + library->driver_version() + ", NVML " +
                        library->nvml_version() + ")" + note;
  OpenedBackend opened;
  opened.emulator = emulator.get();
  opened.emulator_owner = emulator;
  opened.emulator_options = std::move(node->options);
  opened.backend = std::make_unique<NvmlBackend>(std::move(library), &catalog, std::move(options));
  return opened;
}

// A loaded library that may be NVIDIA's or, through LD_LIBRARY_PATH, migkit's. `explicit_choice`
// says whether MIGKIT_BACKEND named it; only then may real GPUs be changed.
StatusOr<OpenedBackend> OpenLoaded(const Catalog& catalog, std::unique_ptr<NvmlLibrary> library,
                                   bool explicit_choice) {
  if (IsEmulatorLibrary(library->path())) {
    const std::string path = library->path();
    return OpenEmulatorThroughNvml(catalog, path, std::move(library), "");
  }
  NvmlBackendOptions options;
  options.emulated = false;
  options.allow_changes = explicit_choice;
  options.refusal =
      "migctl picked NVIDIA's NVML by itself (MIGKIT_BACKEND is unset), and it changes real GPUs "
      "only when asked to explicitly: run the command again with MIGKIT_BACKEND=nvml";
  options.description = "real GPUs through NVIDIA's NVML " + library->path() + " (driver " +
                        library->driver_version() + ", NVML " + library->nvml_version() + ")" +
                        (explicit_choice ? "" : "; read-only unless MIGKIT_BACKEND=nvml");
  OpenedBackend opened;
  opened.backend = std::make_unique<NvmlBackend>(std::move(library), &catalog, std::move(options));
  return opened;
}

StatusOr<OpenedBackend> OpenDirect(const Catalog& catalog) {
  StatusOr<EmulatorNode> node = OpenEmulatorNode(catalog);
  if (!node.ok()) return node.status();
  OpenedBackend opened;
  opened.emulator_options = std::move(node->options);
  opened.emulator = node->node.get();
  opened.backend = std::move(node->node);
  return opened;
}

// What MIGKIT_BACKEND=auto resolves to: NVIDIA's library, loaded and initialized, when a driver
// is present and its NVML works; otherwise nullptr and, when a driver is present, why not.
std::unique_ptr<NvmlLibrary> ProbeRealNvml(std::string* why_not) {
  if (!NvidiaDriverPresent()) return nullptr;
  StatusOr<std::unique_ptr<NvmlLibrary>> loaded = NvmlLibrary::Open(kNvmlSoname);
  if (!loaded.ok()) {
    *why_not = loaded.status().ToString();
    return nullptr;
  }
  return std::move(loaded).value();
}

StatusOr<BackendChoice> ChoiceFromEnvironment() {
  StatusOr<BackendChoice> choice = ParseBackendChoice(Getenv(kBackendVariable));
  if (!choice.ok()) return choice.status().WithContext(kBackendVariable);
  return choice;
}

}  // namespace

StatusOr<BackendChoice> ParseBackendChoice(std::string_view value) {
  BackendChoice choice;
  const std::string v = Trim(value);
  if (v.empty() || v == "auto") return choice;
  if (v.find('/') != std::string::npos) {
    choice.kind = BackendChoice::Kind::kPath;
    choice.path = v;
    return choice;
  }
  if (v == "nvml") {
    choice.kind = BackendChoice::Kind::kNvml;
  } else if (v == "emulator") {
    choice.kind = BackendChoice::Kind::kEmulator;
  } else if (v == "direct") {
    choice.kind = BackendChoice::Kind::kDirect;
  } else {
    return Status::InvalidArgument(
        "'" + v +
        "' is not a backend; use auto, nvml (NVIDIA's libnvidia-ml.so.1), emulator "
        "(migkit's) or the path of a libnvidia-ml.so.1");
  }
  return choice;
}

std::vector<std::string> EmulatorLibraryCandidates(const std::string& exe) {
  const std::filesystem::path dir = std::filesystem::path(exe).parent_path();
  return {
      (dir / "nvml" / kNvmlSoname).lexically_normal().string(),  // build tree: build/migctl
      (dir / ".." / "lib" / "migkit" / kNvmlSoname).lexically_normal().string(),
      (dir / ".." / ".." / "nvml" / kNvmlSoname).lexically_normal().string(),
      (dir / ".." / "nvml" / kNvmlSoname).lexically_normal().string(),
  };
}

bool IsEmulatorLibrary(const std::string& path) {
  const std::string resolved = RealPath(path);
  if (resolved.empty()) return false;
  for (const std::string& c : EmulatorLibraryCandidates(ExecutablePath())) {
    if (RealPath(c) == resolved) return true;
  }
  return false;
}

bool UsesEmulator() {
  StatusOr<BackendChoice> choice = ChoiceFromEnvironment();
  if (!choice.ok()) return false;
  switch (choice->kind) {
    case BackendChoice::Kind::kDirect:
    case BackendChoice::Kind::kEmulator:
      return true;
    case BackendChoice::Kind::kPath:
      return IsEmulatorLibrary(choice->path);
    case BackendChoice::Kind::kNvml: {
      // The loader's choice may be migkit's library (LD_LIBRARY_PATH); OpenBackend then emulates.
      StatusOr<std::unique_ptr<NvmlLibrary>> loaded = NvmlLibrary::Open(kNvmlSoname);
      return loaded.ok() && IsEmulatorLibrary((*loaded)->path());
    }
    case BackendChoice::Kind::kAuto: {
      std::string why_not;
      const std::unique_ptr<NvmlLibrary> real = ProbeRealNvml(&why_not);
      return real == nullptr || IsEmulatorLibrary(real->path());
    }
  }
  return false;
}

StatusOr<OpenedBackend> OpenBackend(const Catalog& catalog) {
  StatusOr<BackendChoice> choice = ChoiceFromEnvironment();
  if (!choice.ok()) return choice.status();
  switch (choice->kind) {
    case BackendChoice::Kind::kDirect:
      return OpenDirect(catalog);
    case BackendChoice::Kind::kEmulator: {
      StatusOr<std::string> path = FindEmulatorLibrary();
      if (!path.ok()) return path.status().WithContext("MIGKIT_BACKEND=emulator");
      return OpenEmulatorThroughNvml(catalog, *path, nullptr, "");
    }
    case BackendChoice::Kind::kPath: {
      if (IsEmulatorLibrary(choice->path)) {
        return OpenEmulatorThroughNvml(catalog, choice->path, nullptr, "");
      }
      StatusOr<std::unique_ptr<NvmlLibrary>> loaded = NvmlLibrary::Open(choice->path);
      if (!loaded.ok()) {
        return loaded.status().WithContext(std::string(kBackendVariable) + "=" + choice->path);
      }
      return OpenLoaded(catalog, std::move(loaded).value(), /*explicit_choice=*/true);
    }
    case BackendChoice::Kind::kNvml: {
      StatusOr<std::unique_ptr<NvmlLibrary>> loaded = NvmlLibrary::Open(kNvmlSoname);
      if (!loaded.ok()) {
        return loaded.status().WithContext(
            "MIGKIT_BACKEND=nvml (is the NVIDIA driver installed? MIGKIT_BACKEND=emulator uses "
            "migkit's emulator)");
      }
      return OpenLoaded(catalog, std::move(loaded).value(), /*explicit_choice=*/true);
    }
    case BackendChoice::Kind::kAuto:
      break;
  }
  std::string why_not;
  if (std::unique_ptr<NvmlLibrary> real = ProbeRealNvml(&why_not)) {
    return OpenLoaded(catalog, std::move(real), /*explicit_choice=*/false);
  }
  StatusOr<std::string> path = FindEmulatorLibrary();
  if (!path.ok()) return path.status();
  const std::string note =
      why_not.empty() ? ""
                      : "; the NVIDIA driver is present but its NVML is not usable: " + why_not;
  return OpenEmulatorThroughNvml(catalog, *path, nullptr, note);
}

StatusOr<std::string> ReconfigLockPath(const OpenedBackend& opened) {
  std::string dir;
  if (const char* run = std::getenv("MIGKIT_RUN_DIR"); run != nullptr && *run != '\0') {
    dir = run;
  } else if (opened.emulator != nullptr) {
    dir = opened.emulator->state_dir();
  } else {
    dir = "/run/migkit";
  }
  MIGKIT_RETURN_IF_ERROR(Env::Default()->CreateDirs(dir));
  return dir + "/reconfig.lock";
}

}  // namespace migkit::cli
