# Find a user's role in the XML user store.
from lxml import etree


def user_role(store_path, username):
    tree = etree.parse(store_path, etree.XMLParser(resolve_entities=False))
    roles = tree.xpath(f"/users/user[@name='{username}']/role/text()")  # vuln
    return roles[0] if roles else None
