# FastAPI route that returns a stored report by name:
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter()
REPORTS_DIR = Path("/var/app/reports")


@router.get("/reports/{name}")
async def get_report(name: str):
    path = (REPORTS_DIR / name).resolve()
    if not path.is_relative_to(REPORTS_DIR) or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path)
