# Tags that appear in both posts:
def common_tags(first, second):
    shared = []
    for tag in first:
        for other in second:
            if tag == other and tag not in shared:
                shared.append(tag)
    return shared
