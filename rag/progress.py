"""Rate and time remaining of long work, measured from a `ProgressFn`'s reports.

Long work (ingest, embedding, index writing) only reports `(stage, done, total)`; whoever
shows it (the CLI's bar, a rebuild job's status, the UI polling that status) feeds those
reports to one `ProgressMeter`, which times them and tells how fast the current stage goes
and how long it still needs. The rate is measured over the last `window` seconds of the
stage, so a stage that speeds up (passages found in the embedding cache) or slows down (a
busy machine) is reflected within that window, and a new stage starts a new measurement.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

STAGE_UNITS = {"embed": "passages", "passages": "passages", "write events": "events"}
"""What a stage counts, for the rate's label; other stages count "items"."""
WINDOW_S = 30.0


@dataclass(frozen=True, slots=True)
class StageProgress:
    """Where one stage stands: counts, rate (units per second) and seconds remaining;
    `rate` and `eta_s` are None until two reports of that stage are apart in time, and for
    one-step stages (total 1: "lexical", "write"), where a rate means nothing."""

    stage: str
    done: int
    total: int
    rate: float | None = None
    eta_s: float | None = None

    @property
    def unit(self) -> str:
        return STAGE_UNITS.get(self.stage, "items")

    def rate_text(self) -> str:
        """The rate as "35.2 passages/s", or "" before it is known."""
        if self.rate is None:
            return ""
        digits = 0 if self.rate >= 100 else 1
        return f"{self.rate:.{digits}f} {self.unit}/s"

    def eta_text(self) -> str:
        """The time remaining as "0:54 left", or "" when unknown or done."""
        if self.eta_s is None or self.done >= self.total:
            return ""
        return f"{clock_text(self.eta_s)} left"

    def describe(self) -> str:
        """One line: "embed 120/2048 · 35.2 passages/s · 0:54 left"."""
        parts = [f"{self.stage} {self.done}/{self.total}", self.rate_text(), self.eta_text()]
        return " · ".join(part for part in parts if part)


def clock_text(seconds: float) -> str:
    """A duration as a clock reads it, rounded up: "0:54", "12:05", "1:02:05"."""
    whole = int(-(-seconds // 1))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressMeter:
    """Times `(stage, done, total)` reports; `update` returns the stage's `StageProgress`.

    Not thread-safe on its own: the caller that owns the displayed state (a lock around a
    job, a single CLI thread) serializes the updates."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, window: float = WINDOW_S
    ) -> None:
        self._clock = clock
        self._window = window
        self._stage: str | None = None
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, stage: str, done: int, total: int) -> StageProgress:
        now = self._clock()
        if stage != self._stage or (self._samples and done < self._samples[-1][1]):
            self._stage = stage
            self._samples.clear()
        self._samples.append((now, done))
        # keep one sample older than the window, so the window is always fully covered
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()
        first_time, first_done = self._samples[0]
        elapsed, counted = now - first_time, done - first_done
        if elapsed <= 0 or counted <= 0 or total <= 1:
            return StageProgress(stage, done, total)
        rate = counted / elapsed
        eta = max(total - done, 0) / rate
        return StageProgress(stage, done, total, rate, eta)
