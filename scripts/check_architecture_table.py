#!/usr/bin/env python3
"""Checks that docs/architecture.md's layer table matches the CMake target links.

For every row of the table (`src/<folder>` | library | what | depends on), the "depends on" column
must name exactly the libraries that the folder's targets link directly in src/<folder>/
CMakeLists.txt: other layers by folder name (core, catalog, ...) and external libraries by the
names in EXTERNAL below. Every src/ folder with a CMakeLists.txt that builds a library must have a
row, and a folder may depend only on folders listed above it. Run by ctest
(architecture_table); exits 1 with the differences.

usage: check_architecture_table.py SOURCE_DIR
"""
import pathlib
import re
import sys

# How the table names each external library, and the CMake link item it stands for.
EXTERNAL = {
    "yaml-cpp": "yaml-cpp",
    "nlohmann-json": "nlohmann_json::nlohmann_json",
    "GLPK": "${GLPK_LIBRARY}",
    "CLI11": "CLI11::CLI11",
    "fmt": "fmt::fmt",
    "libdl": "${CMAKE_DL_LIBS}",
    "date": "date::date-tz",
    "gRPC": "PkgConfig::GRPCPP",
    "cpp-httplib": "PkgConfig::HTTPLIB",
    "OpenSSL": "OpenSSL::SSL",
    "OpenSSL crypto": "OpenSSL::Crypto",
    "SQLite": "SQLite::SQLite3",
    "libpq": "PkgConfig::LIBPQ",
}
KEYWORDS = {"PUBLIC", "PRIVATE", "INTERFACE"}


def cmake_links(cmake_file):
    """(targets built in the file, the set of things they link, as table names)."""
    text = re.sub(r"#[^\n]*", "", cmake_file.read_text())
    targets = set(re.findall(r"add_(?:library|executable)\((\w+)", text))
    deps = set()
    by_cmake = {v: k for k, v in EXTERNAL.items()}
    for target, items in re.findall(r"target_link_libraries\((\w+)([^)]*)\)", text):
        if target not in targets:
            continue  # e.g. migkit_test, which every folder adds its tests to
        for item in items.split():
            if item in KEYWORDS or item in targets:
                continue
            if item.startswith("migkit_"):
                deps.add(item[len("migkit_"):])
            elif item in by_cmake:
                deps.add(by_cmake[item])
            else:
                deps.add("?" + item)  # not in EXTERNAL: the table cannot name it yet
    return targets, deps


def table_rows(doc):
    rows = {}  # in table order (dicts keep insertion order)
    for line in doc.read_text().splitlines():
        m = re.match(r"\|\s*`src/([\w/]+)`\s*\|[^|]*\|[^|]*\|([^|]*)\|\s*$", line)
        if not m:
            continue
        cell = m.group(2).strip()
        rows[m.group(1)] = set() if cell in ("—", "-", "") else {
            d.strip() for d in cell.split(",") if d.strip()}
    return rows


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    rows = table_rows(root / "docs" / "architecture.md")
    problems = []
    for cmake_file in sorted((root / "src").glob("*/CMakeLists.txt")):
        folder = cmake_file.parent.name
        targets, deps = cmake_links(cmake_file)
        if not targets:
            continue  # e.g. src/testing, which only adds sources to migkit_test
        if folder not in rows:
            problems.append(f"src/{folder}: no row in docs/architecture.md")
            continue
        if rows[folder] != deps:
            problems.append(
                f"src/{folder}: the table says {', '.join(sorted(rows[folder])) or '—'}; "
                f"CMake links {', '.join(sorted(deps)) or '—'}")
    # The layering rule the document states: a folder depends only on folders listed before it.
    seen = set()
    for folder, deps in rows.items():
        for dep in sorted(deps & set(rows)):
            if dep not in seen:
                problems.append(f"src/{folder}: depends on {dep}, which the table lists after it")
        seen.add(folder)
    for folder in rows:
        if not (root / "src" / folder / "CMakeLists.txt").exists():
            problems.append(f"src/{folder}: in docs/architecture.md but has no CMakeLists.txt")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
