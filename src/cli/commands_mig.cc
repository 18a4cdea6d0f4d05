// MIG mode and GPU reset: `migctl mig enable|disable`, `migctl reset`.
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace migkit::cli {
namespace {

// Applies `change` to each selected GPU in turn and goes on past a failure, as nvidia-smi does. A
// failure is reported as "Unable to <what> GPU <bus id>: <code>" and its reason, then `on_failure`
// may add a hint; `change` prints its own success. "All done." follows only when every GPU
// succeeded. Returns the exit code of the first failure.
ExitCode ChangeEachGpu(Context* ctx, const GpusToChange& target, std::string_view what,
                       const std::function<Status(int, const GpuInfo&)>& change,
                       const std::function<void(int, const GpuInfo&, const Status&)>& on_failure) {
  ExitCode rc = ExitCode::kOk;
  for (int i : target.selected) {
    const GpuInfo& g = target.gpus[static_cast<size_t>(i)];
    const Status s = change(i, g);
    if (s.ok()) continue;
    ctx->Err(fmt::format("Unable to {} GPU {}: {}\n", what, g.pci_bus_id, CodeText(s.code())));
    if (!s.message().empty()) ctx->Err("  reason: " + s.message() + "\n");
    if (on_failure) on_failure(i, g, s);
    if (rc == ExitCode::kOk) rc = ExitCodeFor(s);
  }
  if (rc == ExitCode::kOk) ctx->Out("All done.\n");
  return rc;
}

ExitCode RunSetMigMode(Context* ctx, bool enable) {
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  const std::string_view verb = enable ? "enable" : "disable";
  const auto set = [&](int i, const GpuInfo& g) {
    Status activation;
    const Status s = target.opened->backend->SetMigMode(i, enable, &activation);
    if (!s.ok()) return s;
    ctx->Out(
        fmt::format("{} MIG Mode for GPU {}\n", enable ? "Enabled" : "Disabled", g.pci_bus_id));
    if (!activation.ok()) {
      // nvidia-smi's wording (mig-facts.md §8), with migctl's way to apply the change.
      ctx->Err(fmt::format("Warning: MIG mode is in pending {} state for GPU {}: {}\n", verb,
                           g.pci_bus_id, CodeText(activation.code())));
      ctx->Err(fmt::format("Run `migctl reset -i {}` to make MIG mode effective on GPU {}.\n", i,
                           g.pci_bus_id));
    }
    return s;
  };
  const auto hint = [&](int i, const GpuInfo& g, const Status& s) {
    if (s.code() == Code::kInUse && !g.state.gpu_instances.empty()) {
      ctx->Err(
          fmt::format("  hint: destroy its instances first: migctl destroy-gi -i {} --all "
                      "--with-ci\n",
                      i));
    }
  };
  return ChangeEachGpu(ctx, target, fmt::format("{} MIG Mode for", verb), set, hint);
}

ExitCode RunReset(Context* ctx, bool all) {
  if (ctx->gpu_args.empty() && !all) {
    return ctx->UsageError(
        "reset destroys every GPU and compute instance on the GPUs it resets; name them with "
        "-i GPU[,GPU...] or pass --all");
  }
  if (!ctx->gpu_args.empty() && all) return ctx->UsageError("give either -i or --all, not both");
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  const auto reset = [&](int i, const GpuInfo& g) {
    const Status s = target.opened->backend->ResetGpu(i);
    if (s.ok()) ctx->Out(fmt::format("GPU {} was successfully reset.\n", g.pci_bus_id));
    return s;
  };
  return ChangeEachGpu(ctx, target, "reset", reset, nullptr);
}

}  // namespace

Handler ConfigureMig(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  CLI::App* enable =
      app->add_subcommand("enable", "Enable MIG mode (Ampere: pending until `migctl reset`).");
  CLI::App* disable =
      app->add_subcommand("disable", "Disable MIG mode (refused while GPU instances exist).");
  for (CLI::App* sub : {enable, disable}) {
    AddGpuOption(sub, ctx);
    AddVerboseFlag(sub, ctx);
  }
  SetExamples(
      enable,
      "  migctl mig enable -i 0\n"
      "  migctl mig enable            # every GPU\n"
      "On Hopper and later the new mode is in effect at once. On Ampere (A100, A30) it stays\n"
      "pending until the GPU is reset: run `migctl reset -i N` afterwards.");
  SetExamples(disable,
              "  migctl mig disable -i 0,1\n"
              "Fails with 'In use by another client' while GPU instances exist (destroy them with\n"
              "`migctl destroy-gi -i N --all --with-ci`). On Ampere the change waits for a reset.");
  SetExamples(app,
              "  migctl mig enable -i 0\n"
              "  migctl mig disable -i 0");
  return [ctx, enable] { return RunSetMigMode(ctx, enable->parsed()); };
}

Handler ConfigureReset(CLI::App* app, Context* ctx) {
  auto all = std::make_shared<bool>(false);
  AddGpuOption(app, ctx, "required unless --all");
  app->add_flag("--all", *all, "Reset every GPU of the node");
  AddVerboseFlag(app, ctx);
  SetExamples(app,
              "  migctl reset -i 0        # apply a pending MIG mode on GPU 0\n"
              "  migctl reset --all");
  return [ctx, all] { return RunReset(ctx, *all); };
}

}  // namespace migkit::cli
