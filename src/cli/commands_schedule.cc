// `migctl schedule show|run`: time-of-day MIG layouts (docs/schedules.md).
//
// show lists what is in force now and the next changes; run is the long-running loop the systemd
// unit starts (deploy/systemd/migkit-schedule.service): it applies each change on time through
// reconfig's Apply, waiting the schedule's busy-wait for busy instances, and logs one line per
// action on stderr (the journal).
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/input.h"
#include "cli/slurm_process.h"
#include "config/builtin.h"
#include "config/mig_config.h"
#include "config/resolve.h"
#include "core/strings.h"
#include "emu/emulated_node.h"
#include "env/env.h"
#include "reconfig/apply.h"
#include "reconfig/busy.h"
#include "reconfig/plan_format.h"
#include "schedule/runner.h"
#include "schedule/schedule.h"
#include "slurm/slurm_apply.h"

namespace migkit::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

struct ScheduleArgs {
  std::string file;
  int count = 5;
  std::string run_for;
};

// The schedule and the config file it names (or the built-ins), with every config name checked.
ExitCode LoadSchedule(Context* ctx, const std::string& path, Schedule* schedule,
                      MigConfigFile* configs) {
  std::string text;
  Status read = Env::Default()->ReadFile(path, &text);
  if (!read.ok()) return ctx->UsageError("cannot read the schedule: " + read.message());
  StatusOr<Schedule> parsed = ParseSchedule(text, path, Env::Default());
  if (!parsed.ok()) return ctx->UsageError(parsed.status().message());
  *schedule = std::move(parsed).value();
  const std::string config_path = ConfigFilePath(*schedule, path);
  if (config_path.empty()) {
    *configs = BuiltinMigConfigs();
  } else {
    std::string config_text;
    Status r = Env::Default()->ReadFile(config_path, &config_text);
    if (!r.ok()) return ctx->UsageError(path + ": cannot read its config-file: " + r.message());
    StatusOr<MigConfigFile> file = ParseMigConfigFile(config_text, config_path);
    if (!file.ok()) return ctx->UsageError(file.status().message());
    *configs = std::move(file).value();
  }
  const std::vector<std::string> names = schedule->ConfigNames();
  for (const std::string& name : names) {
    if (configs->Find(name) == nullptr) {
      return ctx->UsageError(fmt::format("{}: config '{}' is not in {}; it has: {}", path, name,
                                         configs->source, Join(configs->Names(), ", ")));
    }
  }
  return ExitCode::kOk;
}

ExitCode RunShow(Context* ctx, const ScheduleArgs& args) {
  Schedule schedule;
  MigConfigFile configs;
  MIGCTL_RETURN_IF_FAILED(LoadSchedule(ctx, args.file, &schedule, &configs));
  const std::int64_t now = Env::Default()->NowMicros() / kMicros;
  std::string reason;
  const std::string current = schedule.ConfigAt(now, &reason);
  const std::vector<ScheduleTransition> next = schedule.NextTransitions(now, args.count);
  if (ctx->json) {
    nlohmann::json list = nlohmann::json::array();
    for (const ScheduleTransition& t : next) {
      list.push_back({{"at", FormatUtc(t.at * kMicros)},
                      {"local", FormatInZone(schedule.zone, t.at)},
                      {"config", t.config},
                      {"reason", t.reason}});
    }
    return ctx->PrintJson({{"time_zone", schedule.zone.name()},
                           {"now",
                            {{"at", FormatUtc(now * kMicros)},
                             {"local", FormatInZone(schedule.zone, now)},
                             {"config", current},
                             {"reason", reason}}},
                           {"next", list}});
  }
  ctx->Out(fmt::format("Schedule {} (time zone {}), configs from {}\n", args.file,
                       schedule.zone.name(), configs.source));
  ctx->Out(fmt::format("Now ({}): {}  ({})\n", FormatInZone(schedule.zone, now), current, reason));
  if (next.empty()) {
    ctx->Out("The schedule never changes.\n");
    return ExitCode::kOk;
  }
  ctx->Out("Next changes:\n");
  for (const ScheduleTransition& t : next) {
    ctx->Out(
        fmt::format("  {}  {}  ({})\n", FormatInZone(schedule.zone, t.at), t.config, t.reason));
  }
  return ExitCode::kOk;
}

ExitCode RunRun(Context* ctx, const ScheduleArgs& args) {
  Schedule schedule;
  MigConfigFile configs;
  MIGCTL_RETURN_IF_FAILED(LoadSchedule(ctx, args.file, &schedule, &configs));
  std::optional<std::int64_t> run_for;
  if (!args.run_for.empty()) {
    std::optional<std::int64_t> d = ParseDuration(args.run_for);
    if (!d.has_value())
      return ctx->UsageError("--for: '" + args.run_for + "' is not a duration such as 30s or 2h");
    run_for = *d;
  }
  OpenedBackend* opened = nullptr;
  MIGCTL_RETURN_IF_FAILED(ctx->OpenBackend(&opened));
  BusyStore busy(Env::Default(), DefaultStateDir());
  StatusOr<std::string> lock = ReconfigLockPath(*opened);
  if (!lock.ok()) return ctx->FailStatus(lock.status(), "cannot take the reconfiguration lock");
  const std::string lock_path = *lock;
  Env* env = Env::Default();
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  // Sleeps in short slices so that a signal ends the loop promptly.
  auto sleep = [](std::int64_t micros) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
    while (!g_stop.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(200)));
    }
  };
  auto log = [ctx](const std::string& line) { ctx->Err(line + "\n"); };
  // The Slurm flavour (a `slurm:` block): drain, wait for the jobs Slurm would kill (up to
  // busy-wait), apply, rewrite Gres= and gres.conf, restart, resume (slurm/slurm_apply.h).
  auto apply_through_slurm = [&](const ScheduleSlurm& cfg, const std::string& name,
                                 const Desired& desired) -> ApplyAttempt {
    slurm::SlurmApplyOptions o;
    o.node = cfg.node;
    o.slurm_conf = cfg.slurm_conf;
    o.gres_conf = cfg.gres_conf.empty()
                      ? cfg.slurm_conf.substr(0, cfg.slurm_conf.rfind('/') + 1) + "gres.conf"
                      : cfg.gres_conf;
    o.mode =
        cfg.mode == "static" ? slurm::GresConfMode::kStatic : slurm::GresConfMode::kAutoDetectNvml;
    o.config_name = name;
    o.wait_jobs_micros = schedule.busy_wait_seconds * kMicros;
    o.node_timeout_micros = cfg.node_timeout_seconds * kMicros;
    o.poll_micros = 5 * kMicros;
    o.log = [&](const std::string& line) { log("  " + line); };
    o.busy = &busy;
    o.lock_path = lock_path;
    SlurmProcesses processes(cfg.restart_cmd, o.node_timeout_micros);
    const slurm::SlurmApplyResult r =
        slurm::SlurmApply(opened->backend.get(), env, &processes, sleep, desired, o);
    switch (r.outcome) {
      case slurm::SlurmApplyOutcome::kAlreadyApplied:
        return {true, "already in force, and Slurm's Gres= says so"};
      case slurm::SlurmApplyOutcome::kApplied:
        return {true,
                "applied through Slurm: node " + cfg.node + " resumed with Gres=" + r.new_gres};
      default:
        return {false, "not applied through Slurm: " + r.status.message() +
                           fmt::format("; retrying in {}s", schedule.retry_seconds)};
    }
  };
  auto apply = [&](const std::string& name) -> ApplyAttempt {
    StatusOr<std::vector<GpuInfo>> gpus = opened->backend->Gpus();
    if (!gpus.ok()) return {false, "cannot read the GPUs: " + gpus.status().ToString()};
    StatusOr<std::vector<GpuTarget>> targets = ResolveConfig(configs, *configs.Find(name), *gpus);
    if (!targets.ok()) return {false, targets.status().message()};
    Desired desired;
    desired.configs = std::move(targets).value();
    if (schedule.slurm) return apply_through_slurm(*schedule.slurm, name, desired);
    ApplyEnv ae{opened->backend.get(), &busy, env, sleep};
    ApplyOptions options;
    options.lock_path = lock_path;
    options.wait_micros = schedule.busy_wait_seconds * kMicros;
    options.poll_micros = 5 * kMicros;
    options.log = [&](const std::string& line) { log("  " + line); };
    options.step_log = options.log;
    options.stop = [] { return g_stop.load(); };
    const ApplyResult r = Apply(ae, desired, options);
    switch (r.outcome) {
      case ApplyOutcome::kAlreadyApplied:
        return {true, "already in force"};
      case ApplyOutcome::kApplied:
        return {true, "applied: " + PlanSummary(r.plan)};
      case ApplyOutcome::kBusy: {
        std::vector<std::string> marks;
        for (const BusyConflict& c : r.conflicts) marks.push_back(c.mark.ToString());
        return {false,
                fmt::format("not applied: still busy after {}s: {}; retrying in {}s",
                            r.waited_micros / kMicros, Join(marks, "; "), schedule.retry_seconds)};
      }
      case ApplyOutcome::kFailed:
        return {false, "failed and rolled back: " + Trim(r.report.Summary(r.plan)) +
                           fmt::format("; retrying in {}s", schedule.retry_seconds)};
      case ApplyOutcome::kPlanned:
      case ApplyOutcome::kError:
        break;
    }
    return {false, "not applied: " + r.status.ToString()};
  };
  log(fmt::format("{}  schedule {} started (time zone {}, backend: {})",
                  FormatInZone(schedule.zone, env->NowMicros() / kMicros), args.file,
                  schedule.zone.name(), opened->backend->Describe()));
  ScheduleRunner runner(schedule, env, sleep, apply, log);
  RunnerOptions options;
  if (run_for.has_value()) options.until_micros = env->NowMicros() + *run_for * kMicros;
  options.stop = [] { return g_stop.load(); };
  const Status s = runner.Run(options);
  log(fmt::format("{}  schedule {} stopped",
                  FormatInZone(schedule.zone, env->NowMicros() / kMicros), args.file));
  if (!s.ok()) return ctx->FailStatus(s, "schedule run");
  return ExitCode::kOk;
}

}  // namespace

Handler ConfigureSchedule(CLI::App* app, Context* ctx) {
  app->require_subcommand(1);
  auto args = std::make_shared<ScheduleArgs>();
  CLI::App* show =
      app->add_subcommand("show", "Show the config in force now and the next changes.");
  show->add_option("-f,--schedule-file", args->file, "The schedule (docs/schedules.md)")
      ->required()
      ->type_name("FILE");
  show->add_option("-n,--count", args->count, "How many changes to list (default: 5)")
      ->type_name("N");
  AddJsonFlag(show, ctx);
  SetExamples(show, "  migctl schedule show -f /etc/migkit/schedule.yaml -n 10");
  CLI::App* run = app->add_subcommand(
      "run",
      "Apply the schedule: each change on time, waiting for busy instances; runs until stopped.");
  run->add_option("-f,--schedule-file", args->file, "The schedule (docs/schedules.md)")
      ->required()
      ->type_name("FILE");
  run->add_option("--for", args->run_for,
                  "Stop after this long (e.g. 10s, 8h; default: run until SIGTERM)")
      ->type_name("DURATION");
  SetExamples(run,
              "  migctl schedule run -f /etc/migkit/schedule.yaml\n"
              "Logs one line per action on stderr. deploy/systemd/migkit-schedule.service runs it\n"
              "as a service.");
  for (CLI::App* sub : {show, run}) AddVerboseFlag(sub, ctx);
  SetExamples(app,
              "  migctl schedule show -f schedule.yaml\n"
              "  migctl schedule run -f schedule.yaml\n"
              "A schedule maps time windows (days of week, HH:MM ranges, a time zone) to config\n"
              "names; deploy/systemd/schedule.example.yaml is a commented example.");
  return [=]() -> ExitCode {
    if (show->parsed()) return RunShow(ctx, *args);
    return RunRun(ctx, *args);
  };
}

}  // namespace migkit::cli
