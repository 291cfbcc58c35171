import datetime

def today_iso() -> str:
    return datetime.date.today_iso()
