# entry: parse_port
# expect: changed
# input: numeric strings outside 1..65535 (AssertionError instead of ValueError)
# witness: ("70000",)
# edit: explicit range check -> assert
# --- old
def parse_port(text: str) -> int:
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"port out of range: {port}")
    return port
# --- new
def parse_port(text: str) -> int:
    port = int(text)
    assert 0 < port < 65536, f"port out of range: {port}"
    return port
