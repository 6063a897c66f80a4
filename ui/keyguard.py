"""Wrong rebuild keys typed in one UI session, limited in the UI itself.

Every UI user reaches the API from the UI's own address, so without this one person typing
keys at random would spend the budget the API gives that address for everyone behind it.
The first FREE wrong keys of a session go to the API; after that the session waits 30,
60, 120 ... seconds (at least what the API's Retry-After says) before the UI sends another.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FREE = 3
FIRST_DELAY_S = 30.0
MAX_DELAY_S = 900.0


@dataclass(slots=True)
class KeyGuard:
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    retry_at: float = field(default=0.0)

    def wait(self) -> int:
        """Seconds before this session may send a key again (0: now)."""
        return max(0, math.ceil(self.retry_at - self.clock()))

    def failed(self, api_wait: int = 0) -> None:
        self.failures += 1
        delay = 0.0
        if self.failures >= FREE:
            delay = min(FIRST_DELAY_S * 2.0 ** (self.failures - FREE), MAX_DELAY_S)
        self.retry_at = self.clock() + max(delay, api_wait)

    def succeeded(self) -> None:
        self.failures, self.retry_at = 0, 0.0
