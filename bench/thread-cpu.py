#!/usr/bin/env python3
"""CPU time per thread name of running processes, between two calls (a measuring aid, ADR 0029; Linux /proc).

    python3 bench/thread-cpu.py save STATE PID...    # remember every thread's CPU time now
    ... the load ...
    python3 bench/thread-cpu.py report STATE PID...  # CPU used since, per thread name (".NET Tiered Com", ".NET TP Worker", ...)

Threads that started after `save` count from zero. The clock tick is read from the system (usually 10 ms).
"""
import json
import os
import sys

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def snapshot(pids):
    threads = {}
    for pid in pids:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
                fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
                threads[f"{pid}:{tid}"] = [name, int(fields[11]) + int(fields[12])]  # utime + stime
            except OSError:
                pass  # the thread ended meanwhile
    return threads


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("save", "report"):
        sys.exit(__doc__)
    command, state, pids = sys.argv[1], sys.argv[2], sys.argv[3:]
    now = snapshot(pids)
    if command == "save":
        json.dump(now, open(state, "w"))
        return
    before = json.load(open(state))
    per_name = {}
    for key, (name, ticks) in now.items():
        per_name[name] = per_name.get(name, 0) + ticks - before.get(key, [name, 0])[1]
    for name, ticks in sorted(per_name.items(), key=lambda item: -item[1]):
        if ticks:
            print(f"{name:24s} {ticks * TICK_MS:8.0f} ms")
    print(f"{'total':24s} {sum(per_name.values()) * TICK_MS:8.0f} ms")


if __name__ == "__main__":
    main()
