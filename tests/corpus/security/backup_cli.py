#!/usr/bin/env python3
"""Back up a folder into a dated tarball. Usage: backup.py <folder> <destination>"""
import datetime
import os
import sys


def main():
    folder, destination = sys.argv[1], sys.argv[2]
    stamp = datetime.date.today().isoformat()
    archive = os.path.join(destination, f"backup-{stamp}.tar.gz")
    status = os.system("tar czf " + archive + " " + folder)  # vuln
    sys.exit(status)


if __name__ == "__main__":
    main()
