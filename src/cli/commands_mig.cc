// MIG mode and GPU reset: `migctl mig enable|disable`, `migctl reset`.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace migkit::cli {
namespace {

ExitCode RunSetMigMode(Context* ctx, bool enable) {
  GpusToChange target;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpusToChange(&target));
  auto& [gpus, selected, opened] = target;
  const std::string_view verb = enable ? "enable" : "disable";
  ExitCode rc = ExitCode::kOk;
  for (int i : selected) {
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    Status activation;
    const Status s = opened->backend->SetMigMode(i, enable, &activation);
    if (!s.ok()) {
      ctx->Err(fmt::format("Unable to {} MIG Mode for GPU {}: {}\n", verb, g.pci_bus_id,
                           CodeText(s.code())));
      if (!s.message().empty()) ctx->Err("  reason: " + s.message() + "\n");
      if (s.code() == Code::kInUse && !g.state.gpu_instances.empty()) {
        ctx->Err(
            fmt::format("  hint: destroy its instances first: migctl destroy-gi -i {} --all "
                        "--with-ci\n",
                        i));
      }
      if (rc == ExitCode::kOk) rc = ExitCodeFor(s);
      continue;
    }
    ctx->Out(
        fmt::format("{} MIG Mode for GPU {}\n", enable ? "Enabled" : "Disabled", g.pci_bus_id));
    if (!activation.ok()) {
      // nvidia-smi's wording (mig-facts.md §8), with migctl's way to apply the change.
      ctx->Err(fmt::format("Warning: MIG mode is in pending {} state for GPU {}: {}\n", verb,
                           g.pci_bus_id, CodeText(activation.code())));
      ctx->Err(fmt::format("Run `migctl reset -i {}` to make MIG mode effective on GPU {}.\n", i,
                           g.pci_bus_id));
    }
  }
  if (rc == ExitCode::kOk) ctx->Out("All done.\n");
  return rc;
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
  auto& [gpus, selected, opened] = target;
  ExitCode rc = ExitCode::kOk;
  for (int i : selected) {
    const GpuInfo& g = gpus[static_cast<size_t>(i)];
    const Status s = opened->backend->ResetGpu(i);
    if (!s.ok()) {
      ctx->Err(fmt::format("Unable to reset GPU {}: {}\n", g.pci_bus_id, CodeText(s.code())));
      if (!s.message().empty()) ctx->Err("  reason: " + s.message() + "\n");
      if (rc == ExitCode::kOk) rc = ExitCodeFor(s);
      continue;
    }
    ctx->Out(fmt::format("GPU {} was successfully reset.\n", g.pci_bus_id));
  }
  if (rc == ExitCode::kOk) ctx->Out("All done.\n");
  return rc;
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
