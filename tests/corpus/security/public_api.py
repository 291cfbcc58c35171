# JSON API used by the single-page front end.
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"]
)  # vuln


@app.get("/me")
def me():
    return {"name": "guest"}
