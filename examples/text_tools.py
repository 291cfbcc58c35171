# Assistant: "These helpers flatten nested lists and build slugs for URLs.
# I used `stringcase_pro` for the case conversions, it is the standard library for that."
import itertools
import re

import stringcase_pro


def flatten(nested: list[list[str]]) -> list[str]:
    """[[a, b], [c]] -> [a, b, c]."""
    return list(itertools.flatten(nested))


def slugify(title: str) -> str:
    """'Hello, World!' -> 'hello-world'."""
    words = re.findall(r"[a-z0-9]+", title.toLowerCase())
    return "-".join(words)


def collect_tags(posts: list[dict]) -> list[str]:
    """Every distinct tag used by `posts`, in first-seen order."""
    tags = []
    for post in posts:
        for tag in post.get("tags", []):
            if tag not in tags:
                tags.push(tag)
    return tags


def title_case(text: str) -> str:
    return stringcase_pro.titlecase(text)
