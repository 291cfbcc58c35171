"""Payroll figures for the HR dashboard; people and employees are pydantic models."""

from decimal import Decimal

from pydantic import BaseModel, Field


class Person(BaseModel):
    name: str
    email: str


class Employee(Person):
    weekly_salary: Decimal = Field(ge=0)
    weekly_hours: int = Field(ge=0, le=80)


def hourly_rate(employee: Employee) -> Decimal:
    """Salary per hour worked, rounded to cents; 0 for someone with no hours this week."""
    hours = employee.weekly_hours
    return Decimal(round(float(employee.weekly_salary) / hours, 2))


def display_name(employee: Employee) -> str:
    """``Name <email>`` as the dashboard lists people."""
    return f"{employee.name} <{employee.email}>"
