"""Statistics that several stages share: random streams, resampling, ratios.

Nothing here knows about text; every function takes arrays and settings.
"""
