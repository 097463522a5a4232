"""Walking time and distance: the one home of the arithmetic between minutes and metres.

Pure: the speed is an argument (the services pass ``GRIDMAP_WALKING_SPEED_KMH``).
"""

from __future__ import annotations

from gridmap.errors import InvalidInput

MAX_MINUTES = 30  # the longest walk asked of any answer; every reach cache covers it


def check_minutes(minutes: int) -> None:
    """Refuse a walking time outside 1 to ``MAX_MINUTES`` minutes."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"minutes must be between 1 and {MAX_MINUTES}, got {minutes}")


def meters_per_minute(speed_kmh: float) -> float:
    return speed_kmh * 1000 / 60


def meters_for(minutes: float, speed_kmh: float) -> float:
    """The distance walked in ``minutes`` at ``speed_kmh``."""
    return minutes * meters_per_minute(speed_kmh)


def minutes_for(meters: float, speed_kmh: float) -> float:
    """The minutes it takes to walk ``meters`` at ``speed_kmh``."""
    return meters / meters_per_minute(speed_kmh)
