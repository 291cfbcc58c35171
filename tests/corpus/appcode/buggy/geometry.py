"""Map helpers for the delivery planner: points are plain named tuples of coordinates."""

from typing import NamedTuple

# The functional form, as the routing service's client library declares it.
Point = NamedTuple("Point", [("lat", float), ("lon", float)])


class Box(NamedTuple):
    south_west: Point
    north_east: Point


def bounding_box(points: list[Point]) -> Box:
    """The smallest box holding every point."""
    south_west = north_east = points[0]
    for p in points[1:]:
        south_west = Point(min(south_west.lat, p.lat), min(south_west.lon, p.lon))
        north_east = Point(max(north_east.lat, p.lat), max(north_east.lon, p.lon))
    return Box(south_west, north_east)


def contains(box: Box, point: Point) -> bool:
    """Whether `point` lies inside `box` (edges included)."""
    return (
        box.south_west.lat <= point.lat <= box.north_east.lat
        and box.south_west.lon <= point.lon <= box.north_east.lon
    )
