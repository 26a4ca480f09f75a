"""Helpers of the hostile-input suite: run the CLI in-process and check its error contract.

Every hostile case asserts the same contract: exit code 2 (130 for Ctrl-C), no traceback, one
line on stderr, and a message that names the offending file, key or value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest


@dataclass
class CliRun:
    """Outcome of one in-process ``geourb`` run."""

    code: int
    out: str
    err: str


def _check_contains(text: str, contains: Iterable[str]) -> None:
    low = text.lower()
    for part in contains:
        assert part.lower() in low, f"{part!r} not in message: {text!r}"


@pytest.fixture
def run_cli(capsys) -> Callable[..., CliRun]:
    """``run_cli(*args)`` runs ``geourb ARGS`` in-process and returns code, stdout and stderr."""
    from geourb.cli import main

    def run(*args: str) -> CliRun:
        try:
            code = main(["--no-progress", *map(str, args)])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run


@pytest.fixture
def cli_fails(run_cli) -> Callable[..., CliRun]:
    """``cli_fails(*args, contains=[...])``: exit 2, no traceback, one stderr line naming each of ``contains``."""

    def check(*args: str, contains: Iterable[str] = (), code: int = 2) -> CliRun:
        result = run_cli(*args)
        assert result.code == code, (result.code, result.err[-2000:])
        assert "Traceback" not in result.err and "Traceback" not in result.out, result.err
        lines = [ln for ln in result.err.splitlines() if ln.strip() and not re.match(r"(WARNING|INFO|DEBUG) ", ln)]
        assert len(lines) == 1, f"expected one error line, got: {lines}"
        assert lines[0].startswith("geourb: "), lines[0]
        assert "np.float64" not in lines[0] and "np.int64" not in lines[0], lines[0]
        _check_contains(lines[0], contains)
        return result

    return check


@pytest.fixture
def raises_named():
    """``with raises_named(ErrorClass, "part", ...)``: the error class, with each part in its message."""
    import contextlib

    @contextlib.contextmanager
    def check(exc_type: type[BaseException], *contains: str):
        with pytest.raises(exc_type) as info:
            yield info
        _check_contains(str(info.value), contains)
        assert "np.float64" not in str(info.value)

    return check
