# Run a maintenance job chosen by the operator.
import subprocess

from flask import Flask, abort, request

app = Flask(__name__)
JOBS = {"rotate-logs", "vacuum-db"}


class Job:
    def __init__(self, name):
        self.argv = ["run-job", name]

    def start(self):
        return subprocess.run(self.argv, check=False)


@app.route("/jobs", methods=["POST"])
def start_job():
    name = request.form["name"]
    if name not in JOBS:
        abort(400)
    Job(name).start()
    return "started"
