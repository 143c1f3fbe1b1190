"""The machinery behind ``openapi.funcs.operations_wait`` (the documented entry point).

- ``_args``: every argument a wait takes, declared (``WaitManyArguments``) and checked once.
- ``_poller``: the polls and the cancel at a deadline (``Poller``, shared by the waits of
  one call) and what each waited operation keeps between polls (``PollState``).
- ``_loops``: waiting for one operation (``wait_one``) and watching it (``watch``).
- ``_due``: ``wait_many``'s heap of due polls, one timer, and the demand gate.
- ``_many``: ``wait_many``'s workers, each wait's deadline, and ``WaitMany``.
"""
