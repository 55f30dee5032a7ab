#pragma once
// How many files the aggregator may hold open: each HTTP connection is one. A service
// gets 1024 by default (systemd's soft limit) and a far higher hard limit it may raise
// itself to; the HTTP connection cap is kept below what is left after the database, the
// broker sessions and the notifications.

#include <cstddef>
#include <cstdint>

namespace lookout::aggregator {

/// Raises this process's soft limit on open files (RLIMIT_NOFILE) to its hard limit when
/// it is lower; returns the soft limit after (what the process may open).
std::uint64_t raise_open_files_limit();

/// Files kept for everything but HTTP connections: the database and its journal, the
/// broker and webhook sockets, command hooks, the log.
constexpr std::uint64_t FILES_RESERVED = 128;

/// The most HTTP connections at once: `wanted`, or fewer to leave FILES_RESERVED of
/// `open_files` free; at least 8.
std::size_t http_connection_cap(std::size_t wanted, std::uint64_t open_files);

}  // namespace lookout::aggregator
