#include "service/usage_report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <tuple>

#include "reconfig/busy.h"

namespace migkit {
namespace {

constexpr double kMicrosPerHour = 3600.0 * 1e6;

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

std::vector<UsageRow> UsageReport(const std::vector<LedgerEntry>& ledger, const UsageWindow& window,
                                  std::int64_t now_micros, const Prices& prices) {
  struct Span {
    const LedgerEntry* start = nullptr;
    std::int64_t stop = 0;
    bool stopped = false;
  };
  std::map<std::string, Span> spans;
  for (const LedgerEntry& e : ledger) {
    Span& s = spans[e.lease_id];
    if (e.kind == LedgerKind::kStart) {
      s.start = &e;
    } else {
      s.stop = e.micros;
      s.stopped = true;
    }
  }
  std::map<std::pair<std::string, std::string>, UsageRow> rows;
  for (const auto& [id, span] : spans) {
    if (span.start == nullptr) continue;
    const std::int64_t begin = std::max(span.start->micros, window.from_micros);
    const std::int64_t end = std::min(span.stopped ? span.stop : now_micros, window.to_micros);
    if (end <= begin &&
        !(span.start->micros >= window.from_micros && span.start->micros < window.to_micros)) {
      continue;  // outside the window
    }
    UsageRow& row = rows[{span.start->tenant, span.start->profile}];
    row.tenant = span.start->tenant;
    row.profile = span.start->profile;
    row.slices = span.start->slices;
    ++row.leases;
    if (end > begin) {
      row.slice_hours += span.start->slices * static_cast<double>(end - begin) / kMicrosPerHour;
    }
  }
  std::vector<UsageRow> out;
  for (auto& [key, row] : rows) {
    auto p = prices.per_profile.find(row.profile);
    row.price = p != prices.per_profile.end() ? p->second : prices.per_slice_hour;
    row.cost = row.slice_hours * row.price;
    out.push_back(row);
  }
  return out;
}

nlohmann::json UsageJson(const std::vector<UsageRow>& rows, const UsageWindow& window) {
  nlohmann::json j;
  j["from"] = FormatUtc(window.from_micros);
  j["to"] = window.to_micros == INT64_MAX ? nlohmann::json()
                                          : nlohmann::json(FormatUtc(window.to_micros));
  j["rows"] = nlohmann::json::array();
  double total = 0;
  for (const UsageRow& r : rows) {
    j["rows"].push_back({{"tenant", r.tenant},
                         {"profile", r.profile},
                         {"slices", r.slices},
                         {"leases", r.leases},
                         {"slice_hours", r.slice_hours},
                         {"price_per_slice_hour", r.price},
                         {"cost", r.cost}});
    total += r.cost;
  }
  j["total_cost"] = total;
  return j;
}

std::string UsageCsv(const std::vector<UsageRow>& rows) {
  std::string csv = "tenant,profile,slices,leases,slice_hours,price_per_slice_hour,cost\n";
  for (const UsageRow& r : rows) {
    // Tenant names are [a-z0-9_-] and profile names have no commas or quotes: no CSV quoting.
    csv += r.tenant + "," + r.profile + "," + std::to_string(r.slices) + "," +
           std::to_string(r.leases) + "," + Number(r.slice_hours) + "," + Number(r.price) + "," +
           Number(r.cost) + "\n";
  }
  return csv;
}

StatusOr<std::int64_t> ParseTime(const std::string& text) {
  const Status bad = Status::InvalidArgument(
      "time '" + text +
      "' is not valid (valid: RFC 3339 UTC like 2026-01-01T10:00:00Z, or Unix "
      "seconds)");
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.size() > 12) return bad;
    return std::stoll(text) * 1'000'000;
  }
  int y, mo, d, h, mi, s;
  char z = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &s, &z,
                  &consumed) != 7 ||
      z != 'Z' || static_cast<size_t>(consumed) != text.size() || mo < 1 || mo > 12 || d < 1 ||
      d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) {
    return bad;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000;
}

}  // namespace migkit
