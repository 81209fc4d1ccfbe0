#!/usr/bin/env python3
"""A strict checker of the Prometheus text exposition format (0.0.4).

Usage: check_metrics.py FILE
Checks what promtool's `check metrics` and Prometheus' parser insist on, and
the naming conventions: HELP and TYPE at most once per family and before its
samples; samples of a family together; valid metric and label names; label
values quoted and escaped; values that parse as floats; no duplicate series;
counters end in _total; the text ends with a newline. Prints every problem
with its line number and exits 1 if there is any.
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(\{{(?:{LABEL}={VALUE}(?:,{LABEL}={VALUE})*,?)?\}})? (\S+)( -?\d+)?$")
LABEL_PAIR = re.compile(rf"({LABEL})=({VALUE})")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def family_of(sample, types):
    for suffix in ("_bucket", "_sum", "_count"):
        if sample.endswith(suffix) and types.get(sample[: -len(suffix)]) in ("histogram", "summary"):
            return sample[: -len(suffix)]
    return sample


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    problems = []
    if not text.endswith("\n"):
        problems.append("the text does not end with a newline")
    types, helps, seen_samples, series, closed = {}, set(), set(), set(), set()
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            m = re.match(rf"^# (HELP|TYPE) ({NAME}) ?(.*)$", line)
            if not m:
                continue  # a plain comment
            kind, name, rest = m.groups()
            if name in seen_samples:
                problems.append(f"{n}: {kind} for {name} after its samples")
            if kind == "TYPE":
                if name in types:
                    problems.append(f"{n}: second TYPE for {name}")
                if rest not in TYPES:
                    problems.append(f"{n}: unknown type {rest!r}")
                types[name] = rest
                if rest == "counter" and not name.endswith("_total"):
                    problems.append(f"{n}: counter {name} does not end in _total")
            else:
                if name in helps:
                    problems.append(f"{n}: second HELP for {name}")
                helps.add(name)
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f"{n}: not a sample line: {line!r}")
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        family = family_of(name, types)
        if family != current:
            if family in closed:
                problems.append(f"{n}: samples of {family} are not together")
            if current is not None:
                closed.add(current)
            current = family
        seen_samples.add(family)
        if family not in types:
            problems.append(f"{n}: {name} has no TYPE")
        try:
            float(value)
        except ValueError:
            problems.append(f"{n}: value {value!r} is not a number")
        pairs = LABEL_PAIR.findall(labels)
        names = [p[0] for p in pairs]
        if len(set(names)) != len(names):
            problems.append(f"{n}: a label given twice")
        key = (name, tuple(sorted(pairs)))
        if key in series:
            problems.append(f"{n}: duplicate series {name}{labels}")
        series.add(key)
    for p in problems:
        print(p)
    print(f"{len(series)} series in {len(types)} families, {len(problems)} problem(s)")
    return 1 if problems or not series else 0


if __name__ == "__main__":
    sys.exit(main())
