#include "schedule/time_zone.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace migkit {
namespace {

std::int64_t Utc(int y, int mo, int d, int h, int mi) {
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

TEST(Civil, ConvertsDatesAndWeekdays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2026, 1, 1)), 4);    // Thursday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1969, 12, 28)), 0);  // Sunday
  for (std::int64_t d = -800000; d < 800000; d += 997) {
    const CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(FormatLocal(Utc(2026, 3, 29, 2, 30)), "2026-03-29 02:30");
}

TEST(TimeZone, FollowsAPosixRuleAcrossDaylightSavingTime) {
  ASSERT_OK_AND_ASSIGN(TimeZone berlin, TimeZone::FromPosixRule("CET-1CEST,M3.5.0,M10.5.0/3"));
  // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
  EXPECT_EQ(berlin.OffsetAt(Utc(2026, 3, 29, 0, 59)), 3600);
  EXPECT_EQ(berlin.OffsetAt(Utc(2026, 3, 29, 1, 0)), 7200);
  EXPECT_EQ(berlin.AbbreviationAt(Utc(2026, 7, 1, 0, 0)), "CEST");
  EXPECT_EQ(berlin.OffsetAt(Utc(2026, 10, 25, 0, 59)), 7200);
  EXPECT_EQ(berlin.OffsetAt(Utc(2026, 10, 25, 1, 0)), 3600);
  EXPECT_EQ(berlin.NextTransition(Utc(2026, 1, 1, 0, 0)), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(berlin.NextTransition(Utc(2026, 3, 29, 1, 0)), Utc(2026, 10, 25, 1, 0));
  EXPECT_EQ(berlin.NextTransition(Utc(2026, 11, 1, 0, 0)), Utc(2027, 3, 28, 1, 0));

  ASSERT_OK_AND_ASSIGN(TimeZone ny, TimeZone::FromPosixRule("EST5EDT,M3.2.0,M11.1.0"));
  EXPECT_EQ(ny.NextTransition(Utc(2026, 1, 1, 0, 0)), Utc(2026, 3, 8, 7, 0));
  EXPECT_EQ(ny.NextTransition(Utc(2026, 3, 8, 7, 0)), Utc(2026, 11, 1, 6, 0));
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 6, 1, 0, 0)), -4 * 3600);

  // Southern hemisphere: summer time spans the new year.
  ASSERT_OK_AND_ASSIGN(TimeZone sydney, TimeZone::FromPosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3"));
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 1, 15, 0, 0)), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 6, 15, 0, 0)), 10 * 3600);
  EXPECT_EQ(sydney.NextTransition(Utc(2026, 1, 1, 0, 0)), Utc(2026, 4, 4, 16, 0));
  EXPECT_EQ(sydney.NextTransition(Utc(2026, 4, 4, 16, 0)), Utc(2026, 10, 3, 16, 0));

  ASSERT_OK_AND_ASSIGN(TimeZone india, TimeZone::FromPosixRule("IST-5:30"));
  EXPECT_EQ(india.OffsetAt(0), 19800);
  EXPECT_FALSE(india.NextTransition(0).has_value());
  ASSERT_OK_AND_ASSIGN(TimeZone plus3, TimeZone::FromPosixRule("<+03>-3"));
  EXPECT_EQ(plus3.AbbreviationAt(0), "+03");
}

TEST(TimeZone, MapsSkippedAndRepeatedLocalTimes) {
  ASSERT_OK_AND_ASSIGN(TimeZone berlin, TimeZone::FromPosixRule("CET-1CEST,M3.5.0,M10.5.0/3"));
  // 02:30 on 29 March 2026 never happens; the clock jumps from 02:00 to 03:00 at 01:00 UTC.
  EXPECT_TRUE(berlin.LocalToUtcAll(Utc(2026, 3, 29, 2, 30)).empty());
  EXPECT_EQ(berlin.LocalToUtc(Utc(2026, 3, 29, 2, 30)), Utc(2026, 3, 29, 1, 0));
  // 02:30 on 25 October 2026 happens twice: in CEST, then in CET.
  EXPECT_EQ(berlin.LocalToUtcAll(Utc(2026, 10, 25, 2, 30)),
            (std::vector<std::int64_t>{Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30)}));
  EXPECT_EQ(berlin.LocalToUtc(Utc(2026, 10, 25, 2, 30)), Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(berlin.LocalToUtc(Utc(2026, 7, 1, 8, 0)), Utc(2026, 7, 1, 6, 0));
}

TEST(TimeZone, LoadsFixedOffsetsAndRejectsUnknownZones) {
  ASSERT_OK_AND_ASSIGN(TimeZone utc, TimeZone::Load("UTC"));
  EXPECT_EQ(utc.OffsetAt(123456789), 0);
  ASSERT_OK_AND_ASSIGN(TimeZone p, TimeZone::Load("+05:30"));
  EXPECT_EQ(p.OffsetAt(0), 19800);
  EXPECT_EQ(p.AbbreviationAt(0), "+0530");
  ASSERT_OK_AND_ASSIGN(TimeZone m, TimeZone::Load("UTC-3"));
  EXPECT_EQ(m.OffsetAt(0), -10800);
  ASSERT_OK_AND_ASSIGN(TimeZone rule, TimeZone::Load("CET-1CEST,M3.5.0,M10.5.0/3"));
  EXPECT_EQ(rule.OffsetAt(Utc(2026, 7, 1, 0, 0)), 7200);
  EXPECT_EQ(TimeZone::Load("Mars/Olympus_Mons").status(),
            Status::NotFound("unknown time zone 'Mars/Olympus_Mons'; use an IANA name such as "
                             "Europe/Berlin (from /usr/share/zoneinfo; install the tzdata "
                             "package), UTC, an offset such as +02:00, or a POSIX rule such as "
                             "CET-1CEST,M3.5.0,M10.5.0/3"));
  // Only names in the database resolve, never paths that lead out of it.
  EXPECT_CODE(TimeZone::Load("../../etc/passwd"), Code::kNotFound);
  EXPECT_CODE(TimeZone::Load("/usr/share/zoneinfo/Europe/Berlin"), Code::kNotFound);
}

// The zones below come from the OS database (Debian package tzdata, which install-deps.sh
// installs); without it they fail to load, and the message says to install tzdata.
TimeZone System(const std::string& name) {
  StatusOr<TimeZone> zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  return zone.ok() ? *zone : TimeZone();
}

TEST(TimeZone, KnowsNewYorksClockChanges) {
  const TimeZone ny = System("America/New_York");
  EXPECT_EQ(ny.name(), "America/New_York");
  // 2026: EDT (UTC-4) from 8 March 02:00 EST to 1 November 02:00 EDT.
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 1, 15, 12, 0)), -5 * 3600);
  EXPECT_EQ(ny.AbbreviationAt(Utc(2026, 1, 15, 12, 0)), "EST");
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 7, 1, 12, 0)), -4 * 3600);
  EXPECT_EQ(ny.AbbreviationAt(Utc(2026, 7, 1, 12, 0)), "EDT");
  EXPECT_EQ(ny.NextTransition(Utc(2026, 1, 1, 0, 0)), Utc(2026, 3, 8, 7, 0));
  EXPECT_EQ(ny.NextTransition(Utc(2026, 3, 8, 7, 0)), Utc(2026, 11, 1, 6, 0));
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 3, 8, 7, 0) - 1), -5 * 3600);
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 3, 8, 7, 0)), -4 * 3600);
  // Before the Energy Policy Act of 2005: 2006's summer time began on the first Sunday of April.
  EXPECT_EQ(ny.NextTransition(Utc(2006, 1, 1, 0, 0)), Utc(2006, 4, 2, 7, 0));
  // 02:30 on 8 March 2026 never happens: the clock jumps from 02:00 to 03:00 at 07:00 UTC.
  EXPECT_TRUE(ny.LocalToUtcAll(Utc(2026, 3, 8, 2, 30)).empty());
  EXPECT_EQ(ny.LocalToUtc(Utc(2026, 3, 8, 2, 30)), Utc(2026, 3, 8, 7, 0));
  // 01:30 on 1 November 2026 happens twice: in EDT, then in EST.
  EXPECT_EQ(ny.LocalToUtcAll(Utc(2026, 11, 1, 1, 30)),
            (std::vector<std::int64_t>{Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 1, 6, 30)}));
  EXPECT_EQ(ny.LocalToUtc(Utc(2026, 11, 1, 1, 30)), Utc(2026, 11, 1, 5, 30));
}

TEST(TimeZone, KnowsBerlinsClockChanges) {
  const TimeZone berlin = System("Europe/Berlin");
  // The EU rule: summer time from the last Sunday of March to the last Sunday of October, 01:00
  // UTC.
  EXPECT_EQ(berlin.NextTransition(Utc(2026, 1, 1, 0, 0)), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(berlin.NextTransition(Utc(2026, 3, 29, 1, 0)), Utc(2026, 10, 25, 1, 0));
  EXPECT_EQ(berlin.NextTransition(Utc(2026, 11, 1, 0, 0)), Utc(2027, 3, 28, 1, 0));
  EXPECT_EQ(berlin.OffsetAt(Utc(2026, 10, 25, 1, 0) - 1), 7200);
  EXPECT_EQ(berlin.AbbreviationAt(Utc(2026, 10, 25, 1, 0) - 1), "CEST");
  EXPECT_EQ(berlin.OffsetAt(Utc(2026, 10, 25, 1, 0)), 3600);
  EXPECT_EQ(berlin.AbbreviationAt(Utc(2026, 10, 25, 1, 0)), "CET");
  // West Germany had no summer time from 1950 to 1979; it returned on 6 April 1980.
  EXPECT_EQ(berlin.OffsetAt(Utc(1975, 7, 1, 0, 0)), 3600);
  EXPECT_EQ(berlin.NextTransition(Utc(1975, 7, 1, 0, 0)), Utc(1980, 4, 6, 1, 0));
  EXPECT_TRUE(berlin.LocalToUtcAll(Utc(2026, 3, 29, 2, 30)).empty());
  EXPECT_EQ(berlin.LocalToUtc(Utc(2026, 3, 29, 2, 30)), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(berlin.LocalToUtcAll(Utc(2026, 10, 25, 2, 30)),
            (std::vector<std::int64_t>{Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30)}));
}

TEST(TimeZone, KnowsLordHowesHalfHourClockChanges) {
  const TimeZone lord_howe = System("Australia/Lord_Howe");
  // UTC+10:30, and UTC+11 in summer: from the first Sunday of October 02:00 standard time to the
  // first Sunday of April 02:00 summer time - the clocks move by 30 minutes.
  EXPECT_EQ(lord_howe.OffsetAt(Utc(2026, 7, 1, 0, 0)), 10 * 3600 + 1800);
  EXPECT_EQ(lord_howe.OffsetAt(Utc(2026, 1, 1, 0, 0)), 11 * 3600);
  EXPECT_EQ(lord_howe.NextTransition(Utc(2026, 1, 1, 0, 0)), Utc(2026, 4, 4, 15, 0));
  EXPECT_EQ(lord_howe.NextTransition(Utc(2026, 4, 4, 15, 0)), Utc(2026, 10, 3, 15, 30));
  // 02:15 on 4 October 2026 never happens: the clock jumps from 02:00 to 02:30.
  EXPECT_TRUE(lord_howe.LocalToUtcAll(Utc(2026, 10, 4, 2, 15)).empty());
  EXPECT_EQ(lord_howe.LocalToUtc(Utc(2026, 10, 4, 2, 15)), Utc(2026, 10, 3, 15, 30));
  EXPECT_EQ(lord_howe.LocalToUtcAll(Utc(2026, 10, 4, 2, 30)),
            (std::vector<std::int64_t>{Utc(2026, 10, 3, 15, 30)}));
  // 01:45 on 5 April 2026 happens twice, half an hour apart.
  EXPECT_EQ(lord_howe.LocalToUtcAll(Utc(2026, 4, 5, 1, 45)),
            (std::vector<std::int64_t>{Utc(2026, 4, 4, 14, 45), Utc(2026, 4, 4, 15, 15)}));
}

TEST(TimeZone, KnowsZonesWithoutClockChanges) {
  // India has kept UTC+5:30 since 1945.
  const TimeZone kolkata = System("Asia/Kolkata");
  EXPECT_EQ(kolkata.OffsetAt(Utc(2026, 7, 1, 0, 0)), 19800);
  EXPECT_EQ(kolkata.AbbreviationAt(Utc(2026, 7, 1, 0, 0)), "IST");
  EXPECT_FALSE(kolkata.NextTransition(Utc(2026, 1, 1, 0, 0)).has_value());
  EXPECT_EQ(kolkata.LocalToUtc(Utc(2026, 7, 1, 8, 0)), Utc(2026, 7, 1, 2, 30));
  // The Etc zones invert the sign, as POSIX rules do: Etc/GMT+5 is UTC-5.
  const TimeZone gmt_plus_5 = System("Etc/GMT+5");
  EXPECT_EQ(gmt_plus_5.OffsetAt(Utc(2026, 7, 1, 0, 0)), -5 * 3600);
  EXPECT_FALSE(gmt_plus_5.NextTransition(0).has_value());
  for (const char* utc_name : {"UTC", "Etc/UTC", "Etc/Universal"}) {
    const TimeZone utc = System(utc_name);
    EXPECT_EQ(utc.OffsetAt(Utc(2026, 7, 1, 0, 0)), 0) << utc_name;
    EXPECT_EQ(utc.AbbreviationAt(Utc(2026, 7, 1, 0, 0)), "UTC") << utc_name;
    EXPECT_FALSE(utc.NextTransition(0).has_value()) << utc_name;
  }
}

// The OS database agrees with the POSIX rules for the same zones over the years its tables cover.
// Debian's files list transitions up to 2037; the date library (USE_OS_TZDB) keeps the last
// table entry's offset after that rather than following the rule, so the comparison stops there.
TEST(TimeZone, SystemZonesAgreeWithRules) {
  const std::vector<std::pair<std::string, std::string>> zones = {
      {"Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"},
      {"America/New_York", "EST5EDT,M3.2.0,M11.1.0"},
      {"Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"},
  };
  for (const auto& [name, rule] : zones) {
    const TimeZone system = System(name);
    ASSERT_OK_AND_ASSIGN(TimeZone posix, TimeZone::FromPosixRule(rule));
    for (std::int64_t t = Utc(2010, 1, 1, 0, 0); t < Utc(2037, 1, 1, 0, 0); t += 3 * 3600 + 17) {
      ASSERT_EQ(system.OffsetAt(t), posix.OffsetAt(t)) << name << " at " << FormatLocal(t);
    }
  }
}

}  // namespace
}  // namespace migkit
