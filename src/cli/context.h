// Context: what every migctl command shares - the global flags, the catalog and backend (opened on
// first use), and the conventions for printing results and errors.
//
// Handlers return an ExitCode. Methods that can fail print the error themselves (to stderr, as
// "migctl: error: ...") and return the exit code to propagate, so a handler reads as a sequence of
// MIGCTL_RETURN_IF_FAILED steps followed by output.
//
// Thread-safety: none; one Context per process.
#ifndef MIGKIT_CLI_CONTEXT_H_
#define MIGKIT_CLI_CONTEXT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "catalog/catalog.h"
#include "cli/backend_factory.h"
#include "cli/exit_codes.h"

namespace migkit::cli {

/// What a command that changes GPUs starts from: the snapshot, the GPUs -i names and the backend
/// to change them through. Handlers unpack it with `auto& [gpus, selected, opened] = target;`.
struct GpusToChange {
  std::vector<GpuInfo> gpus;
  std::vector<int> selected;  // indexes into `gpus`, ascending
  OpenedBackend* opened = nullptr;
};

class Context {
 public:
  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // Flags shared by several commands; CLI11 binds them before the handler runs.
  bool json = false;                  // --json: print JSON on stdout and nothing else there
  bool verbose = false;               // -v/--verbose: "# <backend>" on stderr
  std::vector<std::string> gpu_args;  // -i/--gpu values, unparsed

  /// Loads the catalog (built-in plus MIGKIT_CATALOG) once. kEnvironment after printing the error.
  ExitCode LoadCatalog(const Catalog** catalog);
  /// Opens the backend once (and the catalog first). kEnvironment after printing the error, which
  /// names the variable or state file at fault and the way out.
  ExitCode OpenBackend(OpenedBackend** backend);
  /// Opens the backend and takes a snapshot of every GPU.
  ExitCode Snapshot(std::vector<GpuInfo>* gpus);
  /// The GPUs named by -i (all of them when -i is absent), ascending. kUsage after printing the
  /// error when a value matches no GPU.
  ExitCode SelectGpus(const std::vector<GpuInfo>& gpus, std::vector<int>* selected);
  /// Snapshot, SelectGpus and OpenBackend in one, the first step of every command that changes
  /// the selected GPUs.
  ExitCode SelectGpusToChange(GpusToChange* target);

  /// Writes `text` to stdout / stderr as is.
  void Out(std::string_view text);
  void Err(std::string_view text);
  /// Writes `value` as indented JSON and a newline to stdout. Returns kOk.
  ExitCode PrintJson(const nlohmann::json& value);
  /// Prints "migctl: error: <message>" to stderr and returns `code`.
  ExitCode Fail(ExitCode code, std::string_view message);
  ExitCode UsageError(std::string_view message) { return Fail(ExitCode::kUsage, message); }
  /// Fail(ExitCodeFor(status), "<context>: <status>"). REQUIRES: !status.ok().
  ExitCode FailStatus(const Status& status, std::string_view context = {});

 private:
  std::optional<Catalog> catalog_;
  std::optional<OpenedBackend> backend_;
};

}  // namespace migkit::cli

/// Returns the ExitCode of `expr` from the enclosing handler unless it is kOk.
#define MIGCTL_RETURN_IF_FAILED(expr)                                  \
  do {                                                                 \
    const ::migkit::cli::ExitCode migctl_rc_ = (expr);                 \
    if (migctl_rc_ != ::migkit::cli::ExitCode::kOk) return migctl_rc_; \
  } while (0)

#endif  // MIGKIT_CLI_CONTEXT_H_
