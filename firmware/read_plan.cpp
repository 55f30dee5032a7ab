#include "firmware/read_plan.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>

namespace lookout::firmware {

std::vector<ReadRequest> plan_reads(const Profile& profile, int max_gap) {
  std::vector<const RegisterField*> fields;
  for (const auto& f : profile.fields) {
    if (f.kind == RegisterKind::coil && f.type != ValueType::u16) {
      throw std::invalid_argument("plan_reads: coil " + std::string(f.name) + " must be u16 (one word per coil)");
    }
    fields.push_back(&f);
  }
  std::sort(fields.begin(), fields.end(), [](const RegisterField* a, const RegisterField* b) {
    return a->kind != b->kind ? a->kind < b->kind : a->address < b->address;
  });

  std::vector<ReadRequest> plan;
  for (const RegisterField* f : fields) {
    const int end = f->address + register_count(f->type);  // one past the field
    if (!plan.empty()) {
      ReadRequest& last = plan.back();
      const int last_end = last.start + last.count;
      const bool joinable = last.kind == f->kind && f->address - last_end <= max_gap &&
                            end - last.start <= profile.max_registers_per_request;
      if (joinable) {
        last.count = static_cast<std::uint16_t>(std::max(last_end, end) - last.start);
        continue;
      }
    }
    plan.push_back({f->kind, f->address, static_cast<std::uint16_t>(register_count(f->type))});
  }
  return plan;
}

FieldValues decode_fields(const Profile& profile, const std::vector<ReadRequest>& plan,
                          const std::vector<std::vector<std::uint16_t>>& answers) {
  if (answers.size() != plan.size()) throw std::invalid_argument("decode_fields: one answer per request");
  FieldValues out;
  for (const auto& f : profile.fields) {
    const int n = register_count(f.type);
    bool found = false;
    for (std::size_t i = 0; i < plan.size() && !found; ++i) {
      const ReadRequest& r = plan[i];
      if (r.kind != f.kind || f.address < r.start || f.address + n > r.start + r.count) continue;
      if (answers[i].size() != r.count) throw std::invalid_argument("decode_fields: short answer");
      const std::span<const std::uint16_t> words(answers[i].data() + (f.address - r.start),
                                                 static_cast<std::size_t>(n));
      out.set(f.name, decode(words, f.type, f.order) * f.scale);
      found = true;
    }
    if (!found) throw std::invalid_argument("decode_fields: field " + std::string(f.name) + " not in the plan");
  }
  return out;
}

}  // namespace lookout::firmware
