# Connect to the MySQL database used by the inventory service.
import MySQLdb


def get_connection():
    return MySQLdb.connect(
        host="db.internal",
        user="inventory",
        passwd="Inv3ntory!2024",  # vuln
        db="inventory",
    )
