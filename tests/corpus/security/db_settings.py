# Connection settings for the reporting database:
import psycopg

DB_HOST = "reports.internal"
DB_USER = "reporting"
DB_PASSWORD = "Summer2024!"  # vuln


def connect():
    return psycopg.connect(host=DB_HOST, user=DB_USER, password=DB_PASSWORD)
