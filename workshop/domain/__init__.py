"""The domain: what a workshop is and its rules, as pure functions and data; no SQL, no I/O.

It imports nothing of `workshop` outside `workshop.domain` (and never Streamlit): the
vocabulary (steps, dimensions, limits, the join code's shape), the read model (`Snapshot`)
and the rules every other wing applies.
"""
