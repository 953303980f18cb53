"""Worker deaths and Ctrl-C on a local Dask cluster, for tests/test_scale.py.

Run in a process of its own (a Dask client leaves threads behind, and later tests fork):

    python tests/scale_probe.py SOURCE OUT_DIR MARK_FILE

Prints one JSON object: what each scenario came to.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(source: str, out: Path, mark: Path) -> dict:
    from pipeline.build import per_row, plan_jobs
    from pipeline.options import BuildOptions
    from pipeline.roster import RowPlan
    from pipeline.scale import connect, gather_inputs, run_on, run_shipped

    def crash_once(*args):
        """The first attempt kills its worker process; the next one builds."""
        if not mark.exists():
            mark.write_text("crashed")
            os._exit(1)
        return run_shipped(*args)

    def crash_always(*args):
        os._exit(1)

    opts = BuildOptions(out_dir=out)
    one = plan_jobs([source], ["docx"], False)
    rows = [RowPlan(i, f"r{i}", BuildOptions(out_dir=out / f"r{i}", row={"org": f"r{i}"}))
            for i in range(2, 10)]
    many = per_row(plan_jobs([source], ["docx"], False), rows)
    found: dict = {}
    with connect("local:2") as client:
        got: list = []
        run_on(client, one, opts, gather_inputs(one, opts), got.append, task=crash_once)
        found["once"] = [(r.status, r.error, [str(p) for p in r.outputs]) for r in got]
        got = []
        run_on(client, one, opts, gather_inputs(one, opts), got.append, task=crash_always)
        found["always"] = [(r.status, r.error, r.exit_code) for r in got]

        client.wait_for_workers(2, timeout=60)
        finished: list = []

        def finish(res) -> None:
            finished.append(res)
            raise KeyboardInterrupt

        try:
            run_on(client, many, opts, gather_inputs(many, opts), finish)
            found["interrupted"] = False
        except KeyboardInterrupt:
            found["interrupted"] = True
        found["finished"] = len(finished)
        left = -1
        for _ in range(100):
            left = client.run_on_scheduler(
                lambda dask_scheduler: sum(1 for k in dask_scheduler.tasks
                                           if str(k).startswith("studykit-")))
            if left == 0:
                break
            time.sleep(0.1)
        found["left"] = left
        time.sleep(1)
        found["written"] = sorted(p.parent.parent.name for p in out.glob("r*/*/*.docx"))
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])),
                     ensure_ascii=False))
