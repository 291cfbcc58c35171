"""Dynamic checks: spec examples, generated inputs and probes run in the sandbox.

`assay.behaviour.inputs` makes inputs, `assay.behaviour.probes` runs candidates on them and turns
what they did into findings (family ``runtime``).
"""
