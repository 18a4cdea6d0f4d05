#include "cli/context.h"

#include <fmt/format.h>

#include <cstdio>
#include <utility>

#include "cli/gpu_selection.h"

namespace migkit::cli {

ExitCode Context::LoadCatalog(const Catalog** catalog) {
  if (!catalog_.has_value()) {
    StatusOr<Catalog> loaded = Catalog::Load();
    if (!loaded.ok()) {
      return Fail(ExitCode::kEnvironment,
                  "cannot load the GPU catalog: " + loaded.status().ToString());
    }
    catalog_ = std::move(*loaded);
  }
  *catalog = &*catalog_;
  return ExitCode::kOk;
}

ExitCode Context::OpenBackend(OpenedBackend** backend) {
  if (!backend_.has_value()) {
    const Catalog* catalog = nullptr;
    MIGCTL_RETURN_IF_FAILED(LoadCatalog(&catalog));
    StatusOr<OpenedBackend> opened = cli::OpenBackend(*catalog);
    if (!opened.ok()) {
      // Every failure to open is about the environment: a variable, the state directory or file.
      return Fail(ExitCode::kEnvironment, opened.status().ToString());
    }
    backend_ = std::move(*opened);
    if (verbose) Err("# " + backend_->backend->Describe() + "\n");
  }
  *backend = &*backend_;
  return ExitCode::kOk;
}

ExitCode Context::Snapshot(std::vector<GpuInfo>* gpus) {
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(OpenBackend(&opened));
  StatusOr<std::vector<GpuInfo>> snapshot = opened->backend->Gpus();
  if (!snapshot.ok()) {
    return Fail(ExitCode::kEnvironment, "cannot read the GPUs: " + snapshot.status().ToString());
  }
  *gpus = std::move(*snapshot);
  return ExitCode::kOk;
}

ExitCode Context::SelectGpus(const std::vector<GpuInfo>& gpus, std::vector<int>* selected) {
  StatusOr<std::vector<int>> chosen = cli::SelectGpus(gpu_args, gpus);
  if (!chosen.ok()) return UsageError(chosen.status().message());
  *selected = std::move(*chosen);
  return ExitCode::kOk;
}

ExitCode Context::SelectGpusToChange(GpusToChange* target) {
  MIGCTL_RETURN_IF_FAILED(Snapshot(&target->gpus));
  MIGCTL_RETURN_IF_FAILED(SelectGpus(target->gpus, &target->selected));
  return OpenBackend(&target->opened);
}

void Context::Out(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void Context::Err(std::string_view text) {
  std::fflush(stdout);  // keep the two streams in order on a terminal
  std::fwrite(text.data(), 1, text.size(), stderr);
}

ExitCode Context::PrintJson(const nlohmann::json& value) {
  Out(value.dump(2) + "\n");
  return ExitCode::kOk;
}

ExitCode Context::Fail(ExitCode code, std::string_view message) {
  Err(fmt::format("migctl: error: {}\n", message));
  return code;
}

ExitCode Context::FailStatus(const Status& status, std::string_view context) {
  const std::string text = status.ToString();
  return Fail(ExitCodeFor(status), context.empty() ? text : fmt::format("{}: {}", context, text));
}

}  // namespace migkit::cli
