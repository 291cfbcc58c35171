# FastAPI route that returns a stored report by name:
from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter()
REPORTS_DIR = "/var/app/reports"


@router.get("/reports/{name}")
async def get_report(name: str):
    return FileResponse(f"{REPORTS_DIR}/{name}")  # vuln
