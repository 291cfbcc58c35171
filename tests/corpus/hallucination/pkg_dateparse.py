# Parse human dates with easydatetimeparser.
import easydatetimeparser

def when(text: str):
    return easydatetimeparser.parse_human(text)
