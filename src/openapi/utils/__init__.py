"""Call configuration: ``RetryConfig``, ``BackoffStrategy`` and ``RequestOptions``."""

from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "RequestOptions", "RetryConfig"]
