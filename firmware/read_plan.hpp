#pragma once
// Which Modbus requests read all the fields of a profile: contiguous registers in one
// request, small gaps bridged, never more than the device accepts in one request.

#include <cstdint>
#include <vector>

#include "firmware/profile.hpp"

namespace lookout::firmware {

struct ReadRequest {
  RegisterKind kind;
  std::uint16_t start;
  std::uint16_t count;
};

/// `max_gap`: unused registers that may be read to join two fields into one request.
/// Requests never hold more than `profile.max_registers_per_request` registers (or coils).
std::vector<ReadRequest> plan_reads(const Profile& profile, int max_gap);

/// Decodes every field from the answers to `plan` (answers[i] answers plan[i]).
FieldValues decode_fields(const Profile& profile, const std::vector<ReadRequest>& plan,
                          const std::vector<std::vector<std::uint16_t>>& answers);

}  // namespace lookout::firmware
