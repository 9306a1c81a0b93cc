# The Go releases gofn serves: one toolchain per release, each building its
# own worker (gofn-loader-go1.NN) against a loader library compiled for that
# release (-DGOFN_GO_MINOR=NN). "local" is the go on PATH (the base, any
# 1.26.x); the others are exact versions the go command fetches through the
# module proxy (scripts/install-deps.sh runs `GOTOOLCHAIN=X go version`).
# Adding a release: append its toolchain to scripts/go-toolchains.txt and
# add loader/goNNN_* (docs/loader.md, porting checklist).
file(STRINGS ${PROJECT_SOURCE_DIR}/scripts/go-toolchains.txt GOFN_GO_TOOLCHAINS REGEX "^[^#]")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scripts/go-toolchains.txt)

set(GOFN_GO_RELEASES)
foreach(tc ${GOFN_GO_TOOLCHAINS})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env GOTOOLCHAIN=${tc} ${GO} env GOVERSION
    OUTPUT_VARIABLE ver
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT ver MATCHES "^go1\\.([0-9]+)")
    message(FATAL_ERROR "Go toolchain ${tc}: `GOTOOLCHAIN=${tc} go env GOVERSION` failed (${ver}); run scripts/install-deps.sh")
  endif()
  set(minor ${CMAKE_MATCH_1})
  set(rel go1.${minor})
  list(APPEND GOFN_GO_RELEASES ${rel})
  set(GOFN_GO_TOOLCHAIN_${rel} ${tc})
  set(GOFN_GO_VERSION_${rel} ${ver})
  set(GOFN_GO_MINOR_${rel} ${minor})
  message(STATUS "gofn: Go release ${rel}: toolchain ${ver}")
endforeach()
list(GET GOFN_GO_RELEASES 0 GOFN_GO_BASE)

# The release table compiled into gofnd and the gofn-loader dispatcher.
set(GOFN_RELEASES_INC "")
foreach(rel ${GOFN_GO_RELEASES})
  string(APPEND GOFN_RELEASES_INC "\t{\"${rel}\", \"${GOFN_GO_VERSION_${rel}}\"},\n")
endforeach()
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/gen/gofn_releases.inc CONTENT "${GOFN_RELEASES_INC}")
