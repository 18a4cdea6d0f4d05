#include "plan/demand.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "core/strings.h"

namespace migkit {
namespace {

constexpr std::string_view kGrammarHint =
    "PROFILE=COUNT items (1g.10gb=20,3g.40gb=4) or a need (mem>=20GiB,sms>=30,count=12), "
    "groups separated by ';'";

Status ItemError(const std::string& item, const std::string& what) {
  return Status::ParseError("bad demand item '" + item + "': " + what);
}

// "20" -> 20; a whole number in [0, kMaxDemandCount].
bool ParseCount(std::string_view text, int* out) {
  return ParseNonNegativeInt(Trim(text), out) && *out <= kMaxDemandCount;
}

std::string CountError(std::string_view found) {
  return "the count must be a whole number from 0 to " + std::to_string(kMaxDemandCount) +
         ", found '" + std::string(found) + "'";
}

// Applies one need term ("mem>=20GiB", "sms>=30", "slices>=2") to `item`.
Status ApplyNeedTerm(const std::string& group, const std::string& term, DemandItem* item,
                     bool* has_count) {
  const size_t ge = term.find(">=");
  const size_t eq = term.find('=');
  if (ge == std::string::npos) {
    if (eq == std::string::npos) {
      return ItemError(group, "term '" + term +
                                  "' has no '>=' or '=' (valid: mem>=SIZE, "
                                  "sms>=N, slices>=N, count=N)");
    }
    const std::string key = ToLower(Trim(term.substr(0, eq)));
    const std::string value = Trim(term.substr(eq + 1));
    if (key == "count" || key == "n") {
      if (!ParseCount(value, &item->count)) return ItemError(group, CountError(value));
      *has_count = true;
      return Status::Ok();
    }
    if (key == "mem" || key == "memory" || key == "sms" || key == "sm" || key == "slices") {
      return ItemError(group, "'" + term + "': needs are minimums, write " + key + ">=" + value);
    }
    return ItemError(group, "unknown term '" + key + "' (valid: mem, sms, slices, count)");
  }
  const std::string key = ToLower(Trim(term.substr(0, ge)));
  const std::string value = Trim(term.substr(ge + 2));
  if (key == "mem" || key == "memory") {
    StatusOr<std::uint64_t> mib = ParseMemorySize(value);
    if (!mib.ok()) return ItemError(group, mib.status().message());
    item->need.memory_mib = *mib;
  } else if (key == "sms" || key == "sm") {
    if (!ParseNonNegativeInt(value, &item->need.multiprocessors)) {
      return ItemError(group, "sms must be a whole number, found '" + value + "'");
    }
  } else if (key == "slices") {
    if (!ParseNonNegativeInt(value, &item->need.slices)) {
      return ItemError(group, "slices must be a whole number, found '" + value + "'");
    }
  } else if (key == "count" || key == "n") {
    return ItemError(group, "'" + term + "': the count is exact, write count=" + value);
  } else {
    return ItemError(group, "unknown need '" + key + "' (valid: mem, sms, slices, count)");
  }
  return Status::Ok();
}

// A need group: "mem>=20GiB,sms>=30,count=12".
StatusOr<DemandItem> ParseNeedGroup(const std::string& group, const std::string& source) {
  DemandItem item;
  item.source = source;
  bool has_count = false;
  std::vector<std::string> need_terms;
  for (const std::string& raw : Split(group, ',')) {
    const std::string term = Trim(raw);
    if (term.empty()) return ItemError(group, "empty term");
    MIGKIT_RETURN_IF_ERROR(ApplyNeedTerm(group, term, &item, &has_count));
    if (term.find(">=") != std::string::npos) need_terms.push_back(term);
  }
  if (!has_count) return ItemError(group, "count=N is missing (how many instances?)");
  if (need_terms.empty()) {
    return ItemError(group, "a need has at least one of mem>=SIZE, sms>=N, slices>=N");
  }
  item.label = Join(need_terms, ",");
  return item;
}

// A profile item: "1g.10gb=20".
StatusOr<DemandItem> ParseProfileItem(const std::string& text, const std::string& source) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) {
    return ItemError(text, "expected PROFILE=COUNT, e.g. 1g.10gb=20");
  }
  DemandItem item;
  item.source = source;
  item.profile = ToLower(Trim(text.substr(0, eq)));
  const std::string count = Trim(text.substr(eq + 1));
  if (item.profile.empty()) return ItemError(text, "the profile name is missing");
  if (!ParseCount(count, &item.count)) return ItemError(text, CountError(count));
  MIGKIT_RETURN_IF_ERROR([&]() -> Status {
    if (item.profile.rfind("mig ", 0) == 0) item.profile = Trim(item.profile.substr(4));
    const std::string& name = item.profile;
    if (name.find_first_of("+-") != std::string::npos) {
      return ItemError(text, "'" + item.profile +
                                 "' is a profile variant; the planner plans base profiles only "
                                 "(drop the +me/-me/+gfx suffix)");
    }
    std::optional<ProfileNameParts> parts = ParseProfileName(name);
    if (!parts) {
      return ItemError(text, "'" + item.profile +
                                 "' is not a profile name (expected <slices>g.<GB>gb, e.g. "
                                 "1g.10gb) and not a need (mem>=SIZE, sms>=N, slices>=N)");
    }
    item.need.slices = parts->slices;
    item.need.nominal_gb = parts->gb;
    return Status::Ok();
  }());
  item.label = item.profile;
  return item;
}

bool LooksLikeNeed(const std::string& group) {
  const std::string lower = ToLower(group);
  return lower.find(">=") != std::string::npos || lower.find("count=") != std::string::npos;
}

std::string Where(std::string_view source, const YAML::Node& node) {
  std::string where(source);
  if (node.IsDefined() && node.Mark().line >= 0) {
    where += ":" + std::to_string(node.Mark().line + 1);
  }
  return where;
}

Status FileError(std::string_view source, const YAML::Node& node, const std::string& what) {
  return Status::ParseError(Where(source, node) + ": " + what);
}

std::string Scalar(const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : ""; }

StatusOr<DemandItem> ParseFileItem(const YAML::Node& node, std::string_view source) {
  if (!node.IsMap()) {
    return FileError(source, node,
                     "a demand item is a map with count and either profile or a need "
                     "(mem, sms, slices)");
  }
  DemandItem item;
  item.source = Where(source, node);
  std::string name;
  bool has_count = false;
  std::vector<std::string> need_terms;
  for (const auto& kv : node) {
    const std::string key = ToLower(kv.first.as<std::string>(""));
    const YAML::Node& value = kv.second;
    const std::string text = Trim(Scalar(value));
    if (!value.IsScalar()) {
      return FileError(source, value, "'" + key + "' must be a single value");
    }
    if (key == "name") {
      name = text;
    } else if (key == "count") {
      if (!ParseCount(text, &item.count)) return FileError(source, value, CountError(text));
      has_count = true;
    } else if (key == "profile") {
      StatusOr<DemandItem> parsed = ParseProfileItem(text + "=0", item.source);
      if (!parsed.ok()) {
        // Report the file position, not the synthetic "=0" item.
        std::string msg = parsed.status().message();
        const std::string prefix = "bad demand item '" + text + "=0': ";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        return FileError(source, value, msg);
      }
      item.profile = parsed->profile;
      item.need.slices = parsed->need.slices;
      item.need.nominal_gb = parsed->need.nominal_gb;
    } else if (key == "mem" || key == "memory") {
      StatusOr<std::uint64_t> mib = ParseMemorySize(text);
      if (!mib.ok()) return FileError(source, value, mib.status().message());
      item.need.memory_mib = *mib;
      need_terms.push_back("mem>=" + text);
    } else if (key == "sms" || key == "slices") {
      int n = 0;
      if (!ParseNonNegativeInt(text, &n)) {
        return FileError(source, value, key + " must be a whole number, found '" + text + "'");
      }
      if (key == "sms") item.need.multiprocessors = n;
      if (key == "slices") item.need.slices = n;
      need_terms.push_back(key + ">=" + text);
    } else {
      return FileError(source, kv.first,
                       "unknown key '" + key +
                           "' in a demand item (valid: name, profile, mem, sms, slices, count)");
    }
  }
  if (!has_count) return FileError(source, node, "the demand item has no count");
  if (item.profile.empty() && need_terms.empty()) {
    return FileError(source, node,
                     "the demand item names neither a profile nor a need (mem, sms, slices)");
  }
  if (!item.profile.empty() && !need_terms.empty()) {
    return FileError(source, node,
                     "the demand item has both a profile and a need; give one or the other");
  }
  item.label = !name.empty() ? name : !item.profile.empty() ? item.profile : Join(need_terms, ",");
  return item;
}

// Sort key for "smallest": compute first, then memory units, then memory.
std::tuple<int, int, std::uint64_t> SizeKey(const GiProfile& p) {
  return {p.slices, p.placement_size, p.memory_mib};
}

bool IsBaseProfile(const GiProfile& p) { return p.name.find_first_of("+-") == std::string::npos; }

std::string DescribeNeed(const DemandItem& item) {
  if (!item.profile.empty()) return "'" + item.profile + "'";
  return "need '" + item.label + "'";
}

std::string GiB(std::uint64_t mib) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f GiB", static_cast<double>(mib) / 1024.0);
  return buf;
}

}  // namespace

int Demand::TotalInstances() const {
  long long total = 0;
  for (const DemandItem& i : items) total += i.count;
  return static_cast<int>(std::min<long long>(total, 2'000'000'000));
}

std::optional<ProfileNameParts> ParseProfileName(std::string_view name) {
  std::string lower = ToLower(Trim(name));
  std::string_view s = lower;
  if (s.rfind("mig ", 0) == 0) s.remove_prefix(4);
  const size_t g = s.find("g.");
  if (g == std::string_view::npos || s.size() < g + 4 || s.substr(s.size() - 2) != "gb") {
    return std::nullopt;
  }
  ProfileNameParts parts;
  if (!ParseNonNegativeInt(s.substr(0, g), &parts.slices) || parts.slices == 0) return std::nullopt;
  if (!ParseNonNegativeInt(s.substr(g + 2, s.size() - 2 - (g + 2)), &parts.gb)) {
    return std::nullopt;
  }
  return parts;
}

StatusOr<std::uint64_t> ParseMemorySize(std::string_view text) {
  const std::string s = Trim(text);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  const std::string number = s.substr(0, i);
  const std::string unit = ToLower(Trim(s.substr(i)));
  double value = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size()) {
    return Status::ParseError("memory size '" + s +
                              "' is not a number with a unit (e.g. 20GiB, 512MiB, 40GB)");
  }
  double mib = 0;
  if (unit == "mib") {
    mib = value;
  } else if (unit == "gib") {
    mib = value * 1024.0;
  } else if (unit == "mb") {
    mib = value * 1e6 / 1048576.0;
  } else if (unit == "gb") {
    mib = value * 1e9 / 1048576.0;
  } else {
    return Status::ParseError("memory size '" + s + "' has " +
                              (unit.empty() ? std::string("no unit") : "unit '" + unit + "'") +
                              " (valid units: MiB, GiB, MB, GB)");
  }
  if (mib > 1e12) return Status::ParseError("memory size '" + s + "' is too large");
  return static_cast<std::uint64_t>(std::ceil(mib - 1e-9));
}

StatusOr<Demand> ParseDemand(std::string_view text) {
  Demand demand;
  int index = 0;
  for (const std::string& raw_group : Split(text, ';')) {
    const std::string group = Trim(raw_group);
    if (group.empty()) continue;
    if (LooksLikeNeed(group)) {
      StatusOr<DemandItem> item = ParseNeedGroup(group, "demand item " + std::to_string(++index));
      if (!item.ok()) return item.status();
      demand.items.push_back(std::move(item).value());
      continue;
    }
    for (const std::string& raw : Split(group, ',')) {
      const std::string entry = Trim(raw);
      if (entry.empty()) {
        return Status::ParseError("empty item in demand '" + std::string(text) + "'; expected " +
                                  std::string(kGrammarHint));
      }
      StatusOr<DemandItem> item = ParseProfileItem(entry, "demand item " + std::to_string(++index));
      if (!item.ok()) return item.status();
      demand.items.push_back(std::move(item).value());
    }
  }
  if (demand.items.empty()) {
    return Status::ParseError("the demand is empty; give " + std::string(kGrammarHint));
  }
  return demand;
}

StatusOr<Demand> ParseDemandFile(std::string_view yaml_text, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return Status::ParseError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " +
                              e.msg);
  }
  if (!root.IsMap()) {
    return Status::ParseError(std::string(source) +
                              ": a demand file is a YAML map with 'demand:' (a list of items) "
                              "and optionally 'fleet:'");
  }
  Demand demand;
  YAML::Node items;
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>("");
      if (key == "demand") {
        items = kv.second;
      } else if (key == "fleet") {
        if (!kv.second.IsScalar()) {
          return FileError(source, kv.second, "fleet must be a spec like 8xH100-SXM5-80GB");
        }
        demand.fleet = Trim(kv.second.Scalar());
      } else {
        return FileError(source, kv.first,
                         "unknown top-level key '" + key + "' (valid: demand, fleet)");
      }
    }
    if (!items.IsDefined() || items.IsNull()) {
      return Status::ParseError(std::string(source) + ": no 'demand:' list");
    }
    if (items.IsScalar()) {
      StatusOr<Demand> parsed = ParseDemand(items.Scalar());
      if (!parsed.ok()) {
        return FileError(source, items, parsed.status().message());
      }
      for (DemandItem& item : parsed->items) item.source = Where(source, items);
      demand.items = std::move(parsed->items);
      return demand;
    }
    if (!items.IsSequence()) {
      return FileError(source, items,
                       "'demand' must be a list of items or a string like 1g.10gb=20,3g.40gb=4");
    }
    for (const YAML::Node& node : items) {
      StatusOr<DemandItem> item = ParseFileItem(node, source);
      if (!item.ok()) return item.status();
      demand.items.push_back(std::move(item).value());
    }
  } catch (const YAML::Exception& e) {
    return Status::ParseError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " +
                              e.msg);
  }
  if (demand.items.empty()) {
    return FileError(source, items, "the demand list is empty");
  }
  return demand;
}

const GiProfile* SmallestFittingProfile(const GpuModel& model, const Need& need) {
  const GiProfile* best = nullptr;
  for (const GiProfile& p : model.gi_profiles) {
    if (!IsBaseProfile(p)) continue;
    if (p.slices < need.slices || p.memory_mib < need.memory_mib ||
        p.multiprocessors < need.multiprocessors) {
      continue;
    }
    if (need.nominal_gb > 0) {
      std::optional<ProfileNameParts> parts = ParseProfileName(p.name);
      if (!parts || parts->gb < need.nominal_gb) continue;
    }
    if (best == nullptr || SizeKey(p) < SizeKey(*best)) best = &p;
  }
  return best;
}

StatusOr<std::vector<DemandClass>> ResolveDemand(const Demand& demand,
                                                 const std::vector<const GpuModel*>& models) {
  std::vector<DemandClass> classes;
  for (const DemandItem& item : demand.items) {
    DemandClass c;
    c.label = item.label;
    c.count = item.count;
    bool any = false;
    bool named_exists = false;
    for (const GpuModel* model : models) {
      const GiProfile* p = nullptr;
      if (!item.profile.empty()) {
        const GiProfile* exact = model->FindProfileByName(item.profile);
        if (exact != nullptr) {
          named_exists = true;
          p = exact;
        }
      }
      if (p == nullptr) p = SmallestFittingProfile(*model, item.need);
      c.profile_by_model.push_back(p);
      any = any || p != nullptr;
    }
    if (!item.profile.empty() && !named_exists) {
      std::vector<std::string> offers;
      for (const GpuModel* model : models) {
        std::vector<std::string> names;
        for (const GiProfile& p : model->gi_profiles) {
          if (IsBaseProfile(p)) names.push_back(p.name);
        }
        offers.push_back(model->id + " offers " + Join(names, ", "));
      }
      return Status::InvalidArgument(item.source + ": unknown profile '" + item.profile +
                                     "': no GPU model in the fleet has it (" + Join(offers, "; ") +
                                     ")");
    }
    if (!any) {
      std::vector<std::string> largest;
      for (const GpuModel* model : models) {
        const GiProfile* full = model->FullProfile();
        if (full != nullptr) {
          largest.push_back(model->id + ": " + full->name + ", " + GiB(full->memory_mib) + ", " +
                            std::to_string(full->multiprocessors) + " SMs");
        }
      }
      return Status::InvalidArgument(
          item.source + ": " + DescribeNeed(item) +
          " fits no profile of any GPU in the fleet (largest: " + Join(largest, "; ") + ")");
    }
    classes.push_back(std::move(c));
  }
  return classes;
}

}  // namespace migkit
