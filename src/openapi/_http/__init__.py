"""THE request pipeline: every endpoint in ``openapi.funcs`` goes through ``request.call``.

One call flows one way through these modules::

    request.call      validate (path) -> URL -> headers -> first attempt -> retry -> Result
      attempt         one exchange under its deadline: the key callable, the request,
                      redirects (redirects), what the transport raised (transport_errors)
        decode        status matching, capped reads (bodies), the endpoint's success model
                      (openapi.models._converter), the error for anything else (failures)
      retry           the loop on ``backoff``: Retry-After or jittered exponential waits,
                      within the budget (budget)

``endpoint.Endpoint`` describes an API operation as data, ``state.Call`` is what one call
carries from attempt to attempt, and ``deadlines`` keeps every attempt's deadline on one
timer per core. ``fleet`` is what a core's calls share so that many of them never amplify
an outage: the retry quota (quota), the rate-limit gate (gate) and the poll window
(concurrency). Nothing here knows a particular endpoint or schema.

The package itself imports nothing: ``openapi.core`` needs only ``deadlines`` and ``fleet``.
"""
