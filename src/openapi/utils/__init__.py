"""Call configuration: ``RetryConfig``, ``BackoffStrategy``, ``RequestOptions``, ``PollPolicy``.

Names load on first use, so a program that never waits never imports the polling policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openapi._lazy import lazy_attributes

if TYPE_CHECKING:
    from openapi.utils.options import RequestOptions as RequestOptions
    from openapi.utils.polling import PollPolicy as PollPolicy
    from openapi.utils.retries import BackoffStrategy as BackoffStrategy
    from openapi.utils.retries import RetryConfig as RetryConfig

__all__ = ["BackoffStrategy", "PollPolicy", "RequestOptions", "RetryConfig"]

_HOMES: dict[str, str] = {
    "BackoffStrategy": "openapi.utils.retries",
    "PollPolicy": "openapi.utils.polling",
    "RequestOptions": "openapi.utils.options",
    "RetryConfig": "openapi.utils.retries",
}


__getattr__, __dir__ = lazy_attributes(__name__, _HOMES)
