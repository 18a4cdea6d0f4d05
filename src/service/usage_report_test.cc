#include "service/usage_report.h"

#include <gtest/gtest.h>

namespace migkit {
namespace {

constexpr std::int64_t kHour = 3600LL * 1'000'000;
constexpr std::int64_t kT0 = 1767261600LL * 1'000'000;  // 2026-01-01T10:00:00Z

LedgerEntry Entry(LedgerKind kind, const std::string& id, const std::string& tenant,
                  const std::string& profile, int slices, std::int64_t micros) {
  LedgerEntry e;
  e.kind = kind;
  e.lease_id = id;
  e.tenant = tenant;
  e.profile = profile;
  e.slices = slices;
  e.micros = micros;
  return e;
}

TEST(UsageReport, SliceHoursPerTenantAndProfileWithPrices) {
  const std::vector<LedgerEntry> ledger = {
      Entry(LedgerKind::kStart, "l1", "acme", "3g.40gb", 3, kT0),
      Entry(LedgerKind::kStart, "l2", "acme", "1g.10gb", 1, kT0),
      Entry(LedgerKind::kStop, "l1", "acme", "3g.40gb", 3, kT0 + 2 * kHour),
      Entry(LedgerKind::kStart, "l3", "beta", "7g.80gb", 7, kT0 + kHour),
  };
  Prices prices{0.5, {{"7g.80gb", 0.25}}};
  // l2 and l3 are still active at now = T0 + 4h.
  auto rows = UsageReport(ledger, {}, kT0 + 4 * kHour, prices);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].profile, "1g.10gb");
  EXPECT_DOUBLE_EQ(rows[0].slice_hours, 4.0);
  EXPECT_DOUBLE_EQ(rows[0].cost, 2.0);
  EXPECT_EQ(rows[1].profile, "3g.40gb");
  EXPECT_DOUBLE_EQ(rows[1].slice_hours, 6.0);  // 3 slices x 2 h
  EXPECT_DOUBLE_EQ(rows[1].cost, 3.0);
  EXPECT_EQ(rows[2].tenant, "beta");
  EXPECT_DOUBLE_EQ(rows[2].slice_hours, 21.0);  // 7 slices x 3 h
  EXPECT_DOUBLE_EQ(rows[2].cost, 5.25);
  // A window clips every lease: [T0+1h, T0+3h).
  auto clipped = UsageReport(ledger, {kT0 + kHour, kT0 + 3 * kHour}, kT0 + 4 * kHour, prices);
  EXPECT_DOUBLE_EQ(clipped[0].slice_hours, 2.0);
  EXPECT_DOUBLE_EQ(clipped[1].slice_hours, 3.0);
  EXPECT_DOUBLE_EQ(clipped[2].slice_hours, 14.0);
  EXPECT_EQ(UsageCsv({clipped[1]}),
            "tenant,profile,slices,leases,slice_hours,price_per_slice_hour,cost\n"
            "acme,3g.40gb,3,1,3.000000,0.500000,1.500000\n");
  nlohmann::json j = UsageJson(clipped, {kT0 + kHour, kT0 + 3 * kHour});
  EXPECT_EQ(j["from"], "2026-01-01T11:00:00Z");
  EXPECT_EQ(j["to"], "2026-01-01T13:00:00Z");
  EXPECT_DOUBLE_EQ(j["total_cost"].get<double>(), 1.0 + 1.5 + 3.5);
}

TEST(UsageReport, ParsesTimes) {
  EXPECT_EQ(ParseTime("2026-01-01T10:00:00Z").value(), kT0);
  EXPECT_EQ(ParseTime("1767261600").value(), kT0);
  EXPECT_EQ(ParseTime("2026-01-01 10:00").status().message(),
            "time '2026-01-01 10:00' is not valid (valid: RFC 3339 UTC like "
            "2026-01-01T10:00:00Z, or Unix seconds)");
  EXPECT_FALSE(ParseTime("2026-13-01T10:00:00Z").ok());
}

}  // namespace
}  // namespace migkit
