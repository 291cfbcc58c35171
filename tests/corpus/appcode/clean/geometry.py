"""Map helpers for the delivery planner: points are plain named tuples of coordinates."""

from typing import NamedTuple

# The functional form, as the routing service's client library declares it.
Point = NamedTuple("Point", [("lat", float), ("lon", float)])


class Box(NamedTuple):
    south_west: Point
    north_east: Point


def bounding_box(points: list[Point]) -> Box:
    """The smallest box holding every point."""
    if not points:
        raise ValueError("a bounding box needs at least one point")
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    return Box(Point(min(lats), min(lons)), Point(max(lats), max(lons)))


def contains(box: Box, point: Point) -> bool:
    """Whether `point` lies inside `box` (edges included)."""
    return (
        box.south_west.lat <= point.lat <= box.north_east.lat
        and box.south_west.lon <= point.lon <= box.north_east.lon
    )
