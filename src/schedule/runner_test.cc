#include "schedule/runner.h"

#include <gtest/gtest.h>

#include "config/assert.h"
#include "config/resolve.h"
#include "reconfig/apply.h"
#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

std::int64_t Micros(int y, int mo, int d, int h, int mi) {
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60) * 1000000;
}

constexpr char kConfigs[] = R"(version: v1
mig-configs:
  small:
    - devices: all
      mig-enabled: true
      mig-devices:
        1g.10gb: 7
  big:
    - devices: all
      mig-enabled: true
      mig-devices:
        7g.80gb: 1
)";

constexpr char kSchedule[] = R"(version: v1
time-zone: CET-1CEST,M3.5.0,M10.5.0/3
default: big
busy-wait: 10m
retry: 5m
windows:
  - name: day
    days: weekdays
    from: "08:00"
    to: "20:00"
    config: small
)";

// A simulated week on an emulated 2-GPU node: every change happens at its local wall-clock time,
// across the start of summer time, and leaves the node in the scheduled config.
TEST(ScheduleRunner, AppliesTheRightConfigsAtTheRightTimes) {
  MemEnv env;
  env.SetNow(Micros(2026, 3, 27, 11, 0));  // Friday 12:00 CET
  auto node = NewTestNode(&env, "/n", "2xH100-SXM5-80GB");
  BusyStore busy(&env, "/n");
  ASSERT_OK_AND_ASSIGN(Schedule schedule, ParseSchedule(kSchedule, "s.yaml", &env));
  ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(kConfigs, "c.yaml"));

  std::vector<std::string> applied;  // "<local time> <config>"
  auto apply = [&](const std::string& config) {
    std::vector<GpuInfo> gpus = MustSnapshot(node.get());
    StatusOr<std::vector<GpuTarget>> targets = ResolveConfig(file, *file.Find(config), gpus);
    EXPECT_OK(targets);
    Desired d;
    d.configs = *targets;
    ApplyEnv ae{node.get(), &busy, &env, [&](std::int64_t us) { env.Advance(us); }};
    ApplyOptions options;
    options.wait_micros = schedule.busy_wait_seconds * 1000000;
    const ApplyResult r = Apply(ae, d, options);
    applied.push_back(FormatInZone(schedule.zone, env.NowMicros() / 1000000) + " " + config);
    return ApplyAttempt{
        r.outcome == ApplyOutcome::kApplied || r.outcome == ApplyOutcome::kAlreadyApplied, "done"};
  };
  std::vector<std::string> log;
  ScheduleRunner runner(
      schedule, &env, [&](std::int64_t us) { env.Advance(us); }, apply,
      [&](const std::string& line) { log.push_back(line); });
  RunnerOptions options;
  options.until_micros = Micros(2026, 4, 3, 11, 0);  // the next Friday noon
  options.max_sleep_micros = 3600LL * 1000000;
  ASSERT_OK(runner.Run(options));
  EXPECT_EQ(applied, (std::vector<std::string>{
                         "2026-03-27 12:00 CET small",
                         "2026-03-27 20:00 CET big",
                         "2026-03-30 08:00 CEST small",
                         "2026-03-30 20:00 CEST big",
                         "2026-03-31 08:00 CEST small",
                         "2026-03-31 20:00 CEST big",
                         "2026-04-01 08:00 CEST small",
                         "2026-04-01 20:00 CEST big",
                         "2026-04-02 08:00 CEST small",
                         "2026-04-02 20:00 CEST big",
                         "2026-04-03 08:00 CEST small",
                     }));
  ASSERT_OK_AND_ASSIGN(std::vector<GpuTarget> small,
                       ResolveConfig(file, *file.Find("small"), MustSnapshot(node.get())));
  EXPECT_TRUE(CheckApplied(MustSnapshot(node.get()), small).empty());
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0], "2026-03-27 12:00 CET  applying small (window day (Mon-Fri 08:00-20:00))");
}

// A change that meets a busy instance waits busy-wait, reports, and is retried every `retry`
// until the instance is released.
TEST(ScheduleRunner, WaitsForBusyInstancesThenRetries) {
  MemEnv env;
  env.SetNow(Micros(2026, 1, 5, 18, 0));  // Monday 19:00 CET, in the "day" window
  auto node = NewTestNode(&env, "/n", "1xH100-SXM5-80GB");
  BusyStore busy(&env, "/n");
  ASSERT_OK_AND_ASSIGN(Schedule schedule, ParseSchedule(kSchedule, "s.yaml", &env));
  ASSERT_OK_AND_ASSIGN(MigConfigFile file, ParseMigConfigFile(kConfigs, "c.yaml"));
  const std::int64_t release_at = Micros(2026, 1, 5, 19, 25);  // the job ends at 20:25 CET
  auto sleep = [&](std::int64_t us) {
    env.Advance(us);
    if (env.NowMicros() >= release_at) {
      EXPECT_OK(
          busy.Remove(MustSnapshot(node.get())[0].uuid, 7, std::nullopt, "", env.NowMicros()));
    }
  };
  std::vector<std::string> outcomes;
  bool marked = false;
  auto apply = [&](const std::string& config) {
    std::vector<GpuInfo> gpus = MustSnapshot(node.get());
    if (config == "small" || !marked) {
      // Mark the first 1g instance busy once the day layout is in place.
    }
    StatusOr<std::vector<GpuTarget>> targets = ResolveConfig(file, *file.Find(config), gpus);
    Desired d;
    d.configs = *targets;
    ApplyEnv ae{node.get(), &busy, &env, sleep};
    ApplyOptions options;
    options.wait_micros = schedule.busy_wait_seconds * 1000000;
    options.poll_micros = 60LL * 1000000;
    const ApplyResult r = Apply(ae, d, options);
    if (config == "small" && !marked && r.outcome == ApplyOutcome::kApplied) {
      EXPECT_OK(busy.Add(BusyMark{gpus[0].uuid, 7, std::nullopt, "job-7", 0, std::nullopt},
                         env.NowMicros()));
      marked = true;
    }
    const bool ok =
        r.outcome == ApplyOutcome::kApplied || r.outcome == ApplyOutcome::kAlreadyApplied;
    outcomes.push_back(FormatInZone(schedule.zone, env.NowMicros() / 1000000) + " " + config + " " +
                       (ok ? "in force" : "busy"));
    return ApplyAttempt{ok, ok ? "in force" : "busy"};
  };
  ScheduleRunner runner(schedule, &env, sleep, apply, nullptr);
  RunnerOptions options;
  options.until_micros = Micros(2026, 1, 5, 20, 0);  // 21:00 CET
  ASSERT_OK(runner.Run(options));
  // 20:00 change to "big" is blocked by job-7: waits 10m (20:10), retried at 20:15 (waits until
  // 20:25, when the job ends) and then made.
  EXPECT_EQ(outcomes, (std::vector<std::string>{
                          "2026-01-05 19:00 CET small in force",
                          "2026-01-05 20:10 CET big busy",
                          "2026-01-05 20:25 CET big in force",
                      }));
}

}  // namespace
}  // namespace migkit
