// migctl plan: the MIG layout of every GPU of a fleet for a workload demand, as a mig-parted
// config, with the lower bound on GPUs and the gap to it (src/plan, docs/planner.md).
#include <fmt/format.h>

#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/input.h"
#include "core/strings.h"
#include "env/env.h"
#include "plan/demand.h"
#include "plan/fleet.h"
#include "plan/plan_output.h"
#include "plan/planner.h"

namespace migkit::cli {
namespace {

struct PlanArgs {
  std::string fleet;
  bool from_node = false;
  std::string demand;
  std::string demand_file;
  std::string current_file;
  std::string current_config;
  std::string mode = "auto";
  double time_limit = -1;  // -1: the mode's default
  bool replan = false;
  std::string output;
  std::string config_name = "migkit-plan";
  int gpus_per_node = 0;
  std::string unused = "empty";
  // Whether the user gave these (their defaults are out-of-range sentinels a user may not give).
  const CLI::Option* time_limit_option = nullptr;
  const CLI::Option* gpus_per_node_option = nullptr;
};

// The longest --time-limit: a week. More is a typo, and 1e18 s would overflow the clock.
constexpr double kMaxTimeLimit = 7 * 24 * 3600;

constexpr double kAutoTimeLimit = 10;
constexpr double kExactTimeLimit = 60;

ExitCode ReadDemand(Context* ctx, const PlanArgs& args, Demand* demand) {
  if (args.demand.empty() == args.demand_file.empty()) {
    return ctx->UsageError(
        args.demand.empty()
            ? "no demand: give --demand (e.g. 1g.10gb=20,3g.40gb=4 or "
              "mem>=20GiB,sms>=30,count=12) or -f FILE"
            : "give the demand either with --demand or with -f/--demand-file, not both");
  }
  StatusOr<Demand> parsed = Demand{};
  if (!args.demand.empty()) {
    parsed = ParseDemand(args.demand);
  } else {
    StatusOr<std::string> text = ReadInput(args.demand_file);
    if (!text.ok()) {
      return ctx->UsageError("cannot read the demand file: " + text.status().message());
    }
    parsed = ParseDemandFile(*text, args.demand_file == "-" ? "<stdin>" : args.demand_file);
  }
  if (!parsed.ok()) return ctx->UsageError(parsed.status().message());
  *demand = std::move(parsed).value();
  return ExitCode::kOk;
}

// The fleet: --fleet, else --from-node, else the demand file's `fleet:`, else the current node.
ExitCode ReadFleet(Context* ctx, const PlanArgs& args, const Demand& demand, Fleet* fleet) {
  if (!args.fleet.empty() && args.from_node) {
    return ctx->UsageError("give either --fleet or --from-node, not both");
  }
  const Catalog* catalog = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->LoadCatalog(&catalog));
  std::string spec = args.fleet;
  if (spec.empty() && !args.from_node && demand.fleet) spec = *demand.fleet;
  if (!spec.empty()) {
    StatusOr<Fleet> parsed = ParseFleet(spec, *catalog);
    if (!parsed.ok()) return ctx->UsageError(parsed.status().message());
    *fleet = std::move(parsed).value();
  } else {
    std::vector<GpuInfo> gpus;
    MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
    StatusOr<Fleet> from_node = FleetFromGpus(gpus);
    if (!from_node.ok()) return ctx->FailStatus(from_node.status(), "reading the node");
    *fleet = std::move(from_node).value();
  }
  if (!args.current_file.empty()) {
    StatusOr<std::string> text = ReadInput(args.current_file);
    if (!text.ok()) {
      return ctx->UsageError("cannot read the current layouts: " + text.status().message());
    }
    const Status s = SetCurrentFromMigPartedConfig(
        *text, args.current_file == "-" ? "<stdin>" : args.current_file, args.current_config,
        fleet);
    if (!s.ok()) return ctx->UsageError(s.message());
  }
  if (args.replan && !spec.empty() && args.current_file.empty()) {
    return ctx->UsageError(
        "--replan needs the current layouts: use --from-node, or --current "
        "FILE with a config exported by `migctl export`");
  }
  return ExitCode::kOk;
}

ExitCode RunPlan(Context* ctx, const PlanArgs& args) {
  FleetPlanOptions options;
  if (args.mode == "fast") {
    options.mode = PlanMode::kFast;
  } else if (args.mode == "exact") {
    options.mode = PlanMode::kExact;
  } else if (args.mode == "auto") {
    options.mode = PlanMode::kAuto;
  } else {
    return ctx->UsageError("unknown --mode '" + args.mode + "' (valid: auto, exact, fast)");
  }
  const bool time_limit_given =
      args.time_limit_option != nullptr && args.time_limit_option->count() > 0;
  // `!(x > 0)` also catches NaN.
  if (time_limit_given && (!(args.time_limit > 0) || args.time_limit > kMaxTimeLimit)) {
    return ctx->UsageError(
        fmt::format("--time-limit {}: give a number of seconds from above 0 to {}", args.time_limit,
                    kMaxTimeLimit));
  }
  options.time_limit_seconds =
      time_limit_given ? args.time_limit
                       : (options.mode == PlanMode::kExact ? kExactTimeLimit : kAutoTimeLimit);
  options.replan = args.replan;
  ConfigOptions config;
  config.name = args.config_name;
  config.gpus_per_node = args.gpus_per_node;
  if (args.unused == "empty") {
    config.unused = UnusedGpus::kEmpty;
  } else if (args.unused == "disabled") {
    config.unused = UnusedGpus::kDisabled;
  } else if (args.unused == "omit") {
    config.unused = UnusedGpus::kOmit;
  } else {
    return ctx->UsageError("unknown --unused '" + args.unused + "' (valid: empty, disabled, omit)");
  }
  if (args.gpus_per_node < 0 || (args.gpus_per_node == 0 && args.gpus_per_node_option != nullptr &&
                                 args.gpus_per_node_option->count() > 0)) {
    return ctx->UsageError(
        fmt::format("--gpus-per-node {}: must be 1 or more", args.gpus_per_node));
  }

  Demand demand;
  MIGCTL_RETURN_IF_FAILED(ReadDemand(ctx, args, &demand));
  Fleet fleet;
  MIGCTL_RETURN_IF_FAILED(ReadFleet(ctx, args, demand, &fleet));
  StatusOr<FleetPlan> plan = PlanFleet(fleet, demand, options);
  if (!plan.ok()) {
    if (plan.status().code() == Code::kInvalidArgument) {
      return ctx->UsageError(plan.status().message());
    }
    return ctx->FailStatus(plan.status(), "planning");
  }
  const std::string text = ToMigPartedConfig(fleet, *plan, config);
  if (!args.output.empty() && args.output != "-") {
    const Status s = Env::Default()->WriteFileAtomic(args.output, text);
    if (!s.ok()) return ctx->FailStatus(s, "writing the config");
  }
  if (ctx->json) {
    nlohmann::json j = PlanJson(fleet, demand, *plan);
    j["config_names"] = ConfigNames(fleet, config);
    j["config"] = text;
    ctx->PrintJson(j);
  } else if (args.output.empty() || args.output == "-") {
    ctx->Out(text);
    ctx->Err(PlanSummaryText(fleet, demand, *plan));
  } else {
    ctx->Out(PlanSummaryText(fleet, demand, *plan));
    ctx->Out("\nWrote " + args.output + " (config " + Join(ConfigNames(fleet, config), ", ") +
             "); apply it with: migctl apply -f " + args.output + " -c " +
             ConfigNames(fleet, config).front() + "\n");
  }
  if (plan->unmet_total > 0) {
    return ctx->Fail(ExitCode::kFailed, std::to_string(plan->unmet_total) + " of " +
                                            std::to_string(demand.TotalInstances()) +
                                            " instances do not fit the fleet " + fleet.ToString() +
                                            " (the plan places the rest)");
  }
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigurePlan(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<PlanArgs>();
  app->add_option("--demand", args->demand,
                  "What the workloads need: PROFILE=COUNT items (1g.10gb=20,3g.40gb=4) and/or "
                  "needs (mem>=20GiB,sms>=30,count=12), groups separated by ';'")
      ->type_name("DEMAND");
  app->add_option("-f,--demand-file", args->demand_file,
                  "The demand as a YAML file ('-' reads stdin); may also name the fleet")
      ->type_name("FILE");
  app->add_option("--fleet", args->fleet,
                  "The GPUs to plan for, e.g. 8xH100-SXM5-80GB,4xA100-SXM4-40GB (default: the "
                  "demand file's fleet, else the current node)")
      ->type_name("SPEC");
  app->add_flag("--from-node", args->from_node,
                "Plan for the current node's GPUs, with their current layouts (through the "
                "backend: the emulator or NVML)");
  app->add_option("--current", args->current_file,
                  "The fleet's current layouts from a mig-parted config, e.g. `migctl export` "
                  "output (placements are taken as the driver would choose them)")
      ->type_name("FILE");
  app->add_option("--current-config", args->current_config,
                  "The config in --current to read (may be left out when it has exactly one)")
      ->type_name("NAME");
  app->add_flag("--replan", args->replan,
                "Start from the current layouts and destroy as few running instances as "
                "possible (same GPU, profile and placement survive); lists what to destroy");
  app->add_option("--mode", args->mode,
                  "exact: branch-and-bound until optimality is proven or --time-limit; fast: LP "
                  "rounding and greedy repair, no search (milliseconds for 10,000 GPUs); auto: "
                  "fast, then exact if the fast plan is not proven optimal (default)")
      ->type_name("MODE");
  args->time_limit_option =
      app->add_option("--time-limit", args->time_limit,
                      "Seconds the exact search may take (default: 10 in auto mode, 60 in exact)")
          ->type_name("SECONDS");
  app->add_option("-o,--output", args->output,
                  "Write the config to FILE and the summary to stdout (default: the config on "
                  "stdout, the summary on stderr)")
      ->type_name("FILE");
  app->add_option("--config-name", args->config_name,
                  "The config's name in the file, for `migctl apply -c` (default: migkit-plan)")
      ->type_name("NAME");
  args->gpus_per_node_option =
      app->add_option(
             "--gpus-per-node", args->gpus_per_node,
             "Split the fleet into nodes of N GPUs: one config per node, NAME-node<k>, with "
             "device indexes within the node (default: the fleet is one node)")
          ->type_name("N");
  app->add_option("--unused", args->unused,
                  "What the config says for GPUs the plan leaves unused: empty (MIG on, no "
                  "instances; default), disabled (MIG off), omit (left untouched)")
      ->type_name("WHAT");
  AddJsonFlag(app, ctx);
  AddVerboseFlag(app, ctx);
  SetExamples(
      app,
      "  migctl plan --fleet 8xH100-SXM5-80GB --demand 1g.10gb=20,3g.40gb=4 > plan.yaml\n"
      "  migctl plan --fleet 8xH100-SXM5-80GB,4xA100-SXM4-40GB --demand 'mem>=20GiB,count=12' -o "
      "plan.yaml\n"
      "  migctl plan --from-node --replan --demand 3g.40gb=4,1g.10gb=6 -o plan.yaml --json\n"
      "  migctl apply -f plan.yaml -c migkit-plan --dry-run\n"
      "Each demand item is served by one profile per GPU model: a profile name means at least\n"
      "its compute slices and its GB (1g.10gb is 1g.10gb on H100 and A100-80GB, the 2-slot "
      "1g.10gb\n"
      "on A100-40GB, 2g.12gb on A30); a need picks the smallest profile meeting it.\n"
      "The summary gives GPUs used, the lower bound (the configuration LP over each model's\n"
      "maximal layouts, or the proven optimum) and the gap, unmet demand, and compute and memory\n"
      "slices left unused on used GPUs. --json gives all of it: gpus_used, lower_bound, gap,\n"
      "unmet, optimal, layouts (per GPU, with placements and what to destroy), config.\n"
      "Exit status 1 when some instances do not fit the fleet (the plan places the rest).\n"
      "Demand file (YAML):\n"
      "  fleet: 8xH100-SXM5-80GB        # optional\n"
      "  demand:\n"
      "    - {profile: 1g.10gb, count: 20}\n"
      "    - {name: embeddings, mem: 20GiB, sms: 30, count: 12}\n"
      "See docs/planner.md.");
  return [=]() { return RunPlan(ctx, *args); };
}

}  // namespace migkit::cli
