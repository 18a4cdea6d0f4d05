#include "schedule/runner.h"

#include <algorithm>

namespace migkit {
namespace {

constexpr std::int64_t kMicros = 1000000;

std::int64_t FloorSeconds(std::int64_t micros) {
  return micros >= 0 ? micros / kMicros : -((-micros + kMicros - 1) / kMicros);
}

}  // namespace

void ScheduleRunner::Log(std::int64_t now_micros, const std::string& line) {
  if (log_) log_(FormatInZone(schedule_.zone, FloorSeconds(now_micros)) + "  " + line);
}

Status ScheduleRunner::Run(const RunnerOptions& options) {
  std::optional<std::string> in_force;  // the config known to be in force
  std::string pending;                  // a config that could not be put in force yet
  std::int64_t retry_at = 0;
  while (true) {
    const std::int64_t now = env_->NowMicros();
    if (options.until_micros.has_value() && now >= *options.until_micros) return Status::Ok();
    if (options.stop && options.stop()) return Status::Ok();
    const std::int64_t now_s = FloorSeconds(now);
    std::string reason;
    const std::string want = schedule_.ConfigAt(now_s, &reason);
    if (!in_force.has_value() || *in_force != want) {
      if (want != pending || now >= retry_at) {
        Log(now, (want == pending ? "retrying " : "applying ") + want + " (" + reason + ")");
        const ApplyAttempt attempt = apply_(want);
        Log(env_->NowMicros(), want + ": " + attempt.message);
        if (attempt.in_force) {
          in_force = want;
          pending.clear();
        } else {
          in_force.reset();
          pending = want;
          retry_at = env_->NowMicros() + schedule_.retry_seconds * kMicros;
        }
      }
    }
    // Sleep until the next change, a retry, the end, or the longest allowed sleep.
    const std::int64_t after = env_->NowMicros();
    std::int64_t wake = after + options.max_sleep_micros;
    const std::vector<ScheduleTransition> next = schedule_.NextTransitions(FloorSeconds(after), 1);
    if (!next.empty()) wake = std::min(wake, next.front().at * kMicros);
    if (!pending.empty()) wake = std::min(wake, retry_at);
    if (options.until_micros.has_value()) wake = std::min(wake, *options.until_micros);
    if (wake > after) sleep_(wake - after);
  }
}

}  // namespace migkit
