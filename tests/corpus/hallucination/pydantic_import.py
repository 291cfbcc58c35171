from pydantic import BaseModel, validator_field

class User(BaseModel):
    name: str
