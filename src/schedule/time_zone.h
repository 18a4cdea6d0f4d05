// TimeZone: UTC offsets over time for one zone, from the system's time-zone database or a rule.
//
// GCC 12's <chrono> has no time-zone database, and TZ + localtime_r changes process-wide state, so
// IANA zones come from Howard Hinnant's date library (Debian's libhowardhinnant-date-dev, built
// with USE_OS_TZDB: it reads the tzdata package's /usr/share/zoneinfo). Accepted specs:
//   * "UTC" (also "Z", "Etc/UTC") and fixed offsets "+02:00", "-05:30", "UTC+2", "UTC-03:30";
//   * IANA names such as "Europe/Berlin", from the OS database through the date library. That
//     build ignores $TZDIR, and holds the last offset of a zone's table after the table ends
//     (2037 in Debian's files) instead of following the zone's rule;
//   * POSIX TZ rules such as "CET-1CEST,M3.5.0,M10.5.0/3" (note POSIX's inverted sign: CET-1 is
//     UTC+1), with Mm.w.d, Jn and n dates and transition times from -167 to 167 hours.
// All times are seconds since the Unix epoch; "local seconds" are the local wall-clock reading
// expressed the same way (as if that wall clock were UTC).
//
// Thread-safety: immutable after construction.
#ifndef MIGKIT_SCHEDULE_TIME_ZONE_H_
#define MIGKIT_SCHEDULE_TIME_ZONE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace migkit {

class TimeZone {
 public:
  /// UTC.
  TimeZone();

  /// Any of the forms above. kNotFound, naming the spec, where zones come from and the accepted
  /// forms, when it is none of them.
  static StatusOr<TimeZone> Load(std::string_view spec);
  /// A zone from a POSIX TZ rule string.
  static StatusOr<TimeZone> FromPosixRule(std::string_view rule);
  /// A zone with one fixed offset (seconds east of UTC).
  static TimeZone Fixed(int offset_seconds, std::string name);

  /// Seconds east of UTC in effect at `utc`.
  int OffsetAt(std::int64_t utc) const;
  /// The abbreviation in effect at `utc` ("CEST"), or a numeric one ("+02").
  std::string AbbreviationAt(std::int64_t utc) const;
  /// The first instant after `utc` at which the offset changes, if any within 400 years.
  std::optional<std::int64_t> NextTransition(std::int64_t utc) const;

  /// Every instant whose local reading is `local`: one normally, two in a repeated hour (earliest
  /// first), none in a skipped hour.
  std::vector<std::int64_t> LocalToUtcAll(std::int64_t local) const;
  /// The earliest instant whose local reading is `local`, or - when `local` falls in a skipped
  /// hour - the instant the clock jumps over it (the first instant whose reading is later).
  std::int64_t LocalToUtc(std::int64_t local) const;

  /// The spec it was loaded from ("Europe/Berlin", "UTC", "+02:00").
  const std::string& name() const { return name_; }

 private:
  struct Type {
    int offset = 0;
    bool dst = false;
    std::string abbreviation;
  };
  // A POSIX rule: standard time, optionally daylight time between two dates each year.
  struct Rule {
    Type std_type;
    bool has_dst = false;
    Type dst_type;
    // A date: kind 'M' (month, week, weekday), 'J' (Julian day 1-365, no Feb 29) or 'N' (0-365).
    struct Date {
      char kind = 'M';
      int month = 0, week = 0, weekday = 0, day = 0;
      int time = 7200;  // seconds after local midnight, may be negative or > 24h
    };
    Date start, end;
  };

  static StatusOr<Rule> ParseRule(std::string_view text);
  // The UTC instant at which `date` falls in `year`, for a clock reading `offset_before`.
  static std::int64_t RuleTransition(const Rule::Date& date, int year, int offset_before);
  Type TypeAt(std::int64_t utc) const;

  std::string name_;
  const date::time_zone* iana_ = nullptr;  // owned by the date library's database, never freed
  Type fixed_{0, false, "UTC"};            // when neither iana_ nor rule_ is set
  std::optional<Rule> rule_;
};

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
std::int64_t DaysFromCivil(int year, int month, int day);
/// The date of a day number: {year, month, day}.
struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
};
CivilDate CivilFromDays(std::int64_t days);
/// 0 = Sunday ... 6 = Saturday.
int WeekdayFromDays(std::int64_t days);
/// "2026-03-29 02:30" for local seconds (floor to the minute).
std::string FormatLocal(std::int64_t local_seconds);

}  // namespace migkit

#endif  // MIGKIT_SCHEDULE_TIME_ZONE_H_
