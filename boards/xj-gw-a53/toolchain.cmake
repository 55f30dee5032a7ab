# Cross-build for xj-gw-a53 (aarch64): tools/cross-build xj-gw-a53 (docs/cross-build.md).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LOOKOUT_TRIPLET aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/debian-cross.cmake)
