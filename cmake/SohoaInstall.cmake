# What `cmake --install` (and the Debian package) installs. Paths follow
# GNUInstallDirs; units and config name the configured prefix.
# Destinations are relative to the prefix (so `cmake --install --prefix` moves
# them all), except where a distribution passes absolute ones (Debian:
# -DCMAKE_INSTALL_SYSCONFDIR=/etc). systemd's folders are under lib/ of the prefix.
set(SOHOA_CONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/sohoa) # named in the units
set(SOHOA_SYSTEMD_UNITDIR lib/systemd/system CACHE STRING "systemd system units")
set(SOHOA_SYSUSERSDIR lib/sysusers.d CACHE STRING "sysusers.d files")
set(SOHOA_TMPFILESDIR lib/tmpfiles.d CACHE STRING "tmpfiles.d files")
set(SOHOA_BASHCOMPDIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions CACHE STRING "bash completions")

# data, found by name (cmake/SohoaData.cmake)
install(FILES ${SOHOA_DATA_FILES} DESTINATION ${CMAKE_INSTALL_DATADIR}/sohoa)

# systemd units, user, state folder, default settings
foreach(unit sohoa-serve sohoa-watch sohoa-checkpoint sohoa-replicate@)
  configure_file(${CMAKE_SOURCE_DIR}/dist/${unit}.service.in ${CMAKE_BINARY_DIR}/dist/${unit}.service @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/dist/${unit}.service DESTINATION ${SOHOA_SYSTEMD_UNITDIR})
endforeach()
install(FILES dist/sohoa-checkpoint.timer DESTINATION ${SOHOA_SYSTEMD_UNITDIR})
install(FILES dist/sohoa.sysusers DESTINATION ${SOHOA_SYSUSERSDIR} RENAME sohoa.conf)
install(FILES dist/sohoa.tmpfiles DESTINATION ${SOHOA_TMPFILESDIR} RENAME sohoa.conf)
install(FILES dist/sohoa.conf DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/sohoa)
# the PAM service of `sohoa serve --auth pam`
install(FILES dist/pam.d/sohoa DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/pam.d)

# shell completion
install(FILES completion/sohoa.bash DESTINATION ${SOHOA_BASHCOMPDIR} RENAME sohoa)

# documentation
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB _docs ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# man page from its scdoc source (scdoc is a build dependency when found;
# without it the page is not built and a message says so)
find_program(SCDOC scdoc)
if(SCDOC)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/sohoa.1
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${SCDOC} < ${CMAKE_SOURCE_DIR}/man/sohoa.1.scd > ${CMAKE_BINARY_DIR}/man/sohoa.1
    DEPENDS ${CMAKE_SOURCE_DIR}/man/sohoa.1.scd VERBATIM)
  # the Vietnamese page (man/vi/sohoa.1.scd: `man sohoa` under LANG=vi_VN.UTF-8)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/vi/sohoa.1
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man/vi
    COMMAND ${SCDOC} < ${CMAKE_SOURCE_DIR}/man/vi/sohoa.1.scd > ${CMAKE_BINARY_DIR}/man/vi/sohoa.1
    DEPENDS ${CMAKE_SOURCE_DIR}/man/vi/sohoa.1.scd VERBATIM)
  add_custom_target(sohoa-man ALL DEPENDS ${CMAKE_BINARY_DIR}/man/sohoa.1
                                          ${CMAKE_BINARY_DIR}/man/vi/sohoa.1)
  install(FILES ${CMAKE_BINARY_DIR}/man/sohoa.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${CMAKE_BINARY_DIR}/man/vi/sohoa.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/vi/man1)
else()
  message(STATUS "scdoc not found: the man page is not built (apt-get install scdoc)")
endif()

# the library: static archives, the public headers, sohoa.pc
install(TARGETS sh_store sh_sign sh_ocr sh_scan sh_common
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
file(GLOB _headers ${CMAKE_SOURCE_DIR}/*/sh_*.h)
list(FILTER _headers EXCLUDE REGEX "/(tools|tests|bench)/")
install(FILES ${_headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sohoa COMPONENT dev)
configure_file(${CMAKE_SOURCE_DIR}/dist/sohoa.pc.in ${CMAKE_BINARY_DIR}/dist/sohoa.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/dist/sohoa.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
