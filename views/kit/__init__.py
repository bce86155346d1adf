"""What the pages share: the page plumbing (`ui`), the page registry and the projector's steps.

It may import anything in `workshop`; pages import it, never the other way round.
"""
