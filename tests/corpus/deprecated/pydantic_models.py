# Define the request model with validation, then serialise it for the API call.
from pydantic import BaseModel, validator


class CreateUser(BaseModel):
    email: str
    name: str

    class Config:
        anystr_strip_whitespace = True

    @validator("email")
    def lower_email(cls, value):
        return value.lower()


def payload(raw):
    user = CreateUser.parse_obj(raw)
    return user.dict()
