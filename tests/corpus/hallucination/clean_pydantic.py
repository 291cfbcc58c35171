from pydantic import BaseModel, Field, field_validator

class User(BaseModel):
    name: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def strip(cls, value: str) -> str:
        return value.strip()
