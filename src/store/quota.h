// Quota checks: whether one more lease keeps a tenant within its quota.
//
// Pure functions of the quota, what the tenant holds and what it asks for, so every Store runs the
// same rule inside its own transaction (which is what makes the check atomic).
#ifndef MIGKIT_STORE_QUOTA_H_
#define MIGKIT_STORE_QUOTA_H_

#include <string>

#include "core/status.h"
#include "store/records.h"

namespace migkit {

/// OK when `tenant` holding `usage` may also hold `lease`; otherwise kNoPermission whose message
/// names the limit, what is used and what is allowed ("tenant acme: 3g.40gb needs 3 compute
/// slices; 6 of 8 used, 2 left").
Status CheckQuota(const Tenant& tenant, const QuotaUsage& usage, const Lease& lease);

/// Adds `lease` to `usage`.
void AddToUsage(const Lease& lease, QuotaUsage* usage);

/// kInvalidArgument unless `name` is a valid tenant name ([a-z0-9][a-z0-9_-]{0,62}).
Status CheckTenantName(const std::string& name);

/// kInvalidArgument when a quota has a negative limit.
Status CheckQuotaValues(const Quota& quota);

/// CheckTenantName and CheckQuotaValues: what every store checks before creating a tenant.
Status CheckTenant(const Tenant& tenant);

}  // namespace migkit

#endif  // MIGKIT_STORE_QUOTA_H_
