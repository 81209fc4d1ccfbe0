#!/usr/bin/env python3
"""No sentence is built outside the message catalogue (node/i18n/messages.def),
and every message of the catalogue is said somewhere.

Every file listed in SPEAKING says what it says through the catalogue; a
string literal in it that holds two English words in a row is a sentence
built in a second place, in one language only, and fails this test. A line
that must keep such a literal (a log for developers, a JSON key) says why
with a comment holding `not for operators`.

Usage: check_sentences.py <source root>      check_sentences.py --self-test
"""
import pathlib
import re
import sys

# The sources whose every operator-facing sentence comes from the catalogue.
SPEAKING = [
    "node/yaml/yaml_reader.cpp",
    "node/commands/check_config.cpp",
    "node/commands/exit_codes.cpp",
    "node/commands/uptime.cpp",
    "node/app/node_summary.cpp",
    "node/config/admin_code.cpp",
    "node/config/config_loader.cpp",
    "node/config/gb_device_code.cpp",
    "node/config/read_areas.cpp",
    "node/config/read_cameras.cpp",
    "node/config/read_detection.cpp",
    "node/config/read_ingest.cpp",
    "node/config/read_local.cpp",
    "node/config/read_mqtt.cpp",
    "node/config/read_node.cpp",
    "node/config/rtsp_url.cpp",
    "node/config/sections.cpp",
    "node/commands/probe.cpp",
    "node/commands/mqtt_check.cpp",
    "node/mqtt/round_trip.cpp",
    "node/mqtt/client_factory.cpp",
    "node/net/tcp_check.cpp",
    "node/commands/baseline.cpp",
    "node/analysis/baseline_vetting.cpp",
    "node/ingest/error_classifier.cpp",
    "node/ingest/camera_supervisor.cpp",
    "node/ingest/stream_failure.cpp",
    "node/events/alert.cpp",
]

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# Words matched in a library's message, not said: contains(text, "...") or text.find("...").
MATCHED = re.compile(r"(contains\([^()]*|\.find\()$")
# A protocol's status line (401 Unauthorized), kept as the protocol says it.
STATUS_LINE = re.compile(r"^\d{3} [A-Z][A-Za-z ]+$")
TWO_WORDS = re.compile(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}")


def sentences(text):
    """(line number, literal) of each string literal that reads as English words."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("//", 1)[0] if not line.lstrip().startswith('"') else line
        if line.lstrip().startswith("#include") or "not for operators" in line:
            continue
        for match in LITERAL.finditer(code):
            literal = match.group(1)
            if MATCHED.search(code[: match.start()]) or STATUS_LINE.match(literal):
                continue
            if TWO_WORDS.search(literal):
                found.append((number, literal))
    return found


def self_test():
    assert sentences('x = "camera is offline";') == [(1, "camera is offline")]
    assert sentences('x = tr(Msg::CameraOffline, "gate");') == []
    assert sentences('#include "i18n/messages.hpp"') == []
    assert sentences('log("raw GStreamer words"); // not for operators: a developer\'s trace') == []
    assert sentences('fmt::format("{:.0f}%", r)') == []
    assert sentences('if (contains(all, "connection refused") || contains(all, "no route")) {') == []
    assert sentences('if (e.find("verify failed") != npos)') == []
    assert sentences('tr(Msg::CamRefusedCredentials, "401 Unauthorized")') == []
    assert sentences('x = "401 is unauthorized";') == [(1, "401 is unauthorized")]
    print("self-test passed")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return 0
    root = pathlib.Path(sys.argv[1])
    failures = 0
    # Every message of the catalogue is said somewhere: none is left to rot.
    sources = "".join(p.read_text(encoding="utf-8") for d in ("node", "county")
                      for p in (root / d).rglob("*.[ch]pp"))
    for def_file in sorted((root / "node/i18n").glob("*.def")):
        for name in re.findall(r"^MESSAGE\((\w+),", def_file.read_text(encoding="utf-8"), re.M):
            if f"Msg::{name}" not in sources:
                print(f"{def_file.relative_to(root)}: {name} is said nowhere")
                failures += 1
    for name in SPEAKING:
        for number, literal in sentences((root / name).read_text(encoding="utf-8")):
            print(f'{name}:{number}: "{literal}" is a sentence outside the message catalogue (node/i18n/messages.def)')
            failures += 1
    if failures:
        return 1
    print(f"{len(SPEAKING)} files speak through the catalogue only")
    return 0


if __name__ == "__main__":
    sys.exit(main())
