#include "aggregator/open_files.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace lookout::aggregator {

std::uint64_t raise_open_files_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  if (r.rlim_cur != RLIM_INFINITY && (r.rlim_max == RLIM_INFINITY || r.rlim_cur < r.rlim_max)) {
    rlimit raised = r;
    raised.rlim_cur = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  return r.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(r.rlim_cur);
}

std::size_t http_connection_cap(std::size_t wanted, std::uint64_t open_files) {
  const std::uint64_t room = open_files > FILES_RESERVED + 8 ? open_files - FILES_RESERVED : 8;
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, room));
}

}  // namespace lookout::aggregator
