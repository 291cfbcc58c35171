"""Parcel records as the warehouse scanner sends them (optional keys may be missing)."""

from typing import TypedDict

# The scanner's SDK declares its records in the functional form; every key is optional.
Parcel = TypedDict("Parcel", {"barcode": str, "weight_kg": float, "fragile": bool}, total=False)


def billable_weight(parcel: Parcel) -> float:
    """The weight billed: the scanned weight rounded up to the next half kilo, at least 0.5."""
    weight = parcel.get("weight_kg", 0.0)
    halves = int(weight * 2)
    if halves < weight * 2:
        halves += 1
    return max(halves, 1) / 2


def handling_label(parcel: Parcel) -> str:
    """The sticker the packer puts on the box."""
    return "FRAGILE" if parcel.get("fragile", False) else "STANDARD"
