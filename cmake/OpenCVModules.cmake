# Debian ships OpenCV's CMake package only in libopencv-dev, which pulls in
# every module (VTK included). The node needs a few, installed as their own
# -dev packages, so this finds them directly and makes a target for each:
# OpenCV::core, OpenCV::imgproc, ...
function(villagecam_find_opencv)
  find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
  foreach(module IN LISTS ARGN)
    find_library(OpenCV_${module}_LIBRARY opencv_${module} REQUIRED)
    if(NOT TARGET OpenCV::${module})
      add_library(OpenCV::${module} SHARED IMPORTED GLOBAL)
      set_target_properties(OpenCV::${module} PROPERTIES
        IMPORTED_LOCATION "${OpenCV_${module}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIR}")
    endif()
  endforeach()
endfunction()
