"""
First step of docker-compose.yml's airflow-init, before any `airflow` command (every one but
`airflow version` reads the Fernet key):

1. The keys every Airflow container must share, made once into AIRFLOW_HOME (the airflow-home
   volume) and then kept, as the native stack keeps its secrets.json: a new Fernet key would orphan
   encrypted connection passwords, a new JWT secret would reject the tokens of running tasks. The
   containers read each key with `AIRFLOW__..._CMD: cat <file>`; this script takes the files from
   those same variables, so docker-compose.yml names them in one place.
2. The simple auth manager's password file, from AIRFLOW_ADMIN_USER / AIRFLOW_ADMIN_PASSWORD,
   rewritten on every run so a changed password applies at the next `docker compose up`.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

#: Each shared key: the variable that reads it, and how a new one is made.
KEYS: dict[str, Callable[[], str]] = {
    # A Fernet key: 32 random bytes, URL-safe base64 with padding.
    "AIRFLOW__CORE__FERNET_KEY_CMD": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"),
    "AIRFLOW__API_AUTH__JWT_SECRET_CMD": lambda: secrets.token_hex(32),
    "AIRFLOW__API__SECRET_KEY_CMD": lambda: secrets.token_hex(32),
}


def fail(message: str) -> NoReturn:
    print(f"[airflow-init] {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        fail(f"{name} is not set")
    return value


def write_private(path: Path, text: str) -> None:
    """Owner-only, replaced atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def key_file(variable: str) -> Path:
    command = shlex.split(required(variable))
    if len(command) != 2 or command[0] != "cat" or not command[1].startswith("/"):
        fail(f"{variable} must be `cat /absolute/file`, got {os.environ[variable]!r}")
    return Path(command[1])


def main() -> None:
    for variable, make in KEYS.items():
        path = key_file(variable)
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            print(f"[airflow-init] {path}: kept", flush=True)
        else:
            write_private(path, make())
            print(f"[airflow-init] {path}: made", flush=True)

    user = required("AIRFLOW_ADMIN_USER")
    password = required("AIRFLOW_ADMIN_PASSWORD")
    users = [entry.split(":")[0].strip() for entry in required("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS").split(",")]
    if user not in users:
        fail(f"AIRFLOW_ADMIN_USER {user!r} is not among AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS {users}")
    passwords = Path(required("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"))
    write_private(passwords, json.dumps({user: password}) + "\n")
    print(f"[airflow-init] {passwords}: login {user!r}", flush=True)


if __name__ == "__main__":
    main()
