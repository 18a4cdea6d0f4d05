#include "schedule/time_zone.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "reconfig/test_support.h"
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
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2026, 1, 1)), 4);   // Thursday
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
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(TimeZone utc, TimeZone::Load("UTC", &env));
  EXPECT_EQ(utc.OffsetAt(123456789), 0);
  ASSERT_OK_AND_ASSIGN(TimeZone p, TimeZone::Load("+05:30", &env));
  EXPECT_EQ(p.OffsetAt(0), 19800);
  EXPECT_EQ(p.AbbreviationAt(0), "+0530");
  ASSERT_OK_AND_ASSIGN(TimeZone m, TimeZone::Load("UTC-3", &env));
  EXPECT_EQ(m.OffsetAt(0), -10800);
  ASSERT_OK_AND_ASSIGN(TimeZone rule, TimeZone::Load("CET-1CEST,M3.5.0,M10.5.0/3", &env));
  EXPECT_EQ(rule.OffsetAt(Utc(2026, 7, 1, 0, 0)), 7200);
  EXPECT_EQ(TimeZone::Load("Mars/Olympus_Mons", &env).status(),
            Status::NotFound("unknown time zone 'Mars/Olympus_Mons'; use an IANA name such as "
                             "Europe/Berlin (from $TZDIR or /usr/share/zoneinfo; install the tzdata "
                             "package), UTC, an offset such as +02:00, or a POSIX rule such as "
                             "CET-1CEST,M3.5.0,M10.5.0/3"));
  EXPECT_CODE(TimeZone::Load("../../etc/passwd", &env), Code::kNotFound);
}

// A TZif v2 file made here: two transitions, then a footer rule.
std::string MakeTzif() {
  auto be32 = [](std::int64_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((static_cast<std::uint32_t>(v) >> (24 - 8 * i)) & 0xFF);
    return s;
  };
  auto be64 = [](std::int64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((static_cast<std::uint64_t>(v) >> (56 - 8 * i)) & 0xFF);
    return s;
  };
  auto header = [&](int timecnt, int typecnt, int charcnt) {
    return std::string("TZif2") + std::string(15, '\0') + be32(0) + be32(0) + be32(0) +
           be32(timecnt) + be32(typecnt) + be32(charcnt);
  };
  const std::string chars("LMT\0CET\0CEST\0", 13);
  auto types = [&] {
    return be32(3208) + std::string("\0\0", 2) + be32(3600) + std::string("\0\4", 2) +
           be32(7200) + std::string("\1\x08", 2);
  };
  // 2026-03-29 01:00 UTC -> CEST, 2026-10-25 01:00 UTC -> CET.
  const std::int64_t t1 = DaysFromCivil(2026, 3, 29) * 86400 + 3600;
  const std::int64_t t2 = DaysFromCivil(2026, 10, 25) * 86400 + 3600;
  std::string v1 = header(2, 3, 13) + be32(t1) + be32(t2) + std::string("\2\1", 2) + types() + chars;
  std::string v2 = header(2, 3, 13) + be64(t1) + be64(t2) + std::string("\2\1", 2) + types() + chars;
  return v1 + v2 + "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
}

TEST(TimeZone, ReadsTzifTablesAndTheirFooterRule) {
  ASSERT_OK_AND_ASSIGN(TimeZone z, TimeZone::FromTzif(MakeTzif(), "Test/Berlin"));
  EXPECT_EQ(z.OffsetAt(Utc(2000, 1, 1, 0, 0)), 3208);  // before the table: type 0
  EXPECT_EQ(z.OffsetAt(Utc(2026, 7, 1, 0, 0)), 7200);
  EXPECT_EQ(z.AbbreviationAt(Utc(2026, 7, 1, 0, 0)), "CEST");
  EXPECT_EQ(z.OffsetAt(Utc(2026, 12, 1, 0, 0)), 3600);
  // After the table, the footer rule: summer time 2030.
  EXPECT_EQ(z.OffsetAt(Utc(2030, 7, 1, 0, 0)), 7200);
  EXPECT_EQ(z.NextTransition(Utc(2026, 11, 1, 0, 0)), Utc(2027, 3, 28, 1, 0));
  EXPECT_CODE(TimeZone::FromTzif("TZif2garbage", "x"), Code::kInvalidArgument);
}

// The system's zone files agree with the POSIX rules for the same zones, decades either way.
TEST(TimeZone, SystemZoneFilesAgreeWithRules) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin") || std::getenv("TZDIR") != nullptr) {
    GTEST_SKIP() << "no tzdata in /usr/share/zoneinfo (install the tzdata package)";
  }
  const std::vector<std::pair<std::string, std::string>> zones = {
      {"Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"},
      {"America/New_York", "EST5EDT,M3.2.0,M11.1.0"},
      {"Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"},
  };
  for (const auto& [name, rule] : zones) {
    ASSERT_OK_AND_ASSIGN(TimeZone file, TimeZone::Load(name, Env::Default()));
    ASSERT_OK_AND_ASSIGN(TimeZone posix, TimeZone::FromPosixRule(rule));
    for (std::int64_t t = Utc(2010, 1, 1, 0, 0); t < Utc(2060, 1, 1, 0, 0); t += 3 * 3600 + 17) {
      ASSERT_EQ(file.OffsetAt(t), posix.OffsetAt(t)) << name << " at " << FormatLocal(t);
    }
  }
}

}  // namespace
}  // namespace migkit
