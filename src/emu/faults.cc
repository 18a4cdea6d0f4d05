#include "emu/faults.h"

#include <array>
#include <utility>

#include "core/strings.h"

namespace migkit {
namespace {

constexpr std::array<std::pair<FaultOp, std::string_view>, 7> kOps = {{
    {FaultOp::kMigMode, "mig-mode"},
    {FaultOp::kMigActivation, "mig-activation"},
    {FaultOp::kReset, "reset"},
    {FaultOp::kCreateGpuInstance, "create-gi"},
    {FaultOp::kDestroyGpuInstance, "destroy-gi"},
    {FaultOp::kCreateComputeInstance, "create-ci"},
    {FaultOp::kDestroyComputeInstance, "destroy-ci"},
}};

constexpr std::array<std::pair<Code, std::string_view>, 10> kCodes = {{
    {Code::kInUse, "in_use"},
    {Code::kInsufficientResources, "insufficient_resources"},
    {Code::kNotSupported, "not_supported"},
    {Code::kNoPermission, "no_permission"},
    {Code::kInvalidArgument, "invalid_argument"},
    {Code::kNotFound, "not_found"},
    {Code::kResetRequired, "reset_required"},
    {Code::kTimeout, "timeout"},
    {Code::kUninitialized, "uninitialized"},
    {Code::kUnknown, "unknown"},
}};

}  // namespace

std::string FaultOpNames() {
  std::vector<std::string> v;
  for (const auto& [op, name] : kOps) v.emplace_back(name);
  return Join(v, ", ");
}

std::string FaultCodeNames() {
  std::vector<std::string> v;
  for (const auto& [code, name] : kCodes) v.emplace_back(name);
  return Join(v, ", ");
}

std::string_view FaultOpName(FaultOp op) {
  for (const auto& [o, name] : kOps) {
    if (o == op) return name;
  }
  return "?";
}

std::string FaultCodeName(Code code) {
  for (const auto& [c, name] : kCodes) {
    if (c == code) return std::string(name);
  }
  return "unknown";
}

std::string FaultRuleToString(const FaultRule& rule) {
  std::string s(FaultOpName(rule.op));
  if (rule.gpu >= 0) s += "@" + std::to_string(rule.gpu);
  s += "=" + FaultCodeName(rule.code);
  if (rule.remaining < 0)
    s += "*always";
  else if (rule.remaining != 1)
    s += "*" + std::to_string(rule.remaining);
  return s;
}

StatusOr<std::vector<FaultRule>> ParseFaultRules(std::string_view text) {
  std::vector<FaultRule> rules;
  std::string normalized(text);
  for (char& c : normalized) {
    if (c == ';') c = ',';
  }
  for (const std::string& raw : Split(normalized, ',')) {
    const std::string item = Trim(raw);
    if (item.empty()) continue;
    const auto bad = [&](const std::string& why) {
      return Status::InvalidArgument("fault rule '" + item + "': " + why +
                                     " (form: OP[@GPU]=CODE[*N|*always]; OP is one of " +
                                     FaultOpNames() + "; CODE is one of " + FaultCodeNames() + ")");
    };
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return bad("missing '='");
    std::string lhs = Trim(item.substr(0, eq)), rhs = ToLower(Trim(item.substr(eq + 1)));
    FaultRule rule;
    if (const size_t at = lhs.find('@'); at != std::string::npos) {
      if (!ParseNonNegativeInt(Trim(lhs.substr(at + 1)), &rule.gpu)) return bad("bad GPU index");
      lhs = Trim(lhs.substr(0, at));
    }
    bool op_ok = false;
    for (const auto& [op, name] : kOps) {
      if (EqualsIgnoreCase(lhs, name)) {
        rule.op = op;
        op_ok = true;
      }
    }
    if (!op_ok) return bad("unknown operation '" + lhs + "'");
    if (const size_t star = rhs.find('*'); star != std::string::npos) {
      const std::string n = Trim(rhs.substr(star + 1));
      if (n == "always") {
        rule.remaining = -1;
      } else if (!ParseNonNegativeInt(n, &rule.remaining) || rule.remaining < 1) {
        return bad("count '" + n + "' must be a positive number or 'always'");
      }
      rhs = Trim(rhs.substr(0, star));
    }
    bool code_ok = false;
    for (const auto& [code, name] : kCodes) {
      if (rhs == name) {
        rule.code = code;
        code_ok = true;
      }
    }
    if (!code_ok) return bad("unknown code '" + rhs + "'");
    rules.push_back(rule);
  }
  return rules;
}

Status FireFault(std::vector<FaultRule>* rules, FaultOp op, int gpu) {
  for (auto it = rules->begin(); it != rules->end(); ++it) {
    if (it->op != op || (it->gpu >= 0 && it->gpu != gpu)) continue;
    const Status s(it->code, "injected fault " + FaultRuleToString(*it));
    if (it->remaining > 0 && --it->remaining == 0) rules->erase(it);
    return s;
  }
  return Status::Ok();
}

}  // namespace migkit
