#!/usr/bin/env python3
"""Keep the committed notebooks clean and execute them headlessly.

    python3 notebooks/nbtool.py check   notebooks/*.ipynb    # fail if a notebook has outputs
    python3 notebooks/nbtool.py strip   notebooks/*.ipynb    # remove outputs in place
    python notebooks/nbtool.py execute --out DIR notebooks/*.ipynb   # run each, save to DIR

`check` and `strip` use only the standard library (they run before the venv exists);
`execute` needs nbclient/nbformat/ipykernel from notebooks/requirements.txt. It never writes
into the notebooks it executes: the executed copies go to --out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

# Metadata that Jupyter adds while a notebook runs; none of it belongs in git.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def problems(nb: dict) -> list[str]:
    """What makes a notebook not 'stripped': outputs, execution counts, run metadata."""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i}: has {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i}: execution_count = {cell['execution_count']}")
        for key in VOLATILE_CELL_METADATA:
            if key in cell.get("metadata", {}):
                found.append(f"cell {i}: metadata.{key}")
    if "widgets" in nb.get("metadata", {}):
        found.append("notebook metadata.widgets")
    return found


def strip(nb: dict) -> dict:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            for key in VOLATILE_CELL_METADATA:
                cell.get("metadata", {}).pop(key, None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def save(nb: dict, path: Path) -> None:
    # The layout nbformat itself writes: one-space indent, sorted keys, trailing newline.
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def cmd_check(paths: list[Path]) -> int:
    bad = 0
    for path in paths:
        found = problems(load(path))
        for p in found:
            print(f"{path}: {p}", file=sys.stderr)
        bad += bool(found)
    if bad:
        print(
            f"{bad} notebook(s) have outputs: run `python3 notebooks/nbtool.py strip "
            "notebooks/*.ipynb` before committing",
            file=sys.stderr,
        )
        return 1
    print(f"{len(paths)} notebook(s) without outputs")
    return 0


def cmd_strip(paths: list[Path]) -> int:
    for path in paths:
        nb = load(path)
        if problems(nb):
            save(strip(nb), path)
            print(f"stripped {path}")
    return 0


def cmd_execute(paths: list[Path], out: Path, timeout: int) -> int:
    import nbformat
    from nbclient import NotebookClient

    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            # Run where the notebook lives, as Jupyter does: relative defaults resolve there.
            resources={"metadata": {"path": str(path.resolve().parent)}},
        )
        target = out / path.name
        t0 = time.monotonic()
        try:
            client.execute()
        except Exception as e:  # a failing cell (CellExecutionError), a dead kernel, a timeout
            failed += 1
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(e))  # IPython colours its tracebacks
            print(f"FAILED {path} ({time.monotonic() - t0:.1f} s):\n{message}", file=sys.stderr)
        else:
            print(f"ok     {path} ({time.monotonic() - t0:.1f} s) -> {target}")
        finally:
            nbformat.write(nb, target)
    print(f"notebooks: {len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("check", "strip"):
        p = sub.add_parser(name)
        p.add_argument("notebooks", nargs="+", type=Path)
    p = sub.add_parser("execute")
    p.add_argument("--out", type=Path, required=True, help="folder for the executed copies")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.add_argument("notebooks", nargs="+", type=Path)
    args = ap.parse_args()
    if args.cmd == "check":
        return cmd_check(args.notebooks)
    if args.cmd == "strip":
        return cmd_strip(args.notebooks)
    return cmd_execute(args.notebooks, args.out, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
