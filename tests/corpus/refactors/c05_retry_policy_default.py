# entry: retry_policy
# expect: changed
# input: configs without a "retries" key (default 3 became 5)
# witness: ({},)
# edit: changed the fallback value
# --- old
def retry_policy(config: dict[str, int]) -> tuple[int, int]:
    retries = config.get("retries", 3)
    timeout = config.get("timeout_s", 30)
    return retries, timeout
# --- new
DEFAULT_RETRIES = 5
DEFAULT_TIMEOUT_S = 30


def retry_policy(config: dict[str, int]) -> tuple[int, int]:
    return config.get("retries", DEFAULT_RETRIES), config.get("timeout_s", DEFAULT_TIMEOUT_S)
