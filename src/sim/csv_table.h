// A small reader for the comma-separated files migsim takes (the openb traces, the measured
// per-profile speeds): columns found by their header names, fields as views into the text, and
// errors that name the file and line. No quoting: neither format has quoted fields. No I/O.
#ifndef MIGKIT_SIM_CSV_TABLE_H_
#define MIGKIT_SIM_CSV_TABLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace migkit::sim {

/// `line` split at every `sep` (empty fields kept).
std::vector<std::string_view> SplitFields(std::string_view line, char sep);

/// One CSV file being read: its header's column positions and the current line, for messages.
/// The text must outlive the table.
class CsvTable {
 public:
  CsvTable(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  /// Reads the header; every name in `required` must be present.
  Status ReadHeader(const std::vector<std::string_view>& required);

  /// Moves to the next non-empty line; false at the end or on error (then `status` says why).
  bool NextRow(Status* status);

  /// The current row's field in `column`; empty if the header has no such column.
  std::string_view Field(std::string_view column) const;
  bool Has(std::string_view column) const { return columns_.count(std::string(column)) > 0; }

  /// The integer in `column`, which must lie in [lo, hi]; an empty field is `empty_value` if given.
  StatusOr<int64_t> Int(std::string_view column, int64_t lo, int64_t hi,
                        std::optional<int64_t> empty_value = std::nullopt) const;

  /// The number in `column`, which must lie in [lo, hi].
  StatusOr<double> Double(std::string_view column, double lo, double hi) const;

  /// A kParseError "<source>:<line>: <message>" for the current line.
  Status Error(const std::string& message) const;

 private:
  bool NextLine(std::string_view* line);

  std::string_view text_;
  std::string_view source_;
  size_t pos_ = 0;
  int line_ = 0;
  std::map<std::string, size_t> columns_;
  std::vector<std::string_view> fields_;
};

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_CSV_TABLE_H_
