#include "slurm/scontrol_output.h"

#include <algorithm>
#include <regex>
#include <sstream>

#include "core/strings.h"

namespace migkit::slurm {
namespace {

// The value of "Key=" in `text`, up to the end of the line for Reason (which has spaces),
// else up to the next space.
std::string Field(const std::string& text, const std::string& key, bool to_end_of_line) {
  std::size_t pos = 0;
  while ((pos = text.find(key + "=", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == ' ' || text[pos - 1] == '\n') break;
    pos += key.size();
  }
  if (pos == std::string::npos) return "";
  const std::size_t begin = pos + key.size() + 1;
  const std::size_t end = text.find_first_of(to_end_of_line ? "\n" : " \n", begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

void AddIndices(const std::string& list, std::vector<int>* out) {
  for (const std::string& part : Split(list, ',')) {
    const std::vector<std::string> range = Split(part, '-');
    int lo = 0, hi = 0;
    if (!ParseNonNegativeInt(range[0], &lo)) continue;
    hi = lo;
    if (range.size() == 2 && !ParseNonNegativeInt(range[1], &hi)) continue;
    for (int i = lo; i <= hi; ++i) out->push_back(i);
  }
}

}  // namespace

std::string NodeStatus::Base() const { return state.substr(0, state.find('+')); }

bool NodeStatus::HasFlag(const std::string& flag) const {
  const std::vector<std::string> parts = Split(state, '+');
  return std::find(parts.begin() + 1, parts.end(), flag) != parts.end();
}

NodeStatus ParseNodeStatus(const std::string& text) {
  NodeStatus s;
  s.state = Field(text, "State", false);
  s.reason = Field(text, "Reason", true);
  s.gres = Field(text, "Gres", false);
  if (s.gres == "(null)") s.gres.clear();
  return s;
}

std::string GresWithoutSockets(const std::string& gres) {
  static const std::regex kSockets(R"(\(S:[^)]*\))");
  return std::regex_replace(gres, kSockets, "");
}

std::vector<JobGpus> ParseJobGpus(const std::string& text, const std::string& node) {
  // Jobs are separated by blank lines; each has JobId= and JobState= and, with -d, one
  // "Nodes=<list> CPU_IDs=... GRES=<...>" line per node.
  static const std::regex kIdx(R"(\(IDX:([0-9,\-]+)\))");
  std::vector<JobGpus> jobs;
  std::istringstream in(text);
  std::string line;
  JobGpus current;
  auto flush = [&]() {
    if (!current.job_id.empty() && !current.indices.empty()) {
      std::sort(current.indices.begin(), current.indices.end());
      jobs.push_back(current);
    }
    current = JobGpus();
  };
  while (std::getline(in, line)) {
    const std::string trimmed = Trim(line);
    if (trimmed.rfind("JobId=", 0) == 0) {
      flush();
      current.job_id = Field(trimmed, "JobId", false);
    } else if (trimmed.rfind("JobState=", 0) == 0) {
      current.state = Field(trimmed, "JobState", false);
    } else if (trimmed.rfind("Nodes=", 0) == 0 && Field(trimmed, "Nodes", false) == node) {
      const std::string gres = Field(trimmed, "GRES", false);
      for (std::sregex_iterator it(gres.begin(), gres.end(), kIdx), end; it != end; ++it) {
        AddIndices((*it)[1].str(), &current.indices);
      }
    }
  }
  flush();
  return jobs;
}

}  // namespace migkit::slurm
