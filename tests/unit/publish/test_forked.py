"""build.Forked: the API step made in a forked process beside the page workers (a national-scale build)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# in a process of its own: Forked forks, which pytest's threads make unsafe
SCRIPT = textwrap.dedent("""
    import os
    from ocop.publish.build import BuildError, Forked

    def fail():
        raise ValueError("hỏng giữa chừng")

    child = Forked(lambda: {"pid": os.getpid(), "rows": list(range(100_000))})
    child.start()
    got = child.finish()
    assert got["pid"] != os.getpid(), "ran in the parent"
    assert got["rows"] == list(range(100_000)), "result lost on the way back"

    inline = Forked(os.getpid, fork=False)
    inline.start()
    assert inline.finish() == os.getpid(), "fork=False must run in this process"

    broken = Forked(fail)
    broken.start()
    try:
        broken.finish()
    except BuildError as err:
        assert "hỏng giữa chừng" in str(err) and "ValueError" in str(err), err
    else:
        raise AssertionError("a failing child must fail the build")

    killed = Forked(lambda: os.kill(os.getpid(), 9))
    killed.start()
    try:
        killed.finish()
    except BuildError as err:
        assert "-9" in str(err), err
    else:
        raise AssertionError("a killed child must fail the build")
    print("ok")
""")


def test_forked_returns_the_childs_result_and_fails_the_build_when_the_child_fails():
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
