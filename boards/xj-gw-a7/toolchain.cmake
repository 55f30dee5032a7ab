# Cross-build for xj-gw-a7 (armhf): tools/cross-build xj-gw-a7 (docs/cross-build.md).
set(CMAKE_SYSTEM_PROCESSOR arm)
set(LOOKOUT_TRIPLET arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/debian-cross.cmake)
