"""
Runs Airflow's scheduler, DAG processor and API server as one process group for the native stack
(scripts/stack/services/airflow.ts starts this with the venv's Python and AIRFLOW_HOME set).

The stack supervises one process per service: this one. When any component exits, the others are
stopped and this process exits with that component's code, so the stack sees Airflow as down and
a later `stack:up` starts all three again. SIGTERM/SIGINT stop all three gracefully.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

#: Task logs are files under AIRFLOW_HOME that the API server reads itself, so the scheduler's log
#: server (which listens on every interface, port 8793) is not started.
COMPONENTS: dict[str, list[str]] = {
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "api-server": ["api-server"],
}
STOP_GRACE_SECONDS = 40


def log(message: str) -> None:
    print(f"[airflow-launcher] {message}", flush=True)


def main() -> int:
    airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
    stopping = False

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        log(f"received {signal.Signals(signum).name}, stopping {', '.join(COMPONENTS)}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    children = {name: subprocess.Popen([airflow, *args]) for name, args in COMPONENTS.items()}
    log(", ".join(f"{name} pid {child.pid}" for name, child in children.items()))

    exit_code = 0
    while not stopping:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                log(f"{name} exited with code {code}; stopping the others")
                exit_code = code or 1
                stopping = True
                break
        else:
            time.sleep(1)

    # The supervisor signals the whole group; forwarding covers a signal sent to this pid alone.
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within {STOP_GRACE_SECONDS}s, killing it")
            child.kill()
            child.wait()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
