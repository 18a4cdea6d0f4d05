#include "store/quota.h"

#include <string>

namespace migkit {

Status CheckQuota(const Tenant& tenant, const QuotaUsage& usage, const Lease& lease) {
  const std::string who = "tenant " + tenant.name + ": " + lease.profile;
  const Quota& q = tenant.quota;
  if (usage.slices + lease.slices > q.slices) {
    return Status::NoPermission(who + " needs " + std::to_string(lease.slices) +
                                " compute slices; quota " + std::to_string(q.slices) + ", " +
                                std::to_string(usage.slices) + " used, " +
                                std::to_string(q.slices - usage.slices) + " left");
  }
  if (q.memory_gib.has_value()) {
    const std::int64_t allowed_mib = *q.memory_gib * 1024;
    if (usage.memory_mib + lease.memory_mib > allowed_mib) {
      return Status::NoPermission(who + " needs " + std::to_string(lease.memory_mib) +
                                  " MiB; memory quota " + std::to_string(*q.memory_gib) + " GiB, " +
                                  std::to_string(usage.memory_mib) + " MiB used");
    }
  }
  auto cap = q.profile_caps.find(lease.profile);
  if (cap != q.profile_caps.end()) {
    auto held = usage.profiles.find(lease.profile);
    const int used = held == usage.profiles.end() ? 0 : held->second;
    if (used + 1 > cap->second) {
      return Status::NoPermission(who + ": at most " + std::to_string(cap->second) +
                                  " instances of this profile; " + std::to_string(used) + " used");
    }
  }
  return Status::Ok();
}

void AddToUsage(const Lease& lease, QuotaUsage* usage) {
  usage->slices += lease.slices;
  usage->memory_mib += lease.memory_mib;
  ++usage->profiles[lease.profile];
}

Status CheckTenantName(const std::string& name) {
  auto ok_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && (c == '_' || c == '-'));
  };
  bool valid = !name.empty() && name.size() <= 63;
  for (size_t i = 0; valid && i < name.size(); ++i) valid = ok_char(name[i], i == 0);
  if (valid) return Status::Ok();
  return Status::InvalidArgument("tenant name '" + name +
                                 "' is not valid (1-63 characters: a-z, 0-9, then also _ and -)");
}

Status CheckQuotaValues(const Quota& quota) {
  if (quota.slices < 0) {
    return Status::InvalidArgument("quota slices " + std::to_string(quota.slices) +
                                   " is negative (valid: 0 or more)");
  }
  if (quota.memory_gib.has_value() && *quota.memory_gib < 0) {
    return Status::InvalidArgument("quota memory_gib " + std::to_string(*quota.memory_gib) +
                                   " is negative (valid: 0 or more)");
  }
  for (const auto& [profile, cap] : quota.profile_caps) {
    if (cap < 0) {
      return Status::InvalidArgument("quota cap for " + profile + " is " + std::to_string(cap) +
                                     " (valid: 0 or more)");
    }
  }
  return Status::Ok();
}

Status CheckTenant(const Tenant& tenant) {
  MIGKIT_RETURN_IF_ERROR(CheckTenantName(tenant.name));
  return CheckQuotaValues(tenant.quota);
}

}  // namespace migkit
