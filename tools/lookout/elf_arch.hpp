#pragma once
// Which processor a program file was built for, read from its ELF header: a bundle must
// carry a gateway its board can run.

#include <filesystem>
#include <string>

namespace lookout::cli {

/// The architecture in the names boards use ("x86_64", "aarch64", "armhf", "armel",
/// "i386"), "ELF machine N" for another processor, or "" when the file is not an ELF
/// program (or cannot be read).
std::string elf_arch(const std::filesystem::path& program);

}  // namespace lookout::cli
