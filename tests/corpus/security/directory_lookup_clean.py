# Look up an employee in the company directory.
import ldap
from flask import Flask, request
from ldap.filter import escape_filter_chars

app = Flask(__name__)


@app.route("/employee")
def employee():
    conn = ldap.initialize("ldap://directory.internal")
    uid = escape_filter_chars(request.args["uid"])
    query = "(&(objectClass=person)(uid=" + uid + "))"
    return str(conn.search_s("ou=people,dc=corp", ldap.SCOPE_SUBTREE, query))
