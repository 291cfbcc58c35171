"""Security: Bandit's checks, plus the holes LLM-written code commits that Bandit misses.

AS300 runs Bandit in-process (its test set and node visitor, no subprocess) and reports each
Bandit result with its test id, test name, CWE and Bandit's own severity and confidence.
AS301–AS330 follow values from where they come from (request data, ``input()``, parameters,
the environment) to where they do harm (`assay.rules._support.dataflow`, across the helper
functions and class attributes of one module), so that a constant or parameterised query stays
silent; others read the shape of web handlers (`_web`: routes, their methods, what they return). When an assay rule and Bandit report the same issue on the same line, the assay
finding wins and carries Bandit's test id in its evidence (``"bandit": [...]``); AS300 then
leaves that line alone.
"""

__all__: list[str] = []
