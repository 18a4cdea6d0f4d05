// The discrete-event clock shared by both simulators: pod arrivals and departures in time order.
// At equal times departures come first, so that a pod ending at t frees its resources for one
// arriving at t; among equals the lower pod index first, so runs are deterministic.
#ifndef MIGKIT_SIM_EVENT_QUEUE_H_
#define MIGKIT_SIM_EVENT_QUEUE_H_

#include <cstddef>
#include <functional>
#include <queue>
#include <tuple>
#include <vector>

#include "sim/pod.h"

namespace migkit::sim {

struct Event {
  double time = 0;
  bool departure = false;
  /// Index of the pod in the list given to the simulator.
  size_t pod = 0;
};

class EventQueue {
 public:
  /// A queue holding the arrival of every pod of `pods` at its `arrival` time.
  explicit EventQueue(const std::vector<PodSpec>& pods) {
    for (size_t i = 0; i < pods.size(); ++i) queue_.emplace(pods[i].arrival, 1, i);
  }
  bool empty() const { return queue_.empty(); }
  /// Removes and returns the next event. REQUIRES: !empty().
  Event Pop() {
    auto [time, kind, pod] = queue_.top();
    queue_.pop();
    return {time, kind == 0, pod};
  }
  void AddDeparture(double time, size_t pod) { queue_.emplace(time, 0, pod); }

 private:
  using Entry = std::tuple<double, int, size_t>;  // (time, 0 departure / 1 arrival, pod)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
};

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_EVENT_QUEUE_H_
