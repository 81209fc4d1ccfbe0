# What `make install` puts where, and the Debian package CPack builds from it
# (`cpack -G DEB` in the build folder; checked by tests/package/check_deb.sh).
# The package installs the node, its unit, the pipelines, the example config
# as a conffile, creates the system user, and starts nothing: the unit waits
# for /etc/villagecam/villagecam.yaml (docs/install.md).

# Absolute paths on purpose: these belong where Debian puts them whatever the prefix.
install(FILES ${PROJECT_SOURCE_DIR}/config/villagecam.example.yaml DESTINATION /etc/villagecam)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/villagecam-node.service DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/sysusers-villagecam.conf DESTINATION /usr/lib/sysusers.d
        RENAME villagecam.conf)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/install.md ${PROJECT_SOURCE_DIR}/docs/mqtt.md
              ${PROJECT_SOURCE_DIR}/docs/coverage.md ${PROJECT_SOURCE_DIR}/docs/detection.md
              ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/schema ${PROJECT_SOURCE_DIR}/docs/county DESTINATION ${CMAKE_INSTALL_DOCDIR})

# A Debian changelog, gzipped without a timestamp (lintian wants both).
set(VILLAGECAM_CHANGELOG ${PROJECT_BINARY_DIR}/changelog)
file(WRITE ${VILLAGECAM_CHANGELOG}
"villagecam (${PROJECT_VERSION}) unstable; urgency=medium

  * Built from the villagecam source tree with CPack.

 -- villagecam maintainers <maintainers@villagecam.invalid>  Sun, 29 Nov 2026 00:00:00 +0000
")
add_custom_command(OUTPUT ${VILLAGECAM_CHANGELOG}.gz
                   COMMAND gzip -n -9 -c ${VILLAGECAM_CHANGELOG} > ${VILLAGECAM_CHANGELOG}.gz
                   DEPENDS ${VILLAGECAM_CHANGELOG})
add_custom_target(debian_changelog ALL DEPENDS ${VILLAGECAM_CHANGELOG}.gz)
install(FILES ${VILLAGECAM_CHANGELOG}.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME villagecam)
set(CPACK_PACKAGE_VENDOR "villagecam")
set(CPACK_PACKAGE_CONTACT "villagecam maintainers <maintainers@villagecam.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "edge node for village CCTV: camera health, coverage and alerts")
set(CPACK_PACKAGE_DESCRIPTION "villagecam-node pulls every camera of a village over RTSP, knows which cameras
deliver video and which public areas are really watched (views checked for
being covered, blurred, frozen, blank or turned away), detects intrusions in
scheduled zones, and publishes status, coverage and alerts over MQTT toward
the county without losing an alert when the uplink or the node goes down.")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Plugins GStreamer loads at run time are not seen by shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, gstreamer1.0-plugins-bad, gstreamer1.0-libav, passwd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
