"""The newsroom's workflow: who may move a claim or a review, and to where.

Every state change goes through a function here (or in ``claims.publishing.verdicts`` for
the moves that reach readers). Each one checks the user's permission on the server, validates
the move, records who made it and why in the history, and refuses an illegal move with a
message the admin shows as is.
"""
