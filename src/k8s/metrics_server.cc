#include "k8s/metrics_server.h"

#include <httplib.h>

#include <cstdlib>
#include <thread>

namespace migkit {

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

MetricsServer::~MetricsServer() {
  if (impl_ == nullptr) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& address,
                                                              const AgentMetrics* metrics) {
  const std::size_t colon = address.rfind(':');
  char* end = nullptr;
  const long port =
      colon == std::string::npos ? -1 : std::strtol(address.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || *end != '\0' || port < 0 || port > 65535) {
    return Status::InvalidArgument("metrics address '" + address +
                                   "' is not HOST:PORT, e.g. 127.0.0.1:9402");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->impl_ = std::make_unique<Impl>();
  server->impl_->server.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics->Render(), "text/plain; version=0.0.4");
  });
  const int bound = port == 0 ? server->impl_->server.bind_to_any_port(host)
                              : (server->impl_->server.bind_to_port(host, static_cast<int>(port))
                                     ? static_cast<int>(port)
                                     : -1);
  if (bound <= 0) return Status::IoError("cannot listen on " + address + " for /metrics");
  server->port_ = bound;
  Impl* impl = server->impl_.get();
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  return server;
}

}  // namespace migkit
