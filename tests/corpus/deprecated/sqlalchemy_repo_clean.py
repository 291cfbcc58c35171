# A small repository layer with SQLAlchemy:
from sqlalchemy import String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


engine = create_engine("sqlite:///app.db")
Session = sessionmaker(bind=engine)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)


def get_user(session, user_id):
    return session.get(User, user_id)


def count_users():
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User)).scalar()


def names():
    return select(User.name)
