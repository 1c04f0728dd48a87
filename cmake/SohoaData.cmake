# The shipped data files, by name (common/data.c finds them by name): copied
# into <build>/share/sohoa at configure time (so the build tree has the
# installed layout) and installed into ${datadir}/sohoa. A file may live in
# any module folder listed here; each name must be found exactly once.
set(SOHOA_DATA_NAMES kinds.json names.json places.json words.json procedures.json)
set(SOHOA_DATA_FOLDERS paper ocr store warehouse)
set(SOHOA_DATA_FILES "")
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/share/sohoa)
foreach(name ${SOHOA_DATA_NAMES})
  set(found "")
  foreach(dir ${SOHOA_DATA_FOLDERS})
    if(EXISTS ${CMAKE_SOURCE_DIR}/${dir}/${name})
      list(APPEND found ${CMAKE_SOURCE_DIR}/${dir}/${name})
    endif()
  endforeach()
  list(LENGTH found n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "data file ${name}: found ${n} times in ${SOHOA_DATA_FOLDERS}: ${found}")
  endif()
  # configure_file re-runs CMake when the source changes
  configure_file(${found} ${CMAKE_BINARY_DIR}/share/sohoa/${name} COPYONLY)
  list(APPEND SOHOA_DATA_FILES ${found})
endforeach()
