#!/usr/bin/env python3
"""Validates MQTT payloads against villagecam's JSON Schemas (docs/schema/).

Usage: validate_payloads.py SCHEMA_DIR MESSAGES.jsonl
Each input line is {"topic": "...", "payload": "..."}; the schema is chosen by
the topic's last level. Prints one line per failure and a summary; exits 1 if
any payload is invalid, 2 if the input is unusable.
"""
import json
import pathlib
import sys

import jsonschema

SCHEMA_BY_SUFFIX = {
    "alerts": "alert.json",
    "status": "node-status.json",
    "coverage": "coverage.json",
    "commands": "command.json",
    "replies": "command-reply.json",
}


def schema_for(topic):
    parts = topic.split("/")
    if parts[-1] == "state":
        return None  # a plain string: online / offline
    if len(parts) >= 3 and parts[-3] == "cameras" and parts[-1] == "status":
        return "camera-status.json"
    if len(parts) >= 3 and parts[-3] == "cameras" and parts[-1] == "snapshot":
        return "snapshot.json"
    if len(parts) >= 2 and parts[-2] == "snapshots":
        return "snapshot.json"  # <prefix>/snapshots/<id>, before the alert that names it
    return SCHEMA_BY_SUFFIX.get(parts[-1])


def main():
    schema_dir = pathlib.Path(sys.argv[1])
    validators = {}
    for name in ("alert.json", "node-status.json", "camera-status.json", "coverage.json", "snapshot.json",
                 "command.json", "command-reply.json"):
        schema = json.loads((schema_dir / name).read_text())
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators[name] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    checked = failed = 0
    for line in pathlib.Path(sys.argv[2]).read_text().splitlines():
        msg = json.loads(line)
        topic, payload = msg["topic"], msg["payload"]
        if payload == "":
            continue  # a cleared retained topic
        name = schema_for(topic)
        if name is None:
            if topic.endswith("/state") and payload not in ("online", "offline"):
                print(f"INVALID {topic}: state must be online or offline, got {payload!r}")
                failed += 1
            checked += 1
            continue
        checked += 1
        errors = sorted(validators[name].iter_errors(json.loads(payload)), key=lambda e: e.path)
        for e in errors:
            print(f"INVALID {topic} ({name}): {'/'.join(map(str, e.path))}: {e.message}")
        failed += 1 if errors else 0
    print(f"validated {checked} payloads, {failed} invalid")
    return 1 if failed else (2 if checked == 0 else 0)


if __name__ == "__main__":
    sys.exit(main())
