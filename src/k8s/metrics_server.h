// MetricsServer: serves AgentMetrics at GET /metrics on one address (loopback by default; the
// DaemonSet sets the pod IP for Prometheus to scrape), on its own thread.
#ifndef MIGKIT_K8S_METRICS_SERVER_H_
#define MIGKIT_K8S_METRICS_SERVER_H_

#include <memory>
#include <string>

#include "core/status.h"
#include "k8s/agent_metrics.h"

namespace migkit {

class MetricsServer {
 public:
  ~MetricsServer();  // stops serving

  /// Listens on `address` ("127.0.0.1:9402"; port 0 picks one). kInvalidArgument for a bad
  /// address, kIoError when it cannot listen.
  static StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& address,
                                                        const AgentMetrics* metrics);
  /// The port it listens on.
  int port() const { return port_; }

 private:
  MetricsServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace migkit

#endif  // MIGKIT_K8S_METRICS_SERVER_H_
