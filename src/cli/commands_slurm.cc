// `migctl slurm gres`: what Slurm must be told about the node's GPUs (src/slurm), from the
// node's current layout. `migctl slurm apply`: a layout change on a Slurm node
// (slurm/slurm_apply.h), with scontrol and the site's restart command (cli/slurm_process.h).
// docs/slurm.md is the walk-through.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/backend_factory.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/slurm_process.h"
#include "config/mig_config.h"
#include "config/target.h"
#include "core/strings.h"
#include "env/env.h"
#include "reconfig/busy.h"
#include "slurm/gres_config.h"
#include "slurm/gres_inventory.h"
#include "slurm/slurm_apply.h"

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
    ctx->Out(
        fmt::format("# slurm.conf: on the node's line (NodeName={})\nGres={}\n"
                    "# slurm.conf: GresTypes=gpu, and with accounting (slurmdbd)\n"
                    "AccountingStorageTRES={}\n"
                    "# slurm.conf: on the partition's line, to bill in compute slices\n"
                    "TRESBillingWeights=\"{}\"\n"
                    "# gres.conf\n{}",
                    args.node.empty() ? "<node>" : args.node, config.node_gres,
                    config.accounting_tres, config.billing_weights, config.gres_conf));
  }
  return ExitCode::kOk;
}

struct SlurmApplyArgs {
  std::string file;
  std::string config;
  bool dry_run = false;
  std::string slurm_conf = "/etc/slurm/slurm.conf";
  std::string gres_conf;  // default: gres.conf beside slurm.conf
  std::string node;       // default: this host's short name
  std::string mode = "nvml";
  std::string restart_cmd = "systemctl restart";
  std::string wait;
  std::string node_timeout = "60s";
};

const char* OutcomeName(slurm::SlurmApplyOutcome o) {
  switch (o) {
    case slurm::SlurmApplyOutcome::kAlreadyApplied:
      return "already-applied";
    case slurm::SlurmApplyOutcome::kPlanned:
      return "planned";
    case slurm::SlurmApplyOutcome::kApplied:
      return "applied";
    case slurm::SlurmApplyOutcome::kRefused:
      return "refused";
    case slurm::SlurmApplyOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string ShortHostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  std::string host(name);
  return host.substr(0, host.find('.'));
}

ExitCode RunSlurmApply(Context* ctx, const SlurmApplyArgs& args) {
  std::int64_t wait_micros = 0, node_timeout_micros = 0;
  if (!ParseWait(args.wait, &wait_micros)) {
    return ctx->UsageError("--wait: '" + args.wait + "' is not a duration such as 30s, 15m or 2h");
  }
  if (!ParseWait(args.node_timeout, &node_timeout_micros) || node_timeout_micros <= 0) {
    return ctx->UsageError("--node-timeout: '" + args.node_timeout +
                           "' is not a duration such as 30s or 2m");
  }
  slurm::SlurmApplyOptions options;
  options.node = args.node.empty() ? ShortHostName() : args.node;
  if (options.node.empty()) return ctx->UsageError("cannot tell this host's name: give --node");
  options.slurm_conf = args.slurm_conf;
  options.gres_conf = args.gres_conf;
  if (options.gres_conf.empty()) {
    const std::size_t slash = args.slurm_conf.rfind('/');
    options.gres_conf =
        (slash == std::string::npos ? "" : args.slurm_conf.substr(0, slash + 1)) + "gres.conf";
  }
  options.mode =
      args.mode == "static" ? slurm::GresConfMode::kStatic : slurm::GresConfMode::kAutoDetectNvml;
  options.config_name = args.config;
  options.dry_run = args.dry_run;
  options.wait_jobs_micros = wait_micros;
  options.node_timeout_micros = node_timeout_micros;
  if (!ctx->json) options.log = [ctx](const std::string& line) { ctx->Out(line + "\n"); };

  MigConfigFile file;
  MIGCTL_RETURN_IF_FAILED(LoadConfigFile(ctx, args.file, &file));
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  Desired desired;
  MIGCTL_RETURN_IF_FAILED(ResolveTargets(ctx, file, args.config, gpus, &desired.configs));
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  // migctl apply's busy marks and reconfiguration lock.
  BusyStore busy(Env::Default(), BusyDir());
  options.busy = &busy;
  if (!args.dry_run) {
    StatusOr<std::string> lock = ReconfigLockPath(*opened);
    if (!lock.ok()) return ctx->FailStatus(lock.status(), "cannot take the reconfiguration lock");
    options.lock_path = *lock;
  }
  SlurmProcesses slurm_processes(args.restart_cmd, node_timeout_micros);
  const auto sleep = [](std::int64_t micros) {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  };
  const slurm::SlurmApplyResult r = slurm::SlurmApply(opened->backend.get(), Env::Default(),
                                                      &slurm_processes, sleep, desired, options);
  if (ctx->json) {
    nlohmann::json j = {{"outcome", OutcomeName(r.outcome)},
                        {"node", options.node},
                        {"config", args.config},
                        {"gres_before", r.old_gres},
                        {"gres_after", r.new_gres},
                        {"jobs_waited_for", r.jobs_waited_for},
                        {"steps", r.steps}};
    if (!r.status.ok()) j["error"] = r.status.message();
    ctx->PrintJson(j);
  } else if (r.outcome == slurm::SlurmApplyOutcome::kPlanned) {
    ctx->Out("Dry run: would take node " + options.node + " to config " + args.config + ":\n");
    for (const std::string& step : r.steps) ctx->Out("  " + step + "\n");
  } else if (r.outcome == slurm::SlurmApplyOutcome::kAlreadyApplied) {
    ctx->Out("Node " + options.node + " already has config " + args.config +
             " and Slurm's files say so (Gres=" + r.new_gres + ").\n");
  } else if (r.outcome == slurm::SlurmApplyOutcome::kApplied) {
    ctx->Out("Node " + options.node + " resumed with config " + args.config +
             " (Gres=" + r.new_gres + ").\n");
  }
  switch (r.outcome) {
    case slurm::SlurmApplyOutcome::kAlreadyApplied:
    case slurm::SlurmApplyOutcome::kPlanned:
    case slurm::SlurmApplyOutcome::kApplied:
      return ExitCode::kOk;
    case slurm::SlurmApplyOutcome::kRefused: {
      // Refused before any change: Slurm's files or the node not as needed (a missing
      // slurm.conf, no line for the node, a pending MIG mode) is the environment's fault; jobs
      // that did not end in time, or Slurm refusing to drain, make the operation fail.
      const Code c = r.status.code();
      const ExitCode code = c == Code::kNotFound || c == Code::kInvalidArgument ||
                                    c == Code::kInvalidState || c == Code::kNoPermission
                                ? ExitCode::kEnvironment
                                : ExitCodeFor(r.status);
      if (ctx->json) return code;
      return ctx->Fail(code, "slurm apply " + args.config + " refused: " + r.status.message());
    }
    case slurm::SlurmApplyOutcome::kFailed:
      if (ctx->json) return ExitCode::kFailed;
      return ctx->Fail(ExitCode::kFailed, "slurm apply " + args.config +
                                              " failed: " + r.status.message() + " (node " +
                                              options.node + " left drained)");
  }
  return ExitCode::kInternal;
}

}  // namespace

Handler ConfigureSlurm(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  auto gres = std::make_shared<GresArgs>();
  CLI::App* gres_app = app->add_subcommand(
      "gres",
      "Print slurm.conf's Gres=, gres.conf, billing weights and accounting TRES for the "
      "node's current MIG devices.");
  gres_app
      ->add_option("--mode", gres->mode,
                   "gres.conf mode: nvml (AutoDetect=nvml; jobs get MIG UUIDs) or static "
                   "(AutoDetect=off, one line per device with its files)")
      ->check(CLI::IsMember({"nvml", "static"}))
      ->default_str("nvml");
  gres_app
      ->add_option("--node", gres->node,
                   "The node's Slurm name, for NodeName= on static gres.conf lines")
      ->type_name("NAME");
  gres_app
      ->add_option("--only", gres->only,
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

  auto apply = std::make_shared<SlurmApplyArgs>();
  CLI::App* apply_app = app->add_subcommand(
      "apply",
      "Change the node's MIG layout safely under Slurm: drain, apply, rewrite Gres= and "
      "gres.conf, restart slurmctld then slurmd, resume; roll back on failure.");
  apply_app
      ->add_option("-f,--file", apply->file,
                   "mig-parted config file (default: the built-in configs)")
      ->type_name("FILE");
  apply_app->add_option("-c,--config", apply->config, "The config to apply")
      ->required()
      ->type_name("NAME");
  apply_app->add_flag("--dry-run", apply->dry_run, "Print every step and change nothing");
  apply_app
      ->add_option("--slurm-conf", apply->slurm_conf,
                   "slurm.conf to rewrite the node's "
                   "Gres= in")
      ->default_str("/etc/slurm/slurm.conf")
      ->type_name("PATH");
  apply_app
      ->add_option("--gres-conf", apply->gres_conf,
                   "gres.conf to rewrite (default: beside slurm.conf)")
      ->type_name("PATH");
  apply_app->add_option("--node", apply->node, "The node's Slurm name (default: the host name)")
      ->type_name("NAME");
  apply_app->add_option("--mode", apply->mode, "gres.conf mode: nvml or static (see slurm gres)")
      ->check(CLI::IsMember({"nvml", "static"}))
      ->default_str("nvml");
  apply_app
      ->add_option("--restart-cmd", apply->restart_cmd,
                   "Command that restarts a daemon, run as `CMD slurmctld` then `CMD slurmd`")
      ->default_str("systemctl restart")
      ->type_name("CMD");
  apply_app
      ->add_option("--wait", apply->wait,
                   "Wait up to this long for jobs holding GPUs the change removes or "
                   "renumbers (default: refuse at once, leaving the node drained)")
      ->type_name("DURATION");
  apply_app
      ->add_option("--node-timeout", apply->node_timeout,
                   "How long each daemon may take to come back")
      ->default_str("60s")
      ->type_name("DURATION");
  AddJsonFlag(apply_app, ctx);
  AddVerboseFlag(apply_app, ctx);
  SetExamples(apply_app,
              "  migctl slurm apply -f mig.yaml -c night --dry-run\n"
              "  migctl slurm apply -f mig.yaml -c night --wait 2h\n"
              "  migctl slurm apply -f mig.yaml -c day --node gpu01 \\\n"
              "      --restart-cmd 'ssh slurm-head systemctl restart'   # see docs/slurm.md\n"
              "Slurm 22.05 kills the jobs of a node whose GPU count changes: jobs keep running\n"
              "only on instances that stay at the same GRES index with the same count.\n"
              "Instances marked with `migctl busy` are never destroyed: such a change is refused\n"
              "before the node is drained. Holds migctl apply's reconfiguration lock throughout.");
  return [=]() -> ExitCode {
    if (apply_app->parsed()) return RunSlurmApply(ctx, *apply);
    return RunGres(ctx, *gres);
  };
}

}  // namespace migkit::cli
