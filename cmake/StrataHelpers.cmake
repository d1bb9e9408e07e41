# strata_library(NAME n SRCS ... DEPS ...)
#   Defines target strata_<n> with alias strata::<n>. Include paths are rooted at src/.
#   A module may include only what it links: that is how the layering in
#   docs/architecture.md is enforced.
function(strata_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(strata_${A_NAME} STATIC ${A_SRCS})
  add_library(strata::${A_NAME} ALIAS strata_${A_NAME})
  target_include_directories(strata_${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(strata_${A_NAME} PUBLIC ${A_DEPS})
endfunction()

# strata_test(NAME n SRCS ... DEPS ... [LABELS ...])
#   A GoogleTest binary registered with CTest. Tests without a label are hermetic unit tests.
function(strata_test)
  if(NOT STRATA_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  # Test code is compiled without optimization (the code under test keeps the build's):
  # it halves the compile time of a test file, and tests wait on I/O, not on their own CPU.
  target_compile_options(${A_NAME} PRIVATE -O0)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${A_NAME} COMMAND ${A_NAME})
  set(labels unit)
  if(A_LABELS)
    set(labels ${A_LABELS})
  else()
    add_dependencies(unit-tests ${A_NAME})
  endif()
  set_tests_properties(${A_NAME} PROPERTIES LABELS "${labels}" TIMEOUT 600)
endfunction()
