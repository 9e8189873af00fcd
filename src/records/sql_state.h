// records/sql_state.h — what an SQL dump has declared so far (table columns, an
// open COPY block), carried from one chunk of the dump to the next by the caller.
//
// Thread-safety: owned by the one worker reading the dump.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace breachscope::records {

struct SqlState {
  std::map<std::string, std::vector<std::string>> table_columns;  // from CREATE TABLE
  std::string creating;               // table whose CREATE TABLE body is being read
  std::vector<std::string> copy_columns;  // inside COPY ... FROM stdin
  bool in_copy = false;
  std::vector<std::string> insert_columns;  // an INSERT whose tuples continue on the next lines
  bool in_insert = false;
};

}  // namespace breachscope::records
