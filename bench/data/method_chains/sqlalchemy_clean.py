"""Clean twins of sqlalchemy_bad.py: nothing here may be reported."""

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session


def run(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("select 1"))


def legacy(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        return conn.execute(text("select 1"))


def save(url, obj):
    engine = create_engine(url)
    with Session(engine) as session:
        session.add(obj)
        session.commit()


def rows(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        return conn.execute(text("select 1")).mappings().all()


def begin(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("select 1")


def dispose(url):
    create_engine(url).dispose()
