// `migctl slurm gres`: what Slurm must be told about the node's GPUs (src/slurm), from the
// node's current layout. docs/slurm.md is the walk-through.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "slurm/gres_config.h"
#include "slurm/gres_inventory.h"

namespace migkit::cli {
namespace {

struct GresArgs {
  std::string mode = "nvml";
  std::string node;
  std::string only;
};

ExitCode RunGres(Context* ctx, const GresArgs& args) {
  const slurm::GresConfMode mode =
      args.mode == "static" ? slurm::GresConfMode::kStatic : slurm::GresConfMode::kAutoDetectNvml;
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  StatusOr<std::vector<slurm::GresDevice>> devices = slurm::GresDevicesOf(gpus);
  if (!devices.ok()) return ctx->FailStatus(devices.status(), "slurm gres");
  const slurm::GresConfig config = slurm::RenderGresConfig(*devices, mode, args.node);
  if (ctx->json) return ctx->PrintJson(slurm::GresConfigJson(config, *devices, mode));
  if (args.only == "gres") {
    ctx->Out(config.node_gres + "\n");
  } else if (args.only == "gres.conf") {
    ctx->Out(config.gres_conf);
  } else if (args.only == "billing") {
    ctx->Out(config.billing_weights + "\n");
  } else if (args.only == "tres") {
    ctx->Out(config.accounting_tres + "\n");
  } else {
    ctx->Out(fmt::format(
        "# slurm.conf: on the node's line (NodeName={})\nGres={}\n"
        "# slurm.conf: GresTypes=gpu, and with accounting (slurmdbd)\n"
        "AccountingStorageTRES={}\n"
        "# slurm.conf: on the partition's line, to bill in compute slices\n"
        "TRESBillingWeights=\"{}\"\n"
        "# gres.conf\n{}",
        args.node.empty() ? "<node>" : args.node, config.node_gres, config.accounting_tres,
        config.billing_weights, config.gres_conf));
  }
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureSlurm(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  auto gres = std::make_shared<GresArgs>();
  CLI::App* gres_app = app->add_subcommand(
      "gres", "Print slurm.conf's Gres=, gres.conf, billing weights and accounting TRES for the "
              "node's current MIG devices.");
  gres_app->add_option("--mode", gres->mode,
                       "gres.conf mode: nvml (AutoDetect=nvml; jobs get MIG UUIDs) or static "
                       "(AutoDetect=off, one line per device with its files)")
      ->check(CLI::IsMember({"nvml", "static"}))
      ->default_str("nvml");
  gres_app->add_option("--node", gres->node,
                       "The node's Slurm name, for NodeName= on static gres.conf lines")
      ->type_name("NAME");
  gres_app->add_option("--only", gres->only,
                       "Print one part only: gres (the value of Gres=), gres.conf, billing "
                       "(TRESBillingWeights) or tres (AccountingStorageTRES)")
      ->check(CLI::IsMember({"gres", "gres.conf", "billing", "tres"}));
  AddJsonFlag(gres_app, ctx);
  AddVerboseFlag(gres_app, ctx);
  SetExamples(gres_app,
              "  migctl slurm gres\n"
              "  migctl slurm gres --mode static --node gpu01 --only gres.conf > gres.conf\n"
              "  migctl slurm gres --json\n"
              "Types are what Slurm's gpu/nvml plugin reports, without the vendor word:\n"
              "a 3g.20gb of an A100-SXM4-40GB is a100_3g.20gb (Slurm: nvidia_a100_3g.20gb).");
  return [=]() -> ExitCode { return RunGres(ctx, *gres); };
}

}  // namespace migkit::cli
