# Issue 14: the suites that exercise a worker against Go code run once more
# for every supported release but the base one (whose runs are the suites'
# own tests above), with GOTOOLCHAIN set so that gofn-compile, go build and
# go tool compile the programs with that release's exact toolchain and the
# gofn-loader command routes them to its worker:
#   programs/*-go1.NN   the corpus, loaded vs native (plain and GOGC=1),
#                       natively built by the same release; release goldens
#                       in tests/programs/golden/go1.NN override
#   hostsyms/examples-go1.NN   the std examples in that release's worker
#   escape/go-go1.NN    the Go escape attempts
#   integration/{invoke,profiles,idle_trim_spinners}-go1.NN   a real gofnd
#                       serving that release
# integration/releases runs every release side by side in one gofnd.
set(CORPUS ${PROJECT_SOURCE_DIR}/tests/programs)
foreach(rel ${GOFN_GO_RELEASES})
  if(rel STREQUAL GOFN_GO_BASE)
    continue()
  endif()
  set(env GOTOOLCHAIN=${GOFN_GO_TOOLCHAIN_${rel}})
  set(obj ${CMAKE_BINARY_DIR}/programs-${rel})
  set(native ${CMAKE_BINARY_DIR}/programs-native-${rel})

  add_test(NAME programs/native-build-${rel} COMMAND ${CORPUS}/build-native.sh ${native})
  add_test(NAME programs/objects-${rel} COMMAND ${CORPUS}/compile-objects.sh ${obj})
  add_test(NAME programs/native-golden-${rel} COMMAND ${CORPUS}/run-corpus.sh --native ${native})
  add_test(NAME programs/loaded-${rel}
           COMMAND ${CORPUS}/run-corpus.sh --loader ${CMAKE_BINARY_DIR}/bin/gofn-loader --objects ${obj})
  set_tests_properties(programs/native-build-${rel} PROPERTIES FIXTURES_SETUP corpus_native_${rel})
  set_tests_properties(programs/objects-${rel} PROPERTIES FIXTURES_SETUP corpus_objects_${rel})
  set_tests_properties(programs/native-golden-${rel} PROPERTIES FIXTURES_REQUIRED corpus_native_${rel})
  set_tests_properties(programs/loaded-${rel} PROPERTIES FIXTURES_REQUIRED corpus_objects_${rel})
  set_tests_properties(programs/native-build-${rel} programs/objects-${rel}
                       programs/native-golden-${rel} programs/loaded-${rel}
                       PROPERTIES TIMEOUT 600 ENVIRONMENT ${env})

  add_test(NAME hostsyms/examples-${rel}
           COMMAND ${GO} -C ${PROJECT_SOURCE_DIR}/tests/hostsyms/check run . -examples
                   -root ${PROJECT_SOURCE_DIR} -loader ${CMAKE_BINARY_DIR}/bin/gofn-loader-${rel}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(hostsyms/examples-${rel} PROPERTIES TIMEOUT 600 ENVIRONMENT ${env})

  add_test(NAME escape/go-${rel}
           COMMAND ${PROJECT_SOURCE_DIR}/tests/escape/run_go.sh ${CMAKE_BINARY_DIR}/bin/gofn-loader
                   ${CMAKE_BINARY_DIR}/tests/gofn-loader-escape
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(escape/go-${rel} PROPERTIES TIMEOUT 600 ENVIRONMENT ${env})

  foreach(t invoke profiles idle_trim_spinners)
    add_test(NAME integration/${t}-${rel}
             COMMAND bash ${PROJECT_SOURCE_DIR}/tests/integration/test_${t}.sh ${CMAKE_BINARY_DIR}
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(integration/${t}-${rel} PROPERTIES TIMEOUT 300 ENVIRONMENT ${env})
  endforeach()
endforeach()
