#include "tools/lookout/elf_arch.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>

namespace lookout::cli {

std::string elf_arch(const std::filesystem::path& program) {
  std::ifstream in(program, std::ios::binary);
  // Elf64_Ehdr is the larger header; a 32-bit file's fields are read from Elf32_Ehdr.
  unsigned char header[sizeof(Elf64_Ehdr)] = {};
  if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return "";
  if (std::memcmp(header, ELFMAG, SELFMAG) != 0) return "";
  if (header[EI_DATA] != ELFDATA2LSB) return "big-endian ELF";  // none of our boards

  Elf32_Half machine = 0;
  Elf32_Word flags = 0;
  if (header[EI_CLASS] == ELFCLASS64) {
    Elf64_Ehdr h;
    std::memcpy(&h, header, sizeof h);
    machine = h.e_machine;
    flags = h.e_flags;
  } else if (header[EI_CLASS] == ELFCLASS32) {
    Elf32_Ehdr h;
    std::memcpy(&h, header, sizeof h);
    machine = h.e_machine;
    flags = h.e_flags;
  } else {
    return "";
  }
  switch (machine) {
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_386: return "i386";
    case EM_ARM: return (flags & EF_ARM_ABI_FLOAT_HARD) ? "armhf" : "armel";
    default: return "ELF machine " + std::to_string(machine);
  }
}

}  // namespace lookout::cli
