# Install and export rules: `cmake --install <build> --prefix <dir>` installs
#   include/oups/...                    the public headers
#   lib/liboups_<layer>.a               one static library per layer
#   lib/cmake/oups/oups{Config,ConfigVersion,Targets}.cmake
#   lib/pkgconfig/oups.pc
#   bin/oups                            the command-line tool, when it is built
# so that a consumer writes
#   find_package(oups 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE oups::oups)
# (examples/cpp). Included once from the root CMakeLists.txt, after oups_core
# and the tools are defined.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(OUPS_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/oups)

# oups_core (the interface library linking every layer) is exported as
# oups::oups, the same name as the in-tree alias; the layers as
# oups::oups_<layer>. Consumers compile the headers as C++20 too.
set_target_properties(oups_core PROPERTIES EXPORT_NAME oups)
install(TARGETS oups_core ${OUPS_LAYER_LIBRARIES} EXPORT oupsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/oups
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/generated/include/oups/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/oups)
install(EXPORT oupsTargets NAMESPACE oups:: DESTINATION ${OUPS_INSTALL_CMAKEDIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/oupsConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/oupsConfig.cmake
  INSTALL_DESTINATION ${OUPS_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/oupsConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/oupsConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/oupsConfigVersion.cmake
        DESTINATION ${OUPS_INSTALL_CMAKEDIR})

# pkg-config, for builds without CMake (the static library's private
# dependencies are listed as public ones: the library is static only). The
# prefix is relative to the .pc file, so the install prefix may be chosen at
# install time.
string(REGEX REPLACE "[^/]+" ".." OUPS_PC_PREFIX_REL "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
configure_file(${CMAKE_CURRENT_LIST_DIR}/oups.pc.in ${CMAKE_CURRENT_BINARY_DIR}/oups.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/oups.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The command-line tool, once its target exists (tools/oups.cc).
if(TARGET oups)
  install(TARGETS oups RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# Test: install this build tree into <build>/install, then configure, build and
# run examples/cpp against it with find_package(oups) (cmake/OupsCheckExample.cmake).
# Not under sanitizers: the installed library would need the consumer built
# with the same flags.
if(OUPS_BUILD_TESTS AND NOT OUPS_SANITIZE AND NOT OUPS_FUZZ)
  add_test(NAME cpp_example_find_package
           COMMAND ${CMAKE_COMMAND}
                   -DOUPS_BUILD_DIR=${PROJECT_BINARY_DIR}
                   -DOUPS_PREFIX=${PROJECT_BINARY_DIR}/install
                   -DOUPS_EXAMPLE_SOURCE=${PROJECT_SOURCE_DIR}/examples/cpp
                   -DOUPS_EXAMPLE_BUILD=${PROJECT_BINARY_DIR}/example-cpp
                   -DOUPS_BUILD_TYPE=$<CONFIG>
                   -P ${CMAKE_CURRENT_LIST_DIR}/OupsCheckExample.cmake)
  set_tests_properties(cpp_example_find_package PROPERTIES LABELS install TIMEOUT 300)
endif()
