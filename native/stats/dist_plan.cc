// numpy's quantile indexes (dist.h PlanQuantile), shared by the axis kernel and the glue's test hook.
#include <cmath>
#include <cstdint>

#include "stats/dist.h"

namespace ndmmap {

// methods.ts planQ, operation by operation (numpy's _function_base_impl.py); the indexes come out the
// same because the float operations are the same ones in the same order.
QuantilePlan PlanQuantile(int method, int64_t n, double q) {
  const double nn = (double)n;
  auto boundary = [](double index, bool (*cond)(double, double)) -> int64_t {
    double prev = std::floor(index);
    double g = index - prev;
    double r = cond(g, index) ? prev : prev + 1;
    return r < 0 ? 0 : (int64_t)r;
  };
  auto disc = [n](int64_t i) -> QuantilePlan { int64_t r = i < 0 ? n + i : i; return {r, r, 0}; };
  auto civ = [&](double alpha, double beta) { return nn * q + (alpha + q * (1 - alpha - beta)) - 1; };
  switch (method) {
    case 0: return disc(boundary(nn * q - 1, [](double g, double) { return g == 0; }));  // inverted_cdf
    case 2: return disc(boundary(nn * q - 1 - 0.5, [](double g, double i) { return g == 0 && std::fmod(std::floor(i), 2.0) != 0; }));
    case 9: return disc((int64_t)std::floor((nn - 1) * q));       // lower
    case 10: return disc((int64_t)std::ceil((nn - 1) * q));       // higher
    case 12: return disc((int64_t)std::nearbyint((nn - 1) * q));  // nearest: half to even, as np.around
    case kMethodMedian: return {(n - 1) / 2, n / 2, 0};
    default: break;
  }
  double v;
  switch (method) {
    case 1: v = nn * q - 1; break;                                 // averaged_inverted_cdf
    case 3: v = civ(0, 1); break;                                  // interpolated_inverted_cdf
    case 4: v = civ(0.5, 0.5); break;                              // hazen
    case 5: v = civ(0, 0); break;                                  // weibull
    case 6: v = (nn - 1) * q; break;                               // linear
    case 7: v = civ(1 / 3.0, 1 / 3.0); break;                      // median_unbiased
    case 8: v = civ(3 / 8.0, 3 / 8.0); break;                      // normal_unbiased
    default: v = 0.5 * (std::floor((nn - 1) * q) + std::ceil((nn - 1) * q)); break;  // midpoint
  }
  // _get_indexes: above the last index both neighbours are the last (-1), below 0 both are 0
  double prev = std::floor(v), next = prev + 1;
  if (v >= nn - 1) { prev = -1; next = -1; }
  if (v < 0) { prev = 0; next = 0; }
  double gamma = v - prev;  // numpy takes gamma from the adjusted previous index
  if (method == 1) gamma = gamma == 0 ? 0.5 : 1;
  if (method == 11) gamma = std::fmod(v, 1.0) == 0 ? 0 : 0.5;
  int64_t lo = (int64_t)prev, hi = (int64_t)next;
  return {lo < 0 ? n + lo : lo, hi < 0 ? n + hi : hi, gamma};
}

}  // namespace ndmmap
