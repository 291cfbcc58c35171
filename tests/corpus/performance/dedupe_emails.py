# Here's a function that removes duplicate emails while keeping the original order:
def dedupe_emails(emails: list[str]) -> list[str]:
    unique = []
    for email in emails:
        normalized = email.strip().lower()
        if normalized not in unique:
            unique.append(normalized)
    return unique
