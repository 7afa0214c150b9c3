"""Run by tests in a fresh interpreter (one thread, as `ocop validate` runs): validate each root given twice,
once with every cross-record family in this process and once with one beside it in a forked child, and
print JSON: the findings of both runs, which process ran the family, and the state of the background save."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from ocop.check import cache, pipeline


def main(roots: list[str]) -> None:
    parent = os.getpid()
    ran_in: list[bool] = []
    run = pipeline.checks.run_cross_record

    def spy(*args, **kwargs):
        if kwargs.get("only") == (pipeline.BESIDE,):
            in_child = os.getpid() != parent
            if in_child and os.environ.get("OCOP_TEST_FAIL_BESIDE"):
                raise RuntimeError("the child fails")
            ran_in.append(in_child)  # seen here only when it ran here: the child's list is its own
        return run(*args, **kwargs)

    writers: list[int] = []
    write_in_child = cache._write_in_child

    def counted(writes):
        writers.append(len(writes))
        return write_in_child(writes)

    pipeline.checks.run_cross_record = spy
    cache._write_in_child = counted
    out = []
    for root in roots:
        config = pipeline.RunConfig(Path(root), today=dt.date(2026, 11, 23), use_cache=False)
        pipeline.PARALLEL_THRESHOLD = 10**9
        alone = [f.to_dict() for f in pipeline.validate(config).findings]
        pipeline.PARALLEL_THRESHOLD = 1
        del ran_in[:], writers[:]
        outcome = pipeline.validate(pipeline.RunConfig(Path(root), today=dt.date(2026, 11, 23)))
        beside = [f.to_dict() for f in outcome.findings]
        out.append({"alone": alone, "beside": beside, "ran_here": list(ran_in),
                    "writer_left": outcome.loaded.cache.writer is not None, "saved_in_child": bool(writers)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
