# The node's layers: one static library per folder of node/, and the rule of
# what each may include, written down once, here, where it is also linked.
#
#   villagecam_layer(<name> SOURCES <files>
#                    LAYERS <lower layers it may use>
#                    HEADERS <outside header families it may include>
#                    PUBLIC <targets its headers expose> PRIVATE <targets only its .cpp use>)
#
# Lower layers are linked PUBLIC (a layer's headers use theirs), outside
# libraries as given. Every rule is appended to <build>/layers.txt, which the
# `layers` test (tests/layers/check_layers.py) holds every #include of node/
# against: a layer may include its own headers, those of the layers it names
# and of theirs (transitively), and only the header families it names. An
# outside library linked PRIVATE is also missing from the include path of the
# layers above, so their build fails too (GStreamer: only ingest sees it).
set(VILLAGECAM_LAYERS_FILE "${PROJECT_BINARY_DIR}/layers.txt")
file(WRITE "${VILLAGECAM_LAYERS_FILE}" "# layer: lower layers | header families (written by cmake/Layers.cmake)\n")

function(villagecam_layer name)
  cmake_parse_arguments(L "" "ROOT" "SOURCES;LAYERS;HEADERS;PUBLIC;PRIVATE" ${ARGN})
  if(NOT L_ROOT)
    set(L_ROOT node)  # the layer's folder is <root>/<name>: node/ or county/
  endif()
  set(target villagecam_${name})
  add_library(${target} STATIC ${L_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/${L_ROOT})
  foreach(layer IN LISTS L_LAYERS)
    target_link_libraries(${target} PUBLIC villagecam_${layer})
  endforeach()
  if(L_PUBLIC)
    target_link_libraries(${target} PUBLIC ${L_PUBLIC})
  endif()
  if(L_PRIVATE)
    target_link_libraries(${target} PRIVATE ${L_PRIVATE})
  endif()
  string(REPLACE ";" " " layers "${L_LAYERS}")
  string(REPLACE ";" " " headers "${L_HEADERS}")
  file(APPEND "${VILLAGECAM_LAYERS_FILE}" "${name}: ${layers} | ${headers}\n")
endfunction()

# A program over the layers (villagecam-node's main.cpp): its own rule line.
function(villagecam_layer_rule name)
  cmake_parse_arguments(L "" "" "LAYERS;HEADERS" ${ARGN})
  string(REPLACE ";" " " layers "${L_LAYERS}")
  string(REPLACE ";" " " headers "${L_HEADERS}")
  file(APPEND "${VILLAGECAM_LAYERS_FILE}" "${name}: ${layers} | ${headers}\n")
endfunction()
