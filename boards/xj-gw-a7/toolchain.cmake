# Cross-build for xj-gw-a7 (armhf) with Debian's cross compilers and multiarch libraries:
#   apt-get install g++-arm-linux-gnueabihf
#   dpkg --add-architecture armhf && apt-get update
#   apt-get install libmodbus-dev:armhf libpaho-mqttpp-dev:armhf libsqlite3-dev:armhf ...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig")
