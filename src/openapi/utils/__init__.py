"""Call configuration: ``RetryConfig``, ``BackoffStrategy``, ``RetryQuota``, ``RequestOptions``
(and its keyword forms ``CallOptions``, ``PollOptions``), ``PollPolicy``.

Names load on first use, so a program that never waits never imports the polling policy
(the imports below are the list of exports: see ``openapi._lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openapi._lazy import lazy_exports

if TYPE_CHECKING:
    from openapi.utils.options import CallOptions as CallOptions
    from openapi.utils.options import PollOptions as PollOptions
    from openapi.utils.options import RequestOptions as RequestOptions
    from openapi.utils.polling import PollPolicy as PollPolicy
    from openapi.utils.retries import BackoffStrategy as BackoffStrategy
    from openapi.utils.retries import RetryConfig as RetryConfig
    from openapi.utils.retries import RetryQuota as RetryQuota

__getattr__, __dir__ = lazy_exports(__name__)
