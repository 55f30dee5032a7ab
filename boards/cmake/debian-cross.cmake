# Shared by the boards' toolchain files: cross-builds the gateway with Debian's cross
# compilers (g++-aarch64-linux-gnu, g++-arm-linux-gnueabihf) against Debian's libraries
# for the target architecture. The caller sets LOOKOUT_TRIPLET and CMAKE_SYSTEM_PROCESSOR.
#
# Libraries come from one of two places:
#  - LOOKOUT_SYSROOT (what tools/cross-build uses): a directory where Debian's -dev
#    packages of the target architecture were unpacked (apt-get download + dpkg-deb -x);
#    the host's own packages are not touched, so target and host may be at different
#    versions of the same package (Multi-Arch: same would forbid that);
#  - otherwise, Debian's multiarch packages installed on the host (apt-get install
#    libmodbus-dev:arm64 ...), under /usr/lib/<triplet>.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${LOOKOUT_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${LOOKOUT_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${LOOKOUT_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# Try-compiles see the same variables as the project.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LOOKOUT_SYSROOT LOOKOUT_TRIPLET)

if(NOT LOOKOUT_SYSROOT AND DEFINED ENV{LOOKOUT_SYSROOT})
  set(LOOKOUT_SYSROOT "$ENV{LOOKOUT_SYSROOT}")
endif()

if(LOOKOUT_SYSROOT)
  # Search the unpacked packages only, never the host's /usr for libraries and headers.
  set(CMAKE_FIND_ROOT_PATH "${LOOKOUT_SYSROOT}")
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${LOOKOUT_SYSROOT}")
  set(ENV{PKG_CONFIG_LIBDIR}
      "${LOOKOUT_SYSROOT}/usr/lib/${LOOKOUT_TRIPLET}/pkgconfig:${LOOKOUT_SYSROOT}/usr/share/pkgconfig")
  # The libraries' own dependencies (libpaho-mqtt3as needs libssl3) are found here at link time.
  set(_lookout_libdirs "${LOOKOUT_SYSROOT}/usr/lib/${LOOKOUT_TRIPLET}:${LOOKOUT_SYSROOT}/lib/${LOOKOUT_TRIPLET}")
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_lookout_libdirs}")
  set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_lookout_libdirs}")
else()
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${LOOKOUT_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
endif()
