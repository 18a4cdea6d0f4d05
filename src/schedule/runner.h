// ScheduleRunner: the loop behind `migctl schedule run` - apply the config a schedule says is in
// force now, sleep until the next change, apply that one, and so on.
//
// The runner knows nothing about GPUs: it calls an ApplyFn with a config name and learns whether
// the node has it now. The CLI's ApplyFn resolves the name and runs reconfig's Apply with the
// schedule's busy-wait, so a change waits for busy instances and then reports; a change that could
// not be made is retried every `retry` until it is made or the next change supersedes it. Time
// comes from the Env clock and waiting goes through an injected sleep, so tests run a week of
// schedule in milliseconds.
#ifndef MIGKIT_SCHEDULE_RUNNER_H_
#define MIGKIT_SCHEDULE_RUNNER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"
#include "env/env.h"
#include "schedule/schedule.h"

namespace migkit {

/// What one attempt to put a config in force achieved.
struct ApplyAttempt {
  bool in_force = false;  // the node has the config now (applied, or already had it)
  std::string message;    // one line for the log ("applied 12 steps", "busy: ...", ...)
};

struct RunnerOptions {
  /// Stop once the clock reaches this (UTC microseconds); empty runs until `stop` says so.
  std::optional<std::int64_t> until_micros;
  /// Checked before each wait; returning true ends the loop (signal handling). May be empty.
  std::function<bool()> stop;
  /// The longest single sleep, so clock jumps and stop requests are noticed.
  std::int64_t max_sleep_micros = 60LL * 1000000;
};

class ScheduleRunner {
 public:
  using ApplyFn = std::function<ApplyAttempt(const std::string& config)>;
  using SleepFn = std::function<void(std::int64_t micros)>;
  using LogFn = std::function<void(const std::string& line)>;

  /// `schedule` and `env` must outlive the runner.
  ScheduleRunner(const Schedule& schedule, Env* env, SleepFn sleep, ApplyFn apply, LogFn log)
      : schedule_(schedule),
        env_(env),
        sleep_(std::move(sleep)),
        apply_(std::move(apply)),
        log_(std::move(log)) {}

  /// Runs until `options` says stop. Returns OK then; the loop itself never fails (failed
  /// applies are logged and retried).
  Status Run(const RunnerOptions& options);

 private:
  void Log(std::int64_t now_micros, const std::string& line);

  const Schedule& schedule_;
  Env* env_;
  SleepFn sleep_;
  ApplyFn apply_;
  LogFn log_;
};

}  // namespace migkit

#endif  // MIGKIT_SCHEDULE_RUNNER_H_
