"""Spans of text sorted by where they start, so that a sentence finds its entities, dates and
numbers by bisection: a long text has thousands of each, and every sentence asks."""

import bisect
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int


class Spans:
    """Items with ``start`` and ``end`` offsets, kept in the order they start."""

    def __init__(self, items=()):
        self.items = sorted(items, key=lambda item: item.start)  # stable: ties keep their order
        self.starts = [item.start for item in self.items]
        self.longest = max((item.end - item.start for item in self.items), default=0)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def starting_in(self, start, end):
        """The items that start in ``[start, end)``."""
        return self.items[
            bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)
        ]

    def within(self, start, end):
        """The items wholly inside ``[start, end]``."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_right(self.starts, end)
        return [item for item in self.items[first:last] if item.end <= end]

    def overlaps(self, start, end):
        """Whether an item shares a character with ``[start, end)``."""
        first = bisect.bisect_left(self.starts, start - self.longest)
        last = bisect.bisect_left(self.starts, end)
        return any(item.end > start for item in self.items[first:last])

    def at(self, offset):
        """The last item that starts at or before ``offset`` and still holds it, else None."""
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.items[index].end:
            return self.items[index]
        return None
