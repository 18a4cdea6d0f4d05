// HttpApi: migkitd's REST/JSON API over a SliceService (cpp-httplib).
//
// Every request but GET /v1/health carries "Authorization: Bearer <token>": the admin token from
// the config, or a tenant token the admin issued (stored hashed, token.h). A tenant sees, renews
// and releases only its own leases (another tenant's lease is 404, as if it did not exist), and
// reads only its own tenant record and usage. Bodies are JSON objects; malformed JSON, unknown
// fields and wrong types are 400 with the reason. Every error is a JSON body {"code", "message"}.
// Requests are limited in size (413) and rate, per token or, without one, per address (429).
// docs/service.md and docs/openapi.yaml describe the endpoints. GET / serves the web view (web/),
// whose script calls the API with the token from the page's URL fragment.
//
// Thread-safety: handlers run on the server's worker threads; the service serialises its calls
// and the API's own store connection is guarded by a mutex.
#ifndef MIGKIT_SERVICE_HTTP_API_H_
#define MIGKIT_SERVICE_HTTP_API_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "service/metrics.h"
#include "service/slice_service.h"
#include "service/usage_report.h"
#include "store/store.h"

namespace httplib {
class Server;
}

namespace migkit {

struct ApiOptions {
  std::string admin_token;  // REQUIRES: not empty
  std::size_t max_body_bytes = 64 * 1024;
  double rate_per_second = 100;
  double rate_burst = 200;
  Prices prices;
  /// Directory of the web view (index.html, app.js, style.css); empty: no web view.
  std::string web_dir;
};

class HttpApi {
 public:
  /// `service`, `store` (a connection of the API's own, not the service's) and `env` must outlive
  /// the API and the server it is registered on.
  HttpApi(SliceService* service, Store* store, Env* env, ApiOptions options);

  /// Adds the routes, the size limit, the rate limit and the JSON error bodies to `server`.
  void Register(httplib::Server* server);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  /// False when the client named by `key` has used up its rate.
  bool Admit(const std::string& key);

  SliceService* service_;
  Store* store_;
  Env* env_;
  ApiOptions options_;
  std::mutex store_mu_;
  std::mutex rate_mu_;
  std::map<std::string, Bucket> buckets_;
  RequestStats stats_;
};

}  // namespace migkit

#endif  // MIGKIT_SERVICE_HTTP_API_H_
