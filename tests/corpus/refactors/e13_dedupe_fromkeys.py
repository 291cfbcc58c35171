# entry: unique_emails
# expect: equivalent
# edit: seen-set loop -> dict.fromkeys (keeps first-seen order)
# --- old
def unique_emails(emails: list[str]) -> list[str]:
    seen = set()
    out = []
    for email in emails:
        key = email.strip().lower()
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out
# --- new
def unique_emails(emails: list[str]) -> list[str]:
    return list(dict.fromkeys(email.strip().lower() for email in emails))
