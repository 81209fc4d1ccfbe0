#!/usr/bin/env python3
"""Holds every #include under node/ against the layer graph of cmake/Layers.cmake.

Usage: check_layers.py LAYERS_TXT ROOT_DIR... (node/, county/)
       check_layers.py --self-test

LAYERS_TXT has one line per layer, `name: lower layers | header families`, as
the build wrote it. A file belongs to the layer named by its folder under
its root (node/ or county/; a file at a root's top, such as node/main.cpp,
to the rule named by its stem). Headers are found under any root. It may include, with quotes, its own layer's
headers and those of the layers it names, transitively; with angle brackets,
the standard library and the system's headers, and outside libraries only of
the families it names. Prints one line per violation, file:line: what; exits 1
if there is any, 2 if the input is unusable.
"""
import pathlib
import re
import sys
import tempfile

# Outside libraries, by the header paths they are included as.
FAMILIES = {
    "gstreamer": (r"gst/", r"glib\.h", r"glib/", r"glib-object\.h", r"gio/"),
    "ffmpeg": (r"libavformat/", r"libavcodec/", r"libavutil/"),
    "jpeg": (r"turbojpeg\.h",),
    "png": (r"png\.h",),
    "paho": (r"mqtt/",),
    "httplib": (r"httplib\.h",),
    "opencv": (r"opencv2/",),
    "yaml": (r"yaml-cpp/",),
    "systemd": (r"systemd/",),
    "spdlog": (r"spdlog/",),
    "fmt": (r"fmt/",),
    "json": (r"nlohmann/",),
    "cli11": (r"CLI/",),
    "openssl": (r"openssl/",),
    "sqlite": (r"sqlite3\.h",),
    "pqxx": (r"pqxx/",),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def read_rules(text):
    rules = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, rest = line.split(":", 1)
        layers, families = rest.split("|", 1)
        rules[name.strip()] = (set(layers.split()), set(families.split()))
    return rules


def closure(rules, name):
    seen, todo = set(), [name]
    while todo:
        n = todo.pop()
        for dep in rules.get(n, (set(), set()))[0]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def family_of(header):
    for family, patterns in FAMILIES.items():
        if any(re.match(p, header) for p in patterns):
            return family
    return None


def check(rules, *root_dirs):
    roots = [pathlib.Path(r) for r in root_dirs]
    problems = []
    for bad in (set().union(*(deps for deps, _ in rules.values())) - set(rules)) if rules else ():
        problems.append(f"layers: '{bad}' is named as a lower layer but has no rule")
    files = [(root, path) for root in roots for path in sorted(root.rglob("*"))]
    for node_dir, path in files:
        if path.suffix not in (".cpp", ".hpp", ".h") or not path.is_file():
            continue
        rel = path.relative_to(node_dir)
        if len(roots) > 1:
            rel_shown = pathlib.Path(node_dir.name) / rel
        else:
            rel_shown = rel
        layer = rel.parts[0] if len(rel.parts) > 1 else path.stem
        if layer not in rules:
            problems.append(f"{rel_shown}: folder '{layer}' is no layer of cmake/Layers.cmake")
            continue
        allowed = closure(rules, layer) | {layer}
        families = rules[layer][1]
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            quote, header = m.groups()
            where = f"{rel_shown}:{number}"
            if quote == '"':
                target = header.split("/")[0] if "/" in header else None
                if target is None or not any((r / header).is_file() for r in roots):
                    problems.append(f"{where}: \"{header}\" is not a header of node/ (write \"<layer>/<file>\")")
                elif target not in allowed:
                    problems.append(f"{where}: layer '{layer}' may not include \"{header}\" "
                                    f"(layer '{target}' is not below it)")
            else:
                family = family_of(header)
                if family and family not in families:
                    problems.append(f"{where}: layer '{layer}' may not include <{header}> ({family})")
    return problems


def self_test():
    """The checker must catch what it is for: run it on a small tree with known faults."""
    rules = read_rules("util: | fmt\nhealth: util | json\ningest: health util | gstreamer\napp: ingest | \n")
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        files = {
            "util/clock.hpp": "#include <chrono>\n#include <fmt/format.h>\n",
            "health/state.hpp": '#include "util/clock.hpp"\n#include <nlohmann/json.hpp>\n',
            "health/bad.cpp": '#include "ingest/worker.hpp"\n#include <gst/gst.h>\n',
            "ingest/worker.hpp": '#include "health/state.hpp"\n#include <gst/gst.h>\n',
            "app/node.cpp": '#include "util/clock.hpp"\n#include "ingest/worker.hpp"\n#include "missing.hpp"\n',
        }
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        got = check(rules, root)
    want = [
        "app/node.cpp:3: \"missing.hpp\" is not a header of node/ (write \"<layer>/<file>\")",
        "health/bad.cpp:1: layer 'health' may not include \"ingest/worker.hpp\" (layer 'ingest' is not below it)",
        "health/bad.cpp:2: layer 'health' may not include <gst/gst.h> (gstreamer)",
    ]
    if got != want:
        print("self-test FAILED:\n  got:  " + "\n        ".join(got) + "\n  want: " + "\n        ".join(want))
        return 1
    print("self-test: the checker finds a wrong layer, a wrong library and an unknown header")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    rules = read_rules(pathlib.Path(sys.argv[1]).read_text())
    if not rules:
        print(f"{sys.argv[1]}: no layer rules")
        return 2
    problems = check(rules, *sys.argv[2:])
    for p in problems:
        print(p)
    files = sum(1 for root in sys.argv[2:] for p in pathlib.Path(root).rglob("*") if p.suffix in (".cpp", ".hpp", ".h"))
    print(f"checked {files} files of {len(rules)} layers: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
