// elf_arch: which processor a program was built for, so that a bundle never carries a
// gateway its board cannot run.
#include <doctest/doctest.h>

#include <elf.h>

#include <cstring>
#include <fstream>

#include "tests/support/process.hpp"
#include "tools/lookout/elf_arch.hpp"

using namespace lookout::test;
using lookout::cli::elf_arch;

namespace {

/// A file holding just an ELF header with these fields.
template <typename Header>
void write_header(const std::filesystem::path& file, unsigned char elf_class, Elf32_Half machine, Elf32_Word flags) {
  Header h{};
  std::memcpy(h.e_ident, ELFMAG, SELFMAG);
  h.e_ident[EI_CLASS] = elf_class;
  h.e_ident[EI_DATA] = ELFDATA2LSB;
  h.e_ident[EI_VERSION] = EV_CURRENT;
  h.e_machine = machine;
  h.e_flags = flags;
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  // Padding, so that a 32-bit header is as long as the 64-bit one read first.
  const std::string pad(sizeof(Elf64_Ehdr), '\0');
  out.write(pad.data(), static_cast<std::streamsize>(pad.size()));
}

}  // namespace

TEST_SUITE("lookout.elf_arch") {
  TEST_CASE("the gateway built here is an x86_64 program") {
    CHECK(elf_arch(bin("lookout-gateway")) == "x86_64");
  }

  TEST_CASE("aarch64 and 32-bit ARM hard-float and soft-float headers are told apart") {
    TempDir dir;
    write_header<Elf64_Ehdr>(dir / "a64", ELFCLASS64, EM_AARCH64, 0);
    write_header<Elf32_Ehdr>(dir / "hf", ELFCLASS32, EM_ARM, EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD);
    write_header<Elf32_Ehdr>(dir / "el", ELFCLASS32, EM_ARM, EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_SOFT);
    write_header<Elf64_Ehdr>(dir / "rv", ELFCLASS64, EM_RISCV, 0);
    CHECK(elf_arch(dir / "a64") == "aarch64");
    CHECK(elf_arch(dir / "hf") == "armhf");
    CHECK(elf_arch(dir / "el") == "armel");
    CHECK(elf_arch(dir / "rv") == "ELF machine 243");
  }

  TEST_CASE("a script an empty file and a missing file are not programs") {
    TempDir dir;
    write_file(dir / "script", "#!/bin/sh\necho hello\n");
    write_file(dir / "empty", "");
    CHECK(elf_arch(dir / "script").empty());
    CHECK(elf_arch(dir / "empty").empty());
    CHECK(elf_arch(dir / "missing").empty());
  }
}
