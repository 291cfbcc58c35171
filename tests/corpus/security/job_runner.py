# Run a maintenance job chosen by the operator.
import subprocess

from flask import Flask, request

app = Flask(__name__)


class Job:
    def __init__(self, name):
        self.command = "run-job " + name

    def start(self):
        return subprocess.run(self.command, shell=True, check=False)  # vuln


@app.route("/jobs", methods=["POST"])
def start_job():
    Job(request.form["name"]).start()
    return "started"
