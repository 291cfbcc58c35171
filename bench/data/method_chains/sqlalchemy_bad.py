"""Method-chain hallucinations on SQLAlchemy (each marked line must be reported)."""

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session


def run(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.run(text("select 1"))  # expect: AS103


def legacy(url):
    engine = create_engine(url)
    return engine.execute("select 1")  # expect: AS103


def save(url, obj):
    engine = create_engine(url)
    with Session(engine) as session:
        session.add(obj)
        session.commit_all()  # expect: AS103


def rows(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        return conn.execute(text("select 1")).fetchall_dicts()  # expect: AS103


def begin(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute_sql("select 1")  # expect: AS103


def dispose(url):
    create_engine(url).close()  # expect: AS103
