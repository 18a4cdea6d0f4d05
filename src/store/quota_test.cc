#include "store/quota.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

Lease LeaseOf(const std::string& profile, int slices, std::int64_t memory_mib) {
  Lease l;
  l.profile = profile;
  l.slices = slices;
  l.memory_mib = memory_mib;
  return l;
}

TEST(Quota, SlicesAreAHardLimit) {
  Tenant t{"acme", Quota{8, std::nullopt, {}}};
  QuotaUsage usage;
  // 3g.40gb on H100-SXM5-80GB: 3 compute slices, 40448 MiB (mig-facts.md §3).
  AddToUsage(LeaseOf("3g.40gb", 3, 40448), &usage);
  AddToUsage(LeaseOf("3g.40gb", 3, 40448), &usage);
  EXPECT_TRUE(CheckQuota(t, usage, LeaseOf("2g.20gb", 2, 20096)).ok());
  Status over = CheckQuota(t, usage, LeaseOf("3g.40gb", 3, 40448));
  EXPECT_EQ(over.code(), Code::kNoPermission);
  EXPECT_EQ(over.message(), "tenant acme: 3g.40gb needs 3 compute slices; quota 8, 6 used, 2 left");
}

TEST(Quota, MemoryAndProfileCaps) {
  // H100-SXM5-80GB: 1g.10gb has 9984 MiB, 1g.20gb 20096, 3g.40gb 40448 (mig-facts.md §3).
  Tenant t{"acme", Quota{7, 40, {{"1g.10gb", 1}}}};
  QuotaUsage usage;
  AddToUsage(LeaseOf("1g.10gb", 1, 9984), &usage);
  EXPECT_EQ(CheckQuota(t, usage, LeaseOf("1g.10gb", 1, 9984)).message(),
            "tenant acme: 1g.10gb: at most 1 instances of this profile; 1 used");
  EXPECT_EQ(CheckQuota(t, usage, LeaseOf("1g.20gb", 1, 20096)).code(), Code::kOk);
  // 9984 + 40448 MiB is more than 40 GiB (40960 MiB).
  EXPECT_EQ(CheckQuota(t, usage, LeaseOf("3g.40gb", 3, 40448)).message(),
            "tenant acme: 3g.40gb needs 40448 MiB; memory quota 40 GiB, 9984 MiB used");
}

TEST(Quota, NamesAndValues) {
  EXPECT_TRUE(CheckTenantName("team-a_1").ok());
  EXPECT_EQ(CheckTenantName("Team").code(), Code::kInvalidArgument);
  EXPECT_EQ(CheckTenantName("-a").code(), Code::kInvalidArgument);
  EXPECT_EQ(CheckTenantName("").code(), Code::kInvalidArgument);
  EXPECT_EQ(CheckTenantName(std::string(64, 'a')).code(), Code::kInvalidArgument);
  EXPECT_EQ(CheckQuotaValues(Quota{-1, std::nullopt, {}}).message(),
            "quota slices -1 is negative (valid: 0 or more)");
}

}  // namespace
}  // namespace migkit
