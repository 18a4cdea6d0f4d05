// Usage and chargeback: slice-hours per tenant and profile, computed from the ledger.
//
// A lease counts from its ledger start to its ledger stop (or to `now` while it is active), clipped
// to the report's window; slice-hours = compute slices x hours. Prices are per slice-hour, with
// optional per-profile overrides, so a 3g.40gb lease of two hours at 0.50 costs 3.00.
#ifndef MIGKIT_SERVICE_USAGE_REPORT_H_
#define MIGKIT_SERVICE_USAGE_REPORT_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace migkit {

struct UsageWindow {
  std::int64_t from_micros = 0;        // inclusive
  std::int64_t to_micros = INT64_MAX;  // exclusive
};

struct UsageRow {
  std::string tenant;
  std::string profile;
  int slices = 0;  // compute slices of the profile
  int leases = 0;  // leases that overlap the window
  double slice_hours = 0;
  double price = 0;  // per slice-hour
  double cost = 0;
};

struct Prices {
  double per_slice_hour = 0;
  std::map<std::string, double> per_profile;  // profile name -> price per slice-hour
};

/// Rows by tenant, then profile. Ledger lines without a start (impossible from a Store) are
/// ignored; a lease still active counts up to `now_micros`.
std::vector<UsageRow> UsageReport(const std::vector<LedgerEntry>& ledger, const UsageWindow& window,
                                  std::int64_t now_micros, const Prices& prices);

/// {"from": ..., "to": ..., "rows": [{tenant, profile, slices, leases, slice_hours, price, cost}],
///  "total_cost": ...}; times as RFC 3339 UTC.
nlohmann::json UsageJson(const std::vector<UsageRow>& rows, const UsageWindow& window);
/// "tenant,profile,slices,leases,slice_hours,price_per_slice_hour,cost" and one line per row.
std::string UsageCsv(const std::vector<UsageRow>& rows);

/// Parses an RFC 3339 UTC time ("2026-01-01T10:00:00Z") or Unix seconds into microseconds.
/// kInvalidArgument names the text and the valid forms.
StatusOr<std::int64_t> ParseTime(const std::string& text);

}  // namespace migkit

#endif  // MIGKIT_SERVICE_USAGE_REPORT_H_
