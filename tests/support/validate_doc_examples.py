#!/usr/bin/env python3
"""Validates every JSON example in a Markdown file against villagecam's schemas.

Usage: validate_doc_examples.py MARKDOWN SCHEMA_DIR
Each ```json block that names a schema ("schema": "villagecam.<kind>/...")
is validated against docs/schema/<kind>.json. Prints one line per failure and
a summary; exits 1 if any example is invalid, 2 if there is none.
"""
import json
import pathlib
import re
import sys

import jsonschema


def main():
    text = pathlib.Path(sys.argv[1]).read_text()
    schema_dir = pathlib.Path(sys.argv[2])
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    checked = failed = 0
    for number, block in enumerate(blocks, 1):
        try:
            example = json.loads(block)
        except json.JSONDecodeError as e:
            print(f"INVALID example {number}: not JSON: {e}")
            failed += 1
            continue
        if not isinstance(example, dict) or "schema" not in example:
            continue
        kind = example["schema"].split("/")[0].removeprefix("villagecam.")
        schema = json.loads((schema_dir / f"{kind}.json").read_text())
        cls = jsonschema.validators.validator_for(schema)
        errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(example), key=lambda e: e.path)
        for e in errors:
            print(f"INVALID example {number} ({kind}): {'/'.join(map(str, e.path))}: {e.message}")
        failed += 1 if errors else 0
        checked += 1
    print(f"validated {checked} examples, {failed} invalid")
    return 1 if failed else (2 if checked == 0 else 0)


if __name__ == "__main__":
    sys.exit(main())
