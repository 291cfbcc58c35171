# Connect to the MySQL database used by the inventory service.
import os

import MySQLdb


def get_connection():
    return MySQLdb.connect(
        host=os.environ["DB_HOST"],
        user=os.environ["DB_USER"],
        passwd=os.environ["DB_PASSWORD"],
        db="inventory",
    )
