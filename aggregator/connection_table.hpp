#pragma once
// The HTTP server's open connections, capped overall and per client address, so that a
// flood of idle or slow connections (a thousand sockets held open, slowloris) can neither
// use up the process's files nor lock people out. At the overall cap a new connection
// takes the place of the one that has waited longest for a request (an idle keep-alive or
// one still dribbling its header); one busy with a request or an event stream is never
// closed for another. A client address at its own cap is refused.
// Plain C++, no I/O; the server calls it from its one io thread.

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>

namespace lookout::aggregator {

class ConnectionTable {
 public:
  struct Limits {
    std::size_t total = 1000;      ///< connections at once
    std::size_t per_client = 64;   ///< connections of one client address at once
  };
  /// A connection the table may close to make room.
  class Member {
   public:
    virtual ~Member() = default;
    virtual void drop() = 0;
  };
  using Id = std::uint64_t;
  enum class Verdict { admitted, admitted_in_place_of_idle, client_at_cap, full };

  explicit ConnectionTable(Limits limits) : limits_(limits) {}

  /// A new connection from `client`; on admission its id is set and it counts as waiting
  /// for a request. `full`: at the overall cap and every connection busy.
  Verdict admit(const std::string& client, std::weak_ptr<Member> member, Id& id);
  /// It has a whole request and works on it (or streams events): not to be closed for room.
  void busy(Id id);
  /// It waits for the next request again.
  void waiting(Id id);
  /// It closed.
  void leave(Id id);

  std::size_t size() const { return entries_.size(); }
  std::size_t of_client(const std::string& client) const;
  const Limits& limits() const { return limits_; }

 private:
  struct Entry {
    std::string client;
    std::weak_ptr<Member> member;
    bool waiting = true;
    std::list<Id>::iterator in_queue;  ///< in waiting_ while waiting
  };
  Limits limits_;
  Id next_ = 1;
  std::map<Id, Entry> entries_;
  std::list<Id> waiting_;  ///< longest waiting first
  std::map<std::string, std::size_t> per_client_;
};

}  // namespace lookout::aggregator
