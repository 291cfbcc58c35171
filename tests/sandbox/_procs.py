"""Host-side process accounting for the sandbox tests."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assay.sandbox import Sandbox


def descendants(root: int) -> set[int]:
    """Every process below `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def sandbox_processes(box: Sandbox) -> int:
    """Host processes below the workers' processes."""
    roots = [worker._process.pid for worker in box._all if worker._process is not None]
    return sum(len(descendants(root)) for root in roots)


def at_rest(box: Sandbox) -> bool:
    """Whether each worker is down to its resting state: one spare child below the zygote
    (and the zygote itself below bubblewrap, or below the waiter outside its namespaces). Polls briefly, since a restarted worker forks
    its spare just after it is ready."""
    # under either isolating backend a process outside waits for the zygote
    per_worker = 1 if box.policy.backend == "none" else 2
    for _ in range(200):
        if sandbox_processes(box) == per_worker * box.workers:
            return True
        time.sleep(0.01)
    return False


def home_entries_needed(*extra: str) -> set[str]:
    """The names in the caller's home that the sandbox's view may show: the first part
    below home of every import-path entry (and of `extra` paths) that lies under it."""
    home = Path.home()
    return {
        Path(p).resolve().relative_to(home).parts[0]
        for p in (sys.prefix, sys.base_prefix, *sys.path, *extra)
        if p and Path(p).resolve().is_relative_to(home) and Path(p).resolve() != home
    }
