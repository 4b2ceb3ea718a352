"""Reading Vietnamese text (a resolution, a plan, a news article) into structured items.

A pure library: nothing here imports Django, so it runs in a script, a test or a worker alike.
"""
