"""Runs Together AI's own dataset checker, `together.utils.check_file` from the PyPI
package `together` (tests/together_validator.rs installs the pinned version in a venv),
on each path given and prints one JSON line per file, in order:
{"path": ..., "passed": bool, "message": str, "version": str}.
Exit 0 when every file was checked (whatever the verdicts), non-zero if the checker
itself could not run."""

import json
import os
import sys

os.environ.setdefault("TQDM_DISABLE", "1")  # check_file draws a tqdm bar on stderr
os.environ.setdefault("TOGETHER_NO_BANNER", "1")  # 1.5.x prints an SDK 2.0 banner on import

from importlib.metadata import version as dist_version  # noqa: E402

from together.utils import check_file  # noqa: E402


def main(paths):
    version = dist_version("together")
    for path in paths:
        report = check_file(path)
        print(
            json.dumps(
                {
                    "path": path,
                    "passed": bool(report["is_check_passed"]),
                    "message": str(report.get("message")),
                    "version": version,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
