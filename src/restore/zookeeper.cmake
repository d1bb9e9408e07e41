# The ZooKeeper restore job (strata restore zookeeper; docs/zookeeper.md).
strata_library(NAME restore_zk
  SRCS
    ${CMAKE_CURRENT_LIST_DIR}/zk_kafka_profile.cc
    ${CMAKE_CURRENT_LIST_DIR}/zk_restore.cc
    ${CMAKE_CURRENT_LIST_DIR}/zk_restore_apply.cc
    ${CMAKE_CURRENT_LIST_DIR}/zk_verify.cc
  DEPS strata::core strata::backup strata::format_zk strata::format_zk_manifest strata::zk
       nlohmann_json::nlohmann_json fmt::fmt)
strata_test(NAME restore_zk_kafka_profile_test SRCS ${CMAKE_CURRENT_LIST_DIR}/zk_kafka_profile_test.cc
  DEPS strata::restore_zk)
