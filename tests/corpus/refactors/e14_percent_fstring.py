# entry: percent_label
# expect: equivalent
# edit: %-formatting -> f-string with the same format spec
# --- old
def percent_label(done: int, total: int) -> str:
    if total == 0:
        return "n/a"
    return "%.1f%%" % (done * 100 / total)
# --- new
def percent_label(done: int, total: int) -> str:
    if not total:
        return "n/a"
    ratio = done * 100 / total
    return f"{ratio:.1f}%"
