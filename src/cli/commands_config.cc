// Declarative layouts: apply, assert, export, checkpoint and restore (docs/configs.md); the busy
// marks they respect are set by commands_busy.cc.
//
// Config files use mig-parted's format (config/mig_config.h); without -f the built-in configs are
// used. apply and restore go through reconfig's Apply: plan from the current state keeping what
// the target also wants, refuse to destroy busy instances unless --force (or wait with --wait),
// execute, and roll back to the starting layout if a step fails. Everything goes through the
// Backend, so the commands work the same on the emulator and on real GPUs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/input.h"
#include "cli/output.h"
#include "config/assert.h"
#include "config/builtin.h"
#include "config/export.h"
#include "config/mig_config.h"
#include "config/resolve.h"
#include "core/strings.h"
#include "emu/emulated_node.h"
#include "env/env.h"
#include "reconfig/apply.h"
#include "reconfig/busy.h"
#include "reconfig/checkpoint.h"
#include "reconfig/plan_format.h"
#include "schedule/schedule.h"

namespace migkit::cli {
// ---- shared (also with commands_slurm.cc, see commands.h) --------------------------------------

// The config file named by -f, or the built-in configs. Errors are usage errors: the file is
// user input.
ExitCode LoadConfigFile(Context* ctx, const std::string& path, MigConfigFile* file) {
  if (path.empty()) {
    *file = BuiltinMigConfigs();
    return ExitCode::kOk;
  }
  StatusOr<std::string> text = ReadInput(path);
  if (!text.ok()) return ctx->UsageError("cannot read the config file: " + text.status().message());
  StatusOr<MigConfigFile> parsed = ParseMigConfigFile(*text, path == "-" ? "<stdin>" : path);
  if (!parsed.ok()) return ctx->UsageError(parsed.status().message());
  *file = std::move(parsed).value();
  return ExitCode::kOk;
}

// The targets of config `name` in `file` for the GPUs of `gpus` selected by -i.
ExitCode ResolveTargets(Context* ctx, const MigConfigFile& file, const std::string& name,
                        const std::vector<GpuInfo>& gpus, std::vector<GpuTarget>* targets) {
  if (name.empty() && file.source == kBuiltinConfigSource) {
    return ctx->UsageError(
        "choose a built-in config with -c, e.g. -c all-balanced; or give a file "
        "with -f (built-in: " +
        Join(file.Names(), ", ") + ")");
  }
  StatusOr<const NamedMigConfig*> config = SelectConfig(file, name);
  if (!config.ok()) return ctx->UsageError(config.status().message());
  StatusOr<std::vector<GpuTarget>> resolved = ResolveConfig(file, **config, gpus);
  if (!resolved.ok()) return ctx->UsageError(resolved.status().message());
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpus(gpus, &selected));
  targets->clear();
  for (GpuTarget& t : *resolved) {
    if (std::find(selected.begin(), selected.end(), t.gpu) != selected.end())
      targets->push_back(std::move(t));
  }
  if (targets->empty() && !ctx->json) {
    ctx->Err("note: config " + (*config)->name + " selects none of " +
             (ctx->gpu_args.empty() ? std::string("this node's GPUs")
                                    : std::string("the GPUs given with -i")) +
             " (its entries' devices and device-filter match no GPU here)\n");
  }
  return ExitCode::kOk;
}

namespace {

void RealSleep(std::int64_t micros) {
  std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

struct ChangeArgs {
  bool dry_run = false;
  bool force = false;
  std::string wait;
  bool skip_reset = false;
};

void AddChangeFlags(CLI::App* app, ChangeArgs* args) {
  app->add_flag("--dry-run", args->dry_run, "Show the plan as a diff and change nothing");
  app->add_flag("--force", args->force,
                "Destroy instances marked busy (`migctl busy`) if the plan must");
  app->add_option("--wait", args->wait,
                  "When busy instances are in the way, wait up to this long for them to be "
                  "released (30s, 15m, 2h; default: refuse at once)")
      ->type_name("DURATION");
  app->add_flag("--skip-reset", args->skip_reset,
                "Never reset a GPU; fail instead when a MIG mode change needs one (Ampere)");
}

const char* OutcomeName(ApplyOutcome o) {
  switch (o) {
    case ApplyOutcome::kAlreadyApplied:
      return "already-applied";
    case ApplyOutcome::kPlanned:
      return "planned";
    case ApplyOutcome::kApplied:
      return "applied";
    case ApplyOutcome::kBusy:
      return "busy";
    case ApplyOutcome::kFailed:
      return "failed";
    case ApplyOutcome::kError:
      return "error";
  }
  return "?";
}

nlohmann::json ResultJson(const ApplyResult& r) {
  nlohmann::json j;
  j["outcome"] = OutcomeName(r.outcome);
  j["plan"] = PlanJson(r.plan);
  nlohmann::json conflicts = nlohmann::json::array();
  for (const BusyConflict& c : r.conflicts) {
    conflicts.push_back(
        {{"gpu_uuid", c.mark.gpu_uuid},
         {"gi_id", c.mark.gi_id},
         {"ci_id", c.mark.ci_id.has_value() ? nlohmann::json(*c.mark.ci_id) : nlohmann::json()},
         {"holder", c.mark.holder},
         {"step", c.step}});
  }
  j["busy_conflicts"] = conflicts;
  if (r.outcome == ApplyOutcome::kApplied || r.outcome == ApplyOutcome::kFailed) {
    nlohmann::json rep;
    rep["steps_done"] = r.report.steps_done;
    rep["failed_step"] = r.report.failed_step.has_value()
                             ? nlohmann::json(*r.report.failed_step + 1)
                             : nlohmann::json();
    rep["error"] =
        r.report.error.ok() ? nlohmann::json() : nlohmann::json(r.report.error.ToString());
    rep["rolled_back"] = r.report.rolled_back;
    rep["restored"] = r.report.restored;
    rep["differences"] = r.report.differences;
    rep["notes"] = r.report.notes;
    j["report"] = rep;
  }
  if (r.outcome == ApplyOutcome::kError) j["error"] = r.status.ToString();
  j["waited_seconds"] = r.waited_micros / kMicros;
  return j;
}

// Runs Apply for `desired` and prints the plan and outcome. `what` names the target for messages
// ("config all-balanced", "checkpoint cp.json").
ExitCode RunChange(Context* ctx, const Desired& desired, const ChangeArgs& args,
                   const std::string& what) {
  std::int64_t wait_micros = 0;
  if (!ParseWait(args.wait, &wait_micros)) {
    return ctx->UsageError("--wait: '" + args.wait + "' is not a duration such as 30s, 15m or 2h");
  }
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  BusyStore busy(Env::Default(), BusyDir());
  ApplyEnv env{opened->backend.get(), &busy, Env::Default(), RealSleep};
  ApplyOptions options;
  if (!args.dry_run) {
    StatusOr<std::string> lock = ReconfigLockPath(*opened);
    if (!lock.ok()) return ctx->FailStatus(lock.status(), "cannot take the reconfiguration lock");
    options.lock_path = *lock;
  }
  options.dry_run = args.dry_run;
  options.force = args.force;
  options.wait_micros = wait_micros;
  options.allow_reset = !args.skip_reset;
  if (!ctx->json) {
    options.log = [ctx](const std::string& line) { ctx->Err(line + "\n"); };
    if (ctx->verbose) options.step_log = options.log;
  }
  const ApplyResult r = Apply(env, desired, options);
  if (ctx->json) {
    ctx->PrintJson(ResultJson(r));
  }
  PlanFormatOptions format;
  format.color = StdoutWantsColor();
  switch (r.outcome) {
    case ApplyOutcome::kError: {
      const ExitCode code =
          r.status.code() == Code::kResetRequired ? ExitCode::kFailed : ExitCodeFor(r.status);
      if (ctx->json) return code;
      return ctx->Fail(code, "cannot apply " + what + ": " + r.status.ToString());
    }
    case ApplyOutcome::kAlreadyApplied:
      if (!ctx->json) ctx->Out(FormatPlan(r.plan, format));
      return ExitCode::kOk;
    case ApplyOutcome::kPlanned:
      if (!ctx->json) {
        ctx->Out(FormatPlan(r.plan, format));
        for (const BusyConflict& c : r.conflicts) {
          ctx->Out("Busy: " + c.step + " would destroy " + c.mark.ToString() +
                   " (apply refuses unless --force or --wait)\n");
        }
        ctx->Out("Dry run: nothing was changed.\n");
      }
      return ExitCode::kOk;
    case ApplyOutcome::kBusy: {
      if (ctx->json) return ExitCode::kFailed;
      ctx->Out(FormatPlan(r.plan, format));
      std::string msg = "refusing to apply " + what + ": the plan destroys busy instances:\n";
      for (const BusyConflict& c : r.conflicts)
        msg += "  " + c.mark.ToString() + ": " + c.step + "\n";
      msg += r.waited_micros > 0
                 ? fmt::format("  (still busy after waiting {}s)\n", r.waited_micros / kMicros)
                 : std::string();
      msg += "Release them with `migctl busy release`, wait with --wait 10m, or use --force.";
      return ctx->Fail(ExitCode::kFailed, msg);
    }
    case ApplyOutcome::kApplied:
      if (!ctx->json) {
        ctx->Out(FormatPlan(r.plan, format));
        for (const std::string& n : r.report.notes) ctx->Out("note: " + n + "\n");
        ctx->Out(r.report.Summary(r.plan));
      }
      return ExitCode::kOk;
    case ApplyOutcome::kFailed:
      if (!ctx->json) {
        ctx->Out(FormatPlan(r.plan, format));
        ctx->Err("migctl: error: applying " + what + " failed\n" + r.report.Summary(r.plan));
      }
      return ExitCode::kFailed;
  }
  return ExitCode::kFailed;
}

// ---- apply / assert ----------------------------------------------------------------------------

struct ConfigArgs {
  std::string file;
  std::string config;
};

void AddConfigOptions(CLI::App* app, ConfigArgs* args) {
  app->add_option("-f,--config-file", args->file,
                  "mig-parted config file ('-' reads stdin; default: the built-in configs)")
      ->type_name("FILE");
  app->add_option("-c,--selected-config", args->config,
                  "The config to use (may be left out when the file has exactly one)")
      ->type_name("NAME");
}

ExitCode RunApply(Context* ctx, const ConfigArgs& c, const ChangeArgs& args) {
  MigConfigFile file;
  MIGCTL_RETURN_IF_FAILED(LoadConfigFile(ctx, c.file, &file));
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  Desired desired;
  MIGCTL_RETURN_IF_FAILED(ResolveTargets(ctx, file, c.config, gpus, &desired.configs));
  MIGCTL_RETURN_IF_FAILED(CheckCcAllowsMig(ctx, desired.configs));
  const std::string name = c.config.empty() ? file.configs.front().name : c.config;
  return RunChange(ctx, desired, args, "config " + name);
}

ExitCode RunAssert(Context* ctx, const ConfigArgs& c) {
  MigConfigFile file;
  MIGCTL_RETURN_IF_FAILED(LoadConfigFile(ctx, c.file, &file));
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  std::vector<GpuTarget> targets;
  MIGCTL_RETURN_IF_FAILED(ResolveTargets(ctx, file, c.config, gpus, &targets));
  const std::vector<GpuMismatch> mismatches = CheckApplied(gpus, targets);
  const std::string name = c.config.empty() ? file.configs.front().name : c.config;
  if (ctx->json) {
    nlohmann::json diffs = nlohmann::json::array();
    for (const GpuMismatch& m : mismatches) {
      diffs.push_back({{"gpu", m.gpu}, {"has", m.have}, {"wants", m.want}});
    }
    ctx->PrintJson({{"config", name},
                    {"applied", mismatches.empty()},
                    {"gpus_checked", targets.size()},
                    {"differences", diffs}});
    return mismatches.empty() ? ExitCode::kOk : ExitCode::kFailed;
  }
  if (mismatches.empty()) {
    ctx->Out(fmt::format("Config {} is applied ({} GPU{} checked).\n", name, targets.size(),
                         targets.size() == 1 ? "" : "s"));
    return ExitCode::kOk;
  }
  ctx->Out(fmt::format("Config {} is not applied on {} of {} GPU{}:\n", name, mismatches.size(),
                       targets.size(), targets.size() == 1 ? "" : "s"));
  for (const GpuMismatch& m : mismatches) ctx->Out("  " + m.ToString() + "\n");
  return ExitCode::kFailed;
}

// ---- export ------------------------------------------------------------------------------------

struct ExportArgs {
  std::string format = "yaml";
  std::string label = "current";
};

ExitCode RunExport(Context* ctx, const ExportArgs& args) {
  if (args.format != "yaml" && args.format != "json") {
    return ctx->UsageError("--output-format must be yaml or json, not '" + args.format + "'");
  }
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpus(gpus, &selected));
  std::vector<GpuInfo> chosen;
  for (int i : selected) chosen.push_back(gpus[static_cast<size_t>(i)]);
  std::vector<ExportedEntry> entries = ExportEntries(chosen);
  // With -i, "all" would widen the selection on re-apply: keep explicit indexes.
  if (chosen.size() != gpus.size()) {
    for (ExportedEntry& e : entries) e.all_devices = false;
  }
  for (const ExportedEntry& e : entries) {
    for (const std::string& w : e.warnings) ctx->Err("warning: " + w + "\n");
  }
  ctx->Out(ctx->json || args.format == "json" ? ExportJson(entries, args.label)
                                              : ExportYaml(entries, args.label));
  return ExitCode::kOk;
}

// ---- checkpoint / restore -----------------------------------------------------------------------

ExitCode RunCheckpoint(Context* ctx, const std::string& path) {
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  const Checkpoint c = MakeCheckpoint(gpus, Env::Default()->NowMicros());
  const std::string text = SerializeCheckpoint(c, gpus);
  if (path == "-") {
    ctx->Out(text);
    return ExitCode::kOk;
  }
  const Status s = Env::Default()->WriteFileAtomic(path, text);
  if (!s.ok())
    return ctx->Fail(ExitCode::kEnvironment, "cannot write the checkpoint: " + s.ToString());
  int gis = 0, cis = 0;
  for (const CheckpointGpu& g : c.gpus) {
    gis += static_cast<int>(g.state.gpu_instances.size());
    for (const GpuInstance& gi : g.state.gpu_instances)
      cis += static_cast<int>(gi.compute_instances.size());
  }
  ctx->Out(fmt::format("Saved {} GPU{} ({} GPU instance{}, {} compute instance{}) to {}\n",
                       c.gpus.size(), c.gpus.size() == 1 ? "" : "s", gis, gis == 1 ? "" : "s", cis,
                       cis == 1 ? "" : "s", path));
  return ExitCode::kOk;
}

ExitCode RunRestore(Context* ctx, const std::string& path, const ChangeArgs& args) {
  StatusOr<std::string> text = ReadInput(path);
  if (!text.ok()) return ctx->UsageError("cannot read the checkpoint: " + text.status().message());
  StatusOr<Checkpoint> checkpoint = ParseCheckpoint(*text, path == "-" ? "<stdin>" : path);
  if (!checkpoint.ok()) return ctx->UsageError(checkpoint.status().message());
  std::vector<GpuInfo> gpus;
  MIGCTL_RETURN_IF_FAILED(ctx->Snapshot(&gpus));
  StatusOr<std::vector<LayoutTarget>> targets = CheckpointTargets(*checkpoint, gpus);
  if (!targets.ok()) {
    return ctx->UsageError((path == "-" ? std::string("<stdin>") : path) + ": " +
                           targets.status().message());
  }
  std::vector<int> selected;
  MIGCTL_RETURN_IF_FAILED(ctx->SelectGpus(gpus, &selected));
  Desired desired;
  desired.exact = true;
  for (const LayoutTarget& t : *targets) {
    if (std::find(selected.begin(), selected.end(), t.gpu) != selected.end())
      desired.layouts.push_back(t);
  }
  return RunChange(ctx, desired, args, "checkpoint " + path);
}

}  // namespace

Handler ConfigureApply(CLI::App* app, Context* ctx) {
  auto config = std::make_shared<ConfigArgs>();
  auto change = std::make_shared<ChangeArgs>();
  AddConfigOptions(app, config.get());
  AddChangeFlags(app, change.get());
  AddGpuAndOutputOptions(app, ctx, "default: every GPU the config selects");
  SetExamples(
      app,
      "  migctl apply -c all-balanced --dry-run          # a built-in config: show the plan\n"
      "  migctl apply -f mig-config.yaml -c custom-config\n"
      "  migctl apply -f mig-config.yaml -c all-1g.10gb --wait 15m\n"
      "The file format is mig-parted's (docs/configs.md). Instances the config also wants\n"
      "stay as they are (same GI ID, placement and MIG UUID); only what must go is destroyed.\n"
      "Instances marked with `migctl busy` are not destroyed unless --force. If a step\n"
      "fails, every GPU is rolled back to where it started.\n"
      "Built-in configs: all-disabled, all-enabled, all-balanced, all-<profile> (e.g.\n"
      "all-1g.10gb, all-7g.80gb; '+' in a profile becomes '.': all-1g.10gb.me).");
  return [=]() { return RunApply(ctx, *config, *change); };
}

Handler ConfigureAssert(CLI::App* app, Context* ctx) {
  auto config = std::make_shared<ConfigArgs>();
  AddConfigOptions(app, config.get());
  AddGpuAndOutputOptions(app, ctx, "default: every GPU the config selects");
  SetExamples(app,
              "  migctl assert -f mig-config.yaml -c all-balanced && echo applied\n"
              "Exit status 0 when every GPU the config selects has exactly its MIG devices and\n"
              "mode, 1 with the differences otherwise.");
  return [=]() { return RunAssert(ctx, *config); };
}

Handler ConfigureExport(CLI::App* app, Context* ctx) {
  auto args = std::make_shared<ExportArgs>();
  app->add_option("-o,--output-format", args->format, "yaml or json (default: yaml)")
      ->type_name("FORMAT");
  app->add_option("-l,--config-label", args->label,
                  "The config's name in the file (default: current)")
      ->type_name("NAME");
  AddGpuAndOutputOptions(app, ctx);
  SetExamples(app,
              "  migctl export > now.yaml && migctl apply -f now.yaml   # round trip\n"
              "  migctl export -o json -l before-upgrade\n"
              "Placements are not part of the format; `migctl checkpoint` keeps them.");
  return [=]() { return RunExport(ctx, *args); };
}

Handler ConfigureCheckpoint(CLI::App* app, Context* ctx) {
  auto path = std::make_shared<std::string>();
  app->add_option("-f,--checkpoint-file", *path, "Where to write the checkpoint ('-' for stdout)")
      ->required()
      ->type_name("FILE");
  AddVerboseFlag(app, ctx);
  SetExamples(
      app,
      "  migctl checkpoint -f before.json\n"
      "  migctl restore -f before.json\n"
      "A checkpoint records the MIG mode and every GPU and compute instance with its ID and\n"
      "placement, per GPU UUID.");
  return [=]() { return RunCheckpoint(ctx, *path); };
}

Handler ConfigureRestore(CLI::App* app, Context* ctx) {
  auto path = std::make_shared<std::string>();
  auto change = std::make_shared<ChangeArgs>();
  app->add_option("-f,--checkpoint-file", *path,
                  "A checkpoint written by `migctl checkpoint` ('-' for stdin)")
      ->required()
      ->type_name("FILE");
  AddChangeFlags(app, change.get());
  AddGpuAndOutputOptions(app, ctx, "default: every GPU in the checkpoint");
  SetExamples(app,
              "  migctl restore -f before.json --dry-run\n"
              "  migctl restore -f before.json\n"
              "Instances still at their checkpointed placement stay untouched; the rest are\n"
              "recreated at exactly their placements.");
  return [=]() { return RunRestore(ctx, *path, *change); };
}

}  // namespace migkit::cli
