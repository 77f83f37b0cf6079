# Dependencies, all from Debian packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)

function(oups_pkg target module)
  pkg_check_modules(${target}_PC REQUIRED IMPORTED_TARGET ${module})
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  target_link_libraries(${target} INTERFACE PkgConfig::${target}_PC)
endfunction()

oups_pkg(oups_zstd libzstd)
oups_pkg(oups_lz4 liblz4)
oups_pkg(oups_brotli "libbrotlienc;libbrotlidec")
oups_pkg(oups_thrift_lib thrift)

# snappy ships no pkg-config file on Debian 12.
find_path(SNAPPY_INCLUDE_DIR snappy.h REQUIRED)
find_library(SNAPPY_LIBRARY snappy REQUIRED)
add_library(oups_snappy INTERFACE IMPORTED GLOBAL)
target_include_directories(oups_snappy INTERFACE ${SNAPPY_INCLUDE_DIR})
target_link_libraries(oups_snappy INTERFACE ${SNAPPY_LIBRARY})
