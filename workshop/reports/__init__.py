"""The reports: the Ship It summary and every file made from it (Markdown, PDF, sheets, CSV,
calendar), the charts and the tables they draw, and the downloads each audience is offered.

It may import `workshop.actions`, `workshop.store` and `workshop.domain`, and `workshop.backup`
only for the JSON backup that is one of the downloads.
"""
