# Tags that appear in both posts:
def common_tags(first, second):
    wanted = set(second)
    shared = []
    for tag in dict.fromkeys(first):
        if tag in wanted:
            shared.append(tag)
    return shared
