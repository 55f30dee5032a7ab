#include "aggregator/connection_table.hpp"

namespace lookout::aggregator {

ConnectionTable::Verdict ConnectionTable::admit(const std::string& client, std::weak_ptr<Member> member, Id& id) {
  if (of_client(client) >= limits_.per_client) return Verdict::client_at_cap;
  Verdict verdict = Verdict::admitted;
  if (entries_.size() >= limits_.total) {
    if (waiting_.empty()) return Verdict::full;
    const Id oldest = waiting_.front();
    const auto victim = entries_.at(oldest).member.lock();
    leave(oldest);  // its own leave() later finds nothing
    if (victim) victim->drop();
    verdict = Verdict::admitted_in_place_of_idle;
  }
  id = next_++;
  waiting_.push_back(id);
  entries_.emplace(id, Entry{client, std::move(member), true, std::prev(waiting_.end())});
  ++per_client_[client];
  return verdict;
}

void ConnectionTable::busy(Id id) {
  const auto it = entries_.find(id);
  if (it == entries_.end() || !it->second.waiting) return;
  waiting_.erase(it->second.in_queue);
  it->second.waiting = false;
}

void ConnectionTable::waiting(Id id) {
  const auto it = entries_.find(id);
  if (it == entries_.end() || it->second.waiting) return;
  waiting_.push_back(id);
  it->second.in_queue = std::prev(waiting_.end());
  it->second.waiting = true;
}

void ConnectionTable::leave(Id id) {
  const auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (it->second.waiting) waiting_.erase(it->second.in_queue);
  const auto c = per_client_.find(it->second.client);
  if (c != per_client_.end() && --c->second == 0) per_client_.erase(c);
  entries_.erase(it);
}

std::size_t ConnectionTable::of_client(const std::string& client) const {
  const auto it = per_client_.find(client);
  return it == per_client_.end() ? 0 : it->second;
}

}  // namespace lookout::aggregator
