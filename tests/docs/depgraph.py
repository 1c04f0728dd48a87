#!/usr/bin/env python3
"""The module graph of docs/ARCHITECTURE.md, drawn from the real #includes.

Each top-level folder with a public header sh_*.h is a module. Module A
depends on module B when a .c/.cc/.cpp/.h file of A includes B's public
header. Prints the graph as a Markdown table between the markers
<!-- depgraph:begin --> and <!-- depgraph:end -->.

usage: depgraph.py SOURCE_DIR            print the block
       depgraph.py SOURCE_DIR --check    exit 1 when docs/ARCHITECTURE.md's
                                          block differs, 2 on a cycle
       depgraph.py SOURCE_DIR --write    rewrite the block in place
"""
import os
import re
import sys

SKIP = {"tests", "bench", "build", "docs", "debian", "dist", "po", "man", "completion", "cmake"}


def modules(root):
    mods = {}
    for d in sorted(os.listdir(root)):
        p = os.path.join(root, d)
        if d.startswith(".") or d.startswith("build") or d in SKIP or not os.path.isdir(p):
            continue
        heads = [f for f in os.listdir(p) if re.fullmatch(r"sh_[a-z0-9_]+\.h", f) or f == "cli.h"]
        if heads:
            mods[d] = sorted(heads)
    return mods


def graph(root, mods):
    owner = {h: m for m, hs in mods.items() for h in hs}
    deps = {m: set() for m in mods}
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    for m in mods:
        for dirpath, _, files in os.walk(os.path.join(root, m)):
            for f in files:
                if not f.endswith((".c", ".h", ".cc", ".cpp")):
                    continue
                with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                    for h in inc.findall(fh.read()):
                        o = owner.get(os.path.basename(h))
                        if o and o != m:
                            deps[m].add(o)
    return deps


def layers(deps):
    """Longest-path layering; raises on a cycle."""
    level, state = {}, {}

    def visit(m, path):
        if state.get(m) == 1:
            raise ValueError("cycle: " + " -> ".join(path + [m]))
        if m in level:
            return level[m]
        state[m] = 1
        level[m] = 1 + max((visit(d, path + [m]) for d in deps[m]), default=-1)
        state[m] = 2
        return level[m]

    for m in sorted(deps):
        visit(m, [])
    return level


def block(root):
    mods = modules(root)
    deps = graph(root, mods)
    level = layers(deps)
    out = ["<!-- depgraph:begin (tests/docs/depgraph.py --write; checked by CTest docs.architecture) -->",
           "| layer | module | public header | uses (its #includes of other modules' headers) |",
           "|---|---|---|---|"]
    for m in sorted(mods, key=lambda x: (level[x], x)):
        uses = ", ".join(f"`{d}/`" for d in sorted(deps[m], key=lambda x: (level[x], x))) or "—"
        out.append(f"| {level[m]} | `{m}/` | " + ", ".join(f"`{h}`" for h in mods[m]) + f" | {uses} |")
    out.append("<!-- depgraph:end -->")
    return "\n".join(out) + "\n"


def main():
    root = sys.argv[1]
    try:
        b = block(root)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    doc = os.path.join(root, "docs", "ARCHITECTURE.md")
    mode = sys.argv[2] if len(sys.argv) > 2 else ""
    if not mode:
        sys.stdout.write(b)
        return 0
    text = open(doc, encoding="utf-8").read()
    m = re.search(r"<!-- depgraph:begin.*?<!-- depgraph:end -->\n", text, re.S)
    if mode == "--write":
        text = text[:m.start()] + b + text[m.end():] if m else text + "\n" + b
        open(doc, "w", encoding="utf-8").write(text)
        return 0
    if not m or m.group(0) != b:
        print("docs/ARCHITECTURE.md's module graph differs from the #includes; run "
              "tests/docs/depgraph.py . --write", file=sys.stderr)
        sys.stdout.write(b)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
