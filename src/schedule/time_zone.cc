#include "schedule/time_zone.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>

#include "core/strings.h"

namespace migkit {
namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// NextTransition's horizon: transitions further ahead than this count as none.
constexpr std::int64_t k400Years = 146097LL * kDay;

std::string NumericAbbreviation(int offset) {
  char buf[16];
  const int a = std::abs(offset);
  if (a % 3600 == 0) {
    std::snprintf(buf, sizeof buf, "%c%02d", offset < 0 ? '-' : '+', a / 3600);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d%02d", offset < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  }
  return buf;
}

// "+02:00", "-0530", "+2", "UTC+2", "UTC-03:30", "GMT+1" (ISO sign: + is east of UTC).
std::optional<int> ParseFixedOffset(std::string_view s) {
  std::string t = ToLower(s);
  if (t.rfind("utc", 0) == 0 || t.rfind("gmt", 0) == 0) t = t.substr(3);
  if (t.size() < 2 || (t[0] != '+' && t[0] != '-')) return std::nullopt;
  const int sign = t[0] == '-' ? -1 : 1;
  std::string rest = t.substr(1);
  int hours = 0, minutes = 0;
  const size_t colon = rest.find(':');
  std::string h = rest, m;
  if (colon != std::string::npos) {
    h = rest.substr(0, colon);
    m = rest.substr(colon + 1);
    if (m.size() != 2) return std::nullopt;
  } else if (rest.size() == 4) {
    h = rest.substr(0, 2);
    m = rest.substr(2);
  }
  if (h.empty() || h.size() > 2 || !ParseNonNegativeInt(h, &hours)) return std::nullopt;
  if (!m.empty() && !ParseNonNegativeInt(m, &minutes)) return std::nullopt;
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

// The IANA zone `name` from the OS database, or nullptr. The date library throws when the name is
// not in the database, when it finds no database at all, and when a zone's file cannot be read -
// which it does lazily, on the first lookup, so look up once here to keep later lookups from
// throwing.
const date::time_zone* FindIanaZone(const std::string& name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    zone->get_info(date::sys_seconds());
    return zone;
  } catch (const std::exception&) {
    return nullptr;
  }
}

// A small cursor over a POSIX TZ string.
class RuleReader {
 public:
  explicit RuleReader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool Consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // A zone abbreviation: 3+ letters, or <...> holding letters, digits, '+' and '-'.
  bool Name(std::string* out) {
    if (Consume('<')) {
      const size_t end = s_.find('>', pos_);
      if (end == std::string_view::npos || end - pos_ < 3) return false;
      *out = std::string(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
      return true;
    }
    size_t b = pos_;
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) ++pos_;
    if (pos_ - b < 3) return false;
    *out = std::string(s_.substr(b, pos_ - b));
    return true;
  }
  // [+-]hh[:mm[:ss]] in seconds; `max_hours` bounds hh.
  bool Time(int* out, int max_hours) {
    int sign = 1;
    if (Consume('-'))
      sign = -1;
    else
      Consume('+');
    int parts[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
      if (i > 0 && !Consume(':')) break;
      size_t b = pos_;
      while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
      if (pos_ == b || pos_ - b > 3 || !ParseNonNegativeInt(s_.substr(b, pos_ - b), &parts[i])) {
        return false;
      }
    }
    if (parts[0] > max_hours || parts[1] > 59 || parts[2] > 59) return false;
    *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
  }
  bool Number(int* out) {
    size_t b = pos_;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    return pos_ > b && pos_ - b <= 3 && ParseNonNegativeInt(s_.substr(b, pos_ - b), out);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::int64_t DaysFromCivil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil.
  const int y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = FloorDiv(y, 400);
  const int yoe = static_cast<int>(y - era * 400);
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const int doe = static_cast<int>(z - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = doy - (153 * mp + 2) / 5 + 1;
  d.month = mp < 10 ? mp + 3 : mp - 9;
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

int WeekdayFromDays(std::int64_t days) {
  return static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
}

std::string FormatLocal(std::int64_t local_seconds) {
  const std::int64_t days = FloorDiv(local_seconds, kDay);
  const std::int64_t sod = local_seconds - days * kDay;
  const CivilDate d = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", d.year, d.month, d.day,
                static_cast<int>(sod / 3600), static_cast<int>((sod / 60) % 60));
  return buf;
}

TimeZone::TimeZone() : name_("UTC") {}

TimeZone TimeZone::Fixed(int offset_seconds, std::string name) {
  TimeZone z;
  z.name_ = std::move(name);
  z.fixed_ = Type{offset_seconds, false,
                  offset_seconds == 0 ? "UTC" : NumericAbbreviation(offset_seconds)};
  return z;
}

StatusOr<TimeZone::Rule> TimeZone::ParseRule(std::string_view text) {
  const Status bad = Status::InvalidArgument(
      "'" + std::string(text) + "' is not a POSIX TZ rule such as CET-1CEST,M3.5.0,M10.5.0/3");
  RuleReader r(text);
  Rule rule;
  std::string name;
  int offset = 0;
  if (!r.Name(&name) || !r.Time(&offset, 24)) return bad;
  rule.std_type = Type{-offset, false, name};
  if (r.done()) return rule;
  if (!r.Name(&name)) return bad;
  rule.has_dst = true;
  rule.dst_type = Type{rule.std_type.offset + 3600, true, name};
  if (r.peek() != ',' && !r.done()) {
    if (!r.Time(&offset, 24)) return bad;
    rule.dst_type.offset = -offset;
  }
  auto date = [&](Rule::Date* d) -> bool {
    if (r.Consume('M')) {
      d->kind = 'M';
      if (!r.Number(&d->month) || !r.Consume('.') || !r.Number(&d->week) || !r.Consume('.') ||
          !r.Number(&d->weekday)) {
        return false;
      }
      if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->weekday > 6)
        return false;
    } else if (r.Consume('J')) {
      d->kind = 'J';
      if (!r.Number(&d->day) || d->day < 1 || d->day > 365) return false;
    } else {
      d->kind = 'N';
      if (!r.Number(&d->day) || d->day > 365) return false;
    }
    d->time = 7200;
    if (r.Consume('/') && !r.Time(&d->time, 167)) return false;
    return true;
  };
  if (r.done()) {
    // No dates: the US rules, as glibc assumes.
    rule.start = Rule::Date{'M', 3, 2, 0, 0, 7200};
    rule.end = Rule::Date{'M', 11, 1, 0, 0, 7200};
    return rule;
  }
  if (!r.Consume(',') || !date(&rule.start) || !r.Consume(',') || !date(&rule.end) || !r.done()) {
    return bad;
  }
  return rule;
}

std::int64_t TimeZone::RuleTransition(const Rule::Date& date, int year, int offset_before) {
  std::int64_t day = 0;
  if (date.kind == 'M') {
    const std::int64_t first = DaysFromCivil(year, date.month, 1);
    const std::int64_t next_month =
        date.month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, date.month + 1, 1);
    day = first + (date.weekday - WeekdayFromDays(first) + 7) % 7 + 7 * (date.week - 1);
    while (day >= next_month) day -= 7;
  } else if (date.kind == 'J') {
    day = DaysFromCivil(year, 1, 1) + date.day - 1 + (IsLeap(year) && date.day >= 60 ? 1 : 0);
  } else {
    day = DaysFromCivil(year, 1, 1) + date.day;
  }
  return day * kDay + date.time - offset_before;
}

StatusOr<TimeZone> TimeZone::FromPosixRule(std::string_view text) {
  StatusOr<Rule> rule = ParseRule(text);
  if (!rule.ok()) return rule.status();
  TimeZone z;
  z.name_ = std::string(text);
  z.rule_ = *rule;
  return z;
}

StatusOr<TimeZone> TimeZone::Load(std::string_view spec_in) {
  const std::string spec = Trim(spec_in);
  const std::string lower = ToLower(spec);
  if (lower == "utc" || lower == "z" || lower == "etc/utc" || lower == "gmt") {
    TimeZone z;
    z.name_ = spec;
    return z;
  }
  if (std::optional<int> offset = ParseFixedOffset(spec)) return Fixed(*offset, spec);
  if (const date::time_zone* iana = FindIanaZone(spec)) {
    TimeZone z;
    z.name_ = spec;
    z.iana_ = iana;
    return z;
  }
  if (spec.find_first_of("0123456789") != std::string::npos) {
    StatusOr<TimeZone> rule = FromPosixRule(spec);
    if (rule.ok()) return rule;
  }
  return Status::NotFound("unknown time zone '" + spec +
                          "'; use an IANA name such as Europe/Berlin (from /usr/share/zoneinfo; "
                          "install the tzdata package), UTC, an offset such "
                          "as +02:00, or a POSIX rule such as CET-1CEST,M3.5.0,M10.5.0/3");
}

TimeZone::Type TimeZone::TypeAt(std::int64_t utc) const {
  if (iana_ != nullptr) {
    const date::sys_info info = iana_->get_info(date::sys_seconds(std::chrono::seconds(utc)));
    return Type{static_cast<int>(info.offset.count()), info.save.count() != 0, info.abbrev};
  }
  if (!rule_.has_value()) return fixed_;
  const Rule& r = *rule_;
  if (!r.has_dst) return r.std_type;
  const int year = CivilFromDays(FloorDiv(utc + r.std_type.offset, kDay)).year;
  const std::int64_t s = RuleTransition(r.start, year, r.std_type.offset);
  const std::int64_t e = RuleTransition(r.end, year, r.dst_type.offset);
  const bool dst = s < e ? (s <= utc && utc < e) : !(e <= utc && utc < s);
  return dst ? r.dst_type : r.std_type;
}

int TimeZone::OffsetAt(std::int64_t utc) const { return TypeAt(utc).offset; }

std::string TimeZone::AbbreviationAt(std::int64_t utc) const {
  const Type t = TypeAt(utc);
  return t.abbreviation.empty() ? NumericAbbreviation(t.offset) : t.abbreviation;
}

std::optional<std::int64_t> TimeZone::NextTransition(std::int64_t utc) const {
  std::int64_t t = utc;
  for (int guard = 0; guard < 2000; ++guard) {
    std::optional<std::int64_t> next;
    if (iana_ != nullptr) {
      // The end of the period holding t; the library marks "no end" with a far-future instant.
      const date::sys_info info = iana_->get_info(date::sys_seconds(std::chrono::seconds(t)));
      const std::int64_t end = info.end.time_since_epoch().count();
      if (end - utc <= k400Years) next = end;
    } else if (rule_.has_value() && rule_->has_dst) {
      const Rule& r = *rule_;
      const int year = CivilFromDays(FloorDiv(t, kDay)).year;
      for (int y = year - 1; y <= year + 1; ++y) {
        for (const std::int64_t c : {RuleTransition(r.start, y, r.std_type.offset),
                                     RuleTransition(r.end, y, r.dst_type.offset)}) {
          if (c > t && (!next.has_value() || c < *next)) next = c;
        }
      }
    }
    if (!next.has_value()) return std::nullopt;
    if (OffsetAt(*next) != OffsetAt(*next - 1)) return next;
    t = *next;
  }
  return std::nullopt;
}

std::vector<std::int64_t> TimeZone::LocalToUtcAll(std::int64_t local) const {
  // The offsets in force within two days either side (no zone changes more often than that).
  std::set<int> offsets = {OffsetAt(local - 2 * kDay)};
  std::int64_t t = local - 2 * kDay;
  while (std::optional<std::int64_t> next = NextTransition(t)) {
    if (*next > local + 2 * kDay) break;
    offsets.insert(OffsetAt(*next));
    t = *next;
  }
  std::vector<std::int64_t> out;
  for (int o : offsets) {
    const std::int64_t u = local - o;
    if (OffsetAt(u) == o) out.push_back(u);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::int64_t TimeZone::LocalToUtc(std::int64_t local) const {
  const std::vector<std::int64_t> all = LocalToUtcAll(local);
  if (!all.empty()) return all.front();
  // A skipped reading: the instant the clock jumps past it.
  std::int64_t t = local - 2 * kDay;
  while (std::optional<std::int64_t> next = NextTransition(t)) {
    if (*next > local + 2 * kDay) break;
    if (*next + OffsetAt(*next) > local && (*next - 1) + OffsetAt(*next - 1) < local) return *next;
    t = *next;
  }
  return local - OffsetAt(local);
}

}  // namespace migkit
