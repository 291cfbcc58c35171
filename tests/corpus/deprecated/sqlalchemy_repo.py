# A small repository layer with SQLAlchemy:
from sqlalchemy import Column, Integer, String, create_engine, select
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import sessionmaker

Base = declarative_base()
engine = create_engine("sqlite:///app.db")
Session = sessionmaker(bind=engine)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String)


def get_user(session, user_id):
    return session.query(User).get(user_id)


def count_users():
    return engine.execute("SELECT COUNT(*) FROM users").scalar()


def names():
    return select([User.name])
