# This builds the CSV text for the export endpoint:
def to_csv(rows, columns):
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(str(row[c]) for c in columns))
    return "\n".join(lines) + "\n"
