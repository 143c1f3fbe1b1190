"""Call configuration: ``RetryConfig``, ``BackoffStrategy``, ``RequestOptions``, ``PollPolicy``."""

from openapi.utils.options import RequestOptions
from openapi.utils.polling import PollPolicy
from openapi.utils.retries import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "PollPolicy", "RequestOptions", "RetryConfig"]
