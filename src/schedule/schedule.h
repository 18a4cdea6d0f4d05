// Schedule: which MIG config should be in force at which time ("7 small instances by day, one big
// one at night"), and when that changes next.
//
// File format (docs/schedules.md):
//
//   version: v1
//   time-zone: Europe/Berlin          # IANA name, UTC, +02:00, or a POSIX TZ rule
//   config-file: mig-configs.yaml     # optional; relative to this file; default: built-in configs
//   default: all-7g.80gb              # in force outside every window
//   busy-wait: 30m                    # optional: how long a change waits for busy instances
//   retry: 5m                         # optional: how soon a change that could not be made is
//   retried windows:
//     - name: day                     # optional, for logs
//       days: weekdays                # a list of mon..sun, or weekdays, weekends, daily
//       from: "08:00"
//       to: "20:00"                   # "24:00" is midnight; to <= from runs past midnight
//       config: all-1g.10gb
//
// A window covers the local wall-clock times [from, to) of each listed day; a window with to <=
// from starts on the listed day and ends on the next. Where windows overlap, the first in the file
// wins. Times are wall-clock times in the schedule's zone, so "08:00" is 08:00 in winter and in
// summer. Around clock changes: a boundary in a skipped hour takes effect when the clock jumps; a
// boundary in a repeated hour takes effect at its first occurrence - and a window that ends inside
// the repeated hour is in force again while the clock reads the repeated part a second time.
#ifndef MIGKIT_SCHEDULE_SCHEDULE_H_
#define MIGKIT_SCHEDULE_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "env/env.h"
#include "schedule/time_zone.h"

namespace migkit {

struct ScheduleWindow {
  std::string name;     // "" when unnamed (logs then say "window 2")
  unsigned days = 0;    // bit d set: day d (0 = Sunday ... 6 = Saturday)
  int from_minute = 0;  // 0..1439
  int to_minute = 0;    // 1..1440; <= from_minute: ends the next day
  std::string config;
  int line = 0;  // line of the window in the file

  /// "day (Mon-Fri 08:00-20:00)".
  std::string Describe() const;
};

/// A change of config at an instant.
struct ScheduleTransition {
  std::int64_t at = 0;  // UTC seconds
  std::string config;   // in force from `at`
  std::string reason;   // "window day starts", "window day ends", "default"
};

/// The optional `slurm:` block: the node is scheduled by Slurm, so each change goes through
/// `migctl slurm apply` (slurm/slurm_apply.h) with these settings, waiting up to busy-wait for
/// the jobs Slurm would otherwise kill.
struct ScheduleSlurm {
  std::string node;  // the node's Slurm name
  std::string slurm_conf = "/etc/slurm/slurm.conf";
  std::string gres_conf;      // "" = gres.conf beside slurm.conf
  std::string mode = "nvml";  // gres.conf: nvml or static
  std::string restart_cmd = "systemctl restart";
  std::int64_t node_timeout_seconds = 60;
};

struct Schedule {
  std::string source;  // file name for errors and logs
  TimeZone zone;
  std::string config_file;  // as written ("" = built-in configs); resolve with ConfigFilePath
  std::string default_config;
  std::vector<ScheduleWindow> windows;
  std::int64_t busy_wait_seconds = 15 * 60;
  std::int64_t retry_seconds = 5 * 60;
  std::optional<ScheduleSlurm> slurm;  // present: apply through Slurm (the "Slurm flavour")

  /// The config in force at `utc` and why ("window day", "default").
  std::string ConfigAt(std::int64_t utc, std::string* reason = nullptr) const;
  /// The next `count` changes of config strictly after `utc` (fewer when the schedule never
  /// changes). Looks at most 400 days ahead.
  std::vector<ScheduleTransition> NextTransitions(std::int64_t utc, int count) const;
  /// Every config name the schedule uses (default first, then windows, without repeats).
  std::vector<std::string> ConfigNames() const;
};

/// Parses a schedule. Errors are kParseError "<source>:<line>: <what is wrong>, <found>, <valid>"
/// (kNotFound for an unknown zone, with the file and line). `env` is unused: zones come from the
/// OS database through the date library, which reads files itself; the parameter stays until the
/// callers outside src/schedule drop it.
StatusOr<Schedule> ParseSchedule(std::string_view text, std::string_view source, Env* env);

/// `schedule.config_file` relative to the directory of `schedule_path` (absolute paths as is).
std::string ConfigFilePath(const Schedule& schedule, const std::string& schedule_path);

/// "30m", "90s", "2h", "1h30m" -> seconds; nullopt when malformed.
std::optional<std::int64_t> ParseDuration(std::string_view text);

/// "2026-03-29 08:00 CEST" for a UTC instant in `zone`.
std::string FormatInZone(const TimeZone& zone, std::int64_t utc);

}  // namespace migkit

#endif  // MIGKIT_SCHEDULE_SCHEDULE_H_
