# The Kafka restore and verify jobs (strata restore kafka, strata verify).
strata_library(NAME restore_kafka
  SRCS
    ${CMAKE_CURRENT_LIST_DIR}/attempt.cc
    ${CMAKE_CURRENT_LIST_DIR}/flag_values.cc
    ${CMAKE_CURRENT_LIST_DIR}/groups.cc
    ${CMAKE_CURRENT_LIST_DIR}/json_util.cc
    ${CMAKE_CURRENT_LIST_DIR}/kafka_restore.cc
    ${CMAKE_CURRENT_LIST_DIR}/kafka_target.cc
    ${CMAKE_CURRENT_LIST_DIR}/offset_map.cc
    ${CMAKE_CURRENT_LIST_DIR}/partition_cursor.cc
    ${CMAKE_CURRENT_LIST_DIR}/pipeline.cc
    ${CMAKE_CURRENT_LIST_DIR}/pipeline_worker.cc
    ${CMAKE_CURRENT_LIST_DIR}/plan.cc
    ${CMAKE_CURRENT_LIST_DIR}/prepare.cc
    ${CMAKE_CURRENT_LIST_DIR}/record_compare.cc
    ${CMAKE_CURRENT_LIST_DIR}/restore_log.cc
    ${CMAKE_CURRENT_LIST_DIR}/segment_check.cc
    ${CMAKE_CURRENT_LIST_DIR}/snapshot.cc
    ${CMAKE_CURRENT_LIST_DIR}/verify.cc
    ${CMAKE_CURRENT_LIST_DIR}/verify_kafka.cc
  DEPS strata::core strata::format strata::format_manifest strata::storage strata::kafka strata::backup
       nlohmann_json::nlohmann_json fmt::fmt)

if(STRATA_BUILD_TESTS)
  strata_library(NAME restore_kafka_testing SRCS ${CMAKE_CURRENT_LIST_DIR}/fake_target.cc
    DEPS strata::restore_kafka GTest::gtest)
endif()
strata_test(NAME restore_kafka_test
  SRCS
    ${CMAKE_CURRENT_LIST_DIR}/flag_values_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/offset_map_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/snapshot_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/kafka_restore_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/kafka_restore_resume_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/verify_test.cc
  DEPS strata::restore_kafka strata::restore_kafka_testing strata::storage_memory)
