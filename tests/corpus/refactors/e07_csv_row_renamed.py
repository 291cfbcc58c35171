# entry: csv_row
# expect: equivalent
# edit: renamed variables, quoting moved into a helper
# --- old
def csv_row(fields: list[str]) -> str:
    out = []
    for f in fields:
        if "," in f or '"' in f or "\n" in f:
            f = '"' + f.replace('"', '""') + '"'
        out.append(f)
    return ",".join(out)
# --- new
def _quoted(field: str) -> str:
    needs_quotes = any(special in field for special in (",", '"', "\n"))
    if not needs_quotes:
        return field
    escaped = field.replace('"', '""')
    return f'"{escaped}"'


def csv_row(fields: list[str]) -> str:
    return ",".join(_quoted(field) for field in fields)
