# FastAPI dependency that reads the user id from the bearer token:
import jwt
from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

bearer = HTTPBearer()


def current_user_id(credentials: HTTPAuthorizationCredentials = Depends(bearer)) -> str:
    token = credentials.credentials
    try:
        payload = jwt.decode(token, options={"verify_signature": False})  # vuln
    except jwt.DecodeError as error:
        raise HTTPException(status_code=401, detail="invalid token") from error
    return payload["sub"]
