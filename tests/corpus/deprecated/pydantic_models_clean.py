# Define the request model with validation, then serialise it for the API call.
from pydantic import BaseModel, ConfigDict, field_validator


class CreateUser(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    email: str
    name: str

    @field_validator("email")
    @classmethod
    def lower_email(cls, value):
        return value.lower()


def payload(raw):
    user = CreateUser.model_validate(raw)
    return user.model_dump()
