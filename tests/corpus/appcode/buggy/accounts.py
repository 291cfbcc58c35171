"""Customer accounts: pydantic models at the API edge and helpers around them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator


class Address(BaseModel):
    street: str
    city: str
    postcode: str
    country: str = Field(min_length=2, max_length=2)


class Customer(BaseModel):
    customer_id: int = Field(gt=0)
    email: str
    first_name: str = Field(min_length=1)
    last_name: str = ""
    birth_date: date | None = None
    addresses: list[Address] = Field(default_factory=list)
    marketing_opt_in: bool = False

    @field_validator("email")
    @classmethod
    def _normalize_email(cls, value: str) -> str:
        return normalize_email(value)


def normalize_email(email: str) -> str:
    """Lower-cased, trimmed address; refuses strings that are not addresses.

    >>> normalize_email("  Ada@Example.COM ")
    'ada@example.com'
    """
    cleaned = email.strip().lower()
    local, sep, domain = cleaned.partition("@")
    if not sep or not local or "." not in domain:
        raise ValueError(f"not an e-mail address: {email!r}")
    return cleaned


def display_name(customer: Customer) -> str:
    """`Ada L.`, or just `Ada` when no last name is known."""
    return f"{customer.first_name} {customer.last_name[0]}."


def age_on(birth_date: date, today: date) -> int:
    """Completed years between `birth_date` and `today`.

    >>> age_on(date(2000, 6, 15), date(2024, 6, 14))
    23
    """
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def primary_country(customer: Customer) -> str | None:
    return customer.addresses[0].country if customer.addresses else None


def customer_from_row(row: dict[str, str]) -> Customer:
    """A Customer from a CSV export row (pydantic does the validation)."""
    return Customer.model_validate(
        {
            "customer_id": row.get("id"),
            "email": row.get("email"),
            "first_name": row.get("first_name"),
            "last_name": row.get("last_name", ""),
        }
    )
