#include "sim/csv_table.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace migkit::sim {

std::vector<std::string_view> SplitFields(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

Status CsvTable::ReadHeader(const std::vector<std::string_view>& required) {
  std::string_view header;
  if (!NextLine(&header)) return Error("empty file, expected a header line");
  std::vector<std::string_view> names = SplitFields(header, ',');
  for (size_t i = 0; i < names.size(); ++i) columns_.emplace(std::string(names[i]), i);
  for (std::string_view name : required) {
    if (!columns_.count(std::string(name))) {
      return Error("the header lacks column '" + std::string(name) +
                   "' (found: " + std::string(header) + ")");
    }
  }
  return Status::Ok();
}

bool CsvTable::NextRow(Status* status) {
  std::string_view line;
  while (NextLine(&line)) {
    if (line.empty()) continue;
    fields_ = SplitFields(line, ',');
    if (fields_.size() != columns_.size()) {
      *status = Error("expected " + std::to_string(columns_.size()) + " fields, found " +
                      std::to_string(fields_.size()));
      return false;
    }
    return true;
  }
  return false;
}

std::string_view CsvTable::Field(std::string_view column) const {
  auto it = columns_.find(std::string(column));
  return it == columns_.end() ? std::string_view() : fields_[it->second];
}

StatusOr<int64_t> CsvTable::Int(std::string_view column, int64_t lo, int64_t hi,
                                std::optional<int64_t> empty_value) const {
  std::string_view field = Field(column);
  if (field.empty() && empty_value) return *empty_value;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size() || value < lo || value > hi) {
    return Error("column '" + std::string(column) + "' is '" + std::string(field) +
                 "', expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return value;
}

StatusOr<double> CsvTable::Double(std::string_view column, double lo, double hi) const {
  std::string field(Field(column));
  char* end = nullptr;
  double value = field.empty() ? 0 : std::strtod(field.c_str(), &end);
  if (field.empty() || end != field.c_str() + field.size() || !std::isfinite(value) || value < lo ||
      value > hi) {
    return Error("column '" + std::string(column) + "' is '" + field +
                 "', expected a number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return value;
}

Status CsvTable::Error(const std::string& message) const {
  return Status::ParseError(std::string(source_) + ":" + std::to_string(line_) + ": " + message);
}

bool CsvTable::NextLine(std::string_view* line) {
  if (pos_ >= text_.size()) return false;
  size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  *line = text_.substr(pos_, end - pos_);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  pos_ = end + 1;
  ++line_;
  return true;
}

}  // namespace migkit::sim
