#include "schedule/schedule.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "reconfig/test_support.h"
#include "testing/status_matchers.h"

namespace migkit {
namespace {

std::int64_t At(int y, int mo, int d, int h, int mi) {
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

constexpr char kDayNight[] = R"(version: v1
time-zone: CET-1CEST,M3.5.0,M10.5.0/3
default: all-7g.80gb
windows:
  - name: day
    days: weekdays
    from: "08:00"
    to: "20:00"
    config: all-1g.10gb
)";

TEST(Schedule, SaysWhichConfigIsInForce) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(kDayNight, "s.yaml", &env));
  std::string reason;
  // Friday 2026-03-27, 12:00 CET = 11:00 UTC.
  EXPECT_EQ(s.ConfigAt(At(2026, 3, 27, 11, 0), &reason), "all-1g.10gb");
  EXPECT_EQ(reason, "window day (Mon-Fri 08:00-20:00)");
  EXPECT_EQ(s.ConfigAt(At(2026, 3, 27, 19, 0), &reason), "all-7g.80gb");  // 20:00 CET
  EXPECT_EQ(reason, "default");
  EXPECT_EQ(s.ConfigAt(At(2026, 3, 28, 11, 0)), "all-7g.80gb");  // Saturday
  EXPECT_EQ(s.ConfigNames(), (std::vector<std::string>{"all-7g.80gb", "all-1g.10gb"}));
}

TEST(Schedule, ListsTransitionsAcrossAClockChange) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(kDayNight, "s.yaml", &env));
  // From Friday noon over the weekend on which summer time starts (29 March 2026).
  const std::vector<ScheduleTransition> t = s.NextTransitions(At(2026, 3, 27, 11, 0), 4);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(FormatInZone(s.zone, t[0].at), "2026-03-27 20:00 CET");
  EXPECT_EQ(t[0].config, "all-7g.80gb");
  EXPECT_EQ(FormatInZone(s.zone, t[1].at), "2026-03-30 08:00 CEST");
  EXPECT_EQ(t[1].at, At(2026, 3, 30, 6, 0));  // 08:00 local is 06:00 UTC in summer
  EXPECT_EQ(t[1].config, "all-1g.10gb");
  EXPECT_EQ(FormatInZone(s.zone, t[2].at), "2026-03-30 20:00 CEST");
  EXPECT_EQ(FormatInZone(s.zone, t[3].at), "2026-03-31 08:00 CEST");
}

// The same schedule in the OS database's Europe/Berlin changes at the same wall-clock times.
TEST(Schedule, ListsTransitionsAcrossAClockChangeInASystemZone) {
  MemEnv env;
  std::string yaml = kDayNight;
  const std::string rule = "CET-1CEST,M3.5.0,M10.5.0/3";
  yaml.replace(yaml.find(rule), rule.size(), "Europe/Berlin");
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(yaml, "s.yaml", &env));
  const std::vector<ScheduleTransition> t = s.NextTransitions(At(2026, 3, 27, 11, 0), 3);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(FormatInZone(s.zone, t[0].at), "2026-03-27 20:00 CET");
  EXPECT_EQ(t[0].at, At(2026, 3, 27, 19, 0));
  EXPECT_EQ(FormatInZone(s.zone, t[1].at), "2026-03-30 08:00 CEST");
  EXPECT_EQ(t[1].at, At(2026, 3, 30, 6, 0));
  EXPECT_EQ(FormatInZone(s.zone, t[2].at), "2026-03-30 20:00 CEST");
}

TEST(Schedule, HandlesOvernightWindowsAndSkippedHours) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(R"(version: v1
time-zone: CET-1CEST,M3.5.0,M10.5.0/3
default: small
windows:
  - name: night
    days: [sat]
    from: "22:00"
    to: "02:30"
    config: big
  - name: early
    days: sun
    from: "02:30"
    to: "04:00"
    config: medium
)",
                                                 "s.yaml", &env));
  // Saturday 28 March 22:00 CET, until Sunday 02:30 - which never happens that night: the clock
  // jumps from 02:00 CET to 03:00 CEST at 01:00 UTC, so "early" starts at the jump.
  const std::vector<ScheduleTransition> t = s.NextTransitions(At(2026, 3, 28, 12, 0), 3);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(FormatInZone(s.zone, t[0].at), "2026-03-28 22:00 CET");
  EXPECT_EQ(t[0].config, "big");
  EXPECT_EQ(FormatInZone(s.zone, t[1].at), "2026-03-29 03:00 CEST");
  EXPECT_EQ(t[1].at, At(2026, 3, 29, 1, 0));
  EXPECT_EQ(t[1].config, "medium");
  EXPECT_EQ(FormatInZone(s.zone, t[2].at), "2026-03-29 04:00 CEST");
  EXPECT_EQ(t[2].config, "small");
}

TEST(Schedule, RepeatedHourRunsAWindowEndTwice) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(R"(version: v1
time-zone: CET-1CEST,M3.5.0,M10.5.0/3
default: small
windows:
  - days: daily
    from: "00:00"
    to: "02:30"
    config: big
)",
                                                 "s.yaml", &env));
  // 25 October 2026: 02:00-03:00 CEST is followed by 02:00-03:00 CET.
  const std::vector<ScheduleTransition> t = s.NextTransitions(At(2026, 10, 24, 23, 0), 3);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(FormatInZone(s.zone, t[0].at), "2026-10-25 02:30 CEST");
  EXPECT_EQ(t[0].config, "small");
  EXPECT_EQ(FormatInZone(s.zone, t[1].at), "2026-10-25 02:00 CET");
  EXPECT_EQ(t[1].config, "big");
  EXPECT_EQ(FormatInZone(s.zone, t[2].at), "2026-10-25 02:30 CET");
  EXPECT_EQ(t[2].config, "small");
}

TEST(Schedule, WithoutWindowsNeverChanges) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s,
                       ParseSchedule("version: v1\ntime-zone: UTC\ndefault: x\n", "s", &env));
  EXPECT_TRUE(s.NextTransitions(0, 3).empty());
}

TEST(Schedule, ParsesDurationsAndTheShippedExample) {
  EXPECT_EQ(ParseDuration("30m"), 1800);
  EXPECT_EQ(ParseDuration("1h30m"), 5400);
  EXPECT_EQ(ParseDuration("45s"), 45);
  EXPECT_EQ(ParseDuration("2d"), 172800);
  EXPECT_FALSE(ParseDuration("10").has_value());
  EXPECT_FALSE(ParseDuration("m").has_value());
  EXPECT_FALSE(ParseDuration("-5m").has_value());

  std::ifstream in(std::string(MIGKIT_SOURCE_DIR) + "/deploy/systemd/schedule.example.yaml");
  std::stringstream text;
  text << in.rdbuf();
  // The example names Europe/Berlin, from the OS database (tzdata).
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(text.str(), "schedule.example.yaml", &env));
  EXPECT_EQ(s.zone.name(), "Europe/Berlin");
  EXPECT_EQ(s.default_config, "all-7g.80gb");
  EXPECT_EQ(s.busy_wait_seconds, 900);
  ASSERT_EQ(s.windows.size(), 1u);
  EXPECT_EQ(s.windows[0].Describe(), "office-hours (Mon-Fri 08:00-20:00)");
}

TEST(Schedule, ASlurmBlockNamesTheSlurmFlavour) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(Schedule s, ParseSchedule(std::string(kDayNight) + R"(slurm:
  node: gpu01
  restart-cmd: /usr/local/sbin/restart-slurm
  node-timeout: 2m
)",
                                                 "s.yaml", &env));
  ASSERT_TRUE(s.slurm.has_value());
  EXPECT_EQ(s.slurm->node, "gpu01");
  EXPECT_EQ(s.slurm->slurm_conf, "/etc/slurm/slurm.conf");
  EXPECT_EQ(s.slurm->mode, "nvml");
  EXPECT_EQ(s.slurm->restart_cmd, "/usr/local/sbin/restart-slurm");
  EXPECT_EQ(s.slurm->node_timeout_seconds, 120);
  ASSERT_OK_AND_ASSIGN(Schedule plain, ParseSchedule(kDayNight, "s.yaml", &env));
  EXPECT_FALSE(plain.slurm.has_value());
}

struct BadSchedule {
  const char* text;
  const char* error;
};

class ScheduleBadFile : public ::testing::TestWithParam<BadSchedule> {};

TEST_P(ScheduleBadFile, GivesTheExactError) {
  MemEnv env;
  StatusOr<Schedule> s = ParseSchedule(GetParam().text, "s.yaml", &env);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, ScheduleBadFile,
    ::testing::Values(
        BadSchedule{
            "", "s.yaml:1: the file is empty; expected version, time-zone, default and windows"},
        BadSchedule{"version: v1\ntime-zone: UTC\n",
                    "s.yaml:1: missing key 'default': the config in force outside every window"},
        BadSchedule{"version: v1\ndefault: a\n",
                    "s.yaml:1: missing key 'time-zone' (e.g. 'time-zone: Europe/Berlin' or "
                    "'time-zone: UTC')"},
        BadSchedule{"version: v1\ntime-zone: Mars/Base\ndefault: a\n",
                    "s.yaml:2: unknown time zone 'Mars/Base'; use an IANA name such as "
                    "Europe/Berlin (from /usr/share/zoneinfo; install the tzdata "
                    "package), UTC, an offset such as +02:00, or a POSIX rule such as "
                    "CET-1CEST,M3.5.0,M10.5.0/3"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nwindow: []\n",
                    "s.yaml:4: unknown key 'window'; valid keys: version, time-zone, config-file, "
                    "default, busy-wait, retry, windows, slurm"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nslurm:\n  slurm-conf: /x\n",
                    "s.yaml:5: missing key 'node' in 'slurm': the node's name in slurm.conf"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nslurm:\n  node: vm\n  mode: auto\n",
                    "s.yaml:6: 'mode' must be nvml or static, found auto"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nslurm:\n  node: vm\n  drain: no\n",
                    "s.yaml:6: unknown key 'drain' in 'slurm'; valid keys: node, slurm-conf, "
                    "gres-conf, mode, restart-cmd, node-timeout"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nwindows:\n  - days: weekdays\n"
                    "    from: \"8\"\n    to: \"20:00\"\n    config: b\n",
                    "s.yaml:6: 'from' must be a time HH:MM from 00:00 to 23:59, found 8"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nwindows:\n  - days: weekdays\n"
                    "    from: \"08:00\"\n    to: \"24:30\"\n    config: b\n",
                    "s.yaml:7: 'to' must be a time HH:MM from 00:00 to 24:00, found 24:30"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nwindows:\n  - days: [mon, funday]\n"
                    "    from: \"08:00\"\n    to: \"20:00\"\n    config: b\n",
                    "s.yaml:5: 'days' must be a list of mon, tue, wed, thu, fri, sat, sun, a range "
                    "such as mon-fri, or one of weekdays, weekends, daily, found funday"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nwindows:\n  - days: daily\n"
                    "    from: \"08:00\"\n    config: b\n",
                    "s.yaml:5: missing key 'to' in a window"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nbusy-wait: soon\n",
                    "s.yaml:4: 'busy-wait' must be a duration such as 30s, 15m, 2h or 1h30m, found "
                    "soon"},
        BadSchedule{"version: v1\ntime-zone: UTC\ndefault: a\nwindows:\n  - days: daily\n"
                    "    from: \"08:00\"\n    to: \"09:00\"\n    config: b\n    size: 3\n",
                    "s.yaml:9: unknown key 'size' in a window; valid keys: name, days, from, to, "
                    "config"}));

}  // namespace
}  // namespace migkit
