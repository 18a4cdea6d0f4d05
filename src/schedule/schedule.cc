#include "schedule/schedule.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "core/strings.h"
#include "yaml/yaml_input.h"

namespace migkit {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr const char* kDayTitles[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::string Shown(const YAML::Node& node) {
  if (!node || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return node.Scalar();
}

int DayIndex(const std::string& word) {
  const std::string w = ToLower(word);
  for (int d = 0; d < 7; ++d) {
    if (w == kDayNames[d]) return d;
  }
  static const char* kFull[] = {"sunday",   "monday", "tuesday", "wednesday",
                                "thursday", "friday", "saturday"};
  for (int d = 0; d < 7; ++d) {
    if (w == kFull[d]) return d;
  }
  return -1;
}

std::string TwoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string MinuteText(int m) { return TwoDigits(m / 60) + ":" + TwoDigits(m % 60); }

std::string DaysText(unsigned days) {
  if (days == 0x7F) return "daily";
  if (days == 0x3E) return "Mon-Fri";
  if (days == 0x41) return "Sat-Sun";
  std::vector<std::string> parts;
  for (int d : {1, 2, 3, 4, 5, 6, 0}) {
    if (days & (1u << d)) parts.push_back(kDayTitles[d]);
  }
  return Join(parts, ",");
}

class ScheduleParser {
 public:
  explicit ScheduleParser(std::string_view source) : source_(source) {}

  Schedule Parse(const YAML::Node& root) {
    Schedule s;
    s.source = source_;
    if (!root || root.IsNull())
      Fail(1, "the file is empty; expected version, time-zone, default and windows");
    if (!root.IsMap())
      Fail(LineOf(root), "expected a mapping at the top level, found " + Shown(root));
    const std::vector<std::string> keys = {"version",   "time-zone", "config-file", "default",
                                           "busy-wait", "retry",     "windows",     "slurm"};
    std::set<std::string> seen;
    for (const auto& kv : root) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        Fail(LineOf(kv.first), "unknown key '" + key + "'; valid keys: " + Join(keys, ", "));
      }
      if (!seen.insert(key).second) Fail(LineOf(kv.first), "duplicate key '" + key + "'");
    }
    const YAML::Node version = root["version"];
    if (!version) Fail(LineOf(root), "missing key 'version'; add 'version: v1'");
    if (!version.IsScalar() || version.Scalar() != "v1") {
      Fail(LineOf(version), "unknown version " + Shown(version) + "; the only valid version is v1");
    }
    const YAML::Node zone = root["time-zone"];
    if (!zone)
      Fail(LineOf(root),
           "missing key 'time-zone' (e.g. 'time-zone: Europe/Berlin' or 'time-zone: UTC')");
    if (!zone.IsScalar()) Fail(LineOf(zone), "'time-zone' must be a string, found " + Shown(zone));
    StatusOr<TimeZone> tz = TimeZone::Load(zone.Scalar());
    if (!tz.ok()) {
      FailAt(source_, LineOf(zone), tz.status().message());
    }
    s.zone = *tz;
    if (const YAML::Node f = root["config-file"]) s.config_file = String(f, "config-file");
    const YAML::Node def = root["default"];
    if (!def) Fail(LineOf(root), "missing key 'default': the config in force outside every window");
    s.default_config = String(def, "default");
    if (const YAML::Node w = root["busy-wait"]) s.busy_wait_seconds = Duration(w, "busy-wait");
    if (const YAML::Node r = root["retry"]) {
      s.retry_seconds = Duration(r, "retry");
      if (s.retry_seconds <= 0) Fail(LineOf(r), "'retry' must be longer than 0s");
    }
    if (const YAML::Node slurm = root["slurm"]) s.slurm = Slurm(slurm);
    if (const YAML::Node windows = root["windows"]) {
      if (!windows.IsSequence())
        Fail(LineOf(windows), "'windows' must be a list of windows, found " + Shown(windows));
      for (const YAML::Node& w : windows) s.windows.push_back(Window(w));
    }
    return s;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& msg) const { FailAt(source_, line, msg); }

  ScheduleSlurm Slurm(const YAML::Node& n) const {
    if (!n.IsMap()) Fail(LineOf(n), "'slurm' must be a mapping with 'node', found " + Shown(n));
    const std::vector<std::string> keys = {"node", "slurm-conf",  "gres-conf",
                                           "mode", "restart-cmd", "node-timeout"};
    for (const auto& kv : n) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        Fail(LineOf(kv.first),
             "unknown key '" + key + "' in 'slurm'; valid keys: " + Join(keys, ", "));
      }
    }
    ScheduleSlurm s;
    const YAML::Node node = n["node"];
    if (!node) Fail(LineOf(n), "missing key 'node' in 'slurm': the node's name in slurm.conf");
    s.node = String(node, "node");
    if (const YAML::Node v = n["slurm-conf"]) s.slurm_conf = String(v, "slurm-conf");
    if (const YAML::Node v = n["gres-conf"]) s.gres_conf = String(v, "gres-conf");
    if (const YAML::Node v = n["restart-cmd"]) s.restart_cmd = String(v, "restart-cmd");
    if (const YAML::Node v = n["mode"]) {
      s.mode = String(v, "mode");
      if (s.mode != "nvml" && s.mode != "static") {
        Fail(LineOf(v), "'mode' must be nvml or static, found " + Shown(v));
      }
    }
    if (const YAML::Node v = n["node-timeout"]) {
      s.node_timeout_seconds = Duration(v, "node-timeout");
      if (s.node_timeout_seconds <= 0) Fail(LineOf(v), "'node-timeout' must be longer than 0s");
    }
    return s;
  }

  std::string String(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar() || n.Scalar().empty()) {
      Fail(LineOf(n), "'" + key + "' must be a non-empty string, found " + Shown(n));
    }
    return n.Scalar();
  }

  std::int64_t Duration(const YAML::Node& n, const std::string& key) const {
    std::optional<std::int64_t> d = n.IsScalar() ? ParseDuration(n.Scalar()) : std::nullopt;
    if (!d.has_value()) {
      Fail(LineOf(n),
           "'" + key + "' must be a duration such as 30s, 15m, 2h or 1h30m, found " + Shown(n));
    }
    return *d;
  }

  int Minute(const YAML::Node& n, const std::string& key, bool allow_24) const {
    const std::string text = n && n.IsScalar() ? Trim(n.Scalar()) : "";
    const std::vector<std::string> parts = Split(text, ':');
    int h = -1, m = -1;
    if (parts.size() != 2 || parts[0].empty() || parts[0].size() > 2 || parts[1].size() != 2 ||
        !ParseNonNegativeInt(parts[0], &h) || !ParseNonNegativeInt(parts[1], &m) || m > 59 ||
        h > 24 || (h == 24 && (m != 0 || !allow_24))) {
      Fail(LineOf(n), "'" + key + "' must be a time HH:MM from 00:00 to " +
                          (allow_24 ? "24:00" : "23:59") + ", found " + Shown(n));
    }
    return h * 60 + m;
  }

  unsigned Days(const YAML::Node& n) const {
    const std::string help =
        "'days' must be a list of mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri, or "
        "one of weekdays, weekends, daily";
    auto range = [&](const std::string& text) -> unsigned {
      const std::string t = ToLower(Trim(text));
      if (t == "daily" || t == "all" || t == "every day" || t == "everyday") return 0x7F;
      if (t == "weekdays") return 0x3E;
      if (t == "weekends") return 0x41;
      const size_t dash = t.find('-');
      if (dash != std::string::npos) {
        const int a = DayIndex(t.substr(0, dash)), b = DayIndex(t.substr(dash + 1));
        if (a < 0 || b < 0) return 0;
        unsigned mask = 0;
        for (int d = a;; d = (d + 1) % 7) {
          mask |= 1u << d;
          if (d == b) break;
        }
        return mask;
      }
      const int d = DayIndex(t);
      return d < 0 ? 0u : 1u << d;
    };
    unsigned mask = 0;
    if (n.IsScalar()) {
      mask = range(n.Scalar());
      if (mask == 0) Fail(LineOf(n), help + ", found " + Shown(n));
    } else if (n.IsSequence() && n.size() > 0) {
      for (const YAML::Node& d : n) {
        const unsigned m = d.IsScalar() ? range(d.Scalar()) : 0;
        if (m == 0) Fail(LineOf(d), help + ", found " + Shown(d));
        mask |= m;
      }
    } else {
      Fail(LineOf(n), help + ", found " + Shown(n));
    }
    return mask;
  }

  ScheduleWindow Window(const YAML::Node& n) const {
    if (!n.IsMap())
      Fail(LineOf(n),
           "a window must be a mapping with days, from, to and config, found " + Shown(n));
    const std::vector<std::string> keys = {"name", "days", "from", "to", "config"};
    for (const auto& kv : n) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        Fail(LineOf(kv.first),
             "unknown key '" + key + "' in a window; valid keys: " + Join(keys, ", "));
      }
    }
    ScheduleWindow w;
    w.line = LineOf(n);
    if (const YAML::Node name = n["name"]) w.name = String(name, "name");
    for (const char* key : {"days", "from", "to", "config"}) {
      if (!n[key]) Fail(w.line, std::string("missing key '") + key + "' in a window");
    }
    w.days = Days(n["days"]);
    w.from_minute = Minute(n["from"], "from", false);
    w.to_minute = Minute(n["to"], "to", true);
    if (w.to_minute == 0) w.to_minute = 1440;  // "to: 00:00" is midnight at the end of the day
    w.config = String(n["config"], "config");
    return w;
  }

  std::string source_;
};

}  // namespace

std::optional<std::int64_t> ParseDuration(std::string_view text) {
  const std::string t = ToLower(Trim(text));
  if (t.empty()) return std::nullopt;
  if (t == "0") return 0;
  std::int64_t total = 0;
  size_t pos = 0;
  while (pos < t.size()) {
    size_t b = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
    int v = 0;
    if (pos == b || pos - b > 6 || !ParseNonNegativeInt(t.substr(b, pos - b), &v) ||
        pos >= t.size()) {
      return std::nullopt;
    }
    const char unit = t[pos++];
    if (unit == 's')
      total += v;
    else if (unit == 'm')
      total += v * 60LL;
    else if (unit == 'h')
      total += v * 3600LL;
    else if (unit == 'd')
      total += v * 86400LL;
    else
      return std::nullopt;
  }
  return total;
}

std::string ScheduleWindow::Describe() const {
  const std::string span = DaysText(days) + " " + MinuteText(from_minute) + "-" +
                           (to_minute == 1440 ? "24:00" : MinuteText(to_minute));
  return (name.empty() ? "window at line " + std::to_string(line) : name) + " (" + span + ")";
}

std::string Schedule::ConfigAt(std::int64_t utc, std::string* reason) const {
  const std::int64_t local = utc + zone.OffsetAt(utc);
  const std::int64_t day = FloorDiv(local, kDay);
  const std::int64_t sod = local - day * kDay;
  const int today = WeekdayFromDays(day);
  const int yesterday = (today + 6) % 7;
  for (const ScheduleWindow& w : windows) {
    const std::int64_t from = w.from_minute * 60LL, to = w.to_minute * 60LL;
    bool active;
    if (w.to_minute > w.from_minute) {
      active = (w.days & (1u << today)) && sod >= from && sod < to;
    } else {
      active =
          ((w.days & (1u << today)) && sod >= from) || ((w.days & (1u << yesterday)) && sod < to);
    }
    if (active) {
      if (reason != nullptr) *reason = "window " + w.Describe();
      return w.config;
    }
  }
  if (reason != nullptr) *reason = "default";
  return default_config;
}

std::vector<ScheduleTransition> Schedule::NextTransitions(std::int64_t utc, int count) const {
  std::vector<ScheduleTransition> out;
  if (count <= 0) return out;
  const std::int64_t first_day = FloorDiv(utc + zone.OffsetAt(utc), kDay) - 1;
  for (int horizon : {9, 401}) {
    out.clear();
    const std::int64_t limit = utc + (horizon - 2) * kDay;
    std::vector<std::int64_t> candidates;
    auto add_local = [&](std::int64_t local) {
      std::vector<std::int64_t> all = zone.LocalToUtcAll(local);
      if (all.empty()) all.push_back(zone.LocalToUtc(local));
      for (std::int64_t u : all) {
        if (u > utc && u <= limit) candidates.push_back(u);
      }
    };
    for (std::int64_t d = first_day; d <= first_day + horizon; ++d) {
      for (const ScheduleWindow& w : windows) {
        add_local(d * kDay + w.from_minute * 60LL);
        add_local((w.to_minute > w.from_minute ? d : d + 1) * kDay + w.to_minute * 60LL);
      }
    }
    for (std::int64_t t = utc; std::optional<std::int64_t> next = zone.NextTransition(t);) {
      if (*next > limit) break;
      candidates.push_back(*next);
      t = *next;
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::string current = ConfigAt(utc);
    for (std::int64_t c : candidates) {
      std::string reason;
      std::string config = ConfigAt(c, &reason);
      if (config == current) continue;
      out.push_back(ScheduleTransition{c, config, reason});
      current = std::move(config);
      if (static_cast<int>(out.size()) == count) return out;
    }
    if (windows.empty()) break;
  }
  return out;
}

std::vector<std::string> Schedule::ConfigNames() const {
  std::vector<std::string> out = {default_config};
  for (const ScheduleWindow& w : windows) {
    if (std::find(out.begin(), out.end(), w.config) == out.end()) out.push_back(w.config);
  }
  return out;
}

StatusOr<Schedule> ParseSchedule(std::string_view text, std::string_view source, Env* /*env*/) {
  return ParseYaml<Schedule>(
      text, source, [&](const YAML::Node& root) { return ScheduleParser(source).Parse(root); });
}

std::string ConfigFilePath(const Schedule& schedule, const std::string& schedule_path) {
  if (schedule.config_file.empty() || schedule.config_file.front() == '/')
    return schedule.config_file;
  const size_t slash = schedule_path.rfind('/');
  if (slash == std::string::npos) return schedule.config_file;
  return schedule_path.substr(0, slash + 1) + schedule.config_file;
}

std::string FormatInZone(const TimeZone& zone, std::int64_t utc) {
  return FormatLocal(utc + zone.OffsetAt(utc)) + " " + zone.AbbreviationAt(utc);
}

}  // namespace migkit
