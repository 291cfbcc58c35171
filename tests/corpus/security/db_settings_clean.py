# Connection settings for the reporting database:
import os

import psycopg

DB_HOST = "reports.internal"
DB_USER = "reporting"


def connect():
    return psycopg.connect(host=DB_HOST, user=DB_USER, password=os.environ["DB_PASSWORD"])
