"""Dynamic checks: spec examples, generated inputs and probes run in the sandbox.

`assay.probe.inputs` makes inputs, `assay.probe.probes` runs candidates on them and turns
what they did into findings (family ``runtime``).
"""
