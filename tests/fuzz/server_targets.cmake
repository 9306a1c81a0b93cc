# libFuzzer targets for gofnd's side of its two hostile inputs (issue 9):
# fuzz_frame (what a worker sends on fd 3: server/worker.c over api/) and
# fuzz_http (requests: all of server/ but main.c, in-process on
# 127.0.0.1). The code under test is compiled by clang with the fuzzer's
# instrumentation; the sandbox and common libraries come from the gcc build.
# Included from tests/CMakeLists.txt.
find_program(GOFN_CLANG clang)
find_program(GOFN_PYTHON3 python3)
if(NOT GOFN_CLANG OR NOT GOFN_PYTHON3)
  message(STATUS "fuzz: clang or python3 not found: skipping fuzz_frame and fuzz_http")
  return()
endif()
pkg_check_modules(GOFN_FUZZ_CRYPTO REQUIRED libcrypto)
set(GOFN_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(GOFN_FUZZ_FLAGS -std=c17 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I${PROJECT_SOURCE_DIR})
foreach(d ${LIBPQ_INCLUDE_DIRS} ${GOFN_MHD_INCLUDE_DIR} ${JANSSON_INCLUDE_DIRS} ${SQLITE_INCLUDE_DIRS})
  list(APPEND GOFN_FUZZ_FLAGS -I${d})
endforeach()
set(GOFN_FUZZ_LIBS $<TARGET_FILE:gofnsandbox> $<TARGET_FILE:gofncommon> ${SECCOMP_LINK_LIBRARIES}
    ${LIBELF_LINK_LIBRARIES} ${SQLITE_LINK_LIBRARIES} ${JANSSON_LINK_LIBRARIES}
    ${GOFN_MHD_LIBRARY} ${LIBPQ_LINK_LIBRARIES} ${GOFN_FUZZ_CRYPTO_LINK_LIBRARIES} -lpthread)
file(GLOB GOFN_FUZZ_API_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/api/*.c)
file(GLOB GOFN_FUZZ_SERVER_HDR CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/server/*.h
     ${PROJECT_SOURCE_DIR}/api/*.h)
file(GLOB GOFN_FUZZ_SERVER_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/server/*.c)
list(REMOVE_ITEM GOFN_FUZZ_SERVER_SRC ${PROJECT_SOURCE_DIR}/server/main.c)

# fuzz_frame needs only the worker side of the server; the rest (store,
# spawn, config) links from gcc-built copies it does not fuzz.
set(GOFN_FUZZ_FRAME_SRC ${GOFN_FUZZ_DIR}/fuzz_frame.c ${PROJECT_SOURCE_DIR}/server/worker.c
    ${GOFN_FUZZ_API_SRC})
set(GOFN_FUZZ_HTTP_SRC ${GOFN_FUZZ_DIR}/fuzz_http.c ${GOFN_FUZZ_SERVER_SRC} ${GOFN_FUZZ_API_SRC})
foreach(t frame http)
  string(TOUPPER ${t} T)
  set(out ${CMAKE_BINARY_DIR}/fuzz/fuzz_${t})
  set(extra)
  if(t STREQUAL frame)
    set(extra $<TARGET_FILE:gofnserver>)
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/fuzz
    COMMAND ${GOFN_CLANG} ${GOFN_FUZZ_FLAGS} ${GOFN_FUZZ_${T}_SRC} ${extra} ${GOFN_FUZZ_LIBS}
            -o ${out}
    DEPENDS ${GOFN_FUZZ_${T}_SRC} ${GOFN_FUZZ_SERVER_HDR} gofnsandbox gofncommon gofnserver
    COMMENT "clang libFuzzer target fuzz_${t}"
    VERBATIM)
  add_custom_target(fuzz_${t} ALL DEPENDS ${out})
  add_test(NAME fuzz/${t} COMMAND ${GOFN_FUZZ_DIR}/run_target.sh ${CMAKE_BINARY_DIR} ${t})
  set_tests_properties(fuzz/${t} PROPERTIES TIMEOUT 120)
endforeach()
