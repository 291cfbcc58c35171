# This builds the CSV text for the export endpoint:
def to_csv(rows, columns):
    output = ",".join(columns) + "\n"
    for row in rows:
        output += ",".join(str(row[c]) for c in columns) + "\n"
    return output
