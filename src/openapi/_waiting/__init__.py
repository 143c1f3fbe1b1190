"""The machinery behind ``openapi.funcs.operations_wait`` (the documented entry point).

- ``_args``: every argument a wait takes, checked once, for all three ways to wait.
- ``_poller``: one operation's polls, its deadline's error and the cancel sent then.
- ``_loops``: waiting for one operation (``wait_one``) and watching it (``watch``).
- ``_many``: waiting for many with bounded concurrency, polled only on demand.
"""
