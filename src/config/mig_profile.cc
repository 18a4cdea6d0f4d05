#include "config/mig_profile.h"

#include <algorithm>
#include <vector>

#include "core/strings.h"

namespace migkit {
namespace {

// Reads a positive decimal number at *pos (no sign, no leading zero unless "0"), advancing *pos.
bool ReadNumber(std::string_view s, size_t* pos, int* out) {
  size_t b = *pos;
  while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') ++*pos;
  if (*pos == b || *pos - b > 4) return false;
  return ParseNonNegativeInt(s.substr(b, *pos - b), out) && *out > 0;
}

bool Expect(std::string_view s, size_t* pos, std::string_view lit) {
  if (s.substr(*pos, lit.size()) != lit) return false;
  *pos += lit.size();
  return true;
}

Status Malformed(std::string_view text) {
  return Status::InvalidArgument(
      "'" + std::string(text) +
      "' is not a MIG profile name; expected [<C>c.]<G>g.<GB>gb with an optional +me, +me.all, "
      "+gfx or -me, such as 1g.10gb, 1g.10gb+me or 1c.3g.40gb");
}

}  // namespace

StatusOr<MigProfileName> ParseMigProfileName(std::string_view text) {
  const std::string lower = ToLower(Trim(text));
  const std::string_view s = lower;
  MigProfileName out;
  out.text = std::string(text);
  size_t pos = 0;
  int first = 0;
  if (!ReadNumber(s, &pos, &first)) return Malformed(text);
  if (pos < s.size() && s[pos] == 'c') {
    ++pos;
    if (!Expect(s, &pos, ".")) return Malformed(text);
    out.compute = first;
    if (!ReadNumber(s, &pos, &out.slices)) return Malformed(text);
  } else {
    out.slices = first;
  }
  const size_t gi_begin = pos - std::to_string(out.slices).size();
  if (!Expect(s, &pos, "g.")) return Malformed(text);
  if (!ReadNumber(s, &pos, &out.gb)) return Malformed(text);
  if (!Expect(s, &pos, "gb")) return Malformed(text);
  if (pos < s.size()) {
    if (s[pos] == '-') {
      if (s.substr(pos) != "-me") return Malformed(text);
    } else if (s[pos] == '+') {
      for (const std::string& attr : Split(s.substr(pos + 1), ',')) {
        if (attr != "me" && attr != "me.all" && attr != "gfx") return Malformed(text);
      }
    } else {
      return Malformed(text);
    }
  }
  if (out.compute > out.slices) {
    return Status::InvalidArgument("'" + std::string(text) + "' asks for a compute instance of " +
                                   std::to_string(out.compute) + " slices in a " +
                                   std::to_string(out.slices) +
                                   "-slice GPU instance; C must not exceed G in <C>c.<G>g");
  }
  out.gi_name = std::string(s.substr(gi_begin));
  return out;
}

std::string MigDeviceProfile::Name() const { return ci.name; }

StatusOr<MigDeviceProfile> ResolveMigProfile(const MigProfileName& name, const GpuModel& model) {
  const GiProfile* gi = model.FindProfileByName(name.gi_name);
  if (gi == nullptr) {
    return Status::InvalidArgument("profile '" + name.text + "' does not exist on " + model.id +
                                   "; valid: " + ValidMigDeviceNames(model));
  }
  const std::vector<CiProfile> cis = model.ComputeProfilesFor(*gi);
  const int c = name.compute == 0 ? gi->slices : name.compute;
  // A double-memory 1g GI offers two 1-slice CI profiles of the same name (0 and 7); a config
  // means the default one, which `-C` creates (core/ci_profiles.cc).
  const CiProfile* found = nullptr;
  for (const CiProfile& ci : cis) {
    if (ci.slices == c && (found == nullptr || ci.is_default)) found = &ci;
  }
  if (found != nullptr) return MigDeviceProfile{gi, *found};
  std::vector<std::string> offered;
  for (const CiProfile& ci : cis) offered.push_back(ci.name);
  return Status::InvalidArgument("profile '" + name.text + "' does not exist on " + model.id +
                                 ": a " + gi->name + " GPU instance holds compute instances " +
                                 Join(offered, ", "));
}

std::string ValidMigDeviceNames(const GpuModel& model) {
  // GI profiles in nvidia-smi's order (compute slices, then memory, then NVML index), each followed
  // by its CI sub-profiles.
  std::vector<const GiProfile*> gis;
  for (const GiProfile& p : model.gi_profiles) gis.push_back(&p);
  std::stable_sort(gis.begin(), gis.end(), [](const GiProfile* a, const GiProfile* b) {
    if (a->slices != b->slices) return a->slices < b->slices;
    if (a->memory_mib != b->memory_mib) return a->memory_mib < b->memory_mib;
    return a->nvml_index < b->nvml_index;
  });
  std::vector<std::string> names;
  for (const GiProfile* gi : gis) {
    for (const CiProfile& ci : model.ComputeProfilesFor(*gi)) {
      if (ci.slices != gi->slices) names.push_back(ci.name);
    }
    names.push_back(gi->name);
  }
  return Join(names, ", ");
}

std::string FormatMigDevice(const GpuModel& model, const GiProfile& gi, int ci_profile_id) {
  for (const CiProfile& ci : model.ComputeProfilesFor(gi)) {
    if (ci.id == ci_profile_id) return ci.name;
  }
  return gi.name + " (CI profile " + std::to_string(ci_profile_id) + ")";
}

}  // namespace migkit
